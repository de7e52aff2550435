import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Document, isNode, LineCounter, parseDocument } from 'yaml';
import type { ZodIssue } from 'zod';
import { parentKeyOf } from '../common/keys';
import { Country } from '../country/country.entity';
import { Organization } from '../organization/organization.entity';
import { ProcessingLocation } from '../processor/processing-location.entity';
import { Processor } from '../processor/processor.entity';
import { manifestSchema, type Manifest, type ManifestProcessor } from './manifest.schema';
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

/** Parses and shape-checks a manifest. Every problem is reported at once, with its path and line. */
export function parseManifest(text: string, source = 'manifest'): Manifest {
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
  return parsed.data;
}

type SectionName = Section['name'] | 'countries';

/** Keys that exist already, per section, for the references a manifest makes but does not define. */
async function existingKeys(em: EntityManager, manifest: Manifest): Promise<Map<SectionName, Set<string>>> {
  const wanted = new Map<SectionName, Set<string>>();
  const want = (section: SectionName, key: string | null | undefined) => {
    if (key) wanted.set(section, (wanted.get(section) ?? new Set()).add(key));
  };
  for (const section of sections) {
    for (const entry of manifest[section.name] as Record<string, unknown>[]) {
      if (section.hierarchical) want(section.name, parentKeyOf(entry.key as string));
      for (const ref of section.references) {
        const value = entry[ref.field] as string | string[] | null | undefined;
        for (const key of Array.isArray(value) ? value : [value]) want(ref.section, key);
      }
    }
  }
  for (const processor of manifest.processors) processor.locations.forEach((l) => want('countries', l.country));
  if (manifest.organization) want('countries', manifest.organization.country);

  const found = new Map<SectionName, Set<string>>();
  for (const [name, keys] of wanted) {
    const list = [...keys];
    const rows =
      name === 'countries'
        ? (await em.find(Country, { code: { $in: list } }, { fields: ['code'] })).map((c) => c.code)
        : (await em.find(sections.find((s) => s.name === name)!.entity, { key: { $in: list } }, { fields: ['key'] })).map(
            (e) => e.key,
          );
    found.set(name, new Set(rows));
  }
  return found;
}

/** Checks that every key the manifest refers to is defined in it or exists in the database. */
export async function checkReferences(em: EntityManager, manifest: Manifest): Promise<ManifestProblem[]> {
  const existing = await existingKeys(em, manifest);
  const defined = new Map<SectionName, Set<string>>(
    sections.map((s) => [s.name, new Set((manifest[s.name] as { key: string }[]).map((e) => e.key))]),
  );
  const known = (section: SectionName, key: string) => defined.get(section)?.has(key) || existing.get(section)?.has(key);
  const problems: ManifestProblem[] = [];
  const check = (section: SectionName, key: string | null | undefined, path: string, what: string) => {
    if (key && !known(section, key)) problems.push({ path, message: `unknown ${what} "${key}"` });
  };

  for (const section of sections) {
    const seen = new Set<string>();
    (manifest[section.name] as Record<string, unknown>[]).forEach((entry, index) => {
      const key = entry.key as string;
      if (seen.has(key)) problems.push({ path: `${section.name}[${index}].key`, message: `duplicate key "${key}"` });
      seen.add(key);
      if (section.hierarchical) check(section.name, parentKeyOf(key), `${section.name}[${index}].key`, `parent`);
      for (const ref of section.references) {
        const value = entry[ref.field] as string | string[] | null | undefined;
        const path = `${section.name}[${index}].${ref.field}`;
        if (Array.isArray(value)) value.forEach((key, i) => check(ref.section, key, `${path}[${i}]`, ref.section));
        else check(ref.section, value, path, ref.section);
      }
    });
  }
  manifest.processors.forEach((processor, index) =>
    processor.locations.forEach((location, i) =>
      check('countries', location.country, `processors[${index}].locations[${i}].country`, 'country'),
    ),
  );
  if (manifest.organization) check('countries', manifest.organization.country, 'organization.country', 'country');
  return problems;
}

/** Null for absent values and reference lists in key order, so a manifest entry and an export compare equal. */
function comparable(section: Section | null, entry: object): unknown {
  const copy = JSON.parse(JSON.stringify(entry, (_k, v) => (v === undefined ? null : v)));
  for (const ref of section?.references ?? []) if (ref.many) copy[ref.field] = [...(copy[ref.field] ?? [])].sort();
  if (Array.isArray(copy.locations)) copy.locations.sort((a: { country: string }, b: { country: string }) => a.country.localeCompare(b.country));
  return copy;
}

const depth = (key: string) => key.split('.').length;

async function syncLocations(em: EntityManager, processor: Processor, wanted: ManifestProcessor['locations']) {
  const byCountry = new Map(processor.locations.getItems().map((l) => [l.country.code, l]));
  for (const location of wanted) {
    const current = byCountry.get(location.country);
    byCountry.delete(location.country);
    const data = { mechanism: location.mechanism ?? null, reference: location.reference ?? null };
    if (current) em.assign(current, data);
    else processor.locations.add(em.create(ProcessingLocation, { processor, country: location.country, ...data }));
  }
  for (const stale of byCountry.values()) processor.locations.remove(stale);
}

/**
 * Brings the database in line with the manifest: entries it names are created or updated, others are left alone.
 * Applying the same manifest twice changes nothing the second time. With `dryRun`, only the diff is computed.
 */
export async function applyManifest(
  em: EntityManager,
  manifest: Manifest,
  options: { dryRun?: boolean; source?: string } = {},
): Promise<ManifestDiff> {
  const problems = await checkReferences(em, manifest);
  if (problems.length > 0) throw new ManifestInvalid(options.source ?? 'manifest', problems);

  const diff: ManifestDiff = { added: [], changed: [], unchanged: [] };
  await em.transactional(async (tx) => {
    if (manifest.organization) {
      const current = await tx.findOne(Organization, { key: manifest.organization.key });
      const label = `organization/${manifest.organization.key}`;
      if (!current) {
        diff.added.push(label);
        if (!options.dryRun) tx.create(Organization, organizationSection.toData(manifest.organization) as never);
      } else if (!isDeepStrictEqual(comparable(null, organizationSection.toEntry(current)), comparable(null, manifest.organization))) {
        diff.changed.push(label);
        if (!options.dryRun) tx.assign(current, organizationSection.toData(manifest.organization));
      } else diff.unchanged.push(label);
    }

    for (const section of sections as readonly Section[]) {
      const entries = [...(manifest[section.name] as { key: string }[])];
      if (entries.length === 0) continue;
      if (section.hierarchical) entries.sort((a, b) => depth(a.key) - depth(b.key));
      const current = await tx.find(section.entity, { key: { $in: entries.map((e) => e.key) } }, {
        populate: section.populate as never[],
      });
      const byKey = new Map(current.map((entity) => [entity.key, entity]));
      for (const entry of entries) {
        const label = `${section.name}/${entry.key}`;
        const entity = byKey.get(entry.key);
        if (entity && isDeepStrictEqual(comparable(section, section.toEntry(entity as never)), comparable(section, entry))) {
          diff.unchanged.push(label);
          continue;
        }
        (entity ? diff.changed : diff.added).push(label);
        if (options.dryRun) continue;
        const data = section.toData(entry as never);
        const target = entity ? tx.assign(entity, data) : tx.create(section.entity, data as never);
        if (section.name === 'processors') await syncLocations(tx, target as Processor, (entry as ManifestProcessor).locations);
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
