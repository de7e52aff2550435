import type { DataFlow } from '../data-flow/data-flow.types';
import { LegalBasis } from '../processing-activity/legal-basis';
import { retainedAfterWithdrawal } from '../retention/retention.rules';
import { RightsRequestStatus } from './rights-request.entity';
import type { ScopeRow } from './rights-request.sql';
import { Timeliness, type RightsRequestScope, type ScopeActivity, type ScopeProcessor } from './rights-request.types';

const { RECEIVED, VERIFYING, IN_PROGRESS, COMPLETED, REFUSED } = RightsRequestStatus;

/** The one way forward from each status. */
export const NEXT_STATUSES: Record<RightsRequestStatus, readonly RightsRequestStatus[]> = {
  // A request may be refused at any open step: an identity that cannot be verified, a manifestly unfounded request.
  [RECEIVED]: [VERIFYING, REFUSED],
  [VERIFYING]: [IN_PROGRESS, REFUSED],
  [IN_PROGRESS]: [COMPLETED, REFUSED],
  [COMPLETED]: [],
  [REFUSED]: [],
};

/** Null when the move is allowed; otherwise why not, naming the current status. */
export function transitionRefusal(current: RightsRequestStatus, next: RightsRequestStatus): string | null {
  if (NEXT_STATUSES[current].includes(next)) return null;
  const allowed = NEXT_STATUSES[current];
  const onward = allowed.length > 0 ? `it may move only to ${allowed.join(' or ')}` : 'it is closed';
  return `status: the request is ${current}, and ${current} -> ${next} is not a step of RECEIVED -> VERIFYING -> IN_PROGRESS -> COMPLETED or REFUSED; ${onward}`;
}

/**
 * The product's own reference for the person: a user id or a ticket id. An email address or a name would put
 * the person's identity into the register, which keeps its rows for years: letters, digits and `._:#/-` only,
 * no spaces and no "@".
 */
const SUBJECT_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._:#/-]{0,99}$/;

export function subjectReferenceProblem(value: string): string | null {
  if (value.includes('@')) return 'looks like an email address; give the product\'s user id or ticket id instead (data minimisation, Art. 5(1)(c))';
  if (!SUBJECT_REFERENCE.test(value)) {
    return 'must be the product\'s user id or ticket id: 1 to 100 letters, digits or ._:#/- with no spaces (never a name)';
  }
  return null;
}

const ERASURE = 'erasure';

/** Rights whose exercise must be passed on to every recipient (Art. 19). */
export const NOTIFY_RECIPIENTS = new Set(['erasure', 'rectification', 'restriction']);
/**
 * Rights whose exercise must reach the recipients of the processing it stops: a withdrawal of consent (Art. 7(3))
 * and an objection to direct marketing (Art. 21(3)) end the consent-based flows (on this map, marketing rests on
 * consent), and every recipient of those must stop.
 */
export const STOP_CONSENT_PROCESSING = new Set(['withdraw-consent', 'object-direct-marketing']);
/** Rights answered with a copy of the data. */
export const COPY_RIGHTS = new Set(['access', 'portability']);
/** Portability covers only data processed on consent or on a contract (Art. 20(1)(a)). */
const PORTABLE_BASES = new Set<LegalBasis>([LegalBasis.CONSENT, LegalBasis.CONTRACT]);

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

function groupBy<T, K extends string>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** What of an activity decides whether Art. 17(3) keeps its data from an erasure. */
export interface ErasureFacts {
  legalBasis: LegalBasis;
  /** For LEGAL_OBLIGATION: the law that lays the obligation down. */
  legalObligationLaw: string | null;
  retentionKey: string | null;
  /** The retention rule keeps the data for legal claims. */
  legalClaims: boolean | null;
}

/**
 * Whether Art. 17(3) keeps an activity's data from an erasure, and on which ground; null when erasure reaches it.
 * The map says so in two places: the activity's basis (a legal obligation, or a task in the public interest, is
 * 17(3)(b)) and its retention rule (`legalClaims`: 17(3)(e)). The other grounds (freedom of expression, public
 * health, archiving and research under Art. 89(1)) are not on the map.
 */
export function erasureExceptionOf(activity: ErasureFacts): string | null {
  if (activity.legalBasis === LegalBasis.LEGAL_OBLIGATION) {
    return `Art. 17(3)(b): legal obligation${activity.legalObligationLaw ? ` (${activity.legalObligationLaw})` : ''}`;
  }
  if (activity.legalBasis === LegalBasis.PUBLIC_TASK) return 'Art. 17(3)(b): a task carried out in the public interest or in official authority';
  if (activity.legalClaims) {
    return `Art. 17(3)(e): legal claims, as far as their establishment, exercise or defence needs the data, for the period of the retention rule ${activity.retentionKey}`;
  }
  return null;
}

