import type { DataFlow } from '../data-flow/data-flow.types';
import { LegalBasis } from '../processing-activity/legal-basis';
import { RightsRequestStatus } from './rights-request.entity';
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

function groupBy<K extends string>(flows: readonly DataFlow[], keyOf: (flow: DataFlow) => K): Map<K, DataFlow[]> {
  const groups = new Map<K, DataFlow[]>();
  for (const flow of flows) {
    const key = keyOf(flow);
    groups.set(key, [...(groups.get(key) ?? []), flow]);
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** What a request of `right` touches, from the flows that carry the person's data. */
export function scopeOf(right: string, flows: readonly DataFlow[]): RightsRequestScope {
  const processors: ScopeProcessor[] = [...groupBy(flows, (f) => f.processorKey)].map(([processorKey, own]) => ({
    processorKey,
    activityKeys: sorted(own.map((f) => f.activityKey)),
    categoryKeys: sorted(own.map((f) => f.categoryKey)),
    countryCodes: sorted(own.map((f) => f.destinationCode)),
  }));
  const activities: ScopeActivity[] = [...groupBy(flows, (f) => f.activityKey)].map(([activityKey, own]) => ({
    activityKey,
    purposeKey: own[0].purposeKey,
    legalBasis: own[0].legalBasis,
    retentionKey: own[0].retentionKey,
    categoryKeys: sorted(own.map((f) => f.categoryKey)),
    processorKeys: sorted(own.map((f) => f.processorKey)),
  }));
  let copy: RightsRequestScope['copy'] = null;
  if (COPY_RIGHTS.has(right)) {
    const covered = right === 'portability' ? flows.filter((f) => PORTABLE_BASES.has(f.legalBasis)) : flows;
    copy = {
      categoryKeys: sorted(covered.map((f) => f.categoryKey)),
      purposeKeys: sorted(covered.map((f) => f.purposeKey)),
      processorKeys: sorted(covered.map((f) => f.processorKey)),
      countryCodes: sorted(covered.map((f) => f.destinationCode)),
      retentionKeys: sorted(covered.flatMap((f) => (f.retentionKey ? [f.retentionKey] : []))),
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
    copy,
  };
}

/** A closed request was answered on time or late; an open one is still within its time or overdue. */
export function timelinessOf(request: { dueAt: Date; closedAt?: Date | null }, now: Date): Timeliness {
  if (request.closedAt) return request.closedAt <= request.dueAt ? Timeliness.ON_TIME : Timeliness.LATE;
  return now > request.dueAt ? Timeliness.OVERDUE : Timeliness.OPEN;
}
