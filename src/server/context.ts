import type { EntityManager } from '@mikro-orm/postgresql';
import type { AgeGateService } from '../age-gate/age-gate.service';
import type { Viewer } from '../auth/viewer';
import { Loaders } from '../db/loaders';
import type { RequestRecord } from './request-log';

/** What every resolver receives: a request-scoped unit of work, its loaders, and who is asking. */
export interface RequestContext {
  em: EntityManager;
  loaders: Loaders;
  requestId: string;
  /** Null for an anonymous request. */
  viewer: Viewer | null;
  /** The application's age gate, which holds its counters. */
  ageGate: AgeGateService;
  /** What the request's log line and metrics say about it; absent outside HTTP (benchmarks). */
  record?: RequestRecord;
}

export function createRequestContext(
  rootEm: EntityManager,
  requestId: string,
  viewer: Viewer | null,
  ageGate: AgeGateService,
  record?: RequestRecord,
): RequestContext {
  const em = rootEm.fork();
  return { em, loaders: new Loaders(em), requestId, viewer, ageGate, record };
}
