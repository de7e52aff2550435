import { randomUUID } from 'node:crypto';
import { OptimisticLockError, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type Actor } from '../audit/audit.service';
import { decodeTimePosition, pageSize, timePositionOf, toPage, type Page, type PageArgs } from '../common/connection';
import { badInput, conflict, notFound, ValidationFailed, type ValidationProblem } from '../common/errors';
import { MAX_REGISTER_TEXT, reasonProblem } from '../common/free-text';
import { isUuid } from '../common/keys';
import { FindingSeverity, type Finding } from '../findings/findings.rules';
import { ProcessorChangeDecision, ProcessorChangeNotice } from './processor-change-notice.entity';
import { Processor, ProcessorStatus } from './processor.entity';

interface Clocked {
  actor: Actor;
  now: Date;
}

/** An undecided notice whose objection deadline is this close is a finding. */
export const OBJECTION_DUE_DAYS = 5;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The notice as the audit trail keeps it: the decision's reason as given, not its text. */
function snapshot(notice: ProcessorChangeNotice) {
  return {
    processor: notice.processor.key,
    description: notice.description,
    receivedAt: notice.receivedAt.toISOString(),
    objectionDeadline: notice.objectionDeadline.toISOString(),
    decision: notice.decision ?? null,
    decidedAt: notice.decidedAt?.toISOString() ?? null,
    decisionReasonGiven: notice.decisionReason != null,
  };
}

export interface ProcessorChangeNoticeInput {
  processor: string;
  description: string;
  receivedAt: Date;
  objectionDeadline: Date;
}

/** Records a processor's notice of an intended change under its DPA (Art. 28(2)), undecided. */
export async function recordProcessorChangeNotice(em: EntityManager, { actor, now }: Clocked, input: ProcessorChangeNoticeInput): Promise<ProcessorChangeNotice> {
  const description = input.description.trim();
  const problems: ValidationProblem[] = [];
  if (!description) problems.push({ field: 'description', value: input.description, message: 'description: say what the processor announced' });
  if (description.length > MAX_REGISTER_TEXT) {
    problems.push({ field: 'description', value: `${description.length} characters`, message: `description is ${description.length} characters long; at most ${MAX_REGISTER_TEXT} are kept` });
  }
  if (input.receivedAt > now) {
    problems.push({ field: 'receivedAt', value: input.receivedAt.toISOString(), message: `receivedAt ${input.receivedAt.toISOString()} is in the future (now is ${now.toISOString()})` });
  }
  if (input.objectionDeadline <= input.receivedAt) {
    problems.push({
      field: 'objectionDeadline',
      value: input.objectionDeadline.toISOString(),
      message: `objectionDeadline ${input.objectionDeadline.toISOString()} is not after receivedAt ${input.receivedAt.toISOString()}`,
    });
  }
  const processor = await em.findOne(Processor, { key: input.processor });
  if (!processor) problems.push({ field: 'processor', value: input.processor, message: `processor: no processor has key "${input.processor}"` });
  else if (processor.status !== ProcessorStatus.ACTIVE) {
    problems.push({ field: 'processor', value: input.processor, message: `processor "${input.processor}" is ${processor.status}: only a current (ACTIVE) processor's changes are decided` });
  }
  if (problems.length > 0) throw new ValidationFailed(problems);
  return em.transactional(async (tx) => {
    const notice = tx.create(ProcessorChangeNotice, {
      id: randomUUID(),
      processor: tx.getReference(Processor, input.processor),
      description,
      receivedAt: input.receivedAt,
      objectionDeadline: input.objectionDeadline,
    });
    recordAudit(tx, actor, { operation: 'recordProcessorChangeNotice', entityType: 'ProcessorChangeNotice', entityKey: notice.id, before: null, after: snapshot(notice) });
    return notice;
  });
}

