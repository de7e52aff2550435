import { randomUUID } from 'node:crypto';
import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AgeGateOutcome } from '../age-gate/age-gate-outcome';
import { AgePolicy } from '../age-policy/age-policy.entity';
import { jurisdictionInput } from '../age-policy/jurisdiction';
import { recordAudit, type Actor } from '../audit/audit.service';
import { badInput, conflict, notFound, ValidationFailed, type ValidationProblem } from '../common/errors';
import { MAX_REGISTER_TEXT, reasonProblem } from '../common/free-text';
import { Country } from '../country/country.entity';
import { EEA_TERRITORIES } from '../country/country.reference';
import { decodeTimePosition, pageSize, timePositionOf, toPage, type Page, type PageArgs } from '../common/connection';
import { isUuid } from '../common/keys';
import { DataCategory } from '../data-category/data-category.entity';
import { allFlows } from '../data-flow/data-flow.service';
import type { DataFlow } from '../data-flow/data-flow.types';
import type { Loaders } from '../db/loaders';
import { FindingSeverity, type Finding } from '../findings/findings.rules';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { Processor } from '../processor/processor.entity';
import { readRows, textArray, timestampOf } from '../db/rows';
import { authorityByCode, SUPERVISORY_AUTHORITIES, type AuthorityEntry } from '../supervisory-authority/supervisory-authority.reference';
import {
  authorityNoticeRequired,
  Breach,
  BreachNotice,
  BreachNoticePhase,
  BreachRisk,
  BreachRiskAssessment,
  subjectsNoticeRequired,
} from './breach.entity';
import type { BreachInput, BreachUpdateInput } from './breach.inputs';
import { authoritiesOwed, authorityDueAtOf, impactOf, residenceStates, subjectsDueAtOf, type SentNotice } from './breach.rules';
import type { BreachImpact, BreachResidence } from './breach.types';

interface Clocked {
  actor: Actor;
  now: Date;
}

/**
 * The breach as the audit trail keeps it: what happened and every clock. Reasons (for a late notice, for a new
 * risk) are recorded as given, not their text: the trail is append-only.
 */
function snapshot(breach: Breach, notices: readonly BreachNotice[] = []) {
  return {
    awareAt: breach.awareAt.toISOString(),
    occurredAt: breach.occurredAt?.toISOString() ?? null,
    processorNotifiedAt: breach.processorNotifiedAt?.toISOString() ?? null,
    description: breach.description,
    nature: breach.nature ?? null,
    likelyConsequences: breach.likelyConsequences ?? null,
    measures: breach.measures ?? null,
    contactPoint: breach.contactPoint ?? null,
    approximateSubjects: breach.approximateSubjects ?? null,
    approximateRecords: breach.approximateRecords ?? null,
    affectedResidence: [...breach.affectedResidence],
    risk: breach.risk,
    authorityDueAt: breach.authorityDueAt.toISOString(),
    subjectsDueAt: breach.subjectsDueAt?.toISOString() ?? null,
    subjectsNotifiedAt: breach.subjectsNotifiedAt?.toISOString() ?? null,
    notices: [...notices]
      .sort((a, b) => a.notifiedAt.getTime() - b.notifiedAt.getTime())
      .map((n) => ({ authority: n.authorityCode, phase: n.phase, notifiedAt: n.notifiedAt.toISOString(), lateReasonGiven: n.lateReason != null })),
    processors: breach.processors.getItems().map((p) => p.key).sort(),
    activities: breach.activities.getItems().map((a) => a.key).sort(),
  };
}

/** Text a breach keeps (its description, the Art. 33(3) contents): bounded, so one report is bounded work. */
function textProblems(fields: Record<string, string | null | undefined>): ValidationProblem[] {
  return Object.entries(fields).flatMap(([field, value]) =>
    value != null && value.length > MAX_REGISTER_TEXT
      ? [{ field, value: `${value.length} characters`, message: `${field} is ${value.length} characters long; at most ${MAX_REGISTER_TEXT} are kept` }]
      : [],
  );
}

