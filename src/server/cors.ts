import cors from 'cors';
import type express from 'express';

/**
 * Cross-origin access for the listed browser origins only: a preflight from one of them may POST (or GET) with
 * Authorization and Content-Type; any other origin gets no Access-Control-* header at all. Tokens travel in the
 * Authorization header, never in cookies, so credentials mode stays off.
 */
export function corsFor(origins: readonly string[]): express.RequestHandler {
  const allowed = new Set(origins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type'],
    exposedHeaders: ['x-request-id'],
    credentials: false,
    maxAge: 600,
  });
}
