import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer';
import { AuditEntry } from './audit-entry.entity';

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
