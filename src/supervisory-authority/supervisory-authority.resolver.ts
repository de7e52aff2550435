import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../common/context';
import { Country } from '../country/country.entity';
import { SUPERVISORY_AUTHORITIES, type AuthorityEntry } from './supervisory-authority.reference';
import { SupervisoryAuthority } from './supervisory-authority.types';

/** The GraphQL view of a table entry. */
export function supervisoryAuthority(entry: AuthorityEntry): SupervisoryAuthority {
  return {
    code: entry.code,
    name: entry.name,
    officialName: entry.officialName,
    website: entry.website,
    law: entry.law,
    notes: entry.notes,
    sources: entry.sources.map((source) => ({ ...source })),
    verified: entry.verified,
    uncertainty: entry.uncertainty,
    countryCode: entry.country,
  };
}

@Resolver(() => SupervisoryAuthority)
export class SupervisoryAuthorityResolver {
  @Query(() => [SupervisoryAuthority], { description: 'Every supervisory authority the breach register knows, in code order.' })
  supervisoryAuthorities() {
    return [...SUPERVISORY_AUTHORITIES].sort((a, b) => a.code.localeCompare(b.code)).map(supervisoryAuthority);
  }

  @FieldResolver(() => Country, { description: 'The state whose residents it protects.' })
  country(@Root() authority: SupervisoryAuthority, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Country).load(authority.countryCode);
  }
}
