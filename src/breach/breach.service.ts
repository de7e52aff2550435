import { randomUUID } from 'node:crypto';
import { OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AgePolicy } from '../age-policy/age-policy.entity';
import { recordAudit, type Actor } from '../audit/audit.service';
import { badInput, conflict, notFound, ValidationFailed, type ValidationProblem } from '../common/errors';
import { decodeTimePosition, pageSize, timePositionOf, toPage, type Page, type PageArgs } from '../common/connection';
import { isUuid } from '../common/keys';
import { DataCategory } from '../data-category/data-category.entity';
import { allFlows } from '../data-flow/data-flow.service';
import type { DataFlow } from '../data-flow/data-flow.types';
import type { Loaders } from '../db/loaders';
import { FindingSeverity, type Finding } from '../findings/findings.rules';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { Processor } from '../processor/processor.entity';
import { authorityNoticeRequired, Breach, subjectsNoticeRequired } from './breach.entity';
import type { BreachInput } from './breach.inputs';
import { impactOf } from './breach.rules';
import type { BreachImpact } from './breach.types';

/** Art. 33(1): "not later than 72 hours after having become aware of it". */
export const AUTHORITY_NOTICE_HOURS = 72;
const HOUR_MS = 60 * 60 * 1000;

interface Clocked {
  actor: Actor;
  now: Date;
}

/** The breach as the audit trail keeps it. */
function snapshot(breach: Breach) {
  return {
    awareAt: breach.awareAt.toISOString(),
    occurredAt: breach.occurredAt?.toISOString() ?? null,
    description: breach.description,
    approximateSubjects: breach.approximateSubjects ?? null,
    risk: breach.risk,
    authorityDueAt: breach.authorityDueAt.toISOString(),
    authorityNotifiedAt: breach.authorityNotifiedAt?.toISOString() ?? null,
    authorityLateReason: breach.authorityLateReason ?? null,
    subjectsNotifiedAt: breach.subjectsNotifiedAt?.toISOString() ?? null,
    processors: breach.processors.getItems().map((p) => p.key).sort(),
    activities: breach.activities.getItems().map((a) => a.key).sort(),
  };
}

async function unknownKeys<E extends Processor | ProcessingActivity>(
  em: EntityManager,
  entity: typeof Processor | typeof ProcessingActivity,
  keys: readonly string[],
  field: string,
  label: string,
): Promise<ValidationProblem[]> {
  if (keys.length === 0) return [];
  const found = new Set((await em.find(entity as never, { key: { $in: [...keys] } }, { fields: ['key'] as never })).map((e) => (e as E).key));
  return keys.flatMap((key, i) => (found.has(key) ? [] : [{ field: `${field}[${i}]`, value: key, message: `${field}[${i}]: unknown ${label} "${key}"` }]));
}

/** Records a breach with its 72-hour clock. Every breach is recorded, notifiable or not (Art. 33(5)). */
export async function reportBreach(em: EntityManager, { actor, now }: Clocked, input: BreachInput): Promise<Breach> {
  const processors = [...new Set(input.processors ?? [])];
  const activities = [...new Set(input.activities ?? [])];
  const problems: ValidationProblem[] = [];
  if (input.awareAt > now) {
    problems.push({ field: 'input.awareAt', value: input.awareAt.toISOString(), message: `input.awareAt ${input.awareAt.toISOString()} is in the future (now is ${now.toISOString()})` });
  }
  if (input.occurredAt && input.occurredAt > input.awareAt) {
    problems.push({ field: 'input.occurredAt', value: input.occurredAt.toISOString(), message: `input.occurredAt ${input.occurredAt.toISOString()} is after input.awareAt: the company cannot learn of a breach before it happens` });
  }
  if (!input.description.trim()) problems.push({ field: 'input.description', value: input.description, message: 'input.description: say what happened (Art. 33(5))' });
  if (input.approximateSubjects != null && input.approximateSubjects < 0) {
    problems.push({ field: 'input.approximateSubjects', value: input.approximateSubjects, message: `input.approximateSubjects must be 0 or more; got ${input.approximateSubjects}` });
  }
  problems.push(
    ...(await unknownKeys(em, Processor, processors, 'input.processors', 'processor')),
    ...(await unknownKeys(em, ProcessingActivity, activities, 'input.activities', 'processing activity')),
  );
  if (problems.length > 0) throw new ValidationFailed(problems);
  return em.transactional(async (tx) => {
    const breach = tx.create(Breach, {
      id: randomUUID(),
      awareAt: input.awareAt,
      occurredAt: input.occurredAt ?? null,
      description: input.description.trim(),
      approximateSubjects: input.approximateSubjects ?? null,
      risk: input.risk,
      authorityDueAt: new Date(input.awareAt.getTime() + AUTHORITY_NOTICE_HOURS * HOUR_MS),
      processors: processors.map((key) => tx.getReference(Processor, key)),
      activities: activities.map((key) => tx.getReference(ProcessingActivity, key)),
    });
    recordAudit(tx, actor, { operation: 'reportBreach', entityType: 'Breach', entityKey: breach.id, before: null, after: snapshot(breach) });
    return breach;
  });
}

