import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import pino from 'pino';
import { loadConfig } from '../src/server/config';
import { startServer } from '../src/server/start';

/**
 * `npm run bench:age-gate`: the age gate over HTTP with a real token, against a bare Node `http` server on
 * the same machine that answers a fixed JSON body. Both take the same load (autocannon, 32 connections, in a
 * worker thread so that the load generator does not share the server's event loop), and the ratio of the two
 * says how much of the machine's plain HTTP capacity the age gate keeps.
 */

export interface LoadFigures {
  requestsPerSecond: number;
  p99Ms: number;
  requests: number;
}

export interface AgeGateBenchResult {
  connections: number;
  durationSeconds: number;
  baseline: LoadFigures;
  /** `{ __typename }` through the same stack and token: what HTTP, auth and GraphQL cost without the age gate. */
  emptyQuery: LoadFigures;
  ageGate: LoadFigures;
  /** Age-gate requests per second over the baseline's. */
  throughputRatio: number;
  /** Age-gate p99 over the baseline's. */
  p99Ratio: number;
}

export interface AgeGateBenchOptions {
  connections?: number;
  durationSeconds?: number;
  warmupSeconds?: number;
  /** Where the lines go; console.log by default. */
  print?: (line: string) => void;
}

const QUERY = `query Check($input: AgeGateInput!) {
  ageGate(input: $input) { allowed age minimumAge digitalConsentAge parentalConsentRequired parentalGuidanceRecommended reason }
}`;
const EMPTY_QUERY_BODY = JSON.stringify({ query: '{ __typename }' });
const BODY = JSON.stringify({ query: QUERY, variables: { input: { birthDate: '2012-03-14', country: 'DE', timeZone: 'Europe/Berlin' } } });
const JWT_SECRET = 'age-gate-bench-secret-that-is-long-enough';

/** What the age gate answers for BODY, byte for byte, and so what the bare server answers for anything. */
function fixedAnswer(today: Date): string {
  const age = today.getUTCFullYear() - 2012 - (today.getUTCMonth() < 2 || (today.getUTCMonth() === 2 && today.getUTCDate() < 14) ? 1 : 0);
  return `${JSON.stringify({
    data: {
      ageGate: {
        allowed: true,
        age,
        minimumAge: 13,
        digitalConsentAge: 16,
        parentalConsentRequired: age < 16,
        parentalGuidanceRecommended: age < 18,
        reason: null,
      },
    },
  })}\n`;
}

interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
}

async function load({ url, headers, body }: Target, seconds: number, connections: number): Promise<LoadFigures> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    connections,
    duration: seconds,
    workers: 1,
  });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${url}: ${result.errors} connection errors and ${result.non2xx} non-2xx answers under load`);
  }
  return { requestsPerSecond: Math.round(result.requests.average), p99Ms: result.latency.p99, requests: result.requests.total };
}

async function measure(target: Target, options: Required<Omit<AgeGateBenchOptions, 'print'>>) {
  await load(target, options.warmupSeconds, options.connections);
  return load(target, options.durationSeconds, options.connections);
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`)));
}

export async function runAgeGateBench(options: AgeGateBenchOptions = {}): Promise<AgeGateBenchResult> {
  const settings = { connections: 32, durationSeconds: 10, warmupSeconds: 3, ...options };
  const print = options.print ?? ((line: string) => console.log(line));

  const answer = fixedAnswer(new Date());
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  const bareUrl = await listen(bare);
  let baseline: LoadFigures;
  try {
    baseline = await measure({ url: bareUrl, headers: {}, body: BODY }, settings);
  } finally {
    await new Promise((resolve) => bare.close(resolve));
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'datamap-bench-'));
  const config = {
    ...loadConfig({ NODE_ENV: 'production', PORT: '0', DATA_DIR: dataDir, JWT_SECRET, LOG_LEVEL: 'warn' }),
    databaseUrl: undefined,
  };
  const server = await startServer(config, pino({ level: 'warn' }));
  let ageGate: LoadFigures;
  let emptyQuery: LoadFigures;
  try {
    const token = await new SignJWT({ roles: ['SIGNUP_SERVICE'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('age-gate-bench')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const headers = { authorization: `Bearer ${token}` };
    const probe = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: BODY,
    });
    const probeAnswer = await probe.text();
    if (probeAnswer !== answer) throw new Error(`the age gate answered ${probeAnswer}, not ${answer}`);
    const url = server.url.replace('localhost', '127.0.0.1');
    emptyQuery = await measure({ url, headers, body: EMPTY_QUERY_BODY }, settings);
    ageGate = await measure({ url, headers, body: BODY }, settings);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const result: AgeGateBenchResult = {
    connections: settings.connections,
    durationSeconds: settings.durationSeconds,
    baseline,
    emptyQuery,
    ageGate,
    throughputRatio: ageGate.requestsPerSecond / baseline.requestsPerSecond,
    p99Ratio: ageGate.p99Ms / Math.max(baseline.p99Ms, 1),
  };
  print(`age gate, ${result.connections} connections, ${result.durationSeconds} s each, over HTTP with a SIGNUP_SERVICE token (embedded PGlite)`);
  print(`  bare node http (fixed JSON): ${baseline.requestsPerSecond} req/s, p99 ${baseline.p99Ms} ms`);
  print(`  { __typename } (same stack):  ${emptyQuery.requestsPerSecond} req/s, p99 ${emptyQuery.p99Ms} ms`);
  print(`  ageGate:                     ${ageGate.requestsPerSecond} req/s, p99 ${ageGate.p99Ms} ms`);
  print(`  ratio: ${(result.throughputRatio * 100).toFixed(1)} % of the bare throughput, p99 ${result.p99Ratio.toFixed(1)}x`);
  print(`  the age gate keeps ${((ageGate.requestsPerSecond / emptyQuery.requestsPerSecond) * 100).toFixed(0)} % of what the stack answers for an empty query`);
  return result;
}

if (require.main === module) {
  runAgeGateBench().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
