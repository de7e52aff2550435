import 'reflect-metadata';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from './src/db/entities';
import { migrationsList } from './src/db/migrations';
import { statementLogger } from './src/db/statement-counter';

/**
 * How every session of the service plans its statements. JIT off: PostgreSQL compiles a statement it estimates as
 * costly with LLVM, and the whole-map statements (the summary, the count) are estimated far above their real size;
 * compiling them took 4.5 of the summary's 6.9 s on the bench map, for statements that run once (PGlite has no JIT).
 * random_page_cost 1.1, PostgreSQL's advice for data that is cached or on SSD: at the default 4, a key lookup in a
 * two-page table (the countries) was planned as a scan of all 249 rows, once per flow of a page, which took 6 of a
 * page's 15 ms. An operator's own values in postgresql.conf are overridden for these sessions only.
 */
export const SESSION_SETTINGS = 'set jit = off; set random_page_cost = 1.1';

function withSessionSettings(connection: { query(sql: string, done: (error?: Error) => void): void }, done: (error: Error | undefined, connection: unknown) => void) {
  connection.query(SESSION_SETTINGS, (error) => done(error, connection));
}

/**
 * The one ORM configuration that the server, the CLI, the benchmark and the tests share.
 * Only the connection differs between them, so it is a parameter.
 */
export function ormConfig(clientUrl: string, overrides: Partial<Options> = {}, statementTimeoutMs = 5000): Options {
  // libpq's way to name a Unix socket directory: postgres://user@localhost/db?host=/path/to/dir
  const socketDir = new URL(clientUrl).searchParams.get('host');
  return defineConfig({
    clientUrl,
    ...(socketDir ? { host: socketDir } : {}),
    // A database that does not exist is an operator's mistake to report, never one to paper over by creating it.
    ensureDatabase: false,
    driverOptions: {
      connection: {
        // The server stops a statement that runs too long; the client gives up on one that never answers (a
        // frozen server or network) a little later, and on a connection that is not made in time.
        statement_timeout: statementTimeoutMs,
        query_timeout: statementTimeoutMs + 1000,
        connectionTimeoutMillis: statementTimeoutMs,
      },
      // A request waits no longer than this for a pooled connection while the others are stuck.
      acquireConnectionTimeout: statementTimeoutMs + 1000,
      // Planner settings for a map that lives in memory, set on each new connection (pglite-socket ignores startup
      // options); see `SESSION_SETTINGS`.
      pool: { afterCreate: withSessionSettings },
    },
    entities,
    extensions: [Migrator],
    migrations: {
      migrationsList,
      path: 'src/db/migrations',
      pathTs: 'src/db/migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
    },
    // Statements are counted (per request, in tests and the benchmark) through the query logger.
    debug: ['query'],
    loggerFactory: statementLogger,
    forceUndefined: false,
    allowGlobalContext: false,
    ...overrides,
  });
}

export default ormConfig(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
