import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { loadReference } from '../common/registry.resolver';
import { Country } from '../country/country.entity';
import type { RequestContext } from '../common/context';
import { Organization } from './organization.entity';

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => Organization, { nullable: true, description: 'The controller whose data map this is.' })
  async organization(@Ctx() { em }: RequestContext) {
    const [controller] = await em.find(Organization, {}, { orderBy: { key: 'asc' }, limit: 1 });
    return controller ?? null;
  }

  @FieldResolver(() => Country, { description: 'Where the controller is established.' })
  country(@Root() organization: Readonly<Organization>, @Ctx() ctx: RequestContext) {
    return loadReference(ctx, Country, organization.country);
  }
}
