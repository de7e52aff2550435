import { readFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ensureAgePolicy } from '../age-policy/age-policy.reference';
import { projectPath } from '../common/project-path';
import { ensureCountries } from '../country/country.reference';
import { applyManifest, parseManifest, type ManifestPlan } from '../manifest/manifest.service';
import { Organization } from '../organization/organization.entity';
import { Processor } from '../processor/processor.entity';

export const DEFAULT_SEED_FILE = projectPath('seeds', 'pythonmaster.yaml');

/**
 * Loads reference data (countries, the age policy) where it is missing, then the PythonMaster map when the
 * database holds no map yet. Safe to run at every start: a map that exists is never touched.
 */
export async function seedDatabase(em: EntityManager, seedFile = DEFAULT_SEED_FILE): Promise<ManifestPlan | null> {
  await ensureCountries(em);
  await ensureAgePolicy(em);
  const hasMap = (await em.count(Organization)) > 0 || (await em.count(Processor)) > 0;
  if (hasMap) return null;
  return applyManifest(em, parseManifest(readFileSync(seedFile, 'utf8'), seedFile), { source: seedFile });
}
