import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Document, isNode, LineCounter, parseDocument, stringify } from 'yaml';
import { closest, distance } from 'fastest-levenshtein';
import { GraphQLError } from 'graphql';
import { ZodArray, ZodDefault, ZodEffects, ZodNullable, ZodObject, ZodOptional, type ZodIssue, type ZodTypeAny } from 'zod';
import { parentKeyOf } from '../common/keys';
import { loadStandings } from '../country/country.standing';
import { Organization } from '../organization/organization.entity';
import { Processor } from '../processor/processor.entity';
import { recordAudit, type Actor } from '../audit/audit.service';
import { MANIFEST_ACCESS } from '../auth/access';
import { ProcessorStatus } from '../processor/processor.entity';
import { mayDecideReview, storedEngagements, syncLocations, transitionProcessor } from '../processor/processor.service';
import { TRANSITIONS, type Transition } from '../processor/processor.workflow';
import type { RecipientChangeNotice } from '../subprocessor/recipient-notice.entity';
import type { TransferSettings } from '../common/context';
import { checkProcessor, type CheckedLocation, type Engagement } from '../processor/processor.validation';
import type { CountryStanding } from '../processor/transfer-rules';
import { entrySchemas, manifestInputSchema, organizationSchema, type Manifest, type ManifestInput } from './manifest.schema';
import { organizationSection, processorSection, sections, type Section } from './manifest.sections';

export interface ManifestProblem {
  /** Where in the manifest, such as `processors[2].locations[0].mechanism`. */
  path: string;
  message: string;
  line?: number;
  /** The key of the entry refused for the caller's roles. */
  key?: string;
}

export class ManifestInvalid extends Error {
  constructor(
    readonly source: string,
    readonly problems: ManifestProblem[],
  ) {
    super(problems.map((p) => `${source}${p.line ? `:${p.line}` : ''}: ${p.path}: ${p.message}`).join('\n'));
  }
}

export function pathOf(segments: readonly (string | number)[]): string {
  return segments.reduce<string>(
    (path, segment) => (typeof segment === 'number' ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment),
    '',
  );
}

