import { randomUUID } from 'node:crypto';
import { OptimisticLockError, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type Actor } from '../audit/audit.service';
import { jurisdictionInput, unknownCountryMessage } from '../age-policy/jurisdiction';
import { badInput, conflict, notFound, ValidationFailed, type ValidationProblem } from '../common/errors';
import { decodeTimePosition, pageSize, timePositionOf, toPage, type Page } from '../common/connection';
import { isUuid } from '../common/keys';
import { Country } from '../country/country.entity';
import { flowsForProfile, profileVerdict } from '../data-flow/data-flow.service';
import { FindingSeverity, type Finding } from '../findings/findings.rules';
import { DataSubjectRight } from '../rights/data-subject-right.entity';
import {
  DeadlineRegime,
  DUE_SOON_DAYS,
  extensionAllowed,
  regimeOf,
  rightsRequestDueAt,
} from './rights-request.deadline';
import { CLOSED_STATUSES, RightsRequest, RightsRequestStatus } from './rights-request.entity';
import type { RightsRequestInput, RightsRequestListArgs } from './rights-request.inputs';
import { scopeOf, subjectReferenceProblem, timelinessOf, transitionRefusal } from './rights-request.rules';
import { STATUS_ORDER, Timeliness, type RightsRequestScope, type RightsRequestStats } from './rights-request.types';

/** The policy's promise when a right records no response time of its own. */
const POLICY_DAYS = 30;

/**
 * The request as the audit trail keeps it. The subject reference is left out on purpose: the trail is
 * append-only, so whatever it holds can never be purged.
 */
function snapshot(request: RightsRequest) {
  return {
    right: request.right.key,
    status: request.status,
    receivedAt: request.receivedAt.toISOString(),
    dueAt: request.dueAt.toISOString(),
    extended: request.extended,
    extensionReason: request.extensionReason ?? null,
    jurisdiction: request.jurisdiction,
    statusReason: request.statusReason ?? null,
    closedAt: request.closedAt?.toISOString() ?? null,
    subjectReferencePurged: request.purgedAt != null,
  };
}

interface Clocked {
  actor: Actor;
  now: Date;
}

/** The deadline rule for a jurisdiction code, or the problem with the code. */
async function deadlineRegime(em: EntityManager, code: string, field: string): Promise<{ jurisdiction: string; regime: DeadlineRegime }> {
  const jurisdiction = jurisdictionInput(code, field);
  const country = await em.findOne(Country, { code: jurisdiction.country });
  if (!country) throw badInput(unknownCountryMessage(field, jurisdiction), { field, value: code });
  return { jurisdiction: jurisdiction.code, regime: regimeOf({ ...jurisdiction, inEEA: country.inEEA }) };
}

const policyDaysOf = (right: DataSubjectRight) => right.responseDays ?? POLICY_DAYS;