/** A notice's date: by default now; never in the future, never before the company knew. */
function noticeDate(breach: Breach, notifiedAt: Date | null | undefined, now: Date): Date {
  const at = notifiedAt ?? now;
  if (at > now) throw badInput(`notifiedAt ${at.toISOString()} is in the future (now is ${now.toISOString()})`, { field: 'notifiedAt', value: at.toISOString() });
  if (at < breach.awareAt) {
    throw badInput(`notifiedAt ${at.toISOString()} is before the company became aware of the breach (${breach.awareAt.toISOString()})`, {
      field: 'notifiedAt',
      value: at.toISOString(),
    });
  }
  return at;
}

async function changeBreach(em: EntityManager, actor: Actor, operation: string, id: string, change: (breach: Breach) => void): Promise<Breach> {
  try {
    return await em.transactional(async (tx) => {
      const breach = isUuid(id) ? await tx.findOne(Breach, { id }, { populate: ['processors', 'activities'] }) : null;
      if (!breach) throw notFound(`id: no breach has id "${id}"`, { field: 'id', value: id });
      const before = snapshot(breach);
      change(breach);
      recordAudit(tx, actor, { operation, entityType: 'Breach', entityKey: id, before, after: snapshot(breach) });
      return breach;
    });
  } catch (error) {
    if (error instanceof OptimisticLockError) throw conflict(`id: breach "${id}" changed while ${operation} ran; reload it and try again`, { field: 'id', value: id });
    throw error;
  }
}

/** Records when the supervisory authority was told; after 72 hours only with the reasons for the delay (Art. 33(1)). */
export async function recordAuthorityNotice(
  em: EntityManager,
  { actor, now }: Clocked,
  id: string,
  notifiedAt: Date | null | undefined,
  lateReason: string | null | undefined,
): Promise<Breach> {
  return changeBreach(em, actor, 'recordAuthorityNotice', id, (breach) => {
    if (breach.authorityNotifiedAt) {
      throw badInput(`id: the authority notice of breach "${id}" was already recorded (${breach.authorityNotifiedAt.toISOString()})`, { field: 'id', value: id });
    }
    const at = noticeDate(breach, notifiedAt, now);
    if (at > breach.authorityDueAt && !lateReason?.trim()) {
      throw badInput(
        `lateReason: the notice comes after the 72 hours that ended ${breach.authorityDueAt.toISOString()}; ` +
          'Art. 33(1) requires the reasons for the delay',
        { field: 'lateReason', value: lateReason ?? null },
      );
    }
    breach.authorityNotifiedAt = at;
    breach.authorityLateReason = lateReason?.trim() || null;
  });
}

/** Records when the people affected were told (Art. 34). */
export async function recordSubjectNotice(em: EntityManager, { actor, now }: Clocked, id: string, notifiedAt: Date | null | undefined): Promise<Breach> {
  return changeBreach(em, actor, 'recordSubjectNotice', id, (breach) => {
    if (breach.subjectsNotifiedAt) {
      throw badInput(`id: the notice to the people affected by breach "${id}" was already recorded (${breach.subjectsNotifiedAt.toISOString()})`, { field: 'id', value: id });
    }
    breach.subjectsNotifiedAt = noticeDate(breach, notifiedAt, now);
  });
}

/** The register, newest awareness first. The cursor is the position in that order: awareAt, then id. */
export async function listBreaches(em: EntityManager, { first, after }: PageArgs): Promise<Page<Breach>> {
  const size = pageSize(first);
  const position = decodeTimePosition(after);
  const where = position ? { $or: [{ awareAt: { $lt: position.at } }, { awareAt: position.at, id: { $lt: position.id } }] } : {};
  const [rows, total] = await Promise.all([
    em.find(Breach, where, { orderBy: { awareAt: 'desc', id: 'desc' }, limit: size + 1 }),
    em.count(Breach, {}),
  ]);
  return toPage(rows, size, total, (breach) => timePositionOf(breach.awareAt, breach.id));
}

