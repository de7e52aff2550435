import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { projectPath } from '../common/project-path';
import { manifestSchema, type Manifest } from './manifest.schema';

/** The vendored copy of fideslang's `data_files/` (see its NOTICE.md for the CC BY 4.0 attribution). */
export const FIDES_TAXONOMY_DIR = projectPath('seeds', 'reference', 'fideslang');

export const FIDES_FILES = ['data_categories.json', 'data_uses.json', 'data_subjects.json'] as const;

/** Every imported key starts with this, so the taxonomy never overwrites one of the map's own keys. */
export const FIDES_PREFIX = 'fides';

const fidesEntry = z.object({
  fides_key: z.string().min(1),
  name: z.string().min(1),
  description: z.string().nullish(),
  parent_key: z.string().nullish(),
});
type FidesEntry = z.infer<typeof fidesEntry>;

/**
 * `user.contact.email` -> `fides.user.contact.email`; `analytics.reporting.ad_performance` ->
 * `fides.analytics.reporting.ad-performance` (our keys separate words with hyphens, never underscores).
 */
export function fidesKey(key: string): string {
  return `${FIDES_PREFIX}.${key.toLowerCase().replace(/_/g, '-')}`;
}

function readEntries(dir: string, file: (typeof FIDES_FILES)[number], list: string): FidesEntry[] {
  const path = join(dir, file);
  const parsed = z.object({ [list]: z.array(fidesEntry) }).safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} is not a fideslang ${list} file: ${parsed.error.issues[0].message}`);
  return parsed.data[list];
}

const SOURCE = 'Fides taxonomy (fideslang data_files, © Ethyca, CC BY 4.0)';

const toEntry = (e: FidesEntry) => ({ key: fidesKey(e.fides_key), name: e.name, description: e.description?.trim() || null, source: SOURCE });

/** The root that the hierarchical sections hang the taxonomy under, so the prefix is itself a valid parent. */
const root = (what: string) => ({ key: FIDES_PREFIX, name: `Fides taxonomy: ${what}`, description: 'Fides taxonomy © Ethyca, CC BY 4.0', source: SOURCE });

/** The Fides taxonomy as a manifest: data categories, data uses as purposes, and data subjects as subject types. */
export function fidesTaxonomyManifest(dir = FIDES_TAXONOMY_DIR): Manifest {
  return manifestSchema.parse({
    apiVersion: 'datamap/v1',
    dataCategories: [root('data categories'), ...readEntries(dir, 'data_categories.json', 'data_category').map(toEntry)],
    purposes: [root('data uses'), ...readEntries(dir, 'data_uses.json', 'data_use').map(toEntry)],
    dataSubjectTypes: readEntries(dir, 'data_subjects.json', 'data_subject').map(toEntry),
  });
}
