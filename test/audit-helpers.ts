import { AuditEntry } from '../src/audit/audit-entry.entity';
import type { TestApp } from './harness';

/** What the audit trail kept about a change, as a test compares it. */
export interface RecordedEntry {
  actor: string;
  roles: string[];
  operation: string;
  entityType: string;
  entityKey: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  at: Date;
}

/**
 * The audit entries recorded for one entity, oldest first, read straight from the database: a mutation's test
 * checks with it that the change wrote its entry (and a failed change none).
 * `expect(await auditEntriesFor(app, 'Processor', 'plausible')).toEqual([expect.objectContaining({ operation: 'registerProcessor' })])`
 */
export async function auditEntriesFor(app: TestApp, entityType: string, entityKey: string): Promise<RecordedEntry[]> {
  const entries = await app.em().find(AuditEntry, { entityType, entityKey }, { orderBy: { id: 'asc' } });
  return entries.map(({ actor, roles, operation, before, after, requestId, at }) => ({
    actor, roles, operation, entityType, entityKey, before, after, requestId: requestId ?? null, at,
  }));
}

/** How many entries the whole trail holds: a failed mutation must leave it unchanged. */
export function auditEntryCount(app: TestApp): Promise<number> {
  return app.em().count(AuditEntry, {});
}
