import { resolve } from 'node:path';

export interface AppConfig {
  port: number;
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
  /**
   * Operation names that get their own series in the request metrics (METRICS_OPERATION_NAMES, added to the
   * names the service's own pages use); any other name is counted as `other`.
   */
  metricsOperationNames: string[];
}

export interface AuthConfig {
  /** HS256 secret. Required in production unless a JWKS URL is set; development falls back to a fixed one. */
  jwtSecret?: string;
  /** Where RS256/ES256 public keys are published. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

/** The secret development uses when JWT_SECRET is unset, so that `npm start` and `npm run token` agree. */
export const DEVELOPMENT_JWT_SECRET = 'datamap-development-secret-do-not-use-in-production';
const MIN_SECRET_LENGTH = 32;

/** The operations the service's own pages send (the explorer's example, the /map page). */
export const BUNDLED_OPERATION_NAMES = ['MapGraph', 'MapChoices', 'MapPerson', 'MapNodeDetails', 'ExplorerExample'];

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

function operationNamesVar(env: Env, name: string): string[] {
  const names = (env[name] ?? '').split(',').map((value) => value.trim()).filter(Boolean);
  const invalid = names.filter((value) => !/^[_A-Za-z][_0-9A-Za-z]*$/.test(value));
  if (invalid.length > 0) throw new ConfigError(`${name} lists ${invalid.join(', ')}, which are not GraphQL operation names`);
  return [...BUNDLED_OPERATION_NAMES, ...names];
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
  const jwksUrl = env.JWT_JWKS_URL || undefined;
  if (jwksUrl && !/^https?:\/\//.test(jwksUrl)) throw new ConfigError(`JWT_JWKS_URL="${jwksUrl}" must be an http(s) URL`);
  let jwtSecret = env.JWT_SECRET || undefined;
  if (jwtSecret && jwtSecret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`JWT_SECRET is too short: HS256 needs at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (!jwtSecret && !jwksUrl) {
    if (nodeEnv === 'production') {
      throw new ConfigError('JWT_SECRET is required in production (or JWT_JWKS_URL for RS256/ES256 tokens)');
    }
    jwtSecret = DEVELOPMENT_JWT_SECRET;
  }
  return { jwtSecret, jwksUrl, issuer: env.JWT_ISSUER || undefined, audience: env.JWT_AUDIENCE || undefined };
}

/** Reads and checks the configuration. A bad value stops the service with a message that names it. */
export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  return {
    port: portVar(env, 'PORT', 4000),
    databaseUrl: databaseUrlVar(env),
    dataDir: resolve(env.DATA_DIR || './data'),
    nodeEnv,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    seed: booleanVar(env, 'SEED', true),
    auth: authConfig(env, nodeEnv),
    introspection: booleanVar(env, 'INTROSPECTION', nodeEnv !== 'production'),
    ageGateFlushMs: secondsVar(env, 'AGE_GATE_FLUSH_SECONDS', 10, 3600),
    metricsOperationNames: operationNamesVar(env, 'METRICS_OPERATION_NAMES'),
  };
}
