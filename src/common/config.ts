import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { estimatedEntropyBits, MIN_SECRET_ENTROPY_BITS } from '../auth/secret-strength';
import { isWebUrl } from './url';

export interface AppConfig {
  port: number;
  /** The interface to listen on: loopback unless HOST opens it (the Docker image sets 0.0.0.0). */
  host: string;
  /**
   * Where readers reach the service (PUBLIC_URL, such as https://privacy.pythonmaster.com), for absolute links in
   * the Atom feed; without it the feed's links are relative. Never taken from a request's Host header.
   */
  publicUrl?: string;
  /** Browser origins allowed to call the API (CORS); empty answers no cross-origin request. */
  corsOrigins: string[];
  /** A postgres:// URL; without one, the service runs on embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Seed the PythonMaster map into an empty database at start. */
  seed: boolean;
  auth: AuthConfig;
  /** Serve schema introspection: on outside production unless INTROSPECTION says otherwise. */
  introspection: boolean;
  /** How often the age-gate counters are added to the database (and at shutdown). */
  ageGateFlushMs: number;
  /** Days between a processor's approval and its first data flow, so that the published list announces it first (Art. 28(2)). */
  subprocessorNoticeDays: number;
  /** Days a closed rights request keeps its subject reference before the purge clears it. */
  rightsRequestRetentionDays: number;
  /** How long in-flight requests may run on after SIGTERM or SIGINT before the process stops anyway. */
  shutdownGraceMs: number;
  /**
   * How long after SIGTERM connections already accepted are still served, each answer with `Connection: close`
   * (SHUTDOWN_DRAIN_SECONDS, default 1; within the grace period); then idle ones are closed.
   */
  shutdownDrainMs: number;
  /** The longest one SQL statement may take; past it the request fails with SERVICE_UNAVAILABLE. */
  dbStatementTimeoutMs: number;
  /** How long start-up keeps trying to reach the database before it gives up. */
  dbConnectTimeoutMs: number;
  /**
   * Operation names that get their own series in the request metrics (METRICS_OPERATION_NAMES, added to the
   * names the service's own pages use); any other name is counted as `other`.
   */
  metricsOperationNames: string[];
  /**
   * What executes operations (GRAPHQL_EXECUTOR): `jit` by default, which compiles each operation once with
   * graphql-jit and runs the compiled function (29 to 54% more requests per second on the read path, see
   * docs/benchmarks.md), or `graphql-js`, the interpreter.
   */
  graphqlExecutor: GraphqlExecutor;
  /**
   * How many operations execute at once (GRAPHQL_MAX_CONCURRENT_OPERATIONS); the others wait their turn. Age checks
   * and `{ __typename }` never wait. See `src/server/execution-gate.ts`.
   */
  maxConcurrentOperations: number;
  /**
   * How many operations may wait for a turn (GRAPHQL_MAX_QUEUED_OPERATIONS, default 64); the next is answered 503
   * SERVICE_UNAVAILABLE with Retry-After at once.
   */
  maxQueuedOperations: number;
  /** How long an operation may wait for a turn (GRAPHQL_QUEUE_TIMEOUT_MS, default 10000) before it is answered 503. */
  queueTimeoutMs: number;
  /**
   * The regimes whose people the map serves (SERVED_REGIMES, comma-separated): the findings report a location that
   * lacks a safeguard under a served UK or Swiss regime. All three by default: the privacy policy offers the service
   * online to anyone, names the GDPR and "other applicable laws", and excludes no one in the UK or Switzerland.
   */
  servedRegimes: string[];
  /** Months after which a transfer impact assessment is out of date (TIA_REVIEW_MONTHS). */
  tiaReviewMonths: number;
  /** Days before a DPF certification's review date from which the review is due (DPF_GRACE_DAYS). */
  dpfGraceDays: number;
  /** The heap graphql-jit's compiled operations may hold together, in bytes (GRAPHQL_JIT_CACHE_MB, default 64). */
  jitCacheBytes: number;
  /**
   * How many times a query text runs with graphql-js before graphql-jit compiles it (GRAPHQL_JIT_COMPILE_AFTER,
   * default 2: compiled on its second run). Operations named in `metricsOperationNames` compile on their first run.
   */
  jitCompileAfter: number;
  /**
   * OpenTelemetry tracing: on when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, and
   * OTEL_SDK_DISABLED is not `true`; the exporter reads the other standard OTEL_EXPORTER_OTLP_* variables itself.
   */
  tracing: { enabled: boolean; serviceName: string };
}

/** The names of the regimes (the `Regime` enum of src/country/regime.ts, which a test keeps equal to this list). */
export const REGIME_NAMES = ['EU_GDPR', 'UK_GDPR', 'SWISS_FADP'] as const;

