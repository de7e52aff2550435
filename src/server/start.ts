import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { createAuthenticator } from '../auth/authenticate';
import { describeSource, resolveAuth } from '../auth/jwt-secret';
import { openDatabase, type Database } from '../db/database';
import { seedDatabase } from '../db/seed';
import { createApp } from './app';
import { isLoopback, type AppConfig } from '../common/config';
import { createLogger } from './logger';
import { buildDatamapSchema } from './schema';
import { SERVICE_VERSION } from './metrics';
import { startTracing } from './tracing';

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  stop(): Promise<void>;
}

const bracketed = (host: string) => (host.includes(':') ? `[${host}]` : host);
/** A wildcard address is not one a client can call: it is reached through loopback. */
const reachableHost = (host: string) => (host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : bracketed(host));

/** Opens the database (migrating it, seeding it when empty) and serves the API. */
export async function startServer(config: AppConfig, logger: Logger = createLogger(config)): Promise<RunningServer> {
  const startedAt = performance.now();
  const tracing = config.tracing.enabled ? await startTracing({ serviceName: config.tracing.serviceName, version: SERVICE_VERSION }) : undefined;
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    logger,
    timeouts: { statementMs: config.dbStatementTimeoutMs, connectMs: config.dbConnectTimeoutMs },
  });
  try {
    if (config.seed) {
      const seeded = await seedDatabase(db.orm.em.fork());
      if (seeded) logger.info({ added: seeded.entries.length }, 'seeded the PythonMaster data map');
    }
    const schema = await buildDatamapSchema();
    const { auth, source } = await resolveAuth(config, db);
    const authenticate = createAuthenticator(auth);
    const app = await createApp({ config, db, schema, logger, authenticate, tracing });
    const server: Server = await new Promise((resolve, reject) => {
      const listening = app.app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${reachableHost(config.host)}:${port}/graphql`;
    logger.info(
      {
        address: `${bracketed(config.host)}:${port}`,
        url,
        tokens: describeSource(source),
        database: db.external ? 'postgresql' : `pglite (${config.dataDir})`,
        startupMs: Math.round(performance.now() - startedAt),
      },
      `datamap is serving on ${bracketed(config.host)}:${port}${isLoopback(config.host) ? ' (this machine only; set HOST to open it)' : ''}`,
    );
    return {
      url,
      port,
      db,
      async stop() {
        app.drain();
        // Closing the listener refuses new connections at once and closes idle keep-alive ones; requests in flight
        // finish within the grace period, and whatever still runs then is cut off.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<'grace over'>((resolve) => (timer = setTimeout(() => resolve('grace over'), config.shutdownGraceMs)));
        if ((await Promise.race([closed, graceOver])) === 'grace over') {
          logger.warn({ graceMs: config.shutdownGraceMs }, 'requests still running at the end of the shutdown grace period were cut off');
          server.closeAllConnections();
          await closed;
        }
        clearTimeout(timer);
        await app.stop();
        await db.close();
        await tracing?.shutdown();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
