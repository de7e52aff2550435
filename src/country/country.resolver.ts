import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Connection, PageArgs } from '../common/connection';
import { paginateRows } from '../db/paginate';
import type { RequestContext } from '../common/context';
import type { Loaders } from '../db/loaders';
import { readRows, textArray } from '../db/rows';
import { AdequacyScope, Country } from './country.entity';
import { Regime } from './regime';

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

  @FieldResolver(() => AdequacyScope, {
    description:
      "Adequacy under a regime's list: EU_GDPR the Commission's decisions (the same as `adequacy`), UK_GDPR the UK's adequacy " +
      "regulations, SWISS_FADP the Federal Council's list (DPO Annex 1); seeds/reference/adequacy-regimes.json names each " +
      "entry's source. A regime's own territory is inside it, not adequate (NONE): from the UK and Switzerland the EEA is FULL.",
  })
  async adequacyUnder(@Root() country: Country, @Arg('regime', () => Regime) regime: Regime, @Ctx() { loaders }: RequestContext) {
    if (regime === Regime.EU_GDPR) return country.adequacy ?? (await loaders.byKey(Country, ['adequacy']).load(country.code))?.adequacy;
    return (await regimeAdequacy(loaders).load(`${country.code}|${regime}`)) ?? AdequacyScope.NONE;
  }
}

/** The UK and Swiss adequacy of every (country, regime) a request asks for, in one statement. */
function regimeAdequacy(loaders: Loaders) {
  return loaders.custom<string, AdequacyScope | null>('regime-adequacy', async (keys) => {
    const rows = await readRows<{ key: string; scope: AdequacyScope }>(
      loaders.em,
      `select country_code || '|' || regime::text as key, scope from regime_adequacy where country_code || '|' || regime::text = any(?::text[])`,
      [textArray(keys)],
    );
    const byKey = new Map(rows.map((row) => [row.key, row.scope]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}
