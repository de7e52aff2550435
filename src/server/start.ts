import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { createAuthenticator } from '../auth/authenticate';
import { openDatabase, type Database } from '../db/database';
import { seedDatabase } from '../db/seed';
import { createApp } from './app';
import type { AppConfig } from './config';
import { createLogger } from './logger';
import { buildDatamapSchema } from './schema';

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  stop(): Promise<void>;
}

/** Opens the database (migrating it, seeding it when empty) and serves the API. */
export async function startServer(config: AppConfig, logger: Logger = createLogger(config)): Promise<RunningServer> {
  const startedAt = performance.now();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  try {
    if (config.seed) {
      const seeded = await seedDatabase(db.orm.em.fork());
      if (seeded) logger.info({ added: seeded.added.length }, 'seeded the PythonMaster data map');
    }
    const schema = await buildDatamapSchema();
    const authenticate = createAuthenticator(config.auth);
    const app = await createApp({ config, db, schema, logger, authenticate });
    const server: Server = await new Promise((resolve, reject) => {
      const listening = app.app.listen(config.port, (error?: Error) => (error ? reject(error) : resolve(listening)));
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://localhost:${port}/graphql`;
    logger.info(
      { url, database: db.external ? 'postgresql' : `pglite (${config.dataDir})`, startupMs: Math.round(performance.now() - startedAt) },
      'datamap is serving',
    );
    return {
      url,
      port,
      db,
      async stop() {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await app.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
