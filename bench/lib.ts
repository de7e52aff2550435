/**
 * Shared machinery of the benchmarks: a separate database, the service started in-process, HTTP load with
 * autocannon, SQL statement counts, and the results table. A suite (`*.bench.ts`) only describes its data and
 * its scenarios; `bench/index.ts` runs the suites.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pino from 'pino';
import { createAuthenticator } from '../src/auth/authenticate';
import { signToken } from '../src/auth/sign-token';
import type { Role } from '../src/auth/viewer';
import { openDatabase, type Database } from '../src/db/database';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { statementCounter } from '../src/db/statement-counter';
import { createApp } from '../src/server/app';
import { loadConfig } from '../src/common/config';
import { buildDatamapSchema } from '../src/server/schema';

/** A database of the benchmark's own: never the service's data. */
export interface BenchDatabase {
  db: Database;
  /** A postgres:// URL for clients of its own, such as the raw `pg` lower bound. */
  url: string;
  /** "postgresql" or "pglite". */
  kind: string;
  close(): Promise<void>;
}

/** Loading a map a hundred times the seed takes statements longer than the service's 5 s limit allows. */
const BENCH_TIMEOUTS = { statementMs: 120_000 };

/**
 * Opens an empty database: embedded PGlite in a fresh temporary directory, or the PostgreSQL database at
 * `databaseUrl`, whose `public` schema is dropped and recreated.
 */
export async function openBenchDatabase(databaseUrl?: string): Promise<BenchDatabase> {
  if (databaseUrl) {
    const db = await openDatabase({ databaseUrl, reset: true, orm: { pool: { min: 1, max: 20 } }, timeouts: BENCH_TIMEOUTS });
    return { db, url: databaseUrl, kind: 'postgresql', close: () => db.close() };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'datamap-bench-'));
  const embedded = await startEmbeddedPostgres(dataDir);
  const db = await openDatabase({ databaseUrl: embedded.url, orm: { pool: { min: 1, max: 1 } }, timeouts: BENCH_TIMEOUTS });
  return {
    db,
    url: embedded.url,
    kind: 'pglite',
    async close() {
      await db.close();
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown>;
}

export interface BenchServer {
  url: string;
  headers: Record<string, string>;
  /** Sends one request and returns its data; throws on any GraphQL error, so a scenario never measures errors. */
  gql<T = Record<string, unknown>>(request: GraphQLRequest): Promise<T>;
  stop(): Promise<void>;
}

/** Starts the service in this process, with a JWT secret of its own and a token for `roles`. */
export async function startBenchServer(bench: BenchDatabase, roles: Role[]): Promise<BenchServer> {
  const secret = randomBytes(32).toString('hex');
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', JWT_SECRET: secret, GRAPHQL_EXECUTOR: process.env.GRAPHQL_EXECUTOR, DB_STATEMENT_TIMEOUT_MS: process.env.DB_STATEMENT_TIMEOUT_MS });
  const { app, apollo } = await createApp({
    config,
    db: bench.db,
    schema: await buildDatamapSchema(),
    logger: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }),
    authenticate: createAuthenticator(config.auth),
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  // Longer than any pause between two requests of one autocannon connection, so that the server never closes a
  // keep-alive connection just as the client reuses it.
  server.keepAliveTimeout = 120_000;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const token = await signToken(secret, { roles, subject: 'bench@datamap', ttl: '2h' });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  return {
    url,
    headers,
    async gql<T>(request: GraphQLRequest) {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(request) });
      const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
      if (body.errors) throw new Error(`benchmark request failed: ${body.errors.map((e) => e.message).join('; ')}`);
      return body.data as T;
    },
    async stop() {
      // autocannon leaves keep-alive connections open, which would hold close() until they time out.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    },
  };
}

/** The SQL statements one request sends; meaningful because nothing else runs meanwhile. */
export async function statementsOf(server: BenchServer, request: GraphQLRequest): Promise<number> {
  return (await statementCounter.measure(() => server.gql(request))).statements;
}

export interface LoadOptions {
  connections: number;
  /**
   * How many requests to send in all. A fixed number rather than a duration: autocannon then waits for every
   * answer, so no request of one scenario is still running when the next one is measured.
   */
  requests: number;
}

export interface LoadResult {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  requestsPerSecond: number;
}

/**
 * Sends the requests (cycled, each connection in turn) with autocannon at the given concurrency. Every request
 * was sent once before through `gql`, so a non-2xx answer here is a failure of the service under load.
 */
