import type { ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import { getOperationAST, parse } from 'graphql';
import type { Logger } from 'pino';
import { logAccessDenied, type RequestRecord } from '../common/request-record';
import { OTHER_OPERATION, type ServiceMetrics } from './metrics';
import { requestIdFrom } from './request-id';

/** Probes and scrapes arrive every few seconds: their lines are at debug level, everything else at info. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const ACCESS_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

/**
 * An operation name as logs and metrics record it: a name the service's own clients send or the operator listed
 * (METRICS_OPERATION_NAMES), else `other`. A client chooses the name, and may put anything in it (an email address
 * and a birth date were seen in the logs).
 */
export function operationLabel(known: ReadonlySet<string>, name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  return known.has(name) ? name : OTHER_OPERATION;
}

/**
 * Gives every request its id (the caller's `x-request-id` when acceptable, echoed in the response) and writes
 * one JSON line when it is answered: id, method, path, operation, status, duration, error codes and the
 * caller's `sub` and roles. Never the query string, variables, body or token.
 */
export function requestLogging(logger: Logger, metrics: ServiceMetrics): express.RequestHandler {
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    // Read now: a mounted router (app.use('/graphql', …)) strips its prefix from req.path while it answers.
    const { method, path } = req;
    const clientGone = new AbortController();
    const record: RequestRecord = {
      requestId: requestIdFrom(req.get('x-request-id')),
      traceId: res.locals.traceId,
      errorCodes: [],
      closed: clientGone.signal,
    };
    res.locals.record = record;
    res.setHeader('x-request-id', record.requestId);
    /** One line when the request is answered, or when the client goes before it is (aborted). */
    const written = (aborted: boolean) => {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const graphql = path === '/graphql' && method === 'POST';
      if (aborted) metrics.observeAborted(path);
      else if (graphql) {
        metrics.observeOperation({ name: record.operationName, type: record.operationType, seconds, errorCodes: record.errorCodes });
      }
      const level = QUIET_PATHS.has(path) && !aborted ? 'debug' : 'info';
      logger[level](
        {
          requestId: record.requestId,
          traceId: record.traceId,
          method,
          path,
          operationName: record.operationName,
          operationType: record.operationType,
          status: aborted ? undefined : res.statusCode,
          aborted: aborted || undefined,
          durationMs: Math.round(seconds * 10_000) / 10,
          errorCodes: record.errorCodes.length > 0 ? record.errorCodes : undefined,
          sub: record.viewer?.subject,
          roles: record.viewer?.roles,
        },
        aborted ? 'request aborted by the client' : 'request',
      );
    };
    res.once('finish', () => written(false));
    res.once('close', () => {
      if (res.writableFinished) return;
      clientGone.abort();
      written(true);
    });
    next();
  };
}

/**
 * The operation a GraphQL request body names, for requests refused before Apollo reads it (a faulty token).
 * Parsing is bounded as Apollo's is; a body that does not parse names no operation.
 */
export function operationOfBody(body: unknown): { name?: string; type?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const { query, operationName } = body as { query?: unknown; operationName?: unknown };
  const name = typeof operationName === 'string' && operationName !== '' ? operationName : undefined;
  if (typeof query !== 'string') return { name };
  try {
    const operation = getOperationAST(parse(query, { maxTokens: 2000 }), name);
    return { name: name ?? operation?.name?.value, type: operation?.operation };
  } catch {
    return { name };
  }
}

/**
 * Fills the request's record with its operation (named by `operationLabel` against `known`) and the codes of the
 * errors it answered with.
 */
export function recordOperations(logger: Logger, known: ReadonlySet<string>): ApolloServerPlugin<{ record?: RequestRecord }> {
  return {
    async requestDidStart({ request, contextValue }) {
      const record = contextValue.record;
      if (!record) return;
      record.operationName = operationLabel(known, request.operationName);
      return {
        // Named as soon as it parses, so a request that fails validation is named too.
        async validationDidStart({ document }) {
          const operation = getOperationAST(document, request.operationName);
          record.operationName = operationLabel(known, request.operationName ?? operation?.name?.value);
          record.operationType = operation?.operation;
        },
        async didResolveOperation({ operation, operationName }) {
          // No operation resolved (an unknown operationName): the name the client sent, as a label.
          record.operationName = operationLabel(known, operationName ?? request.operationName);
          record.operationType = operation?.operation;
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          for (const error of errors) {
            const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
            record.errorCodes.push(code);
            if (ACCESS_CODES.has(code)) logAccessDenied(logger, record, code, error.message);
          }
        },
      };
    },
  };
}
