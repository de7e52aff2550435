import type { ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import { getOperationAST, parse } from 'graphql';
import type { Logger } from 'pino';
import { logAccessDenied, MAX_LOGGED_NAME, type RequestRecord } from '../common/request-record';
import type { ServiceMetrics } from './metrics';
import { requestIdFrom } from './request-id';

/** Probes and scrapes arrive every few seconds: their lines are at debug level, everything else at info. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const ACCESS_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

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
    const record: RequestRecord = { requestId: requestIdFrom(req.get('x-request-id')), errorCodes: [] };
    res.locals.record = record;
    res.setHeader('x-request-id', record.requestId);
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const graphql = path === '/graphql' && method === 'POST';
      if (graphql) {
        metrics.observeOperation({ name: record.operationName, type: record.operationType, seconds, errorCodes: record.errorCodes });
      }
      const level = QUIET_PATHS.has(path) ? 'debug' : 'info';
      logger[level](
        {
          requestId: record.requestId,
          method,
          path,
          operationName: record.operationName?.slice(0, MAX_LOGGED_NAME),
          operationType: record.operationType,
          status: res.statusCode,
          durationMs: Math.round(seconds * 10_000) / 10,
          errorCodes: record.errorCodes.length > 0 ? record.errorCodes : undefined,
          sub: record.viewer?.subject,
          roles: record.viewer?.roles,
        },
        'request',
      );
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

/** Fills the request's record with its operation and the codes of the errors it answered with. */
export function recordOperations(logger: Logger): ApolloServerPlugin<{ record?: RequestRecord }> {
  return {
    async requestDidStart({ request, contextValue }) {
      const record = contextValue.record;
      if (!record) return;
      record.operationName = request.operationName ?? undefined;
      return {
        // Named as soon as it parses, so a request that fails validation is named too.
        async validationDidStart({ document }) {
          const operation = getOperationAST(document, request.operationName);
          record.operationName = request.operationName ?? operation?.name?.value;
          record.operationType = operation?.operation;
        },
        async didResolveOperation({ operation, operationName }) {
          record.operationName = operationName ?? undefined;
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
