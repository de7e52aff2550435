import type { EntityManager } from '@mikro-orm/postgresql';
import { breachFindings } from '../breach/breach.service';
import { DEFAULT_TRANSFER_SETTINGS, type TransferSettings } from '../common/context';
import { utcDate } from '../common/calendar-date';
import type { Regime } from '../country/regime';
import { mapViewOf } from '../evidence/evidence.rules';
import { evidenceFindingsOf } from '../evidence/evidence.service';
import { exportMapWithCountries } from '../manifest/manifest.service';
import { processorChangeFindings } from '../processor/processor-change-notice.service';
import { loadTransferRecords } from '../processor/transfer-impact-assessment.service';
import { rightsRequestFindings } from '../rights-request/rights-request.service';
import { lintMap, sortFindings, type Finding, type LintContext } from './findings.rules';

/** What the transfer rules judge with on `now`: the settings (SERVED_REGIMES, DPF_GRACE_DAYS, TIA_REVIEW_MONTHS) and today's date. */
export function lintContextOf(now: Date, settings: TransferSettings = DEFAULT_TRANSFER_SETTINGS): Omit<LintContext, 'records'> {
  return {
    today: utcDate(now),
    servedRegimes: settings.servedRegimes as Regime[],
    dpfGraceDays: settings.dpfGraceDays,
    tiaReviewMonths: settings.tiaReviewMonths,
  };
}

/**
 * Checks the map in the database against the rules, the registers against their clocks at `now`, and the map
 * against the evidence repositories sent of what their code calls:
 * the `findings` query and `datamap lint` both call this. `now` also decides which review dates have passed (UTC date).
 */
export async function findingsOf(em: EntityManager, now: Date = new Date(), settings: TransferSettings = DEFAULT_TRANSFER_SETTINGS): Promise<Finding[]> {
  const [{ map, countries }, records] = await Promise.all([exportMapWithCountries(em), loadTransferRecords(em)]);
  const [requests, breaches, changes, evidence] = await Promise.all([
    rightsRequestFindings(em, now),
    breachFindings(em, now),
    processorChangeFindings(em, now),
    evidenceFindingsOf(em, mapViewOf(map)),
  ]);
  return sortFindings([...lintMap(map, countries, { ...lintContextOf(now, settings), records }), ...requests, ...breaches, ...changes, ...evidence]);
}
