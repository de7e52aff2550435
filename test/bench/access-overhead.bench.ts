import { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { protectSchema } from '../../src/auth/permissions';
import { Role } from '../../src/auth/viewer';
import { applyManifest } from '../../src/manifest/manifest.service';
import type { RequestContext } from '../../src/common/context';
import { queryLimitProtection } from '../../src/server/query-limits';
import { buildDatamapSchema } from '../../src/server/schema';
import { startTestApp, type TestApp } from '../harness';
import { copiesOfTheSeededShape, THOUSAND_PROCESSORS } from '../larger-map';

/**
 * What shield and armor cost per request: the dashboards' thousand-processor query on a map of a thousand
 * processors, executed in-process (no HTTP) with and without them. Run with `npm run bench`.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARM_UP = 3;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await applyManifest(app.em(), copiesOfTheSeededShape(991));
}, 600_000);
afterAll(() => app.close());

async function serverWith(schema: GraphQLSchema, limits: boolean) {
  const protection = limits ? queryLimitProtection() : {};
  const server = new ApolloServer<RequestContext>({ schema, ...protection });
  await server.start();
  return server;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timeOnce(server: ApolloServer<RequestContext>, run: number) {
  const contextValue = app.contextFor({ subject: 'bench', roles: [Role.VIEWER] }, `bench-${run}`);
  const started = performance.now();
  const response = await server.executeOperation({ query: THOUSAND_PROCESSORS }, { contextValue });
  const elapsed = performance.now() - started;
  if (response.body.kind !== 'single' || response.body.singleResult.errors) throw new Error(JSON.stringify(response.body));
  const data = response.body.singleResult.data as { processors: { nodes: unknown[] } };
  if (data.processors.nodes.length !== 1000) throw new Error(`expected 1000 processors, got ${data.processors.nodes.length}`);
  return elapsed;
}

it('measures the per-request overhead of shield and armor on a thousand processors', async () => {
  const schema = await buildDatamapSchema();
  const variants: [string, ApolloServer<RequestContext>][] = [
    ['neither', await serverWith(schema, false)],
    ['armor', await serverWith(schema, true)],
    ['shield on every field + armor', await serverWith(protectSchema(schema, { shieldEveryField: true }), true)],
    ['shipped: shield + guards + armor', await serverWith(protectSchema(schema), true)],
  ];
  const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  // Runs take turns, so that a busier moment of the machine does not land on one variant only.
  for (let run = 0; run < WARM_UP + RUNS; run++) {
    for (const [name, server] of variants) {
      const elapsed = await timeOnce(server, run);
      if (run >= WARM_UP) times.get(name)!.push(elapsed);
    }
  }
  for (const [, server] of variants) await server.stop();
  const base = median(times.get('neither')!);
  const lines = [...times].map(([name, values]) => {
    const ms = median(values);
    return `${name.padEnd(34)} median ${ms.toFixed(0).padStart(5)} ms  min ${Math.min(...values).toFixed(0).padStart(5)} ms  ${(((ms - base) / base) * 100).toFixed(0).padStart(4)}%`;
  });
  console.log(`${RUNS} runs each of the thousand-processor query:\n${lines.join('\n')}`);
  expect(times.size).toBe(4);
}, 1_800_000);
