import type { EntityManager } from '@mikro-orm/postgresql';
import { readTogether } from '../db/read-together';
import { AdequacyScope, Country } from './country.entity';
import { Regime } from './regime';
import { RegimeAdequacy } from './regime-adequacy.entity';

/** A country's adequacy under one regime. */
export interface RegimeStanding {
  adequacy: AdequacyScope;
  /** Who a partial finding covers. */
  note?: string | null;
  /** YYYY-MM-DD from when the finding applies; before it the country has no adequacy under the regime. */
  since?: string | null;
}

/** What the transfer rules need to know about a country; a `Country` entity satisfies it for the EU regime. */
export interface CountryStanding {
  code: string;
  /** Only used to make messages readable, such as "IN (India)". */
  name?: string | null;
  /** True for EEA states and for their territories where the GDPR applies (RE, AX: see Country.memberState). */
  inEEA: boolean;
  /** Adequacy under the EU GDPR (the Commission's decisions). */
  adequacy: AdequacyScope;
  adequacyNote?: string | null;
  /** Adequacy under the UK and Swiss regimes; a regime missing here has not found the country adequate. */
  regimes?: Partial<Record<Regime, RegimeStanding>>;
}

/** One entry of the UK or Swiss adequacy list, as stored in `regime_adequacy`. */
export interface RegimeAdequacyRow {
  regime: Regime;
  country: string;
  scope: AdequacyScope;
  note: string | null;
  instrument: string;
  since: string | null;
  verified: boolean;
  assumed: string | null;
}

/** The country's adequacy under `regime`, on `today` (YYYY-MM-DD) when given: a finding not yet in force is none. */
export function standingUnder(country: CountryStanding, regime: Regime, today?: string | null): RegimeStanding {
  if (regime === Regime.EU_GDPR) return { adequacy: country.adequacy, note: country.adequacyNote ?? null };
  const standing = country.regimes?.[regime];
  if (!standing || (standing.since && today && today < standing.since)) return { adequacy: AdequacyScope.NONE };
  return standing;
}

/** Countries with their UK and Swiss standing joined from the regime lists, by code. */
export function withRegimes(
  countries: readonly Pick<CountryStanding, 'code' | 'name' | 'inEEA' | 'adequacy' | 'adequacyNote'>[],
  rows: readonly Pick<RegimeAdequacyRow, 'regime' | 'country' | 'scope' | 'note' | 'since'>[],
): Map<string, CountryStanding> {
  const standings = new Map<string, CountryStanding>(
    countries.map((c) => [c.code, { code: c.code, name: c.name, inEEA: c.inEEA, adequacy: c.adequacy, adequacyNote: c.adequacyNote ?? null, regimes: {} }]),
  );
  for (const row of rows) {
    const country = standings.get(row.country);
    if (country) country.regimes![row.regime] = { adequacy: row.scope, note: row.note, since: row.since };
  }
  return standings;
}

/** The standing of each known country among `codes` under every regime, in two statements. */
export async function loadStandings(em: EntityManager, codes: readonly string[]): Promise<Map<string, CountryStanding>> {
  const wanted = [...new Set(codes)];
  if (wanted.length === 0) return new Map();
  const [countries, rows] = await readTogether(em, [
    () => em.find(Country, { code: { $in: wanted } }),
    () => em.find(RegimeAdequacy, { country: { $in: wanted } }),
  ]);
  return withRegimes(
    countries,
    rows.map((row) => ({ regime: row.regime, country: row.country.code, scope: row.scope, note: row.note ?? null, since: row.since ?? null })),
  );
}
