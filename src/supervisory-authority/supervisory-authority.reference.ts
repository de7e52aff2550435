import table from '../../seeds/reference/supervisory-authorities.json';

/**
 * The supervisory authorities a breach may be owed to (the 30 EEA states', the ICO, the FDPIC), from
 * `seeds/reference/supervisory-authorities.json`, each with its law and sources. The one loader of that file.
 */

/** The lowest risk at which an authority is told, in the order of `BreachRisk` (a string, to keep this module free of the breach domain). */
export type NoticeThreshold = 'RISK' | 'HIGH_RISK';

export interface AuthorityEntry {
  code: string;
  /** ISO 3166-1 alpha-2 of the state whose residents it protects. */
  country: string;
  name: string;
  officialName: string;
  acronym: string | null;
  website: string;
  noticeFrom: NoticeThreshold;
  law: string;
  notes: string | null;
  sources: readonly { title: string; url: string | null }[];
  verified: boolean;
  nativeNameVerified: boolean;
  uncertainty: string | null;
}

function checked(entries: readonly AuthorityEntry[]): readonly AuthorityEntry[] {
  const countries = new Set<string>();
  for (const entry of entries) {
    if (!/^[A-Z]{2}-[A-Z0-9-]+$/.test(entry.code) || !entry.code.startsWith(`${entry.country}-`)) {
      throw new Error(`seeds/reference/supervisory-authorities.json: code ${entry.code} must start with its country ${entry.country}`);
    }
    if (countries.has(entry.country)) throw new Error(`seeds/reference/supervisory-authorities.json: two authorities for ${entry.country}`);
    if (entry.noticeFrom !== 'RISK' && entry.noticeFrom !== 'HIGH_RISK') {
      throw new Error(`seeds/reference/supervisory-authorities.json: ${entry.code} has noticeFrom ${String(entry.noticeFrom)}`);
    }
    countries.add(entry.country);
  }
  return entries;
}

export const SUPERVISORY_AUTHORITIES: readonly AuthorityEntry[] = checked(table.authorities as AuthorityEntry[]);

const BY_CODE = new Map(SUPERVISORY_AUTHORITIES.map((entry) => [entry.code, entry]));
const BY_COUNTRY = new Map(SUPERVISORY_AUTHORITIES.map((entry) => [entry.country, entry]));

export const authorityByCode = (code: string): AuthorityEntry | null => BY_CODE.get(code) ?? null;
/** The authority of a state (of its residents); null where the table has none. */
export const authorityOfCountry = (country: string): AuthorityEntry | null => BY_COUNTRY.get(country) ?? null;