export function lineOf(document: Document, lines: LineCounter, segments: readonly (string | number)[]): number | undefined {
  for (let depth = segments.length; depth > 0; depth--) {
    const node = document.getIn(segments.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** A parsed manifest, and where each of its paths sits in the file. */
export interface ParsedManifest {
  manifest: ManifestInput;
  source: string;
  /** The line of a path such as `processors[2].locations[0].mechanism`, or of its nearest enclosing node. */
  lineOf(path: string): number | undefined;
}

/** `processors[2].locations[0]` -> `['processors', 2, 'locations', 0]` */
function segmentsOf(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

/**
 * The zod schema at a path of the input schema, to name the fields an object there allows: `processors[0]` ->
 * the processor entry.
 */
function schemaAt(schema: ZodTypeAny, segments: readonly (string | number)[]): ZodTypeAny | undefined {
  let current: ZodTypeAny | undefined = schema;
  for (const segment of segments) {
    current = unwrap(current);
    if (current instanceof ZodArray && typeof segment === 'number') current = current.element;
    else if (current instanceof ZodObject && typeof segment === 'string') current = current.shape[segment];
    else return undefined;
  }
  return current && unwrap(current);
}

function unwrap(schema: ZodTypeAny | undefined): ZodTypeAny | undefined {
  let current = schema;
  while (current instanceof ZodOptional || current instanceof ZodNullable || current instanceof ZodDefault || current instanceof ZodEffects) {
    current = current instanceof ZodEffects ? current.innerType() : current._def.innerType;
  }
  return current;
}

/** The known field an unknown one was probably meant to be: within a third of its length in edits, at most 3. */
export function didYouMean(unknown: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const candidate = closest(unknown, [...known]);
  return distance(unknown, candidate) <= Math.min(3, Math.max(1, Math.ceil(unknown.length / 3))) ? candidate : undefined;
}

/** One problem per unknown field, each at its own path: `processors[0].dpaRefernce: unknown field; did you mean dpaReference?` */
function unknownFields(issue: ZodIssue & { code: 'unrecognized_keys' }): { segments: (string | number)[]; message: string }[] {
  const object = schemaAt(manifestInputSchema as unknown as ZodTypeAny, issue.path);
  const known = object instanceof ZodObject ? Object.keys(object.shape) : [];
  return issue.keys.map((field) => {
    const suggestion = didYouMean(field, known);
    return {
      segments: [...issue.path, field],
      message: `unknown field; ${suggestion ? `did you mean ${suggestion}?` : `expected one of ${known.join(', ')}`}`,
    };
  });
}

/** Parses and shape-checks a manifest, keeping its positions. Every problem is reported at once, with its path and line. */
export function readManifest(text: string, source = 'manifest'): ParsedManifest {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ManifestInvalid(
      source,
      document.errors.map((e) => ({ path: '(yaml)', message: e.message.split('\n')[0], line: lines.linePos(e.pos[0]).line })),
    );
  }
  const parsed = manifestInputSchema.safeParse(document.toJS());
  if (!parsed.success) {
    throw new ManifestInvalid(
      source,
      parsed.error.issues
        .flatMap((issue) => (issue.code === 'unrecognized_keys' ? unknownFields(issue) : [{ segments: issue.path, message: issue.message }]))
        .map(({ segments, message }) => ({ path: pathOf(segments) || '(root)', message, line: lineOf(document, lines, segments) })),
    );
  }
  return { manifest: parsed.data, source, lineOf: (path) => lineOf(document, lines, segmentsOf(path)) };
}

/** Parses and shape-checks a manifest. Every problem is reported at once, with its path and line. */
export function parseManifest(text: string, source = 'manifest'): ManifestInput {
  return readManifest(text, source).manifest;
}

type SectionName = Section['name'] | 'countries';

/**
 * Where the keys a manifest refers to but does not define may exist: the database when applying, or a base
 * manifest and the bundled countries when validating offline (`datamap validate`, in CI).
 */
export interface KnownKeys {
  /** Which of `keys` exist in `section`. */
  existing(section: Section['name'], keys: string[]): Promise<Set<string>>;
  /** The stored entries among `keys`, as an export writes them: what the fields a manifest leaves out keep. */
  stored(section: Section['name'], keys: string[]): Promise<Map<string, Record<string, unknown>>>;
  /** The stored organization, if `key` names it. */
  storedOrganization(key: string): Promise<Record<string, unknown> | undefined>;
  /** The standing of each known country among `codes`. */
  countries(codes: string[]): Promise<Map<string, CountryStanding>>;
  /** Every known recipient's role and engager: what a chain of engagement is checked against. */
  engagements(): Promise<Map<string, Engagement>>;
}

const sectionNamed = (name: Section['name']) => (sections as readonly Section[]).find((s) => s.name === name)!;

export function databaseKeys(em: EntityManager): KnownKeys {
  return {
    async existing(name, keys) {
      const entity = sectionNamed(name).entity;
      return new Set((await em.find(entity, { key: { $in: keys } }, { fields: ['key'] })).map((e) => e.key));
    },
    async stored(name, keys) {
      const section = sectionNamed(name);
      const rows = keys.length ? await em.find(section.entity, { key: { $in: keys } }, { populate: section.populate as never[] }) : [];
      return new Map(rows.map((row) => [row.key, section.toEntry(row as never) as Record<string, unknown>]));
    },
    async storedOrganization(key) {
      const organization = await em.findOne(Organization, { key });
      return organization ? organizationSection.toEntry(organization) : undefined;
    },
    async countries(codes) {
      return loadStandings(em, codes);
    },
    engagements: () => storedEngagements(em),
  };
}

/** Keys defined by a base manifest (such as the committed seed), and the bundled reference countries. */
export function offlineKeys(base: Manifest | null, countries: readonly CountryStanding[]): KnownKeys {
  const byCode = new Map(countries.map((c) => [c.code, c]));
  const entries = (name: Section['name']) => (base?.[name] ?? []) as unknown as Record<string, unknown>[];
  return {
    async existing(name, keys) {
      const defined = new Set(entries(name).map((e) => e.key));
      return new Set(keys.filter((key) => defined.has(key)));
    },
    async stored(name, keys) {
      const wanted = new Set(keys);
      return new Map(entries(name).filter((e) => wanted.has(e.key as string)).map((e) => [e.key as string, e]));
    },
    async storedOrganization(key) {
      return base?.organization?.key === key ? base.organization : undefined;
    },
    async countries(codes) {
      return new Map(codes.flatMap((code) => (byCode.has(code) ? [[code, byCode.get(code)!] as const] : [])));
    },
    async engagements() {
      return new Map((base?.processors ?? []).map((p) => [p.key, { role: p.role, engagedBy: p.engagedBy ?? null }]));
    },
  };
}

interface Resolved {
  known(section: SectionName, key: string): boolean;
  country(code: string): CountryStanding | undefined;
}

/** Resolves every key the manifest refers to against its own definitions and the known keys, in one query per kind. */
async function resolveKeys(manifest: Manifest, source: KnownKeys): Promise<Resolved> {
  const wanted = new Map<SectionName, Set<string>>();
  const want = (section: SectionName, key: string | null | undefined) => {
    if (key) wanted.set(section, (wanted.get(section) ?? new Set()).add(key));
  };
  for (const section of sections) {
    for (const entry of manifest[section.name] as Record<string, unknown>[]) {
      if (section.hierarchical) want(section.name, parentKeyOf(entry.key as string));
      for (const ref of section.references) {
        const value = entry[ref.field] as string | string[] | null | undefined;
        for (const key of Array.isArray(value) ? value : [value]) want(ref.section, ref.section === 'countries' ? key?.toUpperCase() : key);
      }
    }
  }
  for (const processor of manifest.processors) processor.locations.forEach((l) => want('countries', l.country.toUpperCase()));
  if (manifest.organization) want('countries', manifest.organization.country);

  const defined = new Map<SectionName, Set<string>>(
    sections.map((s) => [s.name, new Set((manifest[s.name] as { key: string }[]).map((e) => e.key))]),
  );
  const existing = new Map<SectionName, Set<string>>();
  let countries = new Map<string, CountryStanding>();
  for (const [name, keys] of wanted) {
    if (name === 'countries') countries = await source.countries([...keys]);
    else existing.set(name, await source.existing(name, [...keys]));
  }
  return {
    known: (section, key) =>
      section === 'countries' ? countries.has(key) : Boolean(defined.get(section)?.has(key) || existing.get(section)?.has(key)),
    country: (code) => countries.get(code),
  };
}

export interface ManifestCheck {
  problems: ManifestProblem[];
  /** Each processor's locations as the transfer rules resolve them, by processor index. */
  locations: CheckedLocation[][];
}

/**
 * Checks everything a manifest refers to, and each processor by the registry's own rules (`checkProcessor`, the
 * same the API applies): unknown keys, duplicate keys, and transfer mechanisms.
 */
export async function checkManifest(manifest: Manifest, source: KnownKeys): Promise<ManifestCheck> {
  const resolved = await resolveKeys(manifest, source);
  const problems: ManifestProblem[] = [];
  const check = (section: SectionName, key: string | null | undefined, path: string, what: string) => {
    if (key && !resolved.known(section, key)) problems.push({ path, message: `unknown ${what} "${key}"` });
  };

  for (const section of sections) {
    const seen = new Set<string>();
    (manifest[section.name] as Record<string, unknown>[]).forEach((entry, index) => {
      const key = entry.key as string;
      if (seen.has(key)) problems.push({ path: `${section.name}[${index}].key`, message: `duplicate key "${key}"` });
      seen.add(key);
      if (section.hierarchical) check(section.name, parentKeyOf(key), `${section.name}[${index}].key`, `parent`);
      // Processors are checked below, by the registry's rules.
      if (section.name === 'processors') return;
      for (const ref of section.references) {
        const value = entry[ref.field] as string | string[] | null | undefined;
        const path = `${section.name}[${index}].${ref.field}`;
        if (Array.isArray(value)) value.forEach((key, i) => check(ref.section, key, `${path}[${i}]`, ref.section));
        else check(ref.section, value, path, ref.section);
      }
    });
  }
  // The chains as they will stand: the stored engagements, with the manifest's own over them.
  const engagements = await source.engagements();
  for (const processor of manifest.processors) engagements.set(processor.key, { role: processor.role, engagedBy: processor.engagedBy ?? null });
  const refs = {
    country: resolved.country,
    hasCategory: (key: string) => resolved.known('dataCategories', key),
    hasActivity: (key: string) => resolved.known('activities', key),
    engagements,
  };
  const locations = manifest.processors.map((processor, index) => {
    const checked = checkProcessor(processor, refs, `processors[${index}]`);
    // The path leads each registry message, for API clients; the manifest report prints it on its own.
    problems.push(...checked.problems.map((p) => ({ path: p.field, message: p.message.replace(`${p.field}: `, '') })));
    return checked.locations;
  });
  if (manifest.organization) check('countries', manifest.organization.country, 'organization.country', 'country');
  return { problems, locations };
}

type Entry = Record<string, unknown>;

/** One field a manifest changes: `processors` / `stripe` / `dpaReference`, with its value before and after. */
export interface ManifestChange {
  entity: string;
  key: string;
  field: string;
  before: unknown;
  after: unknown;
}

export enum ManifestOutcome {
  ADDED = 'ADDED',
  CHANGED = 'CHANGED',
  UNCHANGED = 'UNCHANGED',
}

/** What a manifest does to one entry it names. */
export interface ManifestEntryPlan {
  entity: string;
  key: string;
  outcome: ManifestOutcome;
}

/** What applying a manifest changes (or, in a dry run, would change), field by field. */
export interface ManifestPlan {
  applied: boolean;
  entries: ManifestEntryPlan[];
  changes: ManifestChange[];
}

/**
 * An entry in the form that compares and audits: every field present (null when empty), reference lists in key
 * order, locations in country order. An export and the manifest that produced it compare equal.
 */
function normalized(section: Section | null, entry: Entry): Entry {
  const copy: Entry = JSON.parse(JSON.stringify(entry, (_k, v) => (v === undefined ? null : v)));
  for (const ref of section?.references ?? []) if (ref.many) copy[ref.field] = [...((copy[ref.field] as string[]) ?? [])].sort();
  if (Array.isArray(copy.locations)) {
    copy.locations = (copy.locations as Entry[])
      .map((l) => ({
        country: l.country,
        mechanism: l.mechanism ?? null,
        reference: l.reference ?? null,
        dpf: l.dpf ?? null,
        safeguards: ((l.safeguards as Entry[] | null | undefined) ?? []).map((g) => ({
          regime: g.regime,
          mechanism: g.mechanism ?? null,
          reference: g.reference ?? null,
          dpf: g.dpf ?? null,
        })),
      }))
      .sort((a, b) => String(a.country).localeCompare(String(b.country)));
  }
  return copy;
}

const isEmpty = (value: unknown) => value === null || (Array.isArray(value) && value.length === 0);

/** The fields that differ between the stored entry (null: a new one) and the entry the manifest completes to. */
function changesOf(entity: string, before: Entry | null, after: Entry): ManifestChange[] {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after)])].filter((field) => field !== 'key');
  return fields.flatMap((field) => {
    const was = before?.[field] ?? null;
    const is = after[field] ?? null;
    if (isDeepStrictEqual(was, is) || (!before && isEmpty(is))) return [];
    return [{ entity, key: after.key as string, field, before: was, after: is }];
  });
}

