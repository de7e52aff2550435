import { MikroORM, type Options } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { ormConfig } from '../../mikro-orm.config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { statementLogger } from './statement-counter';

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
}

export interface Database {
  orm: MikroORM;
  /** True when a real PostgreSQL server is behind it, false on embedded PGlite. */
  external: boolean;
  /** Answers whether the database responds, for `/readyz`. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens the database and brings its schema up to date with the committed migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  const url = options.databaseUrl ?? (embedded = await startEmbeddedPostgres(options.dataDir)).url;
  // PGlite is a single session: one connection keeps transactions from interleaving.
  const pool = embedded ? { min: 1, max: 1 } : { min: 0, max: 10 };
  const logger = options.logger;
  const config = ormConfig(url, { pool, ...(logger ? { loggerFactory: (o) => statementLogger(o, logger) } : {}), ...options.orm });
  if (options.quiet) config.migrations = { ...config.migrations, silent: true };
  const orm = await MikroORM.init(config);
  try {
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
    async isReady() {
      try {
        await orm.em.getConnection().execute('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}