/** The residence codes as given, checked: ISO 3166-1 or -2, of a known country. */
async function residenceProblems(em: EntityManager, codes: readonly string[], field: string): Promise<{ codes: string[]; problems: ValidationProblem[] }> {
  const problems: ValidationProblem[] = [];
  const parsed = codes.flatMap((code, i) => {
    try {
      return [{ i, jurisdiction: jurisdictionInput(code, `${field}[${i}]`) }];
    } catch (error) {
      problems.push({ field: `${field}[${i}]`, value: code, message: (error as Error).message });
      return [];
    }
  });
  const countries = parsed.length ? await em.find(Country, { code: { $in: parsed.map((p) => p.jurisdiction.country) } }, { fields: ['code'] }) : [];
  const known = new Set(countries.map((c) => c.code));
  for (const { i, jurisdiction } of parsed) {
    if (!known.has(jurisdiction.country)) {
      problems.push({ field: `${field}[${i}]`, value: codes[i], message: `${field}[${i}] "${codes[i]}": no country has the code ${jurisdiction.country}` });
    }
  }
  return { codes: [...new Set(parsed.map((p) => p.jurisdiction.code))].sort(), problems };
}

const countProblem = (field: string, value: number | null | undefined): ValidationProblem[] =>
  value != null && value < 0 ? [{ field, value, message: `${field} must be 0 or more; got ${value}` }] : [];

/** The Art. 33(3) contents a report or an update gives: the counts not negative, the texts bounded. */
function breachContentProblems(
  input: Pick<BreachUpdateInput, 'description' | 'nature' | 'likelyConsequences' | 'measures' | 'contactPoint' | 'approximateSubjects' | 'approximateRecords'>,
): ValidationProblem[] {
  return [
    ...countProblem('input.approximateSubjects', input.approximateSubjects),
    ...countProblem('input.approximateRecords', input.approximateRecords),
    ...textProblems({
      'input.description': input.description,
      'input.nature': input.nature,
      'input.likelyConsequences': input.likelyConsequences,
      'input.measures': input.measures,
      'input.contactPoint': input.contactPoint,
    }),
  ];
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
  if (input.processorNotifiedAt && input.processorNotifiedAt > now) {
    problems.push({ field: 'input.processorNotifiedAt', value: input.processorNotifiedAt.toISOString(), message: `input.processorNotifiedAt ${input.processorNotifiedAt.toISOString()} is in the future (now is ${now.toISOString()})` });
  }
  if (input.processorNotifiedAt && input.occurredAt && input.processorNotifiedAt < input.occurredAt) {
    problems.push({ field: 'input.processorNotifiedAt', value: input.processorNotifiedAt.toISOString(), message: `input.processorNotifiedAt ${input.processorNotifiedAt.toISOString()} is before input.occurredAt: a processor cannot report a breach before it happens` });
  }
  problems.push(...breachContentProblems(input));
  const residence = await residenceProblems(em, input.affectedResidence ?? [], 'input.affectedResidence');
  problems.push(
    ...residence.problems,
    ...(await unknownKeys(em, Processor, processors, 'input.processors', 'processor')),
    ...(await unknownKeys(em, ProcessingActivity, activities, 'input.activities', 'processing activity')),
  );
  if (problems.length > 0) throw new ValidationFailed(problems);
  return em.transactional(async (tx) => {
    const processorNotifiedAt = input.processorNotifiedAt ?? null;
    const breach = tx.create(Breach, {
      id: randomUUID(),
      awareAt: input.awareAt,
      occurredAt: input.occurredAt ?? null,
      processorNotifiedAt,
      description: input.description.trim(),
      nature: input.nature?.trim() || null,
      likelyConsequences: input.likelyConsequences?.trim() || null,
      measures: input.measures?.trim() || null,
      contactPoint: input.contactPoint?.trim() || null,
      approximateSubjects: input.approximateSubjects ?? null,
      approximateRecords: input.approximateRecords ?? null,
      affectedResidence: residence.codes,
      risk: input.risk,
      authorityDueAt: authorityDueAtOf(input.awareAt, processorNotifiedAt),
      subjectsDueAt: subjectsDueAtOf(input.risk, input.awareAt, processorNotifiedAt),
      processors: processors.map((key) => tx.getReference(Processor, key)),
      activities: activities.map((key) => tx.getReference(ProcessingActivity, key)),
    });
    tx.create(BreachRiskAssessment, { breach, risk: input.risk, reason: null, assessedAt: now, actor: actorName(actor) });
    recordAudit(tx, actor, { operation: 'reportBreach', entityType: 'Breach', entityKey: breach.id, before: null, after: snapshot(breach) });
    return breach;
  });
}

