import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { loadReference } from '../common/registry.resolver';
import type { RequestContext } from '../common/context';
import { Purpose } from './purpose.entity';

@Resolver(() => Purpose)
export class PurposeResolver {
  @FieldResolver(() => Purpose, { nullable: true, description: 'The broader purpose; null at the top.' })
  parent(@Root() purpose: Readonly<Purpose>, @Ctx() ctx: RequestContext) {
    return loadReference(ctx, Purpose, purpose.parent);
  }

  @FieldResolver(() => [Purpose], { description: 'The narrower purposes, in key order.' })
  children(@Root() purpose: Readonly<Purpose>, @Ctx() { loaders }: RequestContext) {
    return loaders.relation(Purpose, 'children').load(purpose.key);
  }
}
