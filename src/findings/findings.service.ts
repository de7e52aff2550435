import type { EntityManager } from '@mikro-orm/postgresql';
import { exportMapWithCountries } from '../manifest/manifest.service';
import { lintMap, type Finding } from './findings.rules';

/**
 * Checks the map in the database against the rules: the `findings` query and `datamap lint` both call this.
 * `now` decides which review dates have passed (UTC date).
 */
export async function findingsOf(em: EntityManager, now: Date = new Date()): Promise<Finding[]> {
  const { map, countries } = await exportMapWithCountries(em);
  return lintMap(map, countries, now.toISOString().slice(0, 10));
}