const actorName = (actor: Actor) => actor.viewer?.subject ?? 'anonymous';

/**
 * Completes or corrects what a breach report says: where the people live, when the processor told the company,
 * the Art. 33(3) contents and the counts. The information may come in phases (Art. 33(4)); the risk changes only
 * through `reassessBreachRisk`, with its reason.
 */
export async function updateBreach(em: EntityManager, { actor, now }: Clocked, id: string, input: BreachUpdateInput): Promise<Breach> {
  const problems: ValidationProblem[] = breachContentProblems(input);
  if (input.description != null && !input.description.trim()) {
    problems.push({ field: 'input.description', value: input.description, message: 'input.description: say what happened (Art. 33(5))' });
  }
  if (input.processorNotifiedAt && input.processorNotifiedAt > now) {
    problems.push({ field: 'input.processorNotifiedAt', value: input.processorNotifiedAt.toISOString(), message: `input.processorNotifiedAt ${input.processorNotifiedAt.toISOString()} is in the future (now is ${now.toISOString()})` });
  }
  const residence = input.affectedResidence ? await residenceProblems(em, input.affectedResidence, 'input.affectedResidence') : null;
  problems.push(...(residence?.problems ?? []));
  if (problems.length > 0) throw new ValidationFailed(problems);
  const text = (value: string | null | undefined) => (value === undefined ? undefined : value?.trim() || null);
  return changeBreach(em, actor, 'updateBreach', id, (breach) => {
    if (input.processorNotifiedAt && breach.occurredAt && input.processorNotifiedAt < breach.occurredAt) {
      throw badInput(`input.processorNotifiedAt ${input.processorNotifiedAt.toISOString()} is before occurredAt: a processor cannot report a breach before it happens`, {
        field: 'input.processorNotifiedAt',
        value: input.processorNotifiedAt.toISOString(),
      });
    }
    const fields = {
      description: input.description?.trim() || undefined,
      nature: text(input.nature),
      likelyConsequences: text(input.likelyConsequences),
      measures: text(input.measures),
      contactPoint: text(input.contactPoint),
      approximateSubjects: input.approximateSubjects,
      approximateRecords: input.approximateRecords,
      processorNotifiedAt: input.processorNotifiedAt,
      affectedResidence: residence?.codes,
    };
    for (const [field, value] of Object.entries(fields)) if (value !== undefined) Object.assign(breach, { [field]: value });
    breach.authorityDueAt = authorityDueAtOf(breach.awareAt, breach.processorNotifiedAt);
    breach.subjectsDueAt = subjectsDueAtOf(breach.risk, breach.awareAt, breach.processorNotifiedAt);
  });
}

/**
 * Records a new assessment of the risk, with why (a breach reported as NONE may turn out to be a risk, and the
 * reverse): the history keeps every assessment, and the notices owed follow the new risk.
 */
