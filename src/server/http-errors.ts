import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/** The most a request body may hold; express.json refuses larger ones with 413. */
export const MAX_BODY = '1mb';

/** An answer shaped like GraphQL's, so a client reads every failure the same way. */
function answer(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/**
 * body-parser's failures (https://github.com/expressjs/body-parser#errors), in words that never quote the body:
 * its own messages do ("Unexpected token … in JSON"), and a body may hold a birth date.
 */
const BODY_ERRORS: Record<string, [status: number, message: string]> = {
  'entity.parse.failed': [400, 'The request body is not valid JSON'],
  'entity.too.large': [413, `The request body is larger than ${MAX_BODY}, the most this service reads`],
  'encoding.unsupported': [415, 'The request body has a Content-Encoding this service does not read: send identity, gzip or deflate'],
  'charset.unsupported': [415, 'The request body has a charset this service does not read: send UTF-8'],
  'request.aborted': [400, 'The request body ended early'],
  'request.size.invalid': [400, 'The request body is not as long as its Content-Length says'],
};

/** A POST to /graphql must be JSON; anything else would reach Apollo with no body and get an HTML 500. */
export const requireJsonBody: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || req.is('application/json')) return next();
  answer(res, 415, 'BAD_USER_INPUT', 'A POST to /graphql must have Content-Type: application/json');
};

/**
 * The last handler: every error that reaches Express answers JSON with `extensions.code` and no stack, in every
 * mode, instead of Express's HTML page. A failed body is the client's; it is not logged, and neither is a body.
 */
export function jsonErrors(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const known = typeof error?.type === 'string' && Object.hasOwn(BODY_ERRORS, error.type) ? BODY_ERRORS[error.type] : undefined;
    if (known) return answer(res, known[0], 'BAD_USER_INPUT', known[1]);
    const status = Number(error?.status ?? error?.statusCode);
    if (status >= 400 && status < 500) return answer(res, status, 'BAD_USER_INPUT', 'The request cannot be read');
    // Only the error's kind and stack: body-parser and others attach the body (error.body) or quote it.
    logger.error({ err: { type: error?.name, message: error?.message, stack: error?.stack } }, 'unexpected error in an HTTP request');
    answer(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  };
}
