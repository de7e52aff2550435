import { randomUUID } from 'node:crypto';
import { OptimisticLockError, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type Actor } from '../audit/audit.service';
import { jurisdictionInput, unknownCountryMessage } from '../age-policy/jurisdiction';
import { badInput, conflict, notFound, ValidationFailed, type ValidationProblem } from '../common/errors';
import { decodeTimePosition, pageSize, timePositionOf, toPage, type Page } from '../common/connection';
import { isUuid } from '../common/keys';
import { Country } from '../country/country.entity';
import { assertKnownKeys, flowsForProfile, profileVerdict } from '../data-flow/data-flow.service';
import { readTogether } from '../db/read-together';
import { FindingSeverity, type Finding } from '../findings/findings.rules';
import { DataSubjectRight } from '../rights/data-subject-right.entity';
import { contactDetailIn, reasonProblem } from '../common/free-text';
import { DUE_SOON_DAYS, rightsRequestClock, type JurisdictionFacts, type RightsClock } from './rights-request.deadline';
import {
  CLOSED_STATUSES,
  IdentityVerificationMethod,
  IdentityVerificationOutcome,
  RefusalGround,
  RightsRequest,
  RightsRequestStatus,
} from './rights-request.entity';
import type { RightsRequestInput, RightsRequestListArgs } from './rights-request.inputs';
import { scopeOf, subjectReferenceProblem, timelinessOf, transitionRefusal } from './rights-request.rules';
import { RECIPIENT_CATEGORIES_SQL, scopeRowsStatement, type ScopeRow } from './rights-request.sql';
import { STATUS_ORDER, Timeliness, type RightsRequestScope, type RightsRequestStats } from './rights-request.types';

/** The policy's promise when a right records no response time of its own. */
const POLICY_DAYS = 30;

/**
 * The request as the audit trail keeps it. The subject reference and the text of the reasons are left out on
 * purpose: the trail is append-only, so whatever it holds can never be purged. It records that a reason was given.
 */
function snapshot(request: RightsRequest) {
  return {
    right: request.right.key,
    status: request.status,
    receivedAt: request.receivedAt.toISOString(),
    deadlineRule: request.deadlineRuleId ?? null,
    dueAt: request.dueAt.toISOString(),
    acknowledgeBy: request.acknowledgeBy?.toISOString() ?? null,
    promisedBy: request.promisedBy?.toISOString() ?? null,
    extended: request.extended,
    extensionReasonGiven: request.extensionReason != null,
    jurisdiction: request.jurisdiction,
    statusReasonGiven: request.statusReason != null,
    refusalGround: request.refusalGround ?? null,
    identityMethod: request.identityMethod ?? null,
    identityOutcome: request.identityOutcome ?? null,
    closedAt: request.closedAt?.toISOString() ?? null,
    subjectReferencePurged: request.purgedAt != null,
  };
}

/**
 * The earliest receipt the register accepts. Every law whose clock it keeps is younger; a date before it is a
 * typo (the year 0027 for 2027), which would otherwise be stored and counted as centuries overdue.
 */
export const EARLIEST_RECEIPT = new Date('2000-01-01T00:00:00.000Z');

interface Clocked {
  actor: Actor;
  now: Date;
}

/** The facts of a jurisdiction code the clock needs, or the problem with the code. */
async function jurisdictionFacts(em: EntityManager, code: string, field: string): Promise<{ jurisdiction: string; facts: JurisdictionFacts }> {
  const jurisdiction = jurisdictionInput(code, field);
  const country = await em.findOne(Country, { code: jurisdiction.country });
  if (!country) throw badInput(unknownCountryMessage(field, jurisdiction), { field, value: code });
  return { jurisdiction: jurisdiction.code, facts: { ...jurisdiction, inEEA: country.inEEA } };
}

const policyDaysOf = (right: DataSubjectRight) => right.responseDays ?? POLICY_DAYS;

/** The clock of a stored request, recomputed from what set it: the right, the jurisdiction and the receipt. */
async function clockOf(em: EntityManager, request: RightsRequest): Promise<RightsClock> {
  const { facts } = await jurisdictionFacts(em, request.jurisdiction, 'jurisdiction');
  return rightsRequestClock(request.right.key, facts, request.receivedAt, policyDaysOf(request.right));
}

