import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Document, isNode, LineCounter, parseDocument } from 'yaml';
import type { ZodIssue } from 'zod';
import { parentKeyOf } from '../common/keys';
import { Country } from '../country/country.entity';
import { Organization } from '../organization/organization.entity';
import { Processor } from '../processor/processor.entity';
import { recordAudit, type Actor } from '../audit/audit.service';
import { syncLocations } from '../processor/processor.service';
import { checkProcessor, type CheckedLocation } from '../processor/processor.validation';
import type { CountryStanding } from '../processor/transfer-rules';
import { manifestSchema, type Manifest } from './manifest.schema';
import { organizationSection, sections, type Section } from './manifest.sections';

export interface ManifestProblem {
  /** Where in the manifest, such as `processors[2].locations[0].mechanism`. */
  path: string;
  message: string;
  line?: number;
}

export class ManifestInvalid extends Error {
  constructor(
    readonly source: string,
    readonly problems: ManifestProblem[],
  ) {
    super(problems.map((p) => `${source}${p.line ? `:${p.line}` : ''}: ${p.path}: ${p.message}`).join('\n'));
  }
}

export interface ManifestDiff {
  added: string[];
  changed: string[];
  unchanged: string[];
}

function pathOf(segments: readonly (string | number)[]): string {
  return segments.reduce<string>(
    (path, segment) => (typeof segment === 'number' ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment),
    '',
  );
}

