import pino from 'pino';
import { assertDataDirFree } from './db/data-dir-lock';
import { loadConfig, type AppConfig } from './common/config';
import { createLogger } from './server/logger';
import { describeStartFailure } from './server/start-failure';
import type { RunningServer } from './server/start';

/**
 * Every line the service writes is JSON, start failures included: one line on stderr with a `code` an operator or a
 * supervisor can match (CONFIG_INVALID, DATA_DIR_LOCKED, PORT_IN_USE, DATABASE_UNREACHABLE, …), then a non-zero exit.
 */
const failureLog = (config?: AppConfig) =>
  createLogger({ logLevel: config && config.logLevel !== 'silent' ? config.logLevel : 'info' }, pino.destination({ fd: 2, sync: true }));

function failed(error: unknown, config?: AppConfig): never {
  const { code, message, exitCode, stack } = describeStartFailure(error);
  failureLog(config).fatal({ code, ...(stack ? { stack } : {}) }, message);
  process.exit(exitCode);
}

async function main() {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    failed(error);
  }
  const logger = createLogger(config);
  // Handlers of our own, installed before anything starts: as PID 1 (in a container) node gets no default ones, so
  // a signal would otherwise be ignored. During start-up (which may be waiting for the database) it ends the process
  // as the default handler would; afterwards it shuts down gracefully, once.
  let server: RunningServer | undefined;
  let shuttingDown = false;
  const shutdown = (signal: 'SIGINT' | 'SIGTERM') => {
    if (!server) {
      logger.warn({ signal }, `${signal} received during start-up, stopping`);
      logger.flush();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    if (shuttingDown) return;
    shuttingDown = true;
    const graceSeconds = config.shutdownGraceMs / 1000;
    logger.info({ signal, graceSeconds, drainSeconds: Math.min(config.shutdownDrainMs, config.shutdownGraceMs) / 1000 }, `${signal} received, shutting down (in-flight requests get ${graceSeconds} s)`);
    const stoppedAt = performance.now();
    server.stop().then(
      () => {
        logger.info({ durationMs: Math.round(performance.now() - stoppedAt) }, 'datamap stopped');
        logger.flush();
        process.exit(0);
      },
      (error) => {
        logger.fatal({ code: 'SHUTDOWN_FAILED', err: error }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    // Only light modules are loaded so far: a data directory another process holds is reported at once.
    if (!config.databaseUrl) assertDataDirFree(config.dataDir);
    await import('reflect-metadata');
    if (config.graphqlExecutor === 'jit') (await import('./server/jit-executor')).freeDroppedOperations();
    const { startServer } = await import('./server/start');
    server = await startServer(config, logger);
  } catch (error) {
    failed(error, config);
  }
}

void main();
