import type { ValidationProblem } from '../common/errors';
import { invalidKeyMessage, isValidKey } from '../common/keys';
import { looksLikeLink, webUrlProblem } from '../common/url';
import { TransferMechanism } from './transfer-mechanism';
import {
  CONTROLLER_TO_PROCESSOR,
  headquartersFlawMessage,
  judgeTransfer,
  validateLocation,
  type CountryStanding,
  type DpfCertification,
  type SafeguardFacts,
  type ValidatedSafeguard,
} from './transfer-rules';

/** The fields of a processor that the registry checks, as the API input and a manifest entry both give them. */
export interface ProcessorFields {
  key?: string;
  name?: string | null;
  service?: string | null;
  headquarters?: string | null;
  locations?:
    | readonly {
        country: string;
        mechanism?: TransferMechanism | null;
        reference?: string | null;
        dpf?: DpfCertification | null;
        safeguards?: readonly SafeguardFacts[] | null;
      }[]
    | null;
  dataCategories?: readonly string[] | null;
  activities?: readonly string[] | null;
  legalName?: string | null;
  description?: string | null;
  dpaReference?: string | null;
  website?: string | null;
  subjectToGdpr?: boolean | null;
}

/** The longest text each field of a processor takes: a name is a line, a description a few pages. */
export const TEXT_LIMITS = {
  name: 200,
  legalName: 200,
  service: 200,
  dpaReference: 2000,
  website: 2000,
  description: 10_000,
} as const;
const MAX_LOCATION_REFERENCE = 2000;

/** What a processor may refer to: from the database for the API, from a manifest (and the database) for the CLI. */
export interface ProcessorReferences {
  country(code: string): CountryStanding | undefined;
  hasCategory(key: string): boolean;
  hasActivity(key: string): boolean;
}

export interface CheckedLocation {
  country: string;
  mechanism: TransferMechanism | null;
  reference: string | null;
  dpf: { certification: string | null; reviewDue: string | null } | null;
  /** Its UK and Swiss safeguards, in regime order (its own fields are its EU_GDPR one). */
  safeguards: ValidatedSafeguard[];
}

export interface ProcessorCheck {
  problems: ValidationProblem[];
  /** The locations as they will be stored: country codes upper-cased, mechanisms resolved by the transfer rules. */
  locations: CheckedLocation[];
}

/** The keys a processor input refers to, so that a caller can load them in one query per kind. */
export function referencedKeys(input: ProcessorFields) {
  return {
    countries: [input.headquarters, ...(input.locations ?? []).map((l) => l.country)]
      .filter((code): code is string => Boolean(code))
      .map((code) => code.toUpperCase()),
    categories: [...(input.dataCategories ?? [])],
    activities: [...(input.activities ?? [])],
  };
}

/**
 * Checks a processor as registered, updated or declared in a manifest, and reports every problem at once, each
 * naming its field (under `path`, such as `input` or `processors[2]`) and value. Fields absent from the input
 * (an update leaves them unchanged) are not checked.
 */
export function checkProcessor(input: ProcessorFields, refs: ProcessorReferences, path: string): ProcessorCheck {
  const problems: ValidationProblem[] = [];
  const report = (field: string, value: unknown, rule: string) =>
    problems.push({ field: `${path}.${field}`, value, message: `${path}.${field}: ${rule}` });

  if (input.key !== undefined && !isValidKey(input.key)) {
    report('key', input.key, invalidKeyMessage(input.key));
  }
  const tooLong = (field: string, value: string | null | undefined, max: number) => {
    if (typeof value === 'string' && value.length > max) report(field, `${value.slice(0, 20)}…`, `is ${value.length} characters long; at most ${max} are allowed`);
  };
  for (const [field, max] of Object.entries(TEXT_LIMITS)) tooLong(field, input[field as keyof typeof TEXT_LIMITS], max);
  (input.locations ?? []).forEach((location, i) => {
    tooLong(`locations[${i}].reference`, location.reference, MAX_LOCATION_REFERENCE);
    (location.safeguards ?? []).forEach((safeguard, j) =>
      tooLong(`locations[${i}].safeguards[${j}].reference`, safeguard.reference, MAX_LOCATION_REFERENCE),
    );
  });
  for (const field of ['name', 'service'] as const) {
    const value = input[field];
    if (value !== undefined && !value?.trim()) report(field, value, 'must not be empty');
  }
  // Links: the website always; a DPA reference when written as one (else it names a document). A DPF certification
  // is held to the DPF List's own form (`dpfFormProblems`), which no other link passes.
  const linkProblem = (field: string, value: string | null | undefined, always: boolean) => {
    const text = value?.trim();
    const problem = text && (always || looksLikeLink(text)) ? webUrlProblem(text) : null;
    if (problem) report(field, value, problem);
  };
  linkProblem('website', input.website, true);
  linkProblem('dpaReference', input.dpaReference, false);
  if (input.headquarters !== undefined && !refs.country(input.headquarters?.toUpperCase() ?? '')) {
    report('headquarters', input.headquarters, `unknown country "${input.headquarters}": use an ISO 3166-1 alpha-2 code such as "DE"`);
  }
  for (const [field, keys, known, what] of [
    ['dataCategories', input.dataCategories, refs.hasCategory, 'data category'],
    ['activities', input.activities, refs.hasActivity, 'processing activity'],
  ] as const) {
    (keys ?? []).forEach((key, i) => {
      if (!isValidKey(key)) report(`${field}[${i}]`, key, invalidKeyMessage(key));
      else if (!known(key)) report(`${field}[${i}]`, key, `unknown ${what} "${key}"`);
    });
  }

  const locations: CheckedLocation[] = [];
  const seen = new Set<string>();
  (input.locations ?? []).forEach((location, i) => {
    const code = location.country.toUpperCase();
    const country = refs.country(code);
    if (!country) {
      report(`locations[${i}].country`, location.country, `unknown country "${location.country}": use an ISO 3166-1 alpha-2 code such as "DE"`);
      return;
    }
    if (seen.has(code)) {
      report(`locations[${i}].country`, location.country, `"${code}" is listed twice: give each country one location`);
      return;
    }
    seen.add(code);
    const checked = validateLocation(
      { country, mechanism: location.mechanism, reference: location.reference, dpf: location.dpf, safeguards: location.safeguards },
      `${path}.locations[${i}]`,
    );
    problems.push(...checked.problems);
    locations.push({ country: code, mechanism: checked.mechanism, reference: checked.reference, dpf: checked.dpf, safeguards: checked.safeguards });
  });
  if (input.locations && input.locations.length === 0 && input.headquarters) {
    const problem = headquartersProblem(refs.country(input.headquarters.toUpperCase()), `${path}.locations`);
    if (problem) problems.push(problem);
  }
  return { problems, locations };
}

/**
 * A processor that records no location is judged at its headquarters, with no mechanism (`transferLocations`).
 * Null when that transfer is safeguarded (an EEA or fully adequate headquarters) or the country is unknown.
 */
export function headquartersProblem(headquarters: CountryStanding | undefined, field: string): ValidationProblem | null {
  if (!headquarters) return null;
  const { flaw } = judgeTransfer({ ...CONTROLLER_TO_PROCESSOR, destination: headquarters });
  if (!flaw) return null;
  return { field, value: [], message: `${field}: ${headquartersFlawMessage(headquarters, flaw)}` };
}
