import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Database } from '../db/database';
import { ConfigError, type AppConfig, type AuthConfig } from '../common/config';
import { estimatedEntropyBits, MIN_SECRET_ENTROPY_BITS } from './secret-strength';

/** The file in DATA_DIR that keeps the generated secret of an embedded database. */
export const SECRET_FILE = 'jwt-secret';
/** The settings row that keeps the generated secret on a PostgreSQL server. */
export const SECRET_SETTING = 'jwt_secret';

/** Where the HS256 secret (or the keys) come from, as the start-up log reports it. */
export type SecretSource =
  | { kind: 'JWT_SECRET' }
  | { kind: 'JWT_JWKS_URL'; url: string }
  | { kind: 'generated file'; path: string }
  | { kind: 'settings row'; key: string };

export interface ResolvedAuth {
  auth: AuthConfig;
  source: SecretSource;
}

/** 256 random bits, base64url: what `npm start` makes when no secret is configured. */
const generateSecret = () => randomBytes(32).toString('base64url');

function checkStored(secret: string, where: string): string {
  if (estimatedEntropyBits(secret) < MIN_SECRET_ENTROPY_BITS) {
    throw new ConfigError(`the JWT secret kept in ${where} is too predictable: delete it and the service generates a new one`);
  }
  return secret;
}

/**
 * The secret kept in `<dataDir>/jwt-secret`, created (mode 0600, exclusively, so two starters agree) on first use.
 * A file other users may read is refused rather than trusted, as ssh does with private keys.
 */
export function secretFromDataDir(dataDir: string): { secret: string; path: string } {
  const path = join(dataDir, SECRET_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(path, `${generateSecret()}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600); // the umask may have narrowed the mode, never widened it; make it exact
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new ConfigError(`${path} can be read by other users: run chmod 600 ${path}`);
  }
  return { secret: checkStored(readFileSync(path, 'utf8').trim(), path), path };
}

/** The secret kept in the `setting` table, created on first use; concurrent starters keep the first one written. */
export async function secretFromSettings(em: EntityManager): Promise<string> {
  await em.execute('insert into setting (key, value) values (?, ?) on conflict (key) do nothing', [SECRET_SETTING, generateSecret()], 'run');
  const [row] = await em.execute<{ value: string }[]>('select value from setting where key = ?', [SECRET_SETTING]);
  return checkStored(row.value, `the setting ${SECRET_SETTING}`);
}

/**
 * The authentication settings the service runs with: JWT_SECRET or JWT_JWKS_URL as configured, or else a secret
 * generated once and kept with the data (a file in DATA_DIR on embedded PGlite, a settings row on a PostgreSQL
 * server), so that no secret published anywhere signs a token this service accepts.
 */
export async function resolveAuth(config: Pick<AppConfig, 'auth' | 'dataDir'>, db: Pick<Database, 'external' | 'orm'>): Promise<ResolvedAuth> {
  const { auth } = config;
  if (auth.jwtSecret) return { auth, source: { kind: 'JWT_SECRET' } };
  if (auth.jwksUrl) return { auth, source: { kind: 'JWT_JWKS_URL', url: auth.jwksUrl } };
  if (db.external) {
    return { auth: { ...auth, jwtSecret: await secretFromSettings(db.orm.em.fork() as EntityManager) }, source: { kind: 'settings row', key: SECRET_SETTING } };
  }
  const { secret, path } = secretFromDataDir(config.dataDir);
  return { auth: { ...auth, jwtSecret: secret }, source: { kind: 'generated file', path } };
}

/** The source in words for the start-up log. */
export function describeSource(source: SecretSource): string {
  switch (source.kind) {
    case 'JWT_SECRET':
      return 'HS256 secret from JWT_SECRET';
    case 'JWT_JWKS_URL':
      return `keys from JWT_JWKS_URL ${source.url}`;
    case 'generated file':
      return `HS256 secret generated on first start, kept in ${source.path}`;
    case 'settings row':
      return `HS256 secret generated on first start, kept in the database's setting table (key ${source.key})`;
  }
}
