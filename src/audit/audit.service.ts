import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer';
import { decodeCursor, pageSize, toPage, type Page, type PageArgs } from '../common/connection';
import { badInput } from '../common/errors';
import { AuditEntry } from './audit-entry.entity';
import type { AuditLogFilter } from './audit.inputs';

/** Who acts: an API caller (a token's subject) or a tool such as the CLI. */
export interface Actor {
  viewer: Viewer | null;
  requestId?: string | null;
}

export interface AuditedChange {
  operation: string;
  entityType: string;
  entityKey: string;
  before: unknown;
  after: unknown;
}

/**
 * Records a change in the caller's transaction, so that the entry and the change commit or fail together.
 * Call it with the transaction's EntityManager, before the transaction flushes.
 */
export function recordAudit(tx: EntityManager, actor: Actor, change: AuditedChange): AuditEntry {
  return tx.create(AuditEntry, {
    actor: actor.viewer?.subject ?? 'anonymous',
    roles: actor.viewer?.roles ?? [],
    requestId: actor.requestId ?? null,
    ...change,
    before: change.before ?? null,
    after: change.after ?? null,
  });
}

/** A page of the audit trail, newest first (in the order the entries were written). */
export async function listAuditEntries(em: EntityManager, filter: AuditLogFilter | null | undefined, page: PageArgs): Promise<Page<AuditEntry>> {
  const size = pageSize(page.first);
  const after = decodeCursor<string>(page.after, 'string');
  // An id is a bigint: 18 digits always fit, and the database refuses a longer number as its client error anyway.
  if (after !== null && !/^\d{1,18}$/.test(after)) {
    throw badInput(`after "${page.after}" is not a cursor this list issued`, { field: 'after', value: page.after });
  }
  const where = auditFilter(filter ?? {});
  const pageWhere: FilterQuery<AuditEntry> = after === null ? where : { $and: [where, { id: { $lt: after } }] };
  const rows = await em.find(AuditEntry, pageWhere, { orderBy: { id: 'desc' }, limit: size + 1 });
  return toPage(rows, size, await em.count(AuditEntry, where), (row) => row.id);
}

function auditFilter({ entityType, entityKey, actor, from, to }: AuditLogFilter): FilterQuery<AuditEntry> {
  if (from && to && from >= to) {
    throw badInput(`filter.from (${from.toISOString()}) must be before filter.to (${to.toISOString()})`, {
      field: 'filter.from',
      value: from.toISOString(),
    });
  }
  const at = { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) };
  return {
    ...(entityType ? { entityType } : {}),
    ...(entityKey ? { entityKey } : {}),
    ...(actor ? { actor } : {}),
    ...(from || to ? { at } : {}),
  };
}