function lineOf(document: Document, lines: LineCounter, segments: readonly (string | number)[]): number | undefined {
  for (let depth = segments.length; depth > 0; depth--) {
    const node = document.getIn(segments.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** A parsed manifest, and where each of its paths sits in the file. */
export interface ParsedManifest {
  manifest: Manifest;
  source: string;
  /** The line of a path such as `processors[2].locations[0].mechanism`, or of its nearest enclosing node. */
  lineOf(path: string): number | undefined;
}

/** `processors[2].locations[0]` -> `['processors', 2, 'locations', 0]` */
function segmentsOf(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
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
  const parsed = manifestSchema.safeParse(document.toJS());
  if (!parsed.success) {
    throw new ManifestInvalid(
      source,
      parsed.error.issues.map((issue: ZodIssue) => ({
        path: pathOf(issue.path) || '(root)',
        message: issue.message,
        line: lineOf(document, lines, issue.path),
      })),
    );
  }
  return { manifest: parsed.data, source, lineOf: (path) => lineOf(document, lines, segmentsOf(path)) };
}

/** Parses and shape-checks a manifest. Every problem is reported at once, with its path and line. */
export function parseManifest(text: string, source = 'manifest'): Manifest {
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
  /** The standing of each known country among `codes`. */
  countries(codes: string[]): Promise<Map<string, CountryStanding>>;
}

export function databaseKeys(em: EntityManager): KnownKeys {
  return {
    async existing(name, keys) {
      const entity = sections.find((s) => s.name === name)!.entity;
      return new Set((await em.find(entity, { key: { $in: keys } }, { fields: ['key'] })).map((e) => e.key));
    },
    async countries(codes) {
      return new Map((await em.find(Country, { code: { $in: codes } })).map((c) => [c.code, c]));
    },
  };
}

/** Keys defined by a base manifest (such as the committed seed), and the bundled reference countries. */
export function offlineKeys(base: Manifest | null, countries: readonly CountryStanding[]): KnownKeys {
  const byCode = new Map(countries.map((c) => [c.code, c]));
  return {
    async existing(name, keys) {
      const defined = new Set(((base?.[name] ?? []) as { key: string }[]).map((e) => e.key));
      return new Set(keys.filter((key) => defined.has(key)));
    },
    async countries(codes) {
      return new Map(codes.flatMap((code) => (byCode.has(code) ? [[code, byCode.get(code)!] as const] : [])));
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
  const refs = {
    country: resolved.country,
    hasCategory: (key: string) => resolved.known('dataCategories', key),
    hasActivity: (key: string) => resolved.known('activities', key),
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

/**
 * Absent and null values alike left out, and reference lists in key order, so that a manifest entry (which may
 * omit optional fields) and an export (which gives them as null) compare equal.
 */
function comparable(section: Section | null, entry: object): unknown {
  const copy = JSON.parse(JSON.stringify(entry, (_k, v) => (v === null ? undefined : v)));
  for (const ref of section?.references ?? []) if (ref.many) copy[ref.field] = [...(copy[ref.field] ?? [])].sort();
  if (Array.isArray(copy.locations)) copy.locations.sort((a: { country: string }, b: { country: string }) => a.country.localeCompare(b.country));
  return copy;
}

const depth = (key: string) => key.split('.').length;

export interface ApplyOptions {
  dryRun?: boolean;
  /** Names the manifest in error messages. */
  source?: string;
  /** Adds line numbers to problems (from `readManifest`). */
  lineOf?: ParsedManifest['lineOf'];
  /** Who applies it; each entry added or changed is then audited with its before and after. */
  actor?: Actor;
}

/** The manifest's processors with locations as they will be stored, so that they compare equal to an export. */
function withCheckedLocations(manifest: Manifest, locations: CheckedLocation[][]): Manifest {
  return { ...manifest, processors: manifest.processors.map((p, i) => ({ ...p, locations: locations[i] })) };
}

/**
 * Brings the database in line with the manifest: entries it names are created or updated, others are left alone.
 * Applying the same manifest twice changes nothing the second time. With `dryRun`, only the diff is computed.
 * An invalid manifest changes nothing: every problem is reported in one `ManifestInvalid`.
 */
export async function applyManifest(em: EntityManager, input: Manifest, options: ApplyOptions = {}): Promise<ManifestDiff> {
  const { problems, locations } = await checkManifest(input, databaseKeys(em));
  if (problems.length > 0) {
    throw new ManifestInvalid(
      options.source ?? 'manifest',
      problems.map((p) => ({ ...p, line: p.line ?? options.lineOf?.(p.path) })),
    );
  }
  const manifest = withCheckedLocations(input, locations);

  const diff: ManifestDiff = { added: [], changed: [], unchanged: [] };
  await em.transactional(async (tx) => {
    const audit = (entityType: string, key: string, before: unknown, after: unknown) => {
      if (options.actor && !options.dryRun) {
        recordAudit(tx, options.actor, { operation: 'applyManifest', entityType, entityKey: key, before, after });
      }
    };
    if (manifest.organization) {
      const current = await tx.findOne(Organization, { key: manifest.organization.key });
      const label = `organization/${manifest.organization.key}`;
      const before = current ? comparable(null, organizationSection.toEntry(current)) : null;
      const after = comparable(null, manifest.organization);
      if (!current) {
        diff.added.push(label);
        if (!options.dryRun) tx.create(Organization, organizationSection.toData(manifest.organization) as never);
      } else if (!isDeepStrictEqual(before, after)) {
        diff.changed.push(label);
        if (!options.dryRun) tx.assign(current, organizationSection.toData(manifest.organization));
      } else diff.unchanged.push(label);
      if (!isDeepStrictEqual(before, after)) audit('Organization', manifest.organization.key, before, after);
    }

    for (const section of sections as readonly Section[]) {
      const entries = manifest[section.name] as { key: string }[];
      if (entries.length === 0) continue;
      const order = entries.map((entry, i) => ({ entry, i }));
      if (section.hierarchical) order.sort((a, b) => depth(a.entry.key) - depth(b.entry.key));
      const current = await tx.find(section.entity, { key: { $in: entries.map((e) => e.key) } }, {
        populate: section.populate as never[],
      });
      const byKey = new Map(current.map((entity) => [entity.key, entity]));
      for (const { entry, i } of order) {
        const label = `${section.name}/${entry.key}`;
        const entity = byKey.get(entry.key);
        const before = entity ? comparable(section, section.toEntry(entity as never)) : null;
        const after = comparable(section, entry);
        if (isDeepStrictEqual(before, after)) {
          diff.unchanged.push(label);
          continue;
        }
        (entity ? diff.changed : diff.added).push(label);
        if (options.dryRun) continue;
        audit(tx.getMetadata().get(section.entity.name).className, entry.key, before, after);
        const data = section.toData(entry as never);
        const target = entity ? tx.assign(entity, data) : tx.create(section.entity, data as never);
        // A change to links alone leaves the row clean: touching it records the change and bumps a processor's version.
        if (entity) target.updatedAt = new Date();
        if (section.name === 'processors') syncLocations(tx, target as Processor, locations[i]);
      }
      // Parents before children: each section is flushed before the next one refers to it.
      await tx.flush();
    }
  });
  return diff;
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
  const rows = codes.length ? await em.find(Country, { code: { $in: codes } }) : [];
  return { map, countries: new Map(rows.map((c) => [c.code, c])) };
}
