import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { unauthenticated } from '../common/errors';
import type { AuthConfig } from '../common/config';
import { Role, type Viewer } from './viewer';

const ROLES = new Set<string>(Object.values(Role));
const ASYMMETRIC = ['RS256', 'ES256'];
/** How far a token's clock may run ahead of ours (nbf, iat) or behind (exp), in seconds. */
export const CLOCK_SKEW_SECONDS = 60;

/** The key set could not be fetched or read: the service's problem, not the token's, and the reason says so. */
class KeySetUnavailable extends Error {}

/** The reason a token was refused, in words a client developer can act on. */
function describe(error: unknown): string {
  if (error instanceof KeySetUnavailable) return `the key set at JWT_JWKS_URL is unreachable (${error.message}), so no token can be checked`;
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet (nbf is in the future)';
    if (error.claim === 'iss') return 'the token has the wrong issuer';
    if (error.claim === 'aud') return 'the token has the wrong audience';
    if (error.claim === 'exp' && error.reason === 'missing') return 'the token has no expiry (exp); every token must carry one';
    return `the token's ${error.claim} claim is invalid`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm this service does not accept';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no published key matches the token';
  if (error instanceof errors.JOSEError) return 'the token is malformed';
  return 'the token cannot be verified';
}

function viewerFrom(payload: JWTPayload): Viewer {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthenticated('The token has no subject (sub)');
  const roles = payload.roles;
  if (!Array.isArray(roles) || roles.some((role) => typeof role !== 'string')) {
    throw unauthenticated('The token has no roles claim: expected an array of role names');
  }
  const unknown = roles.filter((role) => !ROLES.has(role));
  if (unknown.length > 0) {
    throw unauthenticated(`The token names an unknown role: ${unknown.join(', ')} (known: ${[...ROLES].join(', ')})`);
  }
  return { subject: payload.sub, roles: roles as Role[] };
}

/** Lifetime rules jose does not check: an upper bound on exp - iat, and no iat from the future. */
function checkLifetime(payload: JWTPayload, maxTtlSeconds: number): void {
  const now = Math.floor(Date.now() / 1000);
  const { exp, iat } = payload;
  if (iat !== undefined && iat > now + CLOCK_SKEW_SECONDS) throw unauthenticated('Invalid token: the token was issued in the future (iat)');
  const lifetime = exp! - (iat ?? now);
  if (lifetime > maxTtlSeconds) {
    throw unauthenticated(
      `Invalid token: the token is valid for ${lifetime} seconds, longer than the ${maxTtlSeconds} this service accepts (JWT_MAX_TTL_SECONDS)`,
    );
  }
}

/** A remote key set whose network and format failures are told apart from a faulty token. */
function remoteKeySet(url: string): JWTVerifyGetKey {
  const keys = createRemoteJWKSet(new URL(url));
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      if (error instanceof errors.JOSENotSupported || error instanceof errors.JWSInvalid) throw error;
      // The cause in general words only: a network error would show the client internal addresses.
      if (error instanceof errors.JWKSTimeout) throw new KeySetUnavailable('it did not answer in time');
      if (error instanceof errors.JOSEError) throw new KeySetUnavailable('it did not answer with a key set');
      throw new KeySetUnavailable('it cannot be reached');
    }
  };
}

export type Authenticator = (authorization: string | undefined) => Promise<Viewer | null>;

/** How many verified tokens to remember; a service has few callers, each reusing one token for its lifetime. */
const CACHED_TOKENS = 1000;
/** A token without `exp` is remembered this long: verification is cheap, but not free at every request. */
const UNBOUNDED_TOKEN_CACHE_MS = 60_000;

/**
 * Verified tokens and whom they name, until they expire: verifying an HS256 signature and its claims costs more
 * than the rest of a small request. Only successes are kept; a refused token is checked again every time.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { viewer: Viewer; until: number }>();

  get(token: string, now: number): Viewer | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (now < entry.until) return entry.viewer;
    this.entries.delete(token);
    return undefined;
  }

  set(token: string, viewer: Viewer, payload: JWTPayload, now: number): void {
    const until = typeof payload.exp === 'number' ? payload.exp * 1000 : now + UNBOUNDED_TOKEN_CACHE_MS;
    if (this.entries.size >= CACHED_TOKENS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { viewer, until });
  }
}

/**
 * Reads the caller from an `Authorization: Bearer <JWT>` header: HS256 with the shared secret, or RS256/ES256
 * with keys from a JWKS URL. No header means anonymous (null); any faulty token is UNAUTHENTICATED.
 */
export function createAuthenticator(config: AuthConfig): Authenticator {
  const secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = config.jwksUrl ? remoteKeySet(config.jwksUrl) : undefined;
  const options = {
    issuer: config.issuer,
    audience: config.audience,
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_SKEW_SECONDS,
  };
  const verified = new VerifiedTokens();
  const accept = (token: string, payload: JWTPayload) => {
    checkLifetime(payload, config.maxTtlSeconds);
    const viewer = viewerFrom(payload);
    verified.set(token, viewer, payload, Date.now());
    return viewer;
  };

  return async (authorization) => {
    if (authorization === undefined || authorization === '') return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
    const token = match[1];
    const known = verified.get(token, Date.now());
    if (known) return known;
    let algorithm: string | undefined;
    try {
      algorithm = decodeProtectedHeader(token).alg;
    } catch {
      throw unauthenticated('Invalid token: the token is malformed');
    }
    try {
      if (algorithm === 'HS256' && secret) {
        return accept(token, (await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })).payload);
      }
      if (algorithm && ASYMMETRIC.includes(algorithm) && jwks) {
        return accept(token, (await jwtVerify(token, jwks, { ...options, algorithms: ASYMMETRIC })).payload);
      }
    } catch (error) {
      if (error instanceof Error && 'extensions' in error) throw error;
      throw unauthenticated(`Invalid token: ${describe(error)}`);
    }
    throw unauthenticated(`Invalid token: the token is signed with ${algorithm ?? 'no algorithm'}, which this service does not accept`);
  };
}