export const GRAPHQL_EXECUTORS = ['graphql-js', 'jit'] as const;
export type GraphqlExecutor = (typeof GRAPHQL_EXECUTORS)[number];

export interface AuthConfig {
  /**
   * HS256 secret from JWT_SECRET. Required in production unless a JWKS URL is set; elsewhere, when both are
   * unset, the service generates one and keeps it with the data (see `src/auth/jwt-secret.ts`).
   */
  jwtSecret?: string;
  /** Where RS256/ES256 public keys are published: https, or http on loopback only. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Longest lifetime a token may claim (exp - iat), in seconds. */
  maxTtlSeconds: number;
}

const MIN_SECRET_LENGTH = 32;
const THIRTY_DAYS = 30 * 24 * 3600;

/**
 * The operations the service's own clients send: the /map page (public/map.js), the explorer's example and the
 * CLI over HTTP. They get their own metric series, are logged by name and are compiled by graphql-jit at once.
 */
export const BUNDLED_OPERATION_NAMES = [
  'MapGraph',
  'MapChoices',
  'MapPerson',
  'MapNodeDetails',
  'MapSearch',
  'ExplorerExample',
  'DatamapApply',
  'DatamapExport',
  'DatamapFindings',
  'DatamapReconcileEvidence',
  'DatamapVendors',
];

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name}="${value}" is not valid: use one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function booleanVar(env: Env, name: string, fallback: boolean): boolean {
  return oneOf(env, name, ['true', 'false'] as const, fallback ? 'true' : 'false') === 'true';
}

function portVar(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new ConfigError(`${name}="${value}" is not a port number (0-65535)`);
  return port;
}

function secondsVar(env: Env, name: string, fallback: number, max: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback * 1000;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds <= 0 || seconds > max) {
    throw new ConfigError(`${name}="${value}" is not a number of seconds from above 0 to ${max}`);
  }
  return seconds * 1000;
}

/** A whole number within [min, max]; `unit` names what it counts, for the message. */
function integerVar(env: Env, name: string, fallback: number, min: number, max: number, unit?: string): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new ConfigError(`${name}="${value}" is not a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}`);
  }
  return number;
}

/** Exact origins such as `https://dashboard.example.com`: scheme, host and port, nothing after. */
function originsVar(env: Env, name: string): string[] {
  const origins = (env[name] ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      // reported below
    }
    if (!parsed || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
      throw new ConfigError(`${name}: "${origin}" is not an exact origin such as https://dashboard.example.com (scheme, host, optional port; no path or trailing slash)`);
    }
  }
  return origins;
}

/** Whether a host name or address (IPv6 with or without brackets) stays on this machine. */
export const isLoopback = (hostname: string) => {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
};

/** Keys fetched over plain http could be swapped on the way, so only a key server on this machine may use it. */
function jwksUrlVar(env: Env): string | undefined {
  const value = env.JWT_JWKS_URL || undefined;
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`JWT_JWKS_URL="${value}" is not a URL: expected https://issuer.example/.well-known/jwks.json`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return value;
  throw new ConfigError(`JWT_JWKS_URL="${value}" must be an https URL (plain http only on loopback, such as http://127.0.0.1)`);
}

function operationNamesVar(env: Env, name: string): string[] {
  const names = (env[name] ?? '').split(',').map((value) => value.trim()).filter(Boolean);
  const invalid = names.filter((value) => !/^[_A-Za-z][_0-9A-Za-z]*$/.test(value));
  if (invalid.length > 0) throw new ConfigError(`${name} lists ${invalid.join(', ')}, which are not GraphQL operation names`);
  return [...BUNDLED_OPERATION_NAMES, ...names];
}

/** A comma-separated subset of `allowed`, in `allowed`'s order; unset or empty gives `fallback`. */
function subsetVar(env: Env, name: string, allowed: readonly string[], fallback: readonly string[]): string[] {
  const value = env[name];
  if (value === undefined || value.trim() === '') return [...fallback];
  const given = value.split(',').map((item) => item.trim()).filter(Boolean);
  const unknown = given.filter((item) => !allowed.includes(item));
  if (unknown.length > 0) throw new ConfigError(`${name} lists ${unknown.join(', ')}: use a comma-separated list of ${allowed.join(', ')}`);
  return allowed.filter((item) => given.includes(item));
}

/** An absolute https: or http: URL with no query or fragment, kept without a trailing slash. */
function publicUrlVar(env: Env): string | undefined {
  const value = env.PUBLIC_URL;
  if (value === undefined || value === '') return undefined;
  const url = isWebUrl(value) ? new URL(value) : undefined;
  if (!url || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`PUBLIC_URL="${value}" is not an absolute https: or http: URL without query or fragment, such as https://privacy.example.com`);
  }
  return value.replace(/\/+$/, '');
}