/** A reason the person is told: present when required, and free of contact details. Returns it trimmed, or null. */
function checkedReason(field: string, reason: string | null | undefined, requiredBecause: string | null): string | null {
  const text = reason?.trim() || null;
  if (!text) {
    if (requiredBecause) throw badInput(`${field}: ${requiredBecause}`, { field, value: reason ?? null });
    return null;
  }
  const problem = reasonProblem(field, text);
  if (problem) throw badInput(problem, { field });
  return text;
}
/** Logs a request with its deadline. The profile's keys are checked as `userDataFlow` checks them. */
export async function createRightsRequest(em: EntityManager, { actor, now }: Clocked, input: RightsRequestInput): Promise<RightsRequest> {
  const problems: ValidationProblem[] = [];
  const reference = input.subjectReference.trim();
  const referenceProblem = subjectReferenceProblem(reference) ?? (contactDetailIn(reference) ? 'looks like a phone number; give the product\'s user id or ticket id instead (data minimisation, Art. 5(1)(c))' : null);
  if (referenceProblem) problems.push({ field: 'input.subjectReference', message: `input.subjectReference ${referenceProblem}` });
  if (input.receivedAt > now) {
    problems.push({
      field: 'input.receivedAt',
      value: input.receivedAt.toISOString(),
      message: `input.receivedAt ${input.receivedAt.toISOString()} is in the future (now is ${now.toISOString()})`,
    });
  }
  if (input.receivedAt < EARLIEST_RECEIPT) {
    problems.push({
      field: 'input.receivedAt',
      value: input.receivedAt.toISOString(),
      message: `input.receivedAt ${input.receivedAt.toISOString()} is before ${EARLIEST_RECEIPT.toISOString().slice(0, 10)}: not a plausible date for a request (check the year)`,
    });
  }
  if (problems.length > 0) throw new ValidationFailed(problems);
  const right = await em.findOne(DataSubjectRight, { key: input.right });
  if (!right) {
    throw badInput(`input.right: unknown data subject right "${input.right}"; see dataSubjectRights for the keys`, {
      field: 'input.right',
      value: input.right,
    });
  }
  const { jurisdiction, facts } = await jurisdictionFacts(em, input.jurisdiction, 'input.jurisdiction');
  const clock = rightsRequestClock(right.key, facts, input.receivedAt, policyDaysOf(right));
  // The same checks userDataFlow makes: unknown collection points or consents are BAD_USER_INPUT.
  await flowsForProfile(em, { country: jurisdiction, collectionPoints: input.collectionPoints, consents: input.consents });
  const pastConsents = input.pastConsents ?? [];
  const granted = pastConsents.flatMap((key, index) =>
    input.consents.includes(key)
      ? [{ field: `input.pastConsents[${index}]`, value: key, message: `input.pastConsents[${index}]: "${key}" is also in consents; a consent is either granted now or withdrawn` }]
      : [],
  );
  if (granted.length > 0) throw new ValidationFailed(granted);
  await assertKnownKeys(em, [{ kind: 'consent', field: 'input.pastConsents', keys: pastConsents }]);
  return em.transactional(async (tx) => {
    const request = tx.create(RightsRequest, {
      id: randomUUID(),
      right,
      status: RightsRequestStatus.RECEIVED,
      receivedAt: input.receivedAt,
      deadlineRuleId: clock.rule.id,
      dueAt: clock.dueAt,
      acknowledgeBy: clock.acknowledgeBy,
      promisedBy: clock.promisedBy,
      jurisdiction,
      subjectReference: reference,
      collectionPoints: [...new Set(input.collectionPoints)].sort(),
      consents: [...new Set(input.consents)].sort(),
      pastConsents: [...new Set(pastConsents)].sort(),
    });
    recordAudit(tx, actor, { operation: 'createRightsRequest', entityType: 'RightsRequest', entityKey: request.id, before: null, after: snapshot(request) });
    return request;
  });
}

async function loadForChange(tx: EntityManager, id: string): Promise<RightsRequest> {
  const request = isUuid(id) ? await tx.findOne(RightsRequest, { id }, { populate: ['right'] }) : null;
  if (!request) throw notFound(`id: no rights request has id "${id}"`, { field: 'id', value: id });
  return request;
}

