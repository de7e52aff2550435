/**
 * Where a CPU profile of the service spends its time, by kind of work: `node dist/bench/profile-summary.js
 * bench/profiles/<file>.cpuprofile`. Self time of each sample is attributed by the script it ran in; idle time
 * (waiting on the network or the database) is left out of the shares.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const BUCKETS: [string, (url: string, name: string, line: number) => boolean][] = [
  ['garbage collection', (_url, name) => name === '(garbage collector)'],
  ['MikroORM', (url) => url.includes('@mikro-orm/')],
  ['graphql-js', (url) => url.includes('/node_modules/graphql/')],
  // Operations graphql-jit compiled are functions without a script (`new Function`); natives have no line either.
  ['generated code (graphql-jit operations; MikroORM hydrators)', (url, _name, line) => url.includes('/node_modules/graphql-jit/') || (url === '' && line >= 0)],
  ['type-graphql, graphql-middleware, shield', (url) => /\/node_modules\/(type-graphql|graphql-middleware|graphql-shield)\//.test(url)],
  ['Apollo Server, Express, armor', (url) => /\/node_modules\/(@apollo|@as-integrations|express|body-parser|@escape\.tech|router)\//.test(url)],
  ['DataLoader', (url) => url.includes('/node_modules/dataloader/')],
  ['pg driver, knex', (url) => /\/node_modules\/(pg|pg-protocol|pg-types|postgres-array|knex)\//.test(url)],
  ['datamap code', (url) => url.includes('/dist/src/')],
  ['other (Node internals, JSON)', () => true],
];

function main() {
  const file = process.argv[2];
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id)!;
    const { url, functionName, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') return;
    const delta = profile.timeDeltas[index] ?? 0;
    const bucket = BUCKETS.find(([, matches]) => matches(url, functionName, lineNumber))![0];
    totals.set(bucket, (totals.get(bucket) ?? 0) + delta);
    busy += delta;
  });
  console.log(`| where | share of busy CPU |\n|---|---|`);
  for (const [bucket] of BUCKETS) {
    const time = totals.get(bucket) ?? 0;
    if (time > 0) console.log(`| ${bucket} | ${((100 * time) / busy).toFixed(1)}% |`);
  }
  console.log(`\nbusy CPU: ${(busy / 1e6).toFixed(1)} s`);
}

main();