/** Objects (before the deadline, with the reason) or accepts, once. */
export async function decideProcessorChange(
  em: EntityManager,
  { actor, now }: Clocked,
  id: string,
  decision: ProcessorChangeDecision,
  reason: string | null | undefined,
): Promise<ProcessorChangeNotice> {
  const operation = decision === ProcessorChangeDecision.OBJECTED ? 'objectToProcessorChange' : 'acceptProcessorChange';
  const text = reason?.trim() || null;
  if (decision === ProcessorChangeDecision.OBJECTED && !text) {
    throw badInput('reason: an objection needs its reason, as the processor will be told', { field: 'reason', value: reason ?? null });
  }
  const problem = text ? reasonProblem('reason', text) : null;
  if (problem) throw badInput(problem, { field: 'reason' });
  try {
    return await em.transactional(async (tx) => {
      const notice = isUuid(id) ? await tx.findOne(ProcessorChangeNotice, { id }, { populate: ['processor'] }) : null;
      if (!notice) throw notFound(`id: no processor change notice has id "${id}"`, { field: 'id', value: id });
      if (notice.decision) {
        throw badInput(`id: the change notice "${id}" was already ${notice.decision} (${notice.decidedAt!.toISOString()})`, { field: 'id', value: id });
      }
      if (decision === ProcessorChangeDecision.OBJECTED && now > notice.objectionDeadline) {
        throw badInput(
          `id: the objection period of change notice "${id}" ended ${notice.objectionDeadline.toISOString()}; record it as accepted, or take it up with the processor under its DPA`,
          { field: 'id', value: id },
        );
      }
      const before = snapshot(notice);
      Object.assign(notice, { decision, decidedAt: now, decisionReason: text });
      recordAudit(tx, actor, { operation, entityType: 'ProcessorChangeNotice', entityKey: id, before, after: snapshot(notice) });
      return notice;
    });
  } catch (error) {
    if (error instanceof OptimisticLockError) throw conflict(`id: change notice "${id}" changed while ${operation} ran; reload it and try again`, { field: 'id', value: id });
    throw error;
  }
}

export interface ChangeNoticeListArgs extends PageArgs {
  processor?: string | null;
  undecided?: boolean | null;
}

/** The notices, the nearest objection deadline first. */
export async function listProcessorChangeNotices(em: EntityManager, { processor, undecided, first, after }: ChangeNoticeListArgs): Promise<Page<ProcessorChangeNotice>> {
  const size = pageSize(first);
  const position = decodeTimePosition(after);
  const where: FilterQuery<ProcessorChangeNotice> = {
    ...(processor ? { processor: { key: processor } } : {}),
    ...(undecided === true ? { decision: null } : undecided === false ? { decision: { $ne: null } } : {}),
  };
  const pageWhere: FilterQuery<ProcessorChangeNotice> = position
    ? { $and: [where, { $or: [{ objectionDeadline: { $gt: position.at } }, { objectionDeadline: position.at, id: { $gt: position.id } }] }] }
    : where;
  const [rows, total] = await Promise.all([
    em.find(ProcessorChangeNotice, pageWhere, { orderBy: { objectionDeadline: 'asc', id: 'asc' }, limit: size + 1 }),
    em.count(ProcessorChangeNotice, where),
  ]);
  return toPage(rows, size, total, (notice) => timePositionOf(notice.objectionDeadline, notice.id));
}

/** Undecided notices whose objection deadline is within five days, or has passed (WARNING). */
export async function processorChangeFindings(em: EntityManager, now: Date): Promise<Finding[]> {
  const soon = new Date(now.getTime() + OBJECTION_DUE_DAYS * DAY_MS);
  const undecided = await em.find(
    ProcessorChangeNotice,
    { decision: null, objectionDeadline: { $lt: soon } },
    { orderBy: { objectionDeadline: 'asc', id: 'asc' }, populate: ['processor'] },
  );
  return undecided.map((notice) => {
    const passed = notice.objectionDeadline < now;
    return {
      severity: FindingSeverity.WARNING,
      rule: 'processor-change-objection-due',
      message: passed
        ? `the change ${notice.processor.key} announced on ${notice.receivedAt.toISOString()} (notice ${notice.id}) could be objected to until ` +
          `${notice.objectionDeadline.toISOString()}, and no decision is recorded`
        : `the change ${notice.processor.key} announced on ${notice.receivedAt.toISOString()} (notice ${notice.id}) can be objected to until ` +
          `${notice.objectionDeadline.toISOString()}, within ${OBJECTION_DUE_DAYS} days, and is undecided`,
      entities: [{ type: 'Processor' as const, key: notice.processor.key }],
      fix: passed
        ? 'record the decision (acceptProcessorChange), and take any objection up with the processor under its DPA'
        : 'decide: objectToProcessorChange with the reason, or acceptProcessorChange',
    };
  });
}
