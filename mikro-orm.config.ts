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
export function ormConfig(clientUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl,
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
