import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer';
import type { Loaders } from '../db/loaders';
import { REGIME_NAMES } from './config';
import type { RequestRecord } from './request-record';

/**
 * Services of the application that a request reaches through its context. Each domain that keeps one adds it
 * here by declaration merging (`declare module '../common/context'`), so this bottom layer names no domain.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface RequestServices {}

/** What every resolver receives: a request-scoped unit of work, its loaders, and who is asking. */
export interface RequestContext extends RequestServices {
  em: EntityManager;
  loaders: Loaders;
  requestId: string;
  /** Null for an anonymous request. */
  viewer: Viewer | null;
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
  /** SERVED_REGIMES, TIA_REVIEW_MONTHS and DPF_GRACE_DAYS: what the transfer findings and the approval judge with. */
  transfers: TransferSettings;
}

/** The regimes are names of `Regime` (src/country/regime.ts); config checks them. */
export interface TransferSettings {
  servedRegimes: readonly string[];
  tiaReviewMonths: number;
  dpfGraceDays: number;
}

export const DEFAULT_TRANSFER_SETTINGS: TransferSettings = { servedRegimes: REGIME_NAMES, tiaReviewMonths: 12, dpfGraceDays: 30 };

export const DEFAULT_DOMAIN_SETTINGS: DomainSettings = {
  subprocessorNoticeDays: 0,
  rightsRequestRetentionDays: 1095,
  transfers: DEFAULT_TRANSFER_SETTINGS,
};

/** Who acts and when: what a register's mutation needs of the request. */
export const clocked = (ctx: RequestContext) => ({ actor: { viewer: ctx.viewer, requestId: ctx.requestId }, now: ctx.clock() });