function databaseUrlVar(env: Env): string | undefined {
  const value = env.DATABASE_URL;
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('DATABASE_URL is not a URL: expected postgres://user@host:port/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://, not ${url.protocol}//`);
  }
  return value;
}

function authConfig(env: Env, nodeEnv: AppConfig['nodeEnv']): AuthConfig {
  const jwksUrl = jwksUrlVar(env);
  const jwtSecret = env.JWT_SECRET || undefined;
  if (jwtSecret && jwtSecret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`JWT_SECRET is too short: HS256 needs at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (jwtSecret) {
    const bits = estimatedEntropyBits(jwtSecret);
    if (bits < MIN_SECRET_ENTROPY_BITS) {
      throw new ConfigError(
        `JWT_SECRET is too predictable: about ${Math.floor(bits)} bits of estimated entropy, at least ${MIN_SECRET_ENTROPY_BITS} needed ` +
          '(generate one with: openssl rand -base64 32)',
      );
    }
  }
  if (!jwtSecret && !jwksUrl && nodeEnv === 'production') {
    throw new ConfigError('JWT_SECRET is required in production (or JWT_JWKS_URL for RS256/ES256 tokens)');
  }
  return {
    jwtSecret,
    jwksUrl,
    issuer: env.JWT_ISSUER || undefined,
    audience: env.JWT_AUDIENCE || undefined,
    maxTtlSeconds: integerVar(env, 'JWT_MAX_TTL_SECONDS', THIRTY_DAYS, 1, 10 * 365 * 24 * 3600),
  };
}

/** Reads and checks the configuration. A bad value stops the service with a message that names it. */
export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  return {
    port: portVar(env, 'PORT', 4000),
    host: env.HOST || '127.0.0.1',
    publicUrl: publicUrlVar(env),
    corsOrigins: originsVar(env, 'CORS_ORIGINS'),
    databaseUrl: databaseUrlVar(env),
    dataDir: resolve(env.DATA_DIR || './data'),
    nodeEnv,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    seed: booleanVar(env, 'SEED', true),
    auth: authConfig(env, nodeEnv),
    introspection: booleanVar(env, 'INTROSPECTION', nodeEnv !== 'production'),
    ageGateFlushMs: secondsVar(env, 'AGE_GATE_FLUSH_SECONDS', 10, 3600),
    subprocessorNoticeDays: integerVar(env, 'SUBPROCESSOR_NOTICE_DAYS', 0, 0, 365, 'days'),
    rightsRequestRetentionDays: integerVar(env, 'RIGHTS_REQUEST_RETENTION_DAYS', 1095, 1, 36500, 'days'),
    shutdownGraceMs: secondsVar(env, 'SHUTDOWN_GRACE_SECONDS', 10, 3600),
    shutdownDrainMs: secondsVar(env, 'SHUTDOWN_DRAIN_SECONDS', 1, 3600),
    dbStatementTimeoutMs: integerVar(env, 'DB_STATEMENT_TIMEOUT_MS', 5000, 1, 3_600_000, 'milliseconds'),
    dbConnectTimeoutMs: secondsVar(env, 'DB_CONNECT_TIMEOUT_SECONDS', 30, 3600),
    metricsOperationNames: operationNamesVar(env, 'METRICS_OPERATION_NAMES'),
    graphqlExecutor: oneOf(env, 'GRAPHQL_EXECUTOR', GRAPHQL_EXECUTORS, 'jit'),
    maxConcurrentOperations: integerVar(env, 'GRAPHQL_MAX_CONCURRENT_OPERATIONS', 4, 1, 1000, 'operations'),
    maxQueuedOperations: integerVar(env, 'GRAPHQL_MAX_QUEUED_OPERATIONS', 64, 0, 100_000, 'operations'),
    queueTimeoutMs: integerVar(env, 'GRAPHQL_QUEUE_TIMEOUT_MS', 10_000, 1, 3_600_000, 'milliseconds'),
    servedRegimes: subsetVar(env, 'SERVED_REGIMES', REGIME_NAMES, REGIME_NAMES),
    tiaReviewMonths: integerVar(env, 'TIA_REVIEW_MONTHS', 12, 1, 120, 'months'),
    dpfGraceDays: integerVar(env, 'DPF_GRACE_DAYS', 30, 0, 365, 'days'),
    jitCacheBytes: integerVar(env, 'GRAPHQL_JIT_CACHE_MB', 64, 1, 65_536, 'megabytes') * 1024 * 1024,
    jitCompileAfter: integerVar(env, 'GRAPHQL_JIT_COMPILE_AFTER', 2, 1, 1_000_000, 'runs'),
    tracing: {
      enabled: Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && env.OTEL_SDK_DISABLED !== 'true',
      serviceName: env.OTEL_SERVICE_NAME || 'datamap',
    },
  };
}
