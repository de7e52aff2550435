import type { EntityManager } from '@mikro-orm/postgresql';
import { breachFindings } from '../breach/breach.service';
import { exportMapWithCountries } from '../manifest/manifest.service';
import { processorChangeFindings } from '../processor/processor-change-notice.service';
import { rightsRequestFindings } from '../rights-request/rights-request.service';
import { lintMap, sortFindings, type Finding } from './findings.rules';

/**
 * Checks the map in the database against the rules, and the registers against their clocks at `now`:
 * the `findings` query and `datamap lint` both call this. `now` also decides which review dates have passed (UTC date).
 */
export async function findingsOf(em: EntityManager, now: Date = new Date()): Promise<Finding[]> {
  const { map, countries } = await exportMapWithCountries(em);
  const [requests, breaches, changes] = await Promise.all([rightsRequestFindings(em, now), breachFindings(em, now), processorChangeFindings(em, now)]);
  return sortFindings([...lintMap(map, countries, now.toISOString().slice(0, 10)), ...requests, ...breaches, ...changes]);
}
