import type { EntityManager } from '@mikro-orm/postgresql';
import { breachFindings } from '../breach/breach.service';
import { mapViewOf } from '../evidence/evidence.rules';
import { evidenceFindingsOf } from '../evidence/evidence.service';
import { exportMapWithCountries } from '../manifest/manifest.service';
import { processorChangeFindings } from '../processor/processor-change-notice.service';
import { rightsRequestFindings } from '../rights-request/rights-request.service';
import { lintMap, sortFindings, type Finding } from './findings.rules';

/**
 * Checks the map in the database against the rules, the registers against their clocks at `now`, and the map
 * against the evidence repositories sent of what their code calls:
 * the `findings` query and `datamap lint` both call this. `now` also decides which review dates have passed (UTC date).
 */
export async function findingsOf(em: EntityManager, now: Date = new Date()): Promise<Finding[]> {
  const { map, countries } = await exportMapWithCountries(em);
  const [requests, breaches, changes, evidence] = await Promise.all([
    rightsRequestFindings(em, now),
    breachFindings(em, now),
    processorChangeFindings(em, now),
    evidenceFindingsOf(em, mapViewOf(map)),
  ]);
  return sortFindings([...lintMap(map, countries, now.toISOString().slice(0, 10)), ...requests, ...breaches, ...changes, ...evidence]);
}