/** What a request's scope is worked out from. */
export interface ScopeFacts {
  /** Every (activity, category) pair that holds the person's data, under their consents and their withdrawn ones. */
  rows: readonly ScopeRow[];
  /** The flows of those pairs to recipients. */
  flows: readonly DataFlow[];
  /** The consents the person withdrew (and has not given again). */
  withdrawnConsents: ReadonlySet<string>;
  /** Every recipient category, with the activities it receives from (none: every activity). */
  recipientCategories: readonly { key: string; activities: readonly string[] }[];
}

/** The consent an activity held the data under, when the person has withdrawn it; else null. */
function withdrawnConsentOf(row: ScopeRow, withdrawn: ReadonlySet<string>): string | null {
  return row.legalBasis === LegalBasis.CONSENT && row.requiredConsentKey !== null && withdrawn.has(row.requiredConsentKey) ? row.requiredConsentKey : null;
}

/**
 * What a request of `right` touches: every activity the person's collection points and consents feed, with or
 * without a processor, and the data of withdrawn consents that is still retained (see `retainedAfterWithdrawal`);
 * every recipient of their flows; the recipient categories of those activities; for an erasure, what Art. 17(3) keeps.
 */
export function scopeOf(right: string, { rows: allRows, flows: allFlows, withdrawnConsents, recipientCategories }: ScopeFacts): RightsRequestScope {
  const gone = new Set(
    allRows
      .filter((row) => withdrawnConsentOf(row, withdrawnConsents) !== null && !retainedAfterWithdrawal(row.startsAt ? { duration: row.duration, startsAt: row.startsAt, until: row.until } : null))
      .map((row) => row.activityKey),
  );
  const rows = allRows.filter((row) => !gone.has(row.activityKey));
  const flows = allFlows.filter((flow) => !gone.has(flow.activityKey));
  const processors: ScopeProcessor[] = [...groupBy(flows, (f) => f.processorKey)].map(([processorKey, own]) => ({
    processorKey,
    activityKeys: sorted(own.map((f) => f.activityKey)),
    categoryKeys: sorted(own.map((f) => f.categoryKey)),
    countryCodes: sorted(own.map((f) => f.destinationCode)),
  }));
  const flowsOf = groupBy(flows, (f) => f.activityKey);
  const activities: ScopeActivity[] = [...groupBy(rows, (row) => row.activityKey)].map(([activityKey, own]) => ({
    activityKey,
    purposeKey: own[0].purposeKey,
    legalBasis: own[0].legalBasis,
    retentionKey: own[0].retentionKey,
    categoryKeys: sorted(own.map((row) => row.categoryKey)),
    processorKeys: sorted((flowsOf.get(activityKey) ?? []).map((f) => f.processorKey)),
    withdrawnConsentKey: withdrawnConsentOf(own[0], withdrawnConsents),
    erasureException: right === ERASURE ? erasureExceptionOf(own[0]) : null,
  }));
  const activityKeys = new Set(activities.map((activity) => activity.activityKey));
  let copy: RightsRequestScope['copy'] = null;
  if (COPY_RIGHTS.has(right)) {
    const portable = <T extends { legalBasis: LegalBasis }>(items: readonly T[]) => (right === 'portability' ? items.filter((item) => PORTABLE_BASES.has(item.legalBasis)) : items);
    const coveredRows = portable(rows);
    const covered = portable(flows);
    copy = {
      categoryKeys: sorted(coveredRows.map((row) => row.categoryKey)),
      purposeKeys: sorted(coveredRows.map((row) => row.purposeKey)),
      processorKeys: sorted(covered.map((f) => f.processorKey)),
      countryCodes: sorted(covered.map((f) => f.destinationCode)),
      retentionKeys: sorted(coveredRows.flatMap((row) => (row.retentionKey ? [row.retentionKey] : []))),
      thirdCountryTransfers: covered.some((f) => f.thirdCountry),
    };
  }
  return {
    processors,
    activities,
    recipientKeys: NOTIFY_RECIPIENTS.has(right)
      ? processors.map((p) => p.processorKey)
      : STOP_CONSENT_PROCESSING.has(right)
        ? sorted(flows.filter((f) => f.legalBasis === LegalBasis.CONSENT).map((f) => f.processorKey))
        : [],
    recipientCategoryKeys: recipientCategories
      .filter((category) => category.activities.length === 0 || category.activities.some((key) => activityKeys.has(key)))
      .map((category) => category.key),
    copy,
  };
}

/** A closed request was answered on time or late; an open one is still within its time or overdue. */
export function timelinessOf(request: { dueAt: Date; closedAt?: Date | null }, now: Date): Timeliness {
  if (request.closedAt) return request.closedAt <= request.dueAt ? Timeliness.ON_TIME : Timeliness.LATE;
  return now > request.dueAt ? Timeliness.OVERDUE : Timeliness.OPEN;
}