/** Every flow through the given processors, from the data-flow service. */
async function flowsThrough(em: EntityManager, processors: string[]): Promise<DataFlow[]> {
  if (processors.length === 0) return [];
  return allFlows(em, { processors });
}

const ancestorsAndSelf = (key: string) => key.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'));

/** The blast radius of each breach, through the request's loaders and the data-flow service. */
export async function impactsOf(em: EntityManager, loaders: Loaders, breaches: readonly Breach[]): Promise<BreachImpact[]> {
  const [involvedProcessors, involvedActivities, policy] = await Promise.all([
    loaders.relation<Breach, Processor>(Breach, 'processors').loadMany(breaches.map((b) => b.id)),
    loaders.relation<Breach, ProcessingActivity>(Breach, 'activities').loadMany(breaches.map((b) => b.id)),
    loaders.byKey(AgePolicy, ['minimumAge']).load('platform'),
  ]);
  const keysOf = (list: unknown) => (list instanceof Error ? [] : (list as { key: string }[]).map((item) => item.key));
  const activityKeys = [...new Set(involvedActivities.flatMap(keysOf))];
  const activityProcessors = await loaders.relation<ProcessingActivity, Processor>(ProcessingActivity, 'processors').loadMany(activityKeys);
  const processorsOfActivity = new Map(activityKeys.map((key, i) => [key, keysOf(activityProcessors[i])]));
  const wanted = [...new Set([...involvedProcessors.flatMap(keysOf), ...activityKeys.flatMap((key) => processorsOfActivity.get(key)!)])].sort();
  const flows = await flowsThrough(em, wanted);
  const affectedActivities = [...new Set([...activityKeys, ...flows.map((flow) => flow.activityKey)])];
  const [declared, subjectTypes, affectedRecords] = await Promise.all([
    loaders.relation<ProcessingActivity, DataCategory>(ProcessingActivity, 'dataCategories').loadMany(activityKeys),
    loaders.relation<ProcessingActivity, { key: string }>(ProcessingActivity, 'subjectTypes').loadMany(affectedActivities),
    loaders.byKey(ProcessingActivity, ['children']).loadMany(affectedActivities),
  ]);
  const withChildren = new Set(affectedActivities.filter((_, i) => (affectedRecords[i] as ProcessingActivity | null)?.children === true));
  const categoriesOf = new Map(activityKeys.map((key, i) => [key, keysOf(declared[i])]));
  const subjectTypesOf = new Map(affectedActivities.map((key, i) => [key, keysOf(subjectTypes[i])]));
  const categoryKeys = [...new Set([...flows.map((f) => f.categoryKey), ...[...categoriesOf.values()].flat()].flatMap(ancestorsAndSelf))];
  const categories = await loaders.byKey(DataCategory, ['specialCategory']).loadMany(categoryKeys);
  const special = new Set(categoryKeys.filter((_, i) => (categories[i] as DataCategory | null)?.specialCategory === true));
  return breaches.map((_, i) =>
    impactOf({
      processors: keysOf(involvedProcessors[i]),
      activities: keysOf(involvedActivities[i]),
      flows,
      categoriesOf: (activity) => categoriesOf.get(activity) ?? [],
      subjectTypesOf: (activity) => subjectTypesOf.get(activity) ?? [],
      involvesChildren: (activity) => withChildren.has(activity),
      isSpecialCategory: (category) => ancestorsAndSelf(category).some((key) => special.has(key)),
      minimumAge: policy?.minimumAge ?? 0,
    }),
  );
}

/** Notifiable breaches the authority has not heard of within 72 hours (ERROR). */
export async function breachFindings(em: EntityManager, now: Date): Promise<Finding[]> {
  const open = await em.find(
    Breach,
    { authorityNotifiedAt: null, authorityDueAt: { $lt: now }, risk: { $ne: 'NONE' as never } },
    { orderBy: { authorityDueAt: 'asc', id: 'asc' } },
  );
  return open
    .filter((breach) => authorityNoticeRequired(breach.risk))
    .map((breach) => ({
      severity: FindingSeverity.ERROR,
      rule: 'breach-authority-notice-overdue',
      message:
        `the ${breach.risk} breach ${breach.id}, known since ${breach.awareAt.toISOString()}, was due at the supervisory authority ` +
        `by ${breach.authorityDueAt.toISOString()} (72 hours, Art. 33(1)) and no notice is recorded` +
        (subjectsNoticeRequired(breach.risk) && !breach.subjectsNotifiedAt ? '; the people affected have not been told either (Art. 34)' : ''),
      entities: [{ type: 'Breach' as const, key: breach.id }],
      fix: 'notify the supervisory authority now and record it (recordAuthorityNotice) with the reasons for the delay',
    }));
}
