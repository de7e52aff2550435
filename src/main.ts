import 'reflect-metadata';
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
  const shutdown = async (signal: string) => {
    console.log(`datamap: ${signal} received, shutting down`);
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  console.error('datamap: failed to start:', error);
  process.exit(1);
});