export async function load(server: Pick<BenchServer, 'url' | 'headers'>, requests: GraphQLRequest[], options: LoadOptions): Promise<LoadResult> {
  const { result, seconds } = await timedAutocannon({
    url: server.url,
    method: 'POST',
    headers: server.headers,
    connections: options.connections,
    amount: options.requests,
    timeout: 120,
    requests: requests.map((request) => ({ method: 'POST', body: JSON.stringify(request) })),
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`load failed: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return {
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requestsPerSecond: result.requests.total / seconds,
  };
}

/**
 * An autocannon run and how long it really took, from its start to its last answer. autocannon ends a run (and
 * its `duration`) on its once-a-second tick, so a run of 0.3 s counted as 1 s, and any load faster than a second
 * came out at its request count per second, whatever the server.
 */
export function timedAutocannon(options: autocannon.Options): Promise<{ result: autocannon.Result; seconds: number }> {
  const started = performance.now();
  let lastAnswer = started;
  return new Promise((resolve, reject) => {
    const run = autocannon(options, (error, result) => (error ? reject(error) : resolve({ result, seconds: (lastAnswer - started) / 1000 })));
    run.on('response', () => {
      lastAnswer = performance.now();
    });
  });
}

/** The median time of `runs` runs of `work`, in milliseconds. */
export async function medianMs(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** One line of the results table. */
export interface BenchRow {
  suite: string;
  scenario: string;
  requests: number;
  p50Ms: number | null;
  p99Ms: number | null;
  requestsPerSecond: number | null;
  statementsPerRequest: number | null;
  peakRssMb: number;
  note?: string;
  /** The same question answered by its twin (hand-written SQL on bare node:http, or fixed bytes). */
  twin?: { requestsPerSecond: number; p50Ms: number; p99Ms: number };
  /** req/s of the service divided by req/s of its twin. */
  ratio?: number;
}

/** Flags of a suite: name -> default, all numbers (sizes). */
export type SuiteFlags = Record<string, number>;

export interface BenchContext {
  database: BenchDatabase;
  /** The service in this process; absent for suites that start their own (`inProcessServer: false`). */
  server: BenchServer;
  /** Scenario ids to run (`--scenarios`); all when absent. */
  scenarios?: string[];
  load: LoadOptions;
  flags: SuiteFlags;
  log(message: string): void;
}

export interface BenchSuite {
  name: string;
  description: string;
  /** Size flags, with their defaults and one line of help each. */
  flags: Record<string, { default: number; help: string }>;
  /** Roles the suite's token carries. */
  roles: Role[];
  /** False: the suite starts the service itself (in a process of its own). */
  inProcessServer?: boolean;
  /** Fills the empty database with the suite's data; returns a summary such as the map's size. */
  prepare(database: BenchDatabase, flags: SuiteFlags, log: (message: string) => void): Promise<Record<string, number>>;
  run(context: BenchContext): Promise<{ rows: BenchRow[]; facts: Record<string, number | string> }>;
}

export function formatTable(rows: BenchRow[]): string {
  const twins = rows.some((row) => row.twin);
  const header = twins
    ? ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'twin req/s', 'twin p50', 'twin p99', 'ratio', 'SQL/req', 'peak RSS MB']
    : ['suite', 'scenario', 'requests', 'p50 ms', 'p99 ms', 'req/s', 'SQL/req', 'peak RSS MB', 'note'];
  const cell = (value: number | string | null | undefined, digits = 0) =>
    value === null || value === undefined ? '-' : typeof value === 'number' ? value.toFixed(digits) : value;
  const lines = rows.map((row) =>
    twins
      ? [
          row.scenario,
          cell(row.requestsPerSecond, 1),
          cell(row.p50Ms, 1),
          cell(row.p99Ms, 1),
          cell(row.twin?.requestsPerSecond, 1),
          cell(row.twin?.p50Ms, 1),
          cell(row.twin?.p99Ms, 1),
          cell(row.ratio, 2),
          cell(row.statementsPerRequest),
          cell(row.peakRssMb),
        ]
      : [
          row.suite,
          row.scenario,
          cell(row.requests),
          cell(row.p50Ms, 1),
          cell(row.p99Ms, 1),
          cell(row.requestsPerSecond, 1),
          cell(row.statementsPerRequest, 1),
          cell(row.peakRssMb),
          row.note ?? '',
        ],
  );
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const format = (line: string[]) => `| ${line.map((value, column) => value.padEnd(widths[column])).join(' | ')} |`;
  return [format(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...lines.map(format)].join('\n');
}

/** A process of the benchmark's own (the service, a twin), which reports its port and answers messages over IPC. */
export interface Child {
  process: ChildProcess;
  port: number;
  ask<T>(message: string): Promise<T>;
  stop(): Promise<void>;
}

/** Starts `script` with `env` and waits for the port it reports. */
export async function spawn(script: string, env: Record<string, string>, execArgv: string[] = []): Promise<Child> {
  const child = fork(script, [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const first = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { port: number }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    process: child,
    port: first.port,
    ask: <T>(message: string) =>
      new Promise<T>((resolve) => {
        child.once('message', (answer) => resolve(answer as T));
        child.send(message);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

