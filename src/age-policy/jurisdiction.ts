import reference from '../../seeds/reference/subdivisions.json';
import { badInput } from '../common/errors';

/**
 * A jurisdiction for age rules, rights requests and subject profiles: an ISO 3166-1 alpha-2 country ("DE") or an
 * ISO 3166-2 subdivision ("CA-QC"). A subdivision must be one ISO 3166-2 lists for its country
 * (seeds/reference/subdivisions.json); whether the country exists is a question for the country table.
 */
export interface Jurisdiction {
  /** The uppercase code as given: "DE" or "CA-QC". */
  code: string;
  /** Its country: "DE", or "CA" for "CA-QC". */
  country: string;
  /** The subdivision code when one was given ("CA-QC"), else null. */
  subdivision: string | null;
}

const COUNTRY_PATTERN = /^[A-Z]{2}$/;
const SUBDIVISION_PATTERN = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;

/** ISO 3166-2 subdivisions by country, for every ISO 3166-1 country (an empty list where there are none). */
const SUBDIVISIONS: Readonly<Record<string, readonly string[]>> = reference.subdivisions;

export class JurisdictionFormatError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    message = `${field} ${JSON.stringify(value) ?? String(value)} is not an ISO 3166-1 alpha-2 country code such as "DE" ` +
      'or an ISO 3166-2 subdivision such as "CA-QC"',
  ) {
    super(message);
    this.name = 'JurisdictionFormatError';
  }
}

/** The message for a well-formed subdivision code that ISO 3166-2 does not list for its (known) country. */
function unknownSubdivisionMessage(field: string, code: string, country: string, known: readonly string[]): string {
  const listed = known.length === 0 ? `${country} has none` : `${country} has ${known.length}, such as "${known[0]}"`;
  return `${field} "${code}" is not an ISO 3166-2 subdivision of ${country} (${listed}); give the country alone, "${country}", when the subdivision is not known`;
}

/** Reads a country or subdivision code, ignoring case; `field` names the input in the error. */
export function parseJurisdiction(value: string, field: string): Jurisdiction {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (COUNTRY_PATTERN.test(code)) return { code, country: code, subdivision: null };
  if (!SUBDIVISION_PATTERN.test(code)) throw new JurisdictionFormatError(field, value);
  const country = code.slice(0, 2);
  // A country ISO 3166-1 does not know is reported against the country table (unknownCountryMessage).
  const known = Object.hasOwn(SUBDIVISIONS, country) ? SUBDIVISIONS[country] : undefined;
  if (known && !known.includes(code)) throw new JurisdictionFormatError(field, value, unknownSubdivisionMessage(field, code, country, known));
  return { code, country, subdivision: code };
}

/** The message for a well-formed code whose country is not in the country table. */
export function unknownCountryMessage(field: string, jurisdiction: Jurisdiction): string {
  const unknown = `"${jurisdiction.country}" is not a known ISO 3166-1 alpha-2 country code`;
  if (!jurisdiction.subdivision) return `${field} ${unknown}`;
  return `${field} "${jurisdiction.code}" names an unknown country: ${unknown}`;
}

/** The name a message gives an input: `country` for the path `input.country`. */
export const fieldName = (path: string) => path.slice(path.lastIndexOf('.') + 1);

/** parseJurisdiction for a client's input: a malformed code is BAD_USER_INPUT on `path` (such as `input.country`). */
export function jurisdictionInput(value: string, path: string): Jurisdiction {
  try {
    return parseJurisdiction(value, fieldName(path));
  } catch (error) {
    if (error instanceof JurisdictionFormatError) throw badInput(error.message, { field: path, value });
    throw error;
  }
}