const given = (entry: object) => Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));

/**
 * One entry as it will be stored: a stored entry keeps every field the manifest leaves out (an explicit null or []
 * clears it); a new entry must give every required field and takes the defaults for the rest.
 */
function completeEntry(schema: ZodTypeAny, entry: Entry, stored: Entry | undefined, path: string, problems: ManifestProblem[]): Entry | null {
  if (stored) return { ...stored, ...given(entry) };
  const parsed = schema.safeParse(entry);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const missing = issue.code === 'invalid_type' && issue.received === 'undefined';
    problems.push({
      path: `${path}.${pathOf(issue.path)}`,
      message: missing ? `required: "${String(entry.key)}" does not exist yet, so the entry must give it` : issue.message,
    });
  }
  return null;
}

/** A manifest completed against what is stored, with each entry's stored version (null for a new one). */
export interface CompletedManifest {
  manifest: Manifest;
  organizationBefore: Entry | null;
  /** By section and entry index: the stored entry, as an export writes it, or null. */
  before: Record<Section['name'], (Entry | null)[]>;
  /** Required fields missing from new entries; when there are any, the manifest lacks those entries. */
  problems: ManifestProblem[];
}

/** Completes every entry (see `completeEntry`), reading the stored ones in one query per section. */
export async function completeManifest(input: ManifestInput, known: KnownKeys): Promise<CompletedManifest> {
  const problems: ManifestProblem[] = [];
  const manifest: Record<string, unknown> = { apiVersion: input.apiVersion };
  const before = {} as CompletedManifest['before'];
  let organizationBefore: Entry | null = null;
  if (input.organization) {
    organizationBefore = (await known.storedOrganization(input.organization.key)) ?? null;
    const entry = completeEntry(organizationSchema, input.organization, organizationBefore ?? undefined, 'organization', problems);
    if (entry) manifest.organization = entry;
  }
  for (const section of sections as readonly Section[]) {
    const entries = input[section.name] as Entry[];
    const stored = entries.length ? await known.stored(section.name, entries.map((e) => e.key as string)) : new Map<string, Entry>();
    before[section.name] = entries.map((e) => stored.get(e.key as string) ?? null);
    manifest[section.name] = entries.map((entry, index) =>
      completeEntry(entrySchemas[section.name], entry, stored.get(entry.key as string), `${section.name}[${index}]`, problems),
    );
  }
  return { manifest: manifest as Manifest, organizationBefore, before, problems };
}

