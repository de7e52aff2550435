import { parseArgs } from 'node:util';
import { resolveAuth, secretFromDataDir } from '../auth/jwt-secret';
import { signToken } from '../auth/sign-token';
import { Role } from '../auth/viewer';
import { openDatabase } from '../db/database';
import { ConfigError, loadConfig, type AppConfig } from '../common/config';

const USAGE = 'usage: npm run token -- --role ROLE [--role ROLE ...] --sub SUBJECT [--ttl 1h]';
const ROLES = Object.values(Role) as string[];
const TTL = /^(\d+)\s?(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** The seconds of a duration such as `30m` or `7d` (jose's notation, which signs it), or null when it is not one. */
export function durationSeconds(ttl: string): number | null {
  const match = TTL.exec(ttl);
  return match ? Number(match[1]) * UNIT_SECONDS[match[2][0]] : null;
}

/**
 * The secret the service verifies with, read without a running service: JWT_SECRET, or the one generated and
 * kept with the data (DATA_DIR's file on embedded PGlite, the settings row on a PostgreSQL server), made here
 * first when the service has never started.
 */
async function signingSecret(config: AppConfig): Promise<string> {
  if (config.auth.jwtSecret) return config.auth.jwtSecret;
  if (config.auth.jwksUrl) {
    throw new TokenUsageError('JWT_SECRET is not set: this service verifies RS256/ES256 tokens from JWT_JWKS_URL, which its issuer signs');
  }
  if (!config.databaseUrl) return secretFromDataDir(config.dataDir).secret;
  const db = await openDatabase({ databaseUrl: config.databaseUrl, quiet: true });
  try {
    return (await resolveAuth(config, db)).auth.jwtSecret!;
  } finally {
    await db.close();
  }
}

export class TokenUsageError extends Error {}

/**
 * Signs a token with the service's HS256 secret (JWT_SECRET, or the one `npm start` generated), so the token
 * works against a local server as it is. Its lifetime is --ttl, at most JWT_MAX_TTL_SECONDS.
 */
export async function tokenFromArguments(args: string[], env: Record<string, string | undefined> = process.env): Promise<string> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { role: { type: 'string', multiple: true }, sub: { type: 'string' }, ttl: { type: 'string', default: '1h' } },
    }));
  } catch (error) {
    throw new TokenUsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const roles = values.role ?? [];
  if (roles.length === 0) throw new TokenUsageError(`--role is required (one of ${ROLES.join(', ')})\n${USAGE}`);
  const unknown = roles.filter((role) => !ROLES.includes(role));
  if (unknown.length > 0) throw new TokenUsageError(`unknown role ${unknown.join(', ')}: use ${ROLES.join(', ')}`);
  if (!values.sub) throw new TokenUsageError(`--sub is required: who the token speaks for, as the audit trail will record it\n${USAGE}`);
  const ttl = values.ttl ?? '1h';
  const seconds = durationSeconds(ttl);
  if (seconds === null || seconds === 0) throw new TokenUsageError(`--ttl "${ttl}" is not a duration such as 30m, 1h or 7d`);
  const config = loadConfig(env);
  if (seconds > config.auth.maxTtlSeconds) {
    throw new TokenUsageError(`--ttl ${ttl} is ${seconds} seconds, longer than the ${config.auth.maxTtlSeconds} the service accepts (JWT_MAX_TTL_SECONDS)`);
  }
  return signToken(await signingSecret(config), { roles: roles as Role[], subject: values.sub, ttl });
}

if (require.main === module) {
  tokenFromArguments(process.argv.slice(2)).then(
    (token) => console.log(token),
    (error: unknown) => {
      if (!(error instanceof TokenUsageError || error instanceof ConfigError)) throw error;
      console.error(`token: ${error.message}`);
      process.exit(2);
    },
  );
}
