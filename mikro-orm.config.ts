import 'reflect-metadata';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from './src/db/entities';
import { migrationsList } from './src/db/migrations';
import { statementLogger } from './src/db/statement-counter';

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
