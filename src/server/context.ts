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
  /** What time it is: deadlines and findings read it, and tests fix it. */
  clock: () => Date;
  /** Settings the domain rules read. */
  settings: DomainSettings;
  /** What the request's log line and metrics say about it; absent outside HTTP (benchmarks). */
  record?: RequestRecord;
}

/** The configuration the domain services need, handed down without the rest of the server's configuration. */
export interface DomainSettings {
  subprocessorNoticeDays: number;
  rightsRequestRetentionDays: number;
}

/** Who acts and when: what a register's mutation needs of the request. */
export const clocked = (ctx: RequestContext) => ({ actor: { viewer: ctx.viewer, requestId: ctx.requestId }, now: ctx.clock() });

export function createRequestContext(
  rootEm: EntityManager,
  requestId: string,
  viewer: Viewer | null,
  ageGate: AgeGateService,
  clock: () => Date = () => new Date(),
  settings: DomainSettings = { subprocessorNoticeDays: 0, rightsRequestRetentionDays: 1095 },
  record?: RequestRecord,
): RequestContext {
  // The unit of work is made on first use: an operation that reads nothing (`{ __typename }`, an age check against
  // the policy kept in memory) costs no fork of the entity manager.
  let em: EntityManager | undefined;
  const unitOfWork = () => (em ??= rootEm.fork());
  return {
    get em() {
      return unitOfWork();
    },
    loaders: new Loaders(unitOfWork),
    requestId,
    viewer,
    ageGate,
    clock,
    settings,
    record,
  };
}