/** Logs a request with its deadline. The profile's keys are checked as `userDataFlow` checks them. */
export async function createRightsRequest(em: EntityManager, { actor, now }: Clocked, input: RightsRequestInput): Promise<RightsRequest> {
  const problems: ValidationProblem[] = [];
  const reference = input.subjectReference.trim();
  const referenceProblem = subjectReferenceProblem(reference);
  if (referenceProblem) problems.push({ field: 'input.subjectReference', message: `input.subjectReference ${referenceProblem}` });
  if (input.receivedAt > now) {
    problems.push({
      field: 'input.receivedAt',
      value: input.receivedAt.toISOString(),
      message: `input.receivedAt ${input.receivedAt.toISOString()} is in the future (now is ${now.toISOString()})`,
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
  const { jurisdiction, regime } = await deadlineRegime(em, input.jurisdiction, 'input.jurisdiction');
  // The same checks userDataFlow makes: unknown collection points or consents are BAD_USER_INPUT.
  await flowsForProfile(em, { country: jurisdiction, collectionPoints: input.collectionPoints, consents: input.consents });
  return em.transactional(async (tx) => {
    const request = tx.create(RightsRequest, {
      id: randomUUID(),
      right,
      status: RightsRequestStatus.RECEIVED,
      receivedAt: input.receivedAt,
      dueAt: rightsRequestDueAt(input.receivedAt, { regime, policyDays: policyDaysOf(right) }),
      jurisdiction,
      subjectReference: reference,
      collectionPoints: [...new Set(input.collectionPoints)].sort(),
      consents: [...new Set(input.consents)].sort(),
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

/** Extends the deadline once, with the reason told to the person, within the original period (Art. 12(3)). */
export async function extendRightsRequest(em: EntityManager, { actor, now }: Clocked, id: string, reason: string): Promise<RightsRequest> {
  if (!reason.trim()) throw badInput('reason: an extension needs the reason told to the person (Art. 12(3))', { field: 'reason', value: reason });
  return changeRequest(em, actor, 'extendRightsRequest', id, async (request, tx) => {
    if (request.extended) {
      throw badInput(`id: rights request "${id}" was already extended (to ${request.dueAt.toISOString()}); a deadline is extended only once`, {
        field: 'id',
        value: id,
      });
    }
    if (isClosed(request)) throw badInput(`id: rights request "${id}" is ${request.status}; a closed request has no deadline to extend`, { field: 'id', value: id, status: request.status });
    const { regime } = await deadlineRegime(tx, request.jurisdiction, 'jurisdiction');
    if (!extensionAllowed(regime)) {
      throw badInput(
        `id: rights request "${id}" is under the privacy policy's ${policyDaysOf(request.right)} days for ${request.jurisdiction}, which has no extension`,
        { field: 'id', value: id, jurisdiction: request.jurisdiction },
      );
    }
    if (now > request.dueAt) {
      throw badInput(
        `id: rights request "${id}" was due ${request.dueAt.toISOString()}; an extension must be told to the person within the original period`,
        { field: 'id', value: id },
      );
    }
    request.extended = true;
    request.extensionReason = reason.trim();
    request.dueAt = rightsRequestDueAt(request.receivedAt, { regime, policyDays: policyDaysOf(request.right) }, true);
  });
}

/** Moves a request one step along its workflow; REFUSED needs the reason given to the person (Art. 12(4)). */
export async function updateRightsRequest(
  em: EntityManager,
  { actor, now }: Clocked,
  id: string,
  status: RightsRequestStatus,
  reason: string | null | undefined,
): Promise<RightsRequest> {
  if (status === RightsRequestStatus.REFUSED && !reason?.trim()) {
    throw badInput('reason: a REFUSED request needs the reason given to the person (Art. 12(4))', { field: 'reason', value: reason ?? null });
  }
  return changeRequest(em, actor, 'updateRightsRequest', id, (request) => {
    const refusal = transitionRefusal(request.status, status);
    if (refusal) throw badInput(refusal, { field: 'status', value: status, status: request.status });
    request.status = status;
    if (reason?.trim()) request.statusReason = reason.trim();
    if (isClosed(request)) request.closedAt = now;
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

/** Open requests past their deadline (ERROR), and those due within five days (WARNING). */
export async function rightsRequestFindings(em: EntityManager, now: Date): Promise<Finding[]> {
  const soon = new Date(now.getTime() + DUE_SOON_DAYS * 24 * 60 * 60 * 1000);
  const open = await em.find(
    RightsRequest,
    { status: { $nin: [...CLOSED_STATUSES] }, dueAt: { $lt: soon } },
    { orderBy: { dueAt: 'asc', id: 'asc' }, populate: ['right'] },
  );
  return open.map((request) => {
    const entities = [{ type: 'RightsRequest' as const, key: request.id }];
    const what = `the ${request.right.key} request ${request.id} (${request.jurisdiction}, ${request.status})`;
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
      { closedAt: { $lt: cutoff }, subjectReference: { $ne: null } },
      { populate: ['right'] },
    );
    for (const request of expired) {
      const before = snapshot(request);
      request.subjectReference = null;
      request.purgedAt = now;
      recordAudit(tx, actor, { operation: 'purgeRightsRequest', entityType: 'RightsRequest', entityKey: request.id, before, after: snapshot(request) });
    }
    return expired.length;
  });
}

/** The scope of each request, computed once per distinct profile and right. */
export async function scopesOf(em: EntityManager, requests: readonly RightsRequest[]): Promise<RightsRequestScope[]> {
  const byProfile = new Map<string, Promise<RightsRequestScope>>();
  return Promise.all(
    requests.map((request) => {
      const right = request.right.key;
      const profile = { country: request.jurisdiction, collectionPoints: request.collectionPoints, consents: request.consents };
      const id = JSON.stringify([right, profile]);
      if (!byProfile.has(id)) {
        const scope = flowsForProfile(em, profile).then(async (question) => scopeOf(right, (await profileVerdict(em, question)).flows));
        byProfile.set(id, scope);
      }
      return byProfile.get(id)!;
    }),
  );
}