export async function reassessBreachRisk(em: EntityManager, { actor, now }: Clocked, id: string, risk: BreachRisk, reason: string): Promise<Breach> {
  const text = reason.trim();
  if (!text) throw badInput('reason: a re-assessment needs its reason (Art. 33(5): the facts, effects and remedial action)', { field: 'reason', value: reason });
  const problem = reasonProblem('reason', text);
  if (problem) throw badInput(problem, { field: 'reason' });
  return changeBreach(em, actor, 'reassessBreachRisk', id, (breach, tx) => {
    if (breach.risk === risk) throw badInput(`risk: breach "${id}" is already assessed ${risk}`, { field: 'risk', value: risk });
    breach.risk = risk;
    breach.subjectsDueAt = subjectsDueAtOf(risk, breach.awareAt, breach.processorNotifiedAt);
    tx.create(BreachRiskAssessment, { breach, risk, reason: text, assessedAt: now, actor: actorName(actor) });
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

async function changeBreach(
  em: EntityManager,
  actor: Actor,
  operation: string,
  id: string,
  change: (breach: Breach, tx: EntityManager, notices: BreachNotice[]) => void | Promise<void>,
): Promise<Breach> {
  try {
    return await em.transactional(async (tx) => {
      const breach = isUuid(id) ? await tx.findOne(Breach, { id }, { populate: ['processors', 'activities'] }) : null;
      if (!breach) throw notFound(`id: no breach has id "${id}"`, { field: 'id', value: id });
      const notices = await tx.find(BreachNotice, { breach }, { orderBy: { id: 'asc' } });
      const before = snapshot(breach, notices);
      await change(breach, tx, notices);
      // `change` pushes the notice it records onto `notices`.
      recordAudit(tx, actor, { operation, entityType: 'Breach', entityKey: id, before, after: snapshot(breach, notices) });
      return breach;
    });
  } catch (error) {
    if (error instanceof OptimisticLockError || error instanceof UniqueConstraintViolationException) {
      throw conflict(`id: breach "${id}" changed while ${operation} ran; reload it and try again`, { field: 'id', value: id });
    }
    throw error;
  }
}

/** Where the people affected by each breach live: as reported, or estimated (see `estimatedResidence`), in one statement at most. */
export async function residencesOf(em: EntityManager, breaches: readonly Pick<Breach, 'affectedResidence'>[]): Promise<BreachResidence[]> {
  const needsEstimate = breaches.some((breach) => breach.affectedResidence.length === 0);
  const estimate = needsEstimate ? await estimatedResidence(em) : null;
  return breaches.map((breach) =>
    breach.affectedResidence.length > 0
      ? { countryCodes: residenceStates(breach.affectedResidence, memberStateOf), estimated: false, basis: 'as reported in affectedResidence' }
      : estimate!,
  );
}

const memberStateOf = (country: string) => (Object.hasOwn(EEA_TERRITORIES, country) ? EEA_TERRITORIES[country] : null);

/**
 * Where the people affected live when nobody has said: the countries whose people the age gate let in (every
 * user of the platform is in the map's flows to its processors), by their counters. With no counters at all, every
 * state an authority of the table protects: the register does not guess that no authority is owed.
 */
async function estimatedResidence(em: EntityManager): Promise<BreachResidence> {
  const rows = await readRows<{ country: string }>(
    em,
    `select distinct country from age_gate_count where outcome <> ? order by country`,
    [AgeGateOutcome.BLOCKED],
  );
  if (rows.length > 0) {
    return {
      countryCodes: residenceStates(rows.map((row) => row.country), memberStateOf),
      estimated: true,
      basis: 'estimated: the countries whose people the age gate admitted, whose data the map sends to the processors involved; record affectedResidence when known',
    };
  }
  return {
    countryCodes: SUPERVISORY_AUTHORITIES.map((entry) => entry.country).sort(),
    estimated: true,
    basis: 'estimated: nothing tells where the people live (no affectedResidence, no age-gate counts), so every state of the authority table is assumed; record affectedResidence',
  };
}

/** The authorities each breach owes a notice, from its residence and its risk. */
export function owedAuthorities(breach: Pick<Breach, 'risk'>, residence: BreachResidence): AuthorityEntry[] {
  return authoritiesOwed(residence.countryCodes, breach.risk);
}

/** The notices each breach has sent, in the order they were sent, in one statement for all. */
export async function sentNoticesOf(em: EntityManager, breachIds: readonly string[]): Promise<SentNotice[][]> {
  if (breachIds.length === 0) return [];
  const rows = await readRows<SentNotice & { breach: string; notifiedAt: Date | string }>(
    em,
    `select breach_id::text as "breach", authority_code as "authorityCode", phase, notified_at as "notifiedAt", late_reason as "lateReason", reference
     from breach_notice where breach_id::text = any(?::text[]) order by notified_at, id`,
    [textArray(breachIds)],
  );
  return breachIds.map((id) =>
    rows
      .filter((row) => row.breach === id)
      .map((row) => ({
        authorityCode: row.authorityCode,
        phase: row.phase,
        notifiedAt: row.notifiedAt instanceof Date ? row.notifiedAt : timestampOf(row.notifiedAt),
        lateReason: row.lateReason ?? null,
        reference: row.reference ?? null,
      })),
  );
}

export interface AuthorityNoticeInput {
  authority: string;
  notifiedAt?: Date | null;
  lateReason?: string | null;
  phase?: BreachNoticePhase | null;
  reference?: string | null;
}

/**
 * Records a notice to one supervisory authority the breach owes one (a code of `authoritiesToNotify`): the
 * INITIAL notice, after 72 hours only with the reasons for the delay (Art. 33(1)); then FOLLOW_UP notices and a
 * FINAL one, as the information comes in phases (Art. 33(4)).
 */
export async function recordAuthorityNotice(em: EntityManager, { actor, now }: Clocked, id: string, input: AuthorityNoticeInput): Promise<Breach> {
  const lateReason = input.lateReason?.trim() || null;
  const problem = lateReason ? reasonProblem('lateReason', lateReason) : null;
  if (problem) throw badInput(problem, { field: 'lateReason' });
  const reference = input.reference?.trim() || null;
  if (reference && reference.length > 200) throw badInput(`reference is ${reference.length} characters long; an authority's case number has at most 200`, { field: 'reference' });
  const code = input.authority.trim().toUpperCase();
  return changeBreach(em, actor, 'recordAuthorityNotice', id, async (breach, tx, notices) => {
    const [residence] = await residencesOf(tx, [breach]);
    const owed = owedAuthorities(breach, residence);
    const told = new Set(notices.map((notice) => notice.authorityCode));
    if (!owed.some((entry) => entry.code === code) && !told.has(code)) {
      const known = authorityByCode(code) ? `"${code}" is not owed a notice for this breach` : `"${code}" is not a supervisory authority of the table`;
      throw badInput(
        `authority: ${known}; authoritiesToNotify is ${owed.map((entry) => entry.code).join(', ') || 'empty'} ` +
          `(from where the people live, ${residence.estimated ? 'estimated' : 'as reported'}, and the risk ${breach.risk}); ` +
          'record affectedResidence (updateBreach) or reassessBreachRisk if it is wrong',
        { field: 'authority', value: input.authority },
      );
    }
    const own = notices.filter((notice) => notice.authorityCode === code);
    const phase = input.phase ?? (own.length === 0 ? BreachNoticePhase.INITIAL : BreachNoticePhase.FOLLOW_UP);
    const at = noticeDate(breach, input.notifiedAt, now);
    const initial = own.find((notice) => notice.phase === BreachNoticePhase.INITIAL);
    if (phase === BreachNoticePhase.INITIAL && initial) {
      throw badInput(`id: the INITIAL notice of breach "${id}" to ${code} was already recorded (${initial.notifiedAt.toISOString()}); send FOLLOW_UP or FINAL`, {
        field: 'phase',
        value: phase,
      });
    }
    if (phase !== BreachNoticePhase.INITIAL && !initial) {
      throw badInput(`phase: no INITIAL notice of breach "${id}" to ${code} is recorded; a ${phase} notice comes after it`, { field: 'phase', value: phase });
    }
    const final = own.find((notice) => notice.phase === BreachNoticePhase.FINAL);
    if (final) throw badInput(`phase: the FINAL notice of breach "${id}" to ${code} was recorded (${final.notifiedAt.toISOString()}); nothing follows it`, { field: 'phase', value: phase });
    const latest = own[own.length - 1];
    if (latest && at < latest.notifiedAt) {
      throw badInput(`notifiedAt ${at.toISOString()} is before the previous notice to ${code} (${latest.notifiedAt.toISOString()})`, { field: 'notifiedAt', value: at.toISOString() });
    }
    if (phase === BreachNoticePhase.INITIAL && at > breach.authorityDueAt && !lateReason) {
      throw badInput(
        `lateReason: the notice comes after the 72 hours that ended ${breach.authorityDueAt.toISOString()}; ` +
          'Art. 33(1) requires the reasons for the delay',
        { field: 'lateReason', value: input.lateReason ?? null },
      );
    }
    notices.push(
      tx.create(BreachNotice, { breach, authorityCode: code, phase, notifiedAt: at, lateReason: phase === BreachNoticePhase.INITIAL ? lateReason : null, reference }),
    );
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

/**
 * Notifiable breaches with an owed authority that has not heard of them within 72 hours (ERROR), and breaches
 * whose people have not been told by `subjectsDueAt` (ERROR).
 */
export async function breachFindings(em: EntityManager, now: Date): Promise<Finding[]> {
  const late = await em.find(
    Breach,
    {
      risk: { $ne: BreachRisk.NONE },
      $or: [{ authorityDueAt: { $lt: now } }, { subjectsDueAt: { $lt: now }, subjectsNotifiedAt: null }],
    },
    { orderBy: { authorityDueAt: 'asc', id: 'asc' } },
  );
  if (late.length === 0) return [];
  const residences = await residencesOf(em, late);
  const sent = await sentNoticesOf(em, late.map((breach) => breach.id));
  return late.flatMap((breach, i) => {
    const findings: Finding[] = [];
    const entities = [{ type: 'Breach' as const, key: breach.id }];
    const told = new Set(sent[i].filter((notice) => notice.phase === BreachNoticePhase.INITIAL).map((notice) => notice.authorityCode));
    // A notice recorded before notices named their authority (issue 20) counts for the authorities of that time.
    const missing = breach.authorityNotifiedAt ? [] : owedAuthorities(breach, residences[i]).filter((entry) => !told.has(entry.code));
    if (authorityNoticeRequired(breach.risk) && breach.authorityDueAt < now && missing.length > 0) {
      findings.push({
        severity: FindingSeverity.ERROR,
        rule: 'breach-authority-notice-overdue',
        message:
          `the ${breach.risk} breach ${breach.id}, known since ${breach.awareAt.toISOString()}, was due at ${missing.map((entry) => entry.code).join(', ')} ` +
          `by ${breach.authorityDueAt.toISOString()} (72 hours, Art. 33(1)) and no notice to ${missing.length === 1 ? 'it' : 'them'} is recorded` +
          (residences[i].estimated ? ' (where the people live is estimated)' : ''),
        entities,
        fix: 'notify each of these authorities now and record it (recordAuthorityNotice, one per authority) with the reasons for the delay',
      });
    }
    if (subjectsNoticeRequired(breach.risk) && breach.subjectsDueAt && breach.subjectsDueAt < now && !breach.subjectsNotifiedAt) {
      findings.push({
        severity: FindingSeverity.ERROR,
        rule: 'breach-subject-notice-overdue',
        message:
          `the people affected by the ${breach.risk} breach ${breach.id} were due to be told by ${breach.subjectsDueAt.toISOString()} ` +
          (breach.risk === BreachRisk.HIGH_RISK
            ? '(without undue delay, Art. 34(1); the privacy policy promises 72 hours)'
            : '(the privacy policy: "we will notify you ... within 72 hours")') +
          ' and no notice to them is recorded',
        entities,
        fix: 'tell the people affected now, in clear and plain language (Art. 34(2)), and record it (recordSubjectNotice)',
      });
    }
    return findings;
  });
}