export interface ApplyOptions {
  dryRun?: boolean;
  /** Names the manifest in error messages. */
  source?: string;
  /** Adds line numbers to problems (from `readManifest`). */
  lineOf?: ParsedManifest['lineOf'];
  /**
   * Who applies it; each entry added or changed is then audited with its before and after. Without an actor (the
   * seed, tests), or as PRIVACY_OFFICER, the manifest may decide a processor's review status. With an actor, each
   * status it changes is decided by the review's own function (`transitionProcessor`), as the mutations decide it.
   */
  actor?: Actor;
  /**
   * When the manifest is applied, and the public list's notice period (SUBPROCESSOR_NOTICE_DAYS), as approveProcessor
   * gets them: an approval and a new country of a current recipient are announced.
   */
  notice?: RecipientChangeNotice;
  /** What the transfer rules judge an approval with (SERVED_REGIMES, DPF_GRACE_DAYS, TIA_REVIEW_MONTHS), as approveProcessor does. */
  transfers?: TransferSettings;
}

const rolesOf = (actor: Actor | undefined) => actor?.viewer?.roles.join(', ') || 'no role';
const mayChange = (actor: Actor | undefined, roles: readonly string[]) => !actor?.viewer || actor.viewer.roles.some((role) => roles.includes(role));

