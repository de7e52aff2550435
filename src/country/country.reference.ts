import type { EntityManager } from '@mikro-orm/postgresql';
import countryList from '../../seeds/reference/countries.json';
import adequacyRegimes from '../../seeds/reference/adequacy-regimes.json';
import jurisdictions from '../../seeds/reference/jurisdictions.json';
import { AdequacyScope, Country } from './country.entity';
import { Regime, REGIME_LAWS } from './regime';
import { RegimeAdequacy } from './regime-adequacy.entity';
import { withRegimes, type CountryStanding, type RegimeAdequacyRow } from './country.standing';

/** EEA territories with codes of their own (RE, AX), by the member state they belong to (FR, FI). */
export const EEA_TERRITORIES: Readonly<Record<string, string>> = jurisdictions.eeaTerritories.members;

/** The EEA states and their territories: what "EEA" stands for in the adequacy lists. */
const EEA = [...jurisdictions.eea, ...Object.keys(EEA_TERRITORIES)];

/** One entry of a regime's adequacy list, as `seeds/reference/adequacy-regimes.json` gives it. */
interface AdequacyEntry {
  code: string;
  scope: string;
  scope_detail: string | null;
  instrument: string;
  date: string | null;
  verified: boolean;
  assumed?: string;
}

/**
 * A regime's adequacy list by ISO code: "EEA" expands to every EEA state and territory; entries without a
 * country code (the EPO, EU institutions) are not countries and stay in the file for reference only.
 */
function adequacyList(regime: Regime): Map<string, AdequacyEntry> {
  const entries = adequacyRegimes[REGIME_LAWS[regime].list] as AdequacyEntry[];
  const byCode = new Map<string, AdequacyEntry>();
  for (const entry of entries) {
    for (const code of entry.code === 'EEA' ? EEA : [entry.code]) {
      if (/^[A-Z]{2}$/.test(code)) byCode.set(code, entry);
    }
  }
  return byCode;
}

const scopeOf = (entry: AdequacyEntry) => (entry.scope === 'FULL' ? AdequacyScope.FULL : AdequacyScope.PARTIAL);

/**
 * Countries with their EEA membership and EU adequacy, from the bundled reference data. A territory of a member
 * state (RE, AX) is in the EEA and points to its member state.
 */
export function referenceCountries(): Country[] {
  const eea = new Set(EEA);
  const adequacy = adequacyList(Regime.EU_GDPR);
  return countryList.countries.map(({ code, name }) => {
    const decision = adequacy.get(code);
    return Object.assign(new Country(), {
      code,
      name,
      inEEA: eea.has(code),
      adequacy: decision ? scopeOf(decision) : AdequacyScope.NONE,
      adequacyNote: decision?.scope_detail ?? null,
      adequacyDecision: decision?.instrument ?? null,
      memberStateCode: Object.hasOwn(EEA_TERRITORIES, code) ? EEA_TERRITORIES[code] : null,
    });
  });
}

/** The UK and Swiss adequacy lists, one row per country listed (the EU's is on the countries themselves). */
export function referenceRegimeAdequacy(): RegimeAdequacyRow[] {
  const known = new Set(countryList.countries.map((c) => c.code));
  return [Regime.UK_GDPR, Regime.SWISS_FADP].flatMap((regime) =>
    [...adequacyList(regime)]
      .filter(([code]) => known.has(code))
      .map(([code, entry]) => ({
        regime,
        country: code,
        scope: scopeOf(entry),
        note: entry.scope_detail,
        instrument: entry.instrument,
        since: entry.date,
        verified: entry.verified,
        assumed: entry.assumed ?? null,
      })),
  );
}

/** The reference countries with their standing under every regime: what offline validation (`datamap validate`) judges with. */
export function referenceStandings(): CountryStanding[] {
  return [...withRegimes(referenceCountries(), referenceRegimeAdequacy()).values()];
}

/** Adds the countries and regime adequacy entries a database lacks. Existing rows are editable data and are left as they are. */
export async function ensureCountries(em: EntityManager): Promise<number> {
  const present = new Set((await em.find(Country, {}, { fields: ['code'] })).map((c) => c.code));
  const missing = referenceCountries().filter((c) => !present.has(c.code));
  if (missing.length > 0) await em.insertMany(Country, missing);
  const listed = new Set((await em.find(RegimeAdequacy, {})).map((row) => `${row.regime}|${row.country.code}`));
  const unlisted = referenceRegimeAdequacy().filter((row) => !listed.has(`${row.regime}|${row.country}`));
  if (unlisted.length > 0) await em.insertMany(RegimeAdequacy, unlisted);
  return missing.length;
}