/** Runs one change of a request in a transaction with its audit entry; two changes at once: one wins, one gets CONFLICT. */
async function changeRequest(
  em: EntityManager,
  actor: Actor,
  operation: string,
  id: string,
  change: (request: RightsRequest, tx: EntityManager) => Promise<void> | void,
): Promise<RightsRequest> {
  try {
    return await em.transactional(async (tx) => {
      const request = await loadForChange(tx, id);
      const before = snapshot(request);
      await change(request, tx);
      recordAudit(tx, actor, { operation, entityType: 'RightsRequest', entityKey: id, before, after: snapshot(request) });
      return request;
    });
  } catch (error) {
    if (error instanceof OptimisticLockError) {
      throw conflict(`id: rights request "${id}" changed while ${operation} ran; reload it and try again`, { field: 'id', value: id });
    }
    throw error;
  }
}

const isClosed = (request: RightsRequest) => CLOSED_STATUSES.includes(request.status);

/**
 * Extends the deadline once, with the reason told to the person, within the original period, as the rule that set
 * the clock allows: by its fixed period (or to an earlier `until`), or, where the law lets the controller state
 * the new date (Switzerland), to `until`.
 */
export async function extendRightsRequest(
  em: EntityManager,
  { actor, now }: Clocked,
  id: string,
  reason: string,
  until?: Date | null,
): Promise<RightsRequest> {
  const text = checkedReason('reason', reason, 'an extension needs the reason told to the person (Art. 12(3))')!;
  return changeRequest(em, actor, 'extendRightsRequest', id, async (request, tx) => {
    if (request.extended) {
      throw badInput(`id: rights request "${id}" was already extended (to ${request.dueAt.toISOString()}); a deadline is extended only once`, {
        field: 'id',
        value: id,
      });
    }
    if (isClosed(request)) throw badInput(`id: rights request "${id}" is ${request.status}; a closed request has no deadline to extend`, { field: 'id', value: id, status: request.status });
    const clock = await clockOf(tx, request);
    if (clock.extension === 'NONE') {
      throw badInput(
        `id: rights request "${id}" (${request.right.key}, ${request.jurisdiction}) is under the rule ${clock.rule.id}, which allows no extension: ${clock.rule.law}`,
        { field: 'id', value: id, jurisdiction: request.jurisdiction, rule: clock.rule.id },
      );
    }
    if (now > request.dueAt) {
      throw badInput(
        `id: rights request "${id}" was due ${request.dueAt.toISOString()}; an extension must be told to the person within the original period`,
        { field: 'id', value: id },
      );
    }
    if (clock.extension === 'STATED' && !until) {
      throw badInput(`until: under the rule ${clock.rule.id} the person is told when the answer will come; give that date`, { field: 'until', value: null });
    }
    if (until && until <= request.dueAt) {
      throw badInput(`until ${until.toISOString()} is not after the current deadline ${request.dueAt.toISOString()}`, { field: 'until', value: until.toISOString() });
    }
    if (until && clock.extendedDueAt && until > clock.extendedDueAt) {
      throw badInput(
        `until ${until.toISOString()} is after ${clock.extendedDueAt.toISOString()}, the longest extension the rule ${clock.rule.id} allows`,
        { field: 'until', value: until.toISOString() },
      );
    }
    request.extended = true;
    request.extensionReason = text;
    request.dueAt = until ?? clock.extendedDueAt!;
  });
}

/** Closes a request: the clock stops, and the scope is kept as it is now (whom the Art. 19 notices went to). */
async function close(tx: EntityManager, request: RightsRequest, now: Date): Promise<void> {
  request.closedAt = now;
  const [scope] = await scopesOf(tx, [request]);
  request.frozenScope = JSON.parse(JSON.stringify(scope)) as Record<string, unknown>;
}

/** Moves a request one step along its workflow; REFUSED needs the reason given to the person (Art. 12(4)). */
export async function updateRightsRequest(
  em: EntityManager,
  { actor, now }: Clocked,
  id: string,
  status: RightsRequestStatus,
  reason: string | null | undefined,
  ground?: RefusalGround | null,
): Promise<RightsRequest> {
  const refusing = status === RightsRequestStatus.REFUSED;
  const text = checkedReason('reason', reason, refusing ? 'a REFUSED request needs the reason given to the person (Art. 12(4))' : null);
  if (ground && !refusing) throw badInput(`ground: only a REFUSED request has a refusal ground; the request moves to ${status}`, { field: 'ground', value: ground });
  return changeRequest(em, actor, 'updateRightsRequest', id, async (request, tx) => {
    const refusal = transitionRefusal(request.status, status);
    if (refusal) throw badInput(refusal, { field: 'status', value: status, status: request.status });
    request.status = status;
    if (text) request.statusReason = text;
    if (refusing) request.refusalGround = ground ?? RefusalGround.OTHER;
    if (isClosed(request)) await close(tx, request, now);
  });
}

