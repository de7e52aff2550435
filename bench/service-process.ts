/**
 * The service as the read-path benchmark runs it: a process of its own (NODE_ENV=production), so that its peak
 * RSS is its own and the load generator does not share its event loop. The parent talks to it over IPC:
 * "peak" answers VmHWM in MB; "reset-peak" clears it (Linux `clear_refs`), so each scenario gets its own peak.
 *
 *   BENCH_DATABASE_URL=postgres://... JWT_SECRET=... [GRAPHQL_EXECUTOR=jit] node dist/bench/service-process.js
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createAuthenticator } from '../src/auth/authenticate';
import { openDatabase } from '../src/db/database';
import { statementCounter } from '../src/db/statement-counter';
import { createApp } from '../src/server/app';
import { loadConfig } from '../src/common/config';
import { buildDatamapSchema } from '../src/server/schema';

export function vmHwmMb(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : Math.round(process.resourceUsage().maxRSS / 1024);
}

async function main() {
  const databaseUrl = process.env.BENCH_DATABASE_URL!;
  // GRAPHQL_EXECUTOR passes through, so that the suite can compare executors: GRAPHQL_EXECUTOR=jit npm run bench.
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    JWT_SECRET: process.env.JWT_SECRET!,
    GRAPHQL_EXECUTOR: process.env.GRAPHQL_EXECUTOR,
  });
  const db = await openDatabase({ databaseUrl, orm: { pool: { min: 1, max: 20 } } });
  const { app, apollo } = await createApp({
    config,
    db,
    schema: await buildDatamapSchema(),
    logger: pino({ level: 'silent' }),
    authenticate: createAuthenticator(config.auth),
  });
  const server = app.listen(0, '127.0.0.1', () => {
    process.send!({ port: (server.address() as AddressInfo).port, peakMb: vmHwmMb() });
  });
  server.keepAliveTimeout = 120_000;
  process.on('message', async (message: string) => {
    if (message === 'reset-peak') {
      try {
        writeFileSync('/proc/self/clear_refs', '5');
      } catch {
        // not Linux: the peak then covers the whole run
      }
      process.send!({ reset: true });
    } else if (message === 'statements') {
      process.send!({ total: statementCounter.total });
    } else if (message === 'peak') {
      process.send!({ peakMb: vmHwmMb(), rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) });
    } else if (message === 'stop') {
      server.closeAllConnections();
      server.close();
      await apollo.stop();
      await db.close();
      process.exit(0);
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
