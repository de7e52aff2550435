import type { EntityManager } from '@mikro-orm/postgresql';
import countryList from '../../seeds/reference/countries.json';
import jurisdictions from '../../seeds/reference/jurisdictions.json';
import { AdequacyScope, Country } from './country.entity';

/** EEA territories with codes of their own (RE, AX), by the member state they belong to (FR, FI). */
export const EEA_TERRITORIES: Readonly<Record<string, string>> = jurisdictions.eeaTerritories.members;

/**
 * Countries with their EEA membership and adequacy, from the bundled reference data. A territory of a member
 * state (RE, AX) is in the EEA and points to its member state.
 */
export function referenceCountries(): Country[] {
  const eea = new Set([...jurisdictions.eea, ...Object.keys(EEA_TERRITORIES)]);
  const adequacy = new Map(jurisdictions.adequacy.map((a) => [a.code, a as { code: string; scope: string; note?: string; decision?: string }]));
  return countryList.countries.map(({ code, name }) => {
    const decision = adequacy.get(code);
    return Object.assign(new Country(), {
      code,
      name,
      inEEA: eea.has(code),
      adequacy: decision ? (decision.scope === 'full' ? AdequacyScope.FULL : AdequacyScope.PARTIAL) : AdequacyScope.NONE,
      adequacyNote: decision?.note ?? null,
      adequacyDecision: decision?.decision ?? null,
      memberStateCode: Object.hasOwn(EEA_TERRITORIES, code) ? EEA_TERRITORIES[code] : null,
    });
  });
}

/** Adds the countries a database lacks. Existing rows are editable data and are left as they are. */
export async function ensureCountries(em: EntityManager): Promise<number> {
  const present = new Set((await em.find(Country, {}, { fields: ['code'] })).map((c) => c.code));
  const missing = referenceCountries().filter((c) => !present.has(c.code));
  if (missing.length > 0) await em.insertMany(Country, missing);
  return missing.length;
}
