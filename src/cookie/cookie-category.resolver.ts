import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { loadReference } from '../common/registry.resolver';
import { Consent } from '../consent/consent.entity';
import type { RequestContext } from '../common/context';
import { CookieCategory } from './cookie-category.entity';

@Resolver(() => CookieCategory)
export class CookieCategoryResolver {
  @FieldResolver(() => Consent, { nullable: true, description: 'The consent these cookies need; null for essential cookies.' })
  consent(@Root() category: Readonly<CookieCategory>, @Ctx() ctx: RequestContext) {
    return loadReference(ctx, Consent, category.consent);
  }
}
