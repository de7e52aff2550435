import { RetentionEvent } from './retention-rule.entity';

/** What of a retention rule decides whether data outlives the withdrawal of the consent it was collected on. */
export interface RetentionFacts {
  duration: string | null;
  startsAt: RetentionEvent;
  until: RetentionEvent | null;
}

/** "P0D", "PT0S", "P0Y0M": a period of no length. */
const EMPTY_PERIOD = /^P(?:0[YMWD])*(?:T(?:0[HMS])*)?$/;

/**
 * Whether data collected on a consent is still kept after the person withdrew it, by its activity's retention rule
 * (null: the activity records none).
 *
 * Withdrawing a consent is the UNSUBSCRIBE event. Retention ends with it when the rule ends there (`until`
 * UNSUBSCRIBE) or counts no period from it. Any other rule counts its period from an event whose date the map does
 * not hold for the person (collection, last activity, ...), so the data may still be kept, and is taken to be:
 * leaving it out of an access or erasure scope would hide data that is still there (Art. 15(1), 17(1)(b)). An
 * activity without a retention rule says nothing of when its data goes, and is taken to keep it. Assumed, because
 * the register records no dates of a person's consents; docs/rights-and-breaches.md says so.
 */
export function retainedAfterWithdrawal(rule: RetentionFacts | null): boolean {
  if (rule === null) return true;
  if (rule.until === RetentionEvent.UNSUBSCRIBE) return false;
  if (rule.startsAt === RetentionEvent.UNSUBSCRIBE) return rule.duration !== null && !EMPTY_PERIOD.test(rule.duration);
  return true;
}