/**
 * The review rule (the same `updateProcessor` applies): only a privacy officer decides a processor's status.
 * Anyone else's new processors enter as PROPOSED, a status that differs from the stored one is an error, and a
 * processor that has left PROPOSED may not be changed.
 */
function reviewProblems(manifest: Manifest, before: (Entry | null)[], actor: Actor | undefined): ManifestProblem[] {
  if (mayDecideReview(actor)) return [];
  if (!mayChange(actor, MANIFEST_ACCESS.processors)) {
    return manifest.processors.flatMap((processor, index) => sectionRefusal('processors', processorSection, `processors[${index}]`, before[index], processor, actor));
  }
  const role = rolesOf(actor);
  return manifest.processors.flatMap((processor, index) => {
    const stored = before[index];
    const path = `processors[${index}]`;
    if (!stored) {
      Object.assign(processor, { status: ProcessorStatus.PROPOSED, statusReason: null });
      return [];
    }
    const changes = changesOf('processors', normalized(processorSection, stored), normalized(processorSection, processor));
    const review = changes.find((c) => c.field === 'status' || c.field === 'statusReason');
    if (review) {
      return [{
        path: `${path}.${review.field}`,
        key: processor.key,
        message: `only a PRIVACY_OFFICER may change a processor's ${review.field} (${JSON.stringify(review.before)} -> ` +
          `${JSON.stringify(review.after)}; the caller has ${role}): leave it out, and a privacy officer decides with approveProcessor, ` +
          `rejectProcessor or retireProcessor`,
      }];
    }
    if (changes.length > 0 && stored.status !== ProcessorStatus.PROPOSED) {
      return [{
        path,
        key: processor.key,
        message: `processor "${processor.key}" is ${String(stored.status)}: only a PRIVACY_OFFICER may change it once it has left ` +
          `PROPOSED (it would change ${changes.map((c) => c.field).join(', ')})`,
      }];
    }
    return [];
  });
}

