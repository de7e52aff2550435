import { parseArgs } from 'node:util';
import { signToken } from '../auth/sign-token';
import { Role } from '../auth/viewer';
import { ConfigError, loadConfig } from '../server/config';

const USAGE = 'usage: npm run token -- --role ROLE [--role ROLE ...] --sub SUBJECT [--ttl 1h]';
const ROLES = Object.values(Role) as string[];
const TTL = /^\d+\s?(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$/;

export class TokenUsageError extends Error {}

/**
 * Signs a development token with the service's HS256 secret: JWT_SECRET, or the development default that
 * `npm start` uses when JWT_SECRET is unset, so the token works against a local server as it is.
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
  if (!TTL.test(ttl)) throw new TokenUsageError(`--ttl "${ttl}" is not a duration such as 30m, 1h or 7d`);
  const { jwtSecret } = loadConfig(env).auth;
  if (!jwtSecret) throw new TokenUsageError('JWT_SECRET is not set: this service verifies RS256/ES256 tokens from JWT_JWKS_URL, which its issuer signs');
  return signToken(jwtSecret, { roles: roles as Role[], subject: values.sub, ttl });
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
