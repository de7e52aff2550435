import { MikroORM, type Options } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { ormConfig } from '../../mikro-orm.config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { statementLogger } from './statement-counter';
import { releaseAsyncContextWhenIdle } from './async-context';
import { DatabaseUnavailable } from './database-errors';

export { DatabaseUnavailable };

export interface DatabaseOptions {
  /** A postgres:// URL; without one, embedded PGlite runs with its files in `dataDir`. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; undefined keeps them in memory. */
  dataDir?: string;
  /** Extra ORM options, such as a larger pool. */
  orm?: Partial<Options>;
  /** Applies migrations without printing them: for the CLI, whose output is its answer. */
  quiet?: boolean;
  /** The service's logger: the ORM and its migrator write through it (JSON, no colour codes). */
  logger?: Logger;
  /** Drops every table first: for tests and benchmarks that need an empty database. */
  reset?: boolean;
  /** The longest one statement may take, and how long to keep trying to reach the database at start. */
  timeouts?: Partial<DatabaseTimeouts>;
}

export interface DatabaseTimeouts {
  statementMs: number;
  connectMs: number;
}

export interface PoolUsage {
  inUse: number;
  idle: number;
  waiting: number;
}

/** The part of knex's pool (tarn) that says how it is used. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/** DB_STATEMENT_TIMEOUT_MS and DB_CONNECT_TIMEOUT_SECONDS when they are not set. */
export const DEFAULT_TIMEOUTS: DatabaseTimeouts = { statementMs: 5000, connectMs: 30_000 };


export interface Database {
  orm: MikroORM;
  /** True when a real PostgreSQL server is behind it, false on embedded PGlite. */
  external: boolean;
  /** Answers whether the database responds, for `/readyz`. */
  isReady(): Promise<boolean>;
  /** The connection pool now: connections lent to a request, connections idle, and requests waiting for one. */
  poolUsage(): PoolUsage;
  close(): Promise<void>;
}

/** Opens the database and brings its schema up to date with the committed migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  releaseAsyncContextWhenIdle();
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  let embedded: EmbeddedPostgres | undefined;
  const url = options.databaseUrl ?? (embedded = await startEmbeddedPostgres(options.dataDir)).url;
  // PGlite is a single session: one connection keeps transactions from interleaving.
  const pool = embedded ? { min: 1, max: 1 } : { min: 0, max: 10 };
  const logger = options.logger;
  const config = ormConfig(url, { pool, ...(logger ? { loggerFactory: (o) => statementLogger(o, logger) } : {}), ...options.orm }, timeouts.statementMs);
  if (options.quiet) config.migrations = { ...config.migrations, silent: true };
  const orm = await MikroORM.init(config);
  try {
    await waitForDatabase(orm, describeDatabase(url), timeouts.connectMs);
    if (options.reset) await orm.em.getConnection().execute('drop schema if exists public cascade; create schema public;');
    await orm.getMigrator().up();
  } catch (error) {
    await orm.close(true);
    await embedded?.stop();
    throw error;
  }
  return {
    orm,
    external: !embedded,
    poolUsage() {
      const pool = (orm.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
      if (!pool) return { inUse: 0, idle: 0, waiting: 0 };
      return { inUse: pool.numUsed(), idle: pool.numFree(), waiting: pool.numPendingAcquires() };
    },
    async isReady() {
      // A frozen database must not freeze the probe: it answers within READY_PROBE_MS either way.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), READY_PROBE_MS)));
      const probe = orm.em.getConnection().execute('select 1').then(() => true, () => false);
      try {
        return await Promise.race([probe, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

/** How long /readyz waits for the database before it answers 503. */
const READY_PROBE_MS = 1500;

/** The database as an operator knows it, without its password: `postgres://user@host:port/name`. */
export function describeDatabase(url: string): string {
  const parsed = new URL(url);
  const socket = parsed.searchParams.get('host');
  return `postgres://${parsed.username ? `${decodeURIComponent(parsed.username)}@` : ''}${socket ?? parsed.host}${parsed.pathname}`;
}

/** PostgreSQL error classes that waiting does not fix: the database does not exist (3D000), or it refused us (28). */
function isPermanent(error: unknown): boolean {
  const code = String((error as { code?: unknown }).code ?? '');
  return code === '3D000' || code.startsWith('28');
}

/**
 * Waits until the database answers, for up to `connectMs`: a server that is still starting (as in docker-compose)
 * is waited for; a database that does not exist, or refuses our credentials, stops at once.
 */
async function waitForDatabase(orm: MikroORM, database: string, connectMs: number): Promise<void> {
  const deadline = Date.now() + connectMs;
  for (;;) {
    try {
      await orm.em.getConnection().execute('select 1');
      return;
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      if ((error as { code?: unknown }).code === '3D000') {
        throw new DatabaseUnavailable(`the database ${database} does not exist; datamap never creates one: create it, or correct DATABASE_URL`, 'DATABASE_MISSING');
      }
      if (isPermanent(error) || Date.now() >= deadline) {
        throw new DatabaseUnavailable(`cannot reach the database ${database} (gave up after ${Math.round(connectMs / 1000)} s): ${reason}`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, Math.max(0, deadline - Date.now()))));
    }
  }
}
