import { createServer, type Server } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
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
import { listenFailure } from './start-failure';
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

/** How long no new connection may arrive before the listener closes at shutdown: the accept queue is empty then. */
const ACCEPT_QUIET_MS = 50;

/** What a request gets while the database is opened and seeded: the port is held, the service is not ready yet. */
const STARTING = JSON.stringify({ status: 'starting' });

/**
 * Holds the port before anything else, so that a busy port stops the start at once (PORT_IN_USE) rather than after
 * the database has been opened and seeded; until `serve` hands it the application, requests answer 503.
 */
async function holdPort(config: AppConfig): Promise<{ server: Server; connections: Set<Socket>; port: number; lastConnectionAt(): number }> {
  let lastConnectionAt = 0;
  const server = createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1', connection: 'close' }).end(STARTING);
  });
  const connections = new Set<Socket>();
  server.on('connection', (socket) => {
    lastConnectionAt = performance.now();
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenFailure(error, config.host, config.port)));
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  return { server, connections, port: typeof address === 'object' && address ? address.port : config.port, lastConnectionAt: () => lastConnectionAt };
}

/** Opens the database (migrating it, seeding it when empty) and serves the API. */
export async function startServer(config: AppConfig, logger: Logger = createLogger(config)): Promise<RunningServer> {
  const startedAt = performance.now();
  const { server, connections, port, lastConnectionAt } = await holdPort(config);
  let db: Database | undefined;
  try {
    const tracing = config.tracing.enabled ? await startTracing({ serviceName: config.tracing.serviceName, version: SERVICE_VERSION }) : undefined;
    db = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      logger,
      timeouts: { statementMs: config.dbStatementTimeoutMs, connectMs: config.dbConnectTimeoutMs },
    });
    if (config.seed) {
      const seeded = await seedDatabase(db.orm.em.fork());
      if (seeded) logger.info({ added: seeded.entries.length }, 'seeded the PythonMaster data map');
    }
    const schema = await buildDatamapSchema();
    const { auth, source } = await resolveAuth(config, db);
    const authenticate = createAuthenticator(auth);
    const app = await createApp({ config, db, schema, logger, authenticate, tracing });
    server.removeAllListeners('request');
    server.on('request', app.app);
    const url = `http://${reachableHost(config.host)}:${port}/graphql`;
    logger.info(
      {
        address: `${bracketed(config.host)}:${port}`,
        url,
        tokens: describeSource(source),
        database: db.external ? 'postgresql' : `pglite (${config.dataDir})`,
        tracing: tracing ? 'otlp' : 'off',
        version: SERVICE_VERSION,
        startupMs: Math.round(performance.now() - startedAt),
      },
      `datamap is serving on ${bracketed(config.host)}:${port}${isLoopback(config.host) ? ' (this machine only; set HOST to open it)' : ''}`,
    );
    const database = db;
    return {
      url,
      port,
      db: database,
      async stop() {
        const stopping = performance.now();
        const graceOver = stopping + config.shutdownGraceMs;
        app.drain();
        // Connections already in the kernel's accept queue are taken in first: closing the listener resets them, and
        // their clients (whose connect succeeded) see ECONNRESET. Under load they are taken in over several turns
        // of the event loop, so the listener stays open until no connection has come for a moment.
        const drainEnds = Math.min(stopping + config.shutdownDrainMs, graceOver);
        for (;;) {
          const quietFor = performance.now() - lastConnectionAt();
          if (quietFor >= ACCEPT_QUIET_MS || performance.now() >= drainEnds) break;
          await new Promise((resolve) => setTimeout(resolve, ACCEPT_QUIET_MS - quietFor));
        }
        // net's close, not http's: http's closes idle connections at once, and a connection whose request has
        // arrived but is not parsed yet counts as idle, so its client got ECONNRESET. New connections are refused
        // from here on; accepted ones are served through the drain window, each answer with `Connection: close`.
        const allClosed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
        const within = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(0, ms)).unref());
        if ((await Promise.race([allClosed, within(drainEnds - performance.now())])) === 'timeout') {
          // What is still idle now is a keep-alive connection that sent nothing during the window.
          server.closeIdleConnections();
          if ((await Promise.race([allClosed, within(graceOver - performance.now())])) === 'timeout') {
            logger.warn(
              { graceMs: config.shutdownGraceMs, connections: connections.size },
              'requests still running at the end of the shutdown grace period were cut off',
            );
            server.closeAllConnections();
            await allClosed;
          }
        }
        await app.stop();
        await database.close();
        await tracing?.shutdown();
      },
    };
  } catch (error) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db?.close();
    throw error;
  }
}
