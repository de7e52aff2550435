import { createHash } from 'node:crypto';
import compression from 'compression';
import type express from 'express';
import helmet from 'helmet';
import { PAGE_STYLE as SUBPROCESSORS_STYLE } from '../subprocessor/subprocessor.render';

/** Answers smaller than this go uncompressed: below about a kilobyte the headers of gzip cost more than they save. */
export const COMPRESS_ABOVE_BYTES = 1024;

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The Content-Security-Policy of every response. The pages (/map, the explorer at GET /graphql, /subprocessors)
 * load only the service's own files: no inline script, no inline style but the public list's one style element
 * (allowed by its hash), no eval, nothing from another origin. They keep a bearer token in the browser, so they
 * may not be framed either.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", hashOf(SUBPROCESSORS_STYLE)],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Security headers on every response (helmet): the policy above, `X-Content-Type-Options: nosniff`,
 * `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY` for browsers without `frame-ancestors`, and helmet's
 * other defaults. `upgrade-insecure-requests` is left out: the service is often reached over plain http on a
 * private network, where that directive would send the pages' own requests to an https port that does not exist.
 */
export function securityHeaders(): express.RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
}

/**
 * gzip or brotli, as the client's Accept-Encoding asks, for answers over a kilobyte: the bench map's 8.6 MB GraphQL
 * answer travels as about half a megabyte. The package compresses brotli at quality 4, about as fast as gzip's
 * default level; brotli's own default (11) would cost seconds on a large answer.
 */
export function compressAnswers(): express.RequestHandler {
  return compression({ threshold: COMPRESS_ABOVE_BYTES });
}
