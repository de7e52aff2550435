import { addDays, addMonths } from '../common/calendar-date';

/**
 * The clocks of a transfer's safeguards: when a DPF certification lapses, and when a transfer impact assessment
 * is out of date. Pure functions of their dates (YYYY-MM-DD), table-tested in transfer-clocks.test.ts.
 */

/** Days before a DPF review date from which the review is due (DPF_GRACE_DAYS). */
export const DEFAULT_DPF_GRACE_DAYS = 30;

/** Months after which a transfer impact assessment must be reviewed (TIA_REVIEW_MONTHS). */
export const DEFAULT_TIA_REVIEW_MONTHS = 12;

export type DpfStatus = 'ACTIVE' | 'REVIEW_DUE' | 'LAPSED';

/**
 * A DPF certification on `today`: LAPSED the day after its review date (an organisation re-certifies every year,
 * and one that does not leaves the DPF List: DPF Principles, Supplemental Principle 6 on self-certification);
 * REVIEW_DUE from `graceDays` before it, through the review date itself; ACTIVE before that.
 */
export function dpfStatusOn(reviewDue: string, today: string, graceDays: number = DEFAULT_DPF_GRACE_DAYS): DpfStatus {
  if (today > reviewDue) return 'LAPSED';
  if (today >= addDays(reviewDue, -graceDays)) return 'REVIEW_DUE';
  return 'ACTIVE';
}

export interface TiaAge {
  /** YYYY-MM-DD the assessment was made. */
  assessedAt: string;
  today: string;
  reviewMonths?: number;
  /** YYYY-MM-DD of the last change to what the transfer rests on (mechanism, reference, certification, chain). */
  lastChangedOn?: string | null;
}

/**
 * Why an assessment is out of date, or null when it is current: older than `reviewMonths` (it is due on the
 * same day of the month `reviewMonths` later), or made before the last change of what the transfer rests on.
 */
export function tiaStaleness({ assessedAt, today, reviewMonths = DEFAULT_TIA_REVIEW_MONTHS, lastChangedOn }: TiaAge): string | null {
  if (lastChangedOn && assessedAt < lastChangedOn) return `it predates the last change of the safeguard on ${lastChangedOn}`;
  const due = addMonths(assessedAt, reviewMonths);
  if (today > due) return `it is more than ${reviewMonths} months old (review was due on ${due})`;
  return null;
}
