import 'reflect-metadata';
import { DataDirLocked } from './db/data-dir-lock';
import { DatabaseUnavailable } from './db/database';
import { ConfigError, loadConfig } from './server/config';
import { startServer } from './server/start';

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
  const server = await startServer(config);
  // Handlers of our own, installed once: as PID 1 (in a container) the kernel gives node no default ones, and a
  // repeated signal must not start a second shutdown.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
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
}

main().catch((error) => {
  // What an operator fixes (the data directory is taken, the database is missing or unreachable) is one line.
  if (error instanceof DataDirLocked || error instanceof DatabaseUnavailable) console.error(`datamap: ${error.message}`);
  else console.error('datamap: failed to start:', error);
  process.exit(1);
});
