import { Arg, Args, ArgsType, Ctx, Field, ID, Query, Resolver } from 'type-graphql';
import { Connection, PageArgs } from '../common/connection';
import { paginateRows } from '../db/paginate';
import type { RequestContext } from '../server/context';
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
}
