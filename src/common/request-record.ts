import type express from 'express';
import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer';

/** What one request's log line says; filled in as the request goes through the service. */
export interface RequestRecord {
  requestId: string;
  operationName?: string;
  operationType?: string;
  errorCodes: string[];
  viewer?: Viewer | null;
  /** The W3C trace id of the request: its span's when tracing is on, else the one its `traceparent` header carries. */
  traceId?: string;
  /** Aborted when the client closes the connection before its answer is sent: a queued operation then leaves. */
  closed?: AbortSignal;
}

/** A client-chosen operation name is cut to this length in logs. */
export const MAX_LOGGED_NAME = 100;

/** The record the request-logging middleware keeps for this response. */
export function recordOf(res: express.Response): RequestRecord {
  return res.locals.record as RequestRecord;
}

/** Logs a refused request at info: why, which request and operation, never the token. */
export function logAccessDenied(logger: Logger, record: RequestRecord, code: string, reason: string): void {
  logger.info(
    { requestId: record.requestId, traceId: record.traceId, operationName: record.operationName?.slice(0, MAX_LOGGED_NAME), code, reason, sub: record.viewer?.subject },
    code === 'UNAUTHENTICATED' ? 'authentication failed' : 'access denied',
  );
}
