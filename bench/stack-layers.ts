/**
 * Where `{ __typename }` spends its time between bare `node:http` and datamap: the same answer through each layer of
 * the stack, one layer added at a time, each in a process of its own, measured in alternating runs.
 *
 *   node dist/bench/stack-layers.js [postgres://... for the last layer, the whole service]
 *
 * Layers: bare node:http; Express 5 with its JSON body parser; Apollo Server 5 on Express with a one-field schema
 * and no plugins; datamap (token check, access rules, armor, request log and metrics, graphql-jit).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { signToken } from '../src/auth/sign-token';
import { Role } from '../src/auth/viewer';
import { timedAutocannon } from './lib';

const ANSWER = JSON.stringify({ data: { __typename: 'Query' } });
const BODY = JSON.stringify({ query: '{ __typename }' });
const CONNECTIONS = 16;
const RUN_SECONDS = 3;

type Layer = 'bare' | 'express' | 'apollo';

async function serve(layer: Layer): Promise<Server> {
  if (layer === 'bare') {
    return createServer((_req, res) => {
      _req.resume();
      _req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(ANSWER));
    });
  }
  const app = express();
  if (layer === 'express') {
    app.post('/graphql', express.json(), (_req, res) => {
      res.json({ data: { __typename: 'Query' } });
    });
  } else {
    const apollo = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: {} });
    await apollo.start();
    app.post('/graphql', express.json(), expressMiddleware(apollo));
  }
  return createServer(app);
}

async function child(layer: Layer) {
  const server = await serve(layer);
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', () => process.exit(0));
}

interface Started {
  process: ChildProcess;
  port: number;
}

function start(script: string, args: string[], env: Record<string, string> = {}): Promise<Started> {
  const started = fork(script, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    started.once('message', (message) => resolve({ process: started, port: (message as { port: number }).port }));
    started.once('exit', (code) => reject(new Error(`${script} ${args.join(' ')} exited with ${code}`)));
  });
}

async function measure(url: string, headers: Record<string, string>, amount: number) {
  const { result, seconds } = await timedAutocannon({ url, method: 'POST', headers, body: BODY, connections: CONNECTIONS, amount, timeout: 60 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { requests: result.requests.total, seconds, p50: result.latency.p50, p99: result.latency.p99 };
}

async function main() {
  const databaseUrl = process.argv[2];
  const layers: { name: string; started: Started; headers: Record<string, string> }[] = [];
  const plain = { 'content-type': 'application/json' };
  for (const [name, layer] of [['bare node:http', 'bare'], ['Express 5 + express.json', 'express'], ['Apollo Server 5 on Express, no plugins', 'apollo']] as const) {
    layers.push({ name, started: await start(__filename, ['serve', layer]), headers: plain });
  }
  if (databaseUrl) {
    const secret = randomBytes(32).toString('hex');
    const service = await start(join(__dirname, 'service-process.js'), [], { BENCH_DATABASE_URL: databaseUrl, JWT_SECRET: secret, NODE_ENV: 'production' });
    const token = await signToken(secret, { roles: [Role.SIGNUP_SERVICE], subject: 'bench@datamap', ttl: '1h' });
    layers.push({ name: 'datamap (token, access rules, armor, log, metrics, jit)', started: service, headers: { ...plain, authorization: `Bearer ${token}` } });
  }
  const rows: { name: string; perSecond: number; p50: number; p99: number }[] = [];
  for (const { name, started, headers } of layers) {
    const url = `http://127.0.0.1:${started.port}/graphql`;
    const warm = await measure(url, headers, 2000);
    const amount = Math.max(2000, Math.round((warm.requests / warm.seconds) * RUN_SECONDS));
    const runs = [await measure(url, headers, amount), await measure(url, headers, amount)];
    const perSecond = runs.reduce((sum, run) => sum + run.requests, 0) / runs.reduce((sum, run) => sum + run.seconds, 0);
    rows.push({ name, perSecond, p50: Math.max(...runs.map((run) => run.p50)), p99: Math.max(...runs.map((run) => run.p99)) });
  }
  const bare = rows[0].perSecond;
  console.log(`| layer | req/s | p50 ms | p99 ms | of bare | of the layer before |\n|---|---|---|---|---|---|`);
  rows.forEach((row, i) =>
    console.log(`| ${row.name} | ${row.perSecond.toFixed(0)} | ${row.p50} | ${row.p99} | ${((100 * row.perSecond) / bare).toFixed(1)}% | ${i === 0 ? '' : `${((100 * row.perSecond) / rows[i - 1].perSecond).toFixed(0)}%`} |`),
  );
  for (const { started } of layers) started.process.send('stop');
}

if (process.argv[2] === 'serve') void child(process.argv[3] as Layer);
else
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
