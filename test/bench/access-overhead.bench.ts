import { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { protectSchema } from '../../src/auth/permissions';
import { Role } from '../../src/auth/viewer';
import { applyManifest } from '../../src/manifest/manifest.service';
import { createRequestContext, type RequestContext } from '../../src/server/context';
import { queryLimitProtection } from '../../src/server/query-limits';
import { buildDatamapSchema } from '../../src/server/schema';
import { startTestApp, type TestApp } from '../harness';
import { copiesOfTheSeededShape, THOUSAND_PROCESSORS } from '../larger-map';

/**
 * What shield and armor cost per request: the dashboards' thousand-processor query on a map of a thousand
 * processors, executed in-process (no HTTP) with and without them. Run with `npm run bench`.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARM_UP = 5;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await applyManifest(app.em(), copiesOfTheSeededShape(991));
}, 600_000);
afterAll(() => app.close());

async function serverWith(schema: GraphQLSchema, limits: boolean) {
  const protection = limits ? queryLimitProtection() : { plugins: [], validationRules: [], parseOptions: {} };
  const server = new ApolloServer<RequestContext>({ schema, ...protection });
  await server.start();
  return server;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timeQuery(server: ApolloServer<RequestContext>) {
  const times: number[] = [];
  for (let run = 0; run < WARM_UP + RUNS; run++) {
    const contextValue = createRequestContext(app.db.orm.em, `bench-${run}`, { subject: 'bench', roles: [Role.VIEWER] });
    const started = performance.now();
    const response = await server.executeOperation({ query: THOUSAND_PROCESSORS }, { contextValue });
    const elapsed = performance.now() - started;
    if (response.body.kind !== 'single' || response.body.singleResult.errors) throw new Error(JSON.stringify(response.body));
    const data = response.body.singleResult.data as { processors: { nodes: unknown[] } };
    if (data.processors.nodes.length !== 1000) throw new Error(`expected 1000 processors, got ${data.processors.nodes.length}`);
    if (run >= WARM_UP) times.push(elapsed);
  }
  return { median: median(times), min: Math.min(...times) };
}

it('measures the per-request overhead of shield and armor on a thousand processors', async () => {
  const schema = await buildDatamapSchema();
  const variants: [string, ApolloServer<RequestContext>][] = [
    ['neither', await serverWith(schema, false)],
    ['armor only', await serverWith(schema, true)],
    ['shield only', await serverWith(protectSchema(schema), false)],
    ['shield + armor', await serverWith(protectSchema(schema), true)],
  ];
  const results: Record<string, { median: number; min: number }> = {};
  // Interleaved rounds, so that a slower moment of the machine does not land on one variant only.
  for (let round = 0; round < 2; round++) {
    for (const [name, server] of variants) {
      const timing = await timeQuery(server);
      results[name] = results[name] && results[name].median <= timing.median ? results[name] : timing;
    }
  }
  for (const [, server] of variants) await server.stop();
  const base = results.neither.median;
  const lines = Object.entries(results).map(
    ([name, { median: ms, min }]) => `${name.padEnd(15)} median ${ms.toFixed(1)} ms  min ${min.toFixed(1)} ms  overhead ${(ms - base).toFixed(1)} ms (${(((ms - base) / base) * 100).toFixed(0)}%)`,
  );
  console.log(`${RUNS} runs of the thousand-processor query:\n${lines.join('\n')}`);
  expect(Object.keys(results)).toHaveLength(4);
}, 600_000);
