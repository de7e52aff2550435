import type { ValidationProblem } from '../common/errors';
import { invalidKeyMessage, isValidKey } from '../common/keys';
import { looksLikeLink, webUrlProblem } from '../common/url';
import { hopParties, MAX_CHAIN_DEPTH, RecipientRole } from './recipient-role';
import { TransferMechanism } from './transfer-mechanism';
import {
  CONTROLLER_TO_PROCESSOR,
  headquartersFlawMessage,
  judgeTransfer,
  validateLocation,
  type CountryStanding,
  type DpfCertification,
  type SafeguardFacts,
  type TransferParties,
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
  role?: RecipientRole | null;
  engagedBy?: string | null;
  jointArrangement?: string | null;
  saleOrShare?: boolean | null;
}

/** Who engaged a recipient, and what it is: one link of a chain of engagement. */
export interface Engagement {
  role: RecipientRole;
  /** The engaging processor's key; null when the organisation engaged it. */
  engagedBy: string | null;
}

/** The longest text each field of a processor takes: a name is a line, a description a few pages. */
export const TEXT_LIMITS = {
  name: 200,
  legalName: 200,
  service: 200,
  dpaReference: 2000,
  website: 2000,
  description: 10_000,
  jointArrangement: 2000,
} as const;
const MAX_LOCATION_REFERENCE = 2000;

/** What a processor may refer to: from the database for the API, from a manifest (and the database) for the CLI. */
export interface ProcessorReferences {
  country(code: string): CountryStanding | undefined;
  hasCategory(key: string): boolean;
  hasActivity(key: string): boolean;
  /**
   * Every recipient's engagement as it will stand once the input is applied (the input's own included): its
   * engager's role decides the parties of its transfers, and the whole map decides whether a chain cycles or is too deep.
   */
  engagements: ReadonlyMap<string, Engagement>;
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

  const role = input.role ?? RecipientRole.PROCESSOR;
  const engager = input.engagedBy ? refs.engagements.get(input.engagedBy) : undefined;
  problems.push(...recipientProblems(input, role, refs, path));
  // A hop is judged with its own parties: the organisation, or the engager, sends to this recipient.
  const parties = hopParties(input.engagedBy ? (engager?.role ?? RecipientRole.PROCESSOR) : null, role);

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
      parties,
    );
    problems.push(...checked.problems);
    locations.push({ country: code, mechanism: checked.mechanism, reference: checked.reference, dpf: checked.dpf, safeguards: checked.safeguards });
  });
  if (input.locations && input.locations.length === 0 && input.headquarters) {
    const problem = headquartersProblem(refs.country(input.headquarters.toUpperCase()), `${path}.locations`, parties);
    if (problem) problems.push(problem);
  }
  return { problems, locations };
}

/**
 * A processor that records no location is judged at its headquarters, with no mechanism (`transferLocations`).
 * Null when that transfer is safeguarded (an EEA or fully adequate headquarters) or the country is unknown.
 */
export function headquartersProblem(
  headquarters: CountryStanding | undefined,
  field: string,
  parties: TransferParties = CONTROLLER_TO_PROCESSOR,
): ValidationProblem | null {
  if (!headquarters) return null;
  const { flaw } = judgeTransfer({ ...parties, destination: headquarters });
  if (!flaw) return null;
  return { field, value: [], message: `${field}: ${headquartersFlawMessage(headquarters, flaw)}` };
}

/**
 * The rules of a recipient's role and engagement: a joint controller names its Art. 26 arrangement; only a
 * controller recipient can be a CCPA sale or sharing (a processor is a service provider, §1798.140(ag)); a
 * sub-processor is a processor, engaged by a known recipient, and serves its engager's activities with the data its
 * engager receives (Art. 28(4)); a chain never cycles and is at most MAX_CHAIN_DEPTH deep.
 */
