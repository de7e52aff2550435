import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Connection, PageArgs } from '../common/connection';
import { paginateRows } from '../db/paginate';
import type { RequestContext } from '../common/context';
import { AdequacyScope, Country } from './country.entity';

const CountryConnection = Connection(Country);

@ArgsType()
class CountryListArgs extends PageArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only EEA members (true) or only third countries (false).' })
  inEEA?: boolean | null;

  @Field(() => AdequacyScope, { nullable: true, description: 'Only countries with this adequacy standing.' })
  adequacy?: AdequacyScope | null;
}

@Resolver(() => Country)
export class CountryResolver {
  @Query(() => CountryConnection, { description: 'Countries, in code order.' })
  countries(@Args() { inEEA, adequacy, ...page }: CountryListArgs, @Ctx() { loaders }: RequestContext) {
    const where = {
      ...(inEEA === null || inEEA === undefined ? {} : { inEEA }),
      ...(adequacy ? { adequacy } : {}),
    };
    return paginateRows(loaders, Country, where, page, 'code');
  }

  @Query(() => Country, { nullable: true, description: 'One country by ISO 3166-1 alpha-2 code; null when unknown.' })
  country(@Arg('code', () => ID) code: string, @Ctx() { loaders }: RequestContext) {
    return loaders.byKey(Country).load(code.toUpperCase());
  }

  @FieldResolver(() => Country, {
    nullable: true,
    description:
      'For a territory with a code of its own where the GDPR applies (RE, GP, MQ, GF, YT, MF; AX): the member state it ' +
      'belongs to (FR; FI), whose EEA membership, adequacy and Art. 8 age apply there. Null for every other country.',
  })
  memberState(@Root() country: Country, @Ctx() { loaders }: RequestContext) {
    return country.memberStateCode ? loaders.byKey(Country).load(country.memberStateCode) : null;
  }
}
