import { assertDataDirFree, DataDirLocked } from './db/data-dir-lock';
import { DatabaseUnavailable } from './db/database-errors';
import { ConfigError, loadConfig } from './common/config';
import type { RunningServer } from './server/start';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`datamap: configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  // Handlers of our own, installed before anything starts: as PID 1 (in a container) node gets no default ones, so
  // a signal would otherwise be ignored. During start-up (which may be waiting for the database) it ends the process
  // as the default handler would; afterwards it shuts down gracefully, once.
  let server: RunningServer | undefined;
  let shuttingDown = false;
  const shutdown = (signal: 'SIGINT' | 'SIGTERM') => {
    if (!server) {
      console.error(`datamap: ${signal} received during start-up, stopping`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`datamap: ${signal} received, shutting down (in-flight requests get ${config.shutdownGraceMs / 1000} s)`);
    server.stop().then(
      () => process.exit(0),
      (error) => {
        console.error('datamap: shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Only light modules are loaded so far: a data directory another process holds is reported at once.
  if (!config.databaseUrl) assertDataDirFree(config.dataDir);
  await import('reflect-metadata');
  if (config.graphqlExecutor === 'jit') (await import('./server/jit-executor')).freeDroppedOperations();
  const { startServer } = await import('./server/start');
  server = await startServer(config);
}

main().catch((error) => {
  // What an operator fixes (the data directory is taken, the database is missing or unreachable) is one line.
  if (error instanceof DataDirLocked || error instanceof DatabaseUnavailable) console.error(`datamap: ${error.message}`);
  else console.error('datamap: failed to start:', error);
  process.exit(1);
});