/**
 * Records how the requester's identity was checked (a method from a closed list, never free text). VERIFIED
 * moves the request on to IN_PROGRESS; NOT_VERIFIED refuses it with the ground IDENTITY_NOT_VERIFIED, from
 * RECEIVED or VERIFYING alike.
 */
export async function verifyRightsRequestIdentity(
  em: EntityManager,
  { actor, now }: Clocked,
  id: string,
  method: IdentityVerificationMethod,
  outcome: IdentityVerificationOutcome,
  reason: string | null | undefined,
): Promise<RightsRequest> {
  const text = checkedReason('reason', reason, null);
  return changeRequest(em, actor, 'verifyRightsRequestIdentity', id, async (request, tx) => {
    if (request.status !== RightsRequestStatus.RECEIVED && request.status !== RightsRequestStatus.VERIFYING) {
      throw badInput(`id: rights request "${id}" is ${request.status}; identity is verified while a request is RECEIVED or VERIFYING`, {
        field: 'id',
        value: id,
        status: request.status,
      });
    }
    request.identityMethod = method;
    request.identityOutcome = outcome;
    request.identityCheckedAt = now;
    if (outcome === IdentityVerificationOutcome.VERIFIED) {
      request.status = RightsRequestStatus.IN_PROGRESS;
      return;
    }
    request.status = RightsRequestStatus.REFUSED;
    request.refusalGround = RefusalGround.IDENTITY_NOT_VERIFIED;
    request.statusReason = text;
    await close(tx, request, now);
  });
}

/** A page of the register in due order, the most urgent first. */
export async function listRightsRequests(em: EntityManager, { status, dueBefore, first, after }: RightsRequestListArgs): Promise<Page<RightsRequest>> {
  const size = pageSize(first);
  const position = decodeTimePosition(after);
  const where: FilterQuery<RightsRequest> = { ...(status ? { status } : {}), ...(dueBefore ? { dueAt: { $lt: dueBefore } } : {}) };
  const pageWhere: FilterQuery<RightsRequest> = position
    ? { $and: [where, { $or: [{ dueAt: { $gt: position.at } }, { dueAt: position.at, id: { $gt: position.id } }] }] }
    : where;
  const [rows, total] = await Promise.all([
    em.find(RightsRequest, pageWhere, { orderBy: { dueAt: 'asc', id: 'asc' }, limit: size + 1 }),
    em.count(RightsRequest, where),
  ]);
  return toPage(rows, size, total, (request) => timePositionOf(request.dueAt, request.id));
}

interface StatsRow {
  right: string;
  status: RightsRequestStatus;
  timeliness: Timeliness;
  count: number;
}

/** Counts by right, status and timeliness, in one statement; no reference to any person. */
export async function rightsRequestStats(em: EntityManager, now: Date): Promise<RightsRequestStats> {
  const rows = await em.getConnection().execute<StatsRow[]>(
    `select right_key as "right", status,
       case when closed_at is not null then (case when closed_at <= due_at then 'ON_TIME' else 'LATE' end)
            when due_at < ? then 'OVERDUE' else 'OPEN' end as timeliness,
       count(*)::int as count
     from rights_request group by 1, 2, 3`,
    [now],
  );
  const sum = (pick: (row: StatsRow) => string, order?: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(pick(row), (counts.get(pick(row)) ?? 0) + row.count);
    const values = order ? order.filter((value) => counts.has(value)) : [...counts.keys()].sort();
    return values.map((value) => ({ value, count: counts.get(value)! }));
  };
  return {
    total: rows.reduce((total, row) => total + row.count, 0),
    byRight: sum((row) => row.right),
    byStatus: sum((row) => row.status, STATUS_ORDER),
    byTimeliness: sum((row) => row.timeliness, Object.values(Timeliness)),
  };
}

/**
 * Open requests past their deadline (ERROR), past the policy's promise (WARNING), and due within five days
 * (WARNING): one finding per request, the gravest.
 */