function recipientProblems(input: ProcessorFields, role: RecipientRole, refs: ProcessorReferences, path: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const report = (field: string, value: unknown, rule: string) =>
    problems.push({ field: `${path}.${field}`, value, message: `${path}.${field}: ${rule}` });
  if (input.role !== undefined || input.jointArrangement !== undefined) {
    if (role === RecipientRole.JOINT_CONTROLLER && !input.jointArrangement?.trim()) {
      report('jointArrangement', input.jointArrangement ?? null, 'a JOINT_CONTROLLER needs the reference of its arrangement with the organisation (Art. 26(1))');
    }
    if (role !== RecipientRole.JOINT_CONTROLLER && input.jointArrangement?.trim()) {
      report('jointArrangement', input.jointArrangement, `only a JOINT_CONTROLLER has an Art. 26 arrangement; this recipient is a ${role}`);
    }
  }
  if (input.saleOrShare && role === RecipientRole.PROCESSOR) {
    report(
      'saleOrShare',
      true,
      'a PROCESSOR acts on the organisation\'s instructions, so handing it data is neither a "sale" nor "sharing" under the CCPA ' +
        '(§1798.140(ad), (ah), (ag)); mark the recipient INDEPENDENT_CONTROLLER or JOINT_CONTROLLER if it uses the data for itself',
    );
  }
  if (!input.engagedBy) return problems;
  if (!isValidKey(input.engagedBy)) {
    report('engagedBy', input.engagedBy, invalidKeyMessage(input.engagedBy));
    return problems;
  }
  if (!refs.engagements.has(input.engagedBy)) {
    report('engagedBy', input.engagedBy, `unknown processor "${input.engagedBy}"`);
    return problems;
  }
  if (role !== RecipientRole.PROCESSOR) {
    report('role', role, `a sub-processor (engaged by "${input.engagedBy}") is a PROCESSOR: the engager hands it data to process on its behalf (Art. 28(4))`);
  }
  for (const field of ['activities', 'dataCategories'] as const) {
    if (input[field]?.length) {
      report(
        field,
        input[field],
        `a sub-processor serves the activities of "${input.engagedBy}", which engaged it, with the data "${input.engagedBy}" receives ` +
          `(Art. 28(4)): leave ${field} empty`,
      );
    }
  }
  if (input.key) {
    const problem = chainProblem(input.key, refs.engagements);
    if (problem) report('engagedBy', input.engagedBy, problem);
  }
  return problems;
}

/**
 * Whether the chain through `key` cycles, or is deeper than MAX_CHAIN_DEPTH counting the organisation's processor
 * as 1 and every sub-processor below `key`; null when it does neither. The message names the chain.
 */
export function chainProblem(key: string, engagements: ReadonlyMap<string, Engagement>): string | null {
  const upward = [key];
  for (let at = engagements.get(key)?.engagedBy ?? null; at !== null; at = engagements.get(at)?.engagedBy ?? null) {
    if (upward.includes(at)) {
      const cycle = [at, ...upward.slice(upward.indexOf(at)).reverse()];
      return `the chain ${cycle.map((k) => `"${k}"`).join(' → ')} is a cycle: a processor cannot be engaged, directly or through its sub-processors, by itself`;
    }
    upward.push(at);
    if (upward.length > MAX_CHAIN_DEPTH + 1) break;
  }
  const below = deepestBelow(key, engagements);
  const chain = [...upward.reverse(), ...below];
  if (chain.length <= MAX_CHAIN_DEPTH) return null;
  return (
    `the chain ${chain.map((k) => `"${k}"`).join(' → ')} is ${chain.length} recipients deep; a chain of engagement is at most ` +
    `${MAX_CHAIN_DEPTH} deep (the organisation's processor and its sub-processors): engage the last ones higher up the chain`
  );
}

/** Each recipient's sub-processors, worked out once per map of engagements. */
const childrenCache = new WeakMap<ReadonlyMap<string, Engagement>, Map<string, string[]>>();
function childrenOf(engagements: ReadonlyMap<string, Engagement>): Map<string, string[]> {
  let children = childrenCache.get(engagements);
  if (!children) {
    children = new Map();
    for (const [key, { engagedBy }] of engagements) if (engagedBy !== null) children.set(engagedBy, [...(children.get(engagedBy) ?? []), key]);
    childrenCache.set(engagements, children);
  }
  return children;
}

/** The longest chain of sub-processors below `key` (not including it), in order; a cycle below is cut where it closes. */
function deepestBelow(key: string, engagements: ReadonlyMap<string, Engagement>, seen: readonly string[] = [key]): string[] {
  let deepest: string[] = [];
  if (seen.length > MAX_CHAIN_DEPTH + 1) return deepest;
  for (const child of childrenOf(engagements).get(key) ?? []) {
    if (seen.includes(child)) continue;
    const below = [child, ...deepestBelow(child, engagements, [...seen, child])];
    if (below.length > deepest.length) deepest = below;
  }
  return deepest;
}