/** The refusal of one entry the actor may not add or change, naming its path, key and the fields it would change. */
function sectionRefusal(name: string, section: Section | null, path: string, stored: Entry | null, entry: Entry, actor: Actor | undefined): ManifestProblem[] {
  const changes = changesOf(name, stored && normalized(section, stored), normalized(section, entry));
  if (stored && changes.length === 0) return [];
  const key = entry.key as string;
  const allowed = name === 'processors' ? MANIFEST_ACCESS.processors : MANIFEST_ACCESS.otherSections;
  return [{
    path,
    key,
    message: `only ${allowed.join(' or ')} may ${stored ? 'change' : 'add'} ${name} entries ("${key}"${stored ? ` would change ${changes.map((c) => c.field).join(', ')}` : ''}; ` +
      `the caller has ${rolesOf(actor)}): leave the entry out, or ask a privacy officer to apply it`,
  }];
}

/**
 * The access table, section by section (MANIFEST_ACCESS): every entry outside `processors` that the manifest adds or
 * changes needs its roles; entries it leaves as stored need none, so an exported map applies back for anyone.
 */
function sectionProblems(completed: CompletedManifest, actor: Actor | undefined): ManifestProblem[] {
  if (mayChange(actor, MANIFEST_ACCESS.otherSections)) return [];
  const { manifest } = completed;
  const problems = manifest.organization
    ? sectionRefusal('organization', null, 'organization', completed.organizationBefore, manifest.organization, actor)
    : [];
  for (const section of sections as readonly Section[]) {
    if (section.name === 'processors') continue;
    (manifest[section.name] as Entry[]).forEach((entry, index) => {
      problems.push(...sectionRefusal(section.name, section, `${section.name}[${index}]`, completed.before[section.name][index], entry, actor));
    });
  }
  return problems;
}

/** The manifest's processors with locations as they will be stored, so that they compare equal to an export. */
function withCheckedLocations(manifest: Manifest, locations: CheckedLocation[][]): Manifest {
  return { ...manifest, processors: manifest.processors.map((p, i) => ({ ...p, locations: locations[i] })) };
}

const depth = (key: string) => key.split('.').length;

export interface CheckedManifest {
  completed: CompletedManifest;
  /** The completed manifest, with locations as they will be stored; complete only when there are no problems. */
  manifest: Manifest;
  locations: CheckedLocation[][];
  problems: ManifestProblem[];
}

/**
 * Every check a manifest goes through, for `apply` (against the database) and `validate` (against a base map):
 * completion against the stored entries, references and transfer rules, and the review rule for the actor.
 */
export async function checkManifestInput(input: ManifestInput, known: KnownKeys, actor?: Actor): Promise<CheckedManifest> {
  const completed = await completeManifest(input, known);
  if (completed.problems.length > 0) return { completed, manifest: completed.manifest, locations: [], problems: completed.problems };
  const checked = await checkManifest(completed.manifest, known);
  const manifest = withCheckedLocations(completed.manifest, checked.locations);
  const problems = [...checked.problems, ...sectionProblems(completed, actor), ...reviewProblems(manifest, completed.before.processors, actor)];
  return { completed, manifest, locations: checked.locations, problems };
}

/** The review decision that leads to each status; a processor returns to PROPOSED by none. */
const transitionTo = (status: ProcessorStatus): Transition | undefined =>
  (Object.keys(TRANSITIONS) as Transition[]).find((transition) => TRANSITIONS[transition].to === status);

/** Carries a dry run's plan out of the transaction it rolls back. */
class DryRunRollback extends Error {
  constructor(readonly plan: ManifestPlan) {
    super('dry run');
  }
}

/**
 * Brings the database in line with the manifest: entries it names are created or updated, others are left alone;
 * within an entry, fields it leaves out keep their stored values. Applying the same manifest twice changes nothing
 * the second time. It runs in one transaction: an invalid manifest changes nothing, and every problem is reported
 * in one `ManifestInvalid`. A dry run goes through every step, then rolls back, so it refuses what the apply would.
 *
 * A status change an actor makes goes through `transitionProcessor`, the function the review mutations call: a new
 * processor enters PROPOSED and is then approved (or rejected), with the same checks, audit and notice period.
 */