export async function rightsRequestFindings(em: EntityManager, now: Date): Promise<Finding[]> {
  const soon = new Date(now.getTime() + DUE_SOON_DAYS * 24 * 60 * 60 * 1000);
  const open = await em.find(
    RightsRequest,
    { status: { $nin: [...CLOSED_STATUSES] }, $or: [{ dueAt: { $lt: soon } }, { promisedBy: { $lt: now } }] },
    { orderBy: { dueAt: 'asc', id: 'asc' }, populate: ['right'] },
  );
  return open.map((request) => {
    const entities = [{ type: 'RightsRequest' as const, key: request.id }];
    const what = `the ${request.right.key} request ${request.id} (${request.jurisdiction}, ${request.status})`;
    if (request.promisedBy && request.promisedBy < now && request.dueAt >= now) {
      return {
        severity: FindingSeverity.WARNING,
        rule: 'rights-request-promise-missed',
        message:
          `${what} is unanswered past ${request.promisedBy.toISOString()}, the privacy policy's promise to respond within ` +
          `${policyDaysOf(request.right)} days ("How to Exercise Your Rights"); the law's deadline is ${request.dueAt.toISOString()}`,
        entities,
        fix: 'answer the request now; the policy promised it, and the statutory deadline follows',
      };
    }
    if (timelinessOf(request, now) === Timeliness.OVERDUE) {
      return {
        severity: FindingSeverity.ERROR,
        rule: 'rights-request-overdue',
        message: `${what} was due ${request.dueAt.toISOString()} and is still open`,
        entities,
        fix: 'answer the request now (updateRightsRequest to COMPLETED, or REFUSED with the reason), and record why it was late',
      };
    }
    return {
      severity: FindingSeverity.WARNING,
      rule: 'rights-request-due-soon',
      message: `${what} is due ${request.dueAt.toISOString()}, within ${DUE_SOON_DAYS} days`,
      entities,
      fix: request.extended
        ? 'answer the request before its extended deadline'
        : 'answer the request, or extend it (extendRightsRequest) with the reason told to the person',
    };
  });
}

/**
 * Clears the subject reference of requests closed longer ago than the retention period. The rows stay, so the
 * statistics stay; only the link to the person goes. Audited as one entry per request.
 */
export async function purgeRightsRequests(em: EntityManager, actor: Actor, now: Date, retentionDays: number): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 60 * 60 * 1000);
  return em.transactional(async (tx) => {
    const expired = await tx.find(
      RightsRequest,
      { closedAt: { $lt: cutoff }, purgedAt: null },
      { populate: ['right'] },
    );
    for (const request of expired) {
      const before = snapshot(request);
      request.subjectReference = null;
      // The reasons were told to the person: they may describe them, so they go with the reference.
      request.extensionReason = null;
      request.statusReason = null;
      request.purgedAt = now;
      recordAudit(tx, actor, { operation: 'purgeRightsRequest', entityType: 'RightsRequest', entityKey: request.id, before, after: snapshot(request) });
    }
    return expired.length;
  });
}

/**
 * The scope of each request, computed once per distinct profile and right: the person's (activity, category) pairs
 * and their flows, judged with their consents and the ones they withdrew (which `scopeOf` keeps only where the data
 * is still retained), in two statements; the recipient categories once for all.
 */
export async function scopesOf(em: EntityManager, requests: readonly RightsRequest[]): Promise<RightsRequestScope[]> {
  const byProfile = new Map<string, Promise<RightsRequestScope>>();
  let categories: Promise<{ key: string; activities: string[] }[]> | undefined;
  const recipientCategories = () =>
    (categories ??= em.getConnection().execute<{ key: string; activities: string[] }[]>(RECIPIENT_CATEGORIES_SQL, [], 'all', em.getTransactionContext()));
  return readTogether(
    em,
    requests.map((request) => () => {
      const right = request.right.key;
      const withdrawn = (request.pastConsents ?? []).filter((key) => !request.consents.includes(key));
      const profile = { country: request.jurisdiction, collectionPoints: request.collectionPoints, consents: [...request.consents, ...withdrawn] };
      const id = JSON.stringify([right, profile, withdrawn]);
      if (!byProfile.has(id)) {
        const scope = flowsForProfile(em, profile).then(async (question) => {
          const rowsStatement = scopeRowsStatement(question.profile);
          // One after another: inside a transaction (a closing request) they share one connection.
          const rows = await em.getConnection().execute<ScopeRow[]>(rowsStatement.sql, rowsStatement.params, 'all', em.getTransactionContext());
          const verdict = await profileVerdict(em, question);
          const everyCategory = await recipientCategories();
          return scopeOf(right, { rows, flows: verdict.flows, withdrawnConsents: new Set(withdrawn), recipientCategories: everyCategory });
        });
        byProfile.set(id, scope);
      }
      return byProfile.get(id)!;
    }),
  );
}