export async function applyManifest(em: EntityManager, input: ManifestInput, options: ApplyOptions = {}): Promise<ManifestPlan> {
  const source = options.source ?? 'manifest';
  const invalid = (problems: ManifestProblem[]) =>
    new ManifestInvalid(source, problems.map((p) => ({ ...p, line: p.line ?? options.lineOf?.(p.path) })));
  const { actor } = options;
  try {
    return await em.transactional(async (tx) => {
      const { completed, manifest, locations, problems } = await checkManifestInput(input, databaseKeys(tx), actor);
      if (problems.length > 0) throw invalid(problems);

      const plan: ManifestPlan = { applied: !options.dryRun, entries: [], changes: [] };
      /**
       * Plans one entry and audits what the manifest itself writes (`written`, which leaves a status change to the
       * review); true when it writes anything.
       */
      const planEntry = (entity: string, entityType: string, section: Section | null, stored: Entry | null, entry: Entry, written = entry) => {
        const before = stored && normalized(section, stored);
        const changes = changesOf(entity, before, normalized(section, entry));
        const outcome = !stored ? ManifestOutcome.ADDED : changes.length ? ManifestOutcome.CHANGED : ManifestOutcome.UNCHANGED;
        plan.entries.push({ entity, key: entry.key as string, outcome });
        plan.changes.push(...changes);
        const after = normalized(section, written);
        if (stored && changesOf(entity, before, after).length === 0) return false;
        if (actor) recordAudit(tx, actor, { operation: 'applyManifest', entityType, entityKey: entry.key as string, before, after });
        return true;
      };

      if (manifest.organization) {
        const entry = manifest.organization;
        if (planEntry('organization', 'Organization', null, completed.organizationBefore, entry)) {
          const current = await tx.findOne(Organization, { key: entry.key });
          if (current) tx.assign(current, organizationSection.toData(entry));
          else tx.create(Organization, organizationSection.toData(entry) as never);
        }
      }

      /** Status changes left to the review, by processor index: decided once the processors are written. */
      const decisions: { index: number; key: string; status: ProcessorStatus; reason: string | null }[] = [];
      for (const section of sections as readonly Section[]) {
        const entries = manifest[section.name] as Entry[];
        if (entries.length === 0) continue;
        const order = entries.map((entry, i) => ({ entry, i }));
        if (section.hierarchical) order.sort((a, b) => depth(a.entry.key as string) - depth(b.entry.key as string));
        const entityType = tx.getMetadata().get(section.entity.name).className;
        const written = new Map<number, Entry>();
        for (const { entry, i } of order) {
          const stored = completed.before[section.name][i];
          let writes = entry;
          if (section.name === 'processors' && actor) {
            const status = (stored?.status as ProcessorStatus | undefined) ?? ProcessorStatus.PROPOSED;
            if (entry.status !== status) {
              decisions.push({ index: i, key: entry.key as string, status: entry.status as ProcessorStatus, reason: (entry.statusReason as string | null) ?? null });
              writes = { ...entry, status, statusReason: stored?.statusReason ?? null };
            }
          }
          if (planEntry(section.name, entityType, section, stored, entry, writes)) written.set(i, writes);
        }
        if (written.size === 0) continue;
        const current = await tx.find(section.entity, { key: { $in: [...written.values()].map((entry) => entry.key as string) } }, {
          populate: section.populate as never[],
        });
        const byKey = new Map(current.map((entity) => [entity.key, entity]));
        for (const [i, entry] of written) {
          const entity = byKey.get(entry.key as string);
          const data = section.toData(entry as never);
          const wasActive = (entity as Processor | undefined)?.status === ProcessorStatus.ACTIVE;
          const target = entity ? tx.assign(entity, data) : tx.create(section.entity, data as never);
          // A change to links alone leaves the row clean: touching it records the change and bumps a processor's version.
          if (entity) target.updatedAt = new Date();
          if (section.name === 'processors') {
            syncLocations(tx, target as Processor, locations[i], wasActive ? (options.notice ?? { now: new Date(), noticeDays: 0 }) : null);
          }
        }
        // Parents before children: each section is flushed before the next one refers to it.
        await tx.flush();
      }

      const refused: ManifestProblem[] = [];
      for (const { index, key, status, reason } of decisions) {
        const path = `processors[${index}]`;
        const transition = transitionTo(status);
        if (!transition) {
          refused.push({ path: `${path}.status`, key, message: `no review decision returns a processor to ${status}; register a new one instead` });
          continue;
        }
        try {
          await transitionProcessor(tx, actor!, transition, key, reason, options.notice, options.transfers);
        } catch (error) {
          if (!(error instanceof GraphQLError) || error.extensions.code !== 'BAD_USER_INPUT') throw error;
          const field = error.extensions.field === 'reason' ? 'statusReason' : 'status';
          refused.push({ path: `${path}.${field}`, key, message: error.message.replace(/^\w+: /, '') });
        }
      }
      if (refused.length > 0) throw invalid(refused);
      if (options.dryRun) throw new DryRunRollback(plan);
      // Entries in section order, as the manifest gives them.
      return plan;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.plan;
    throw error;
  }
}

/** Reads, checks and applies a manifest's text: the `applyManifest` mutation and `datamap apply` both call this. */
export async function applyManifestText(em: EntityManager, text: string, options: Omit<ApplyOptions, 'lineOf'> = {}): Promise<ManifestPlan> {
  const parsed = readManifest(text, options.source);
  return applyManifest(em, parsed.manifest, { ...options, lineOf: parsed.lineOf });
}

/**
 * The plan in a reader's terms: `+ processors/x` and every field it sets for each added entry (defaults included),
 * `~` and each changed field, before and after, for changed ones.
 */
export function describePlan(plan: ManifestPlan): string[] {
  const count = (outcome: ManifestOutcome) => plan.entries.filter((e) => e.outcome === outcome).length;
  const lines: string[] = [];
  for (const entry of plan.entries) {
    if (entry.outcome === ManifestOutcome.UNCHANGED) continue;
    const added = entry.outcome === ManifestOutcome.ADDED;
    lines.push(`${added ? '+' : '~'} ${entry.entity}/${entry.key}`);
    for (const change of plan.changes.filter((c) => c.entity === entry.entity && c.key === entry.key)) {
      lines.push(`    ${change.field}: ${added ? '' : `${JSON.stringify(change.before)} -> `}${JSON.stringify(change.after)}`);
    }
  }
  lines.push(
    `${count(ManifestOutcome.ADDED)} added, ${count(ManifestOutcome.CHANGED)} changed, ${count(ManifestOutcome.UNCHANGED)} unchanged` +
      (plan.applied ? '' : ' (dry run: nothing was written)'),
  );
  return lines;
}

/** A manifest as YAML text, as `datamap export` writes it and `datamap apply` reads it. */
export function manifestYaml(manifest: object): string {
  return `# The data map, exported by datamap. Apply it with: npm run datamap -- apply <file>\n${stringify(manifest)}`;
}

/** Writes the current map as a manifest; applying it to an empty database reproduces the map. */
export async function exportManifest(em: EntityManager): Promise<Manifest> {
  const manifest: Record<string, unknown> = { apiVersion: 'datamap/v1' };
  const [organization] = await em.find(Organization, {}, { orderBy: { key: 'asc' }, limit: 1 });
  if (organization) manifest.organization = organizationSection.toEntry(organization);
  for (const section of sections as readonly Section[]) {
    const rows = await em.find(section.entity, {}, { populate: section.populate as never[], orderBy: { key: 'asc' } });
    if (section.hierarchical) rows.sort((a, b) => depth(a.key) - depth(b.key) || a.key.localeCompare(b.key));
    manifest[section.name] = rows.map((row) => section.toEntry(row as never));
  }
  return manifest as Manifest;
}

/**
 * The current map, and the standing of every country it names (processors' locations and headquarters, the
 * controller's country): what the lint and the RoPA read.
 */
export async function exportMapWithCountries(em: EntityManager): Promise<{ map: Manifest; countries: Map<string, CountryStanding> }> {
  const map = await exportManifest(em);
  const codes = [
    ...new Set([
      ...map.processors.flatMap((p) => [p.headquarters, ...p.locations.map((l) => l.country)]),
      ...(map.organization ? [map.organization.country] : []),
    ]),
  ];
  return { map, countries: await loadStandings(em, codes) };
}
