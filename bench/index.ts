/**
 * `npm run bench`: runs the benchmark suites against a database of their own and prints one table.
 *
 *   npm run bench -- [--database-url postgres://...] [--suite flows] [--connections 16] [--requests 160]
 *                    [--processors 2000] [--categories 500] [--depth 4] [--activities 20000] [--page-size 1000]
 *   npm run bench -- --suite scale --database-url postgres://...   (one, then two instances on one PostgreSQL)
 *
 * Without --database-url (or BENCH_DATABASE_URL) it runs on embedded PGlite in a temporary directory.
 * Results go to bench/results.json as well.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { projectPath } from '../src/common/project-path';
import { ageGateBench } from './age-gate.bench';
import { flowsBench } from './flows.bench';
import { mapBench } from './map.bench';
import { readPathBench } from './read-path.bench';
import { scaleBench } from './scale.bench';
import { formatTable, openBenchDatabase, peakRssMb, startBenchServer, type BenchRow, type BenchSuite, type SuiteFlags } from './lib';

const SUITES: BenchSuite[] = [readPathBench, mapBench, flowsBench, ageGateBench, scaleBench];
/** What `npm run bench` runs without --suite: the read path beside its twins (the age gate included), and the map page in Chromium. */
const DEFAULT_SUITES = ['read-path', 'map'];

const GLOBAL_FLAGS = {
  'database-url': { help: 'PostgreSQL to run on (its public schema is dropped); default: embedded PGlite in a temp dir' },
  suite: { help: `suites to run, comma-separated (${SUITES.map((suite) => suite.name).join(', ')}); default: ${DEFAULT_SUITES.join(', ')}` },
  scenarios: { help: 'read-path scenarios to run, comma-separated (a, b, c, d, udf, udf1, age, typename); default: all' },
  connections: { default: 16, help: 'concurrent HTTP connections' },
  requests: { default: 160, help: 'requests per scenario under load (heavy scenarios send a quarter)' },
  out: { help: 'where to write the JSON results; default: bench/results.json' },
} as const;

function usage(): string {
  const lines = ['Usage: npm run bench -- [flags]', '', 'General:'];
  for (const [name, flag] of Object.entries(GLOBAL_FLAGS)) {
    lines.push(`  --${name.padEnd(14)} ${flag.help}${'default' in flag ? ` (default ${flag.default})` : ''}`);
  }
  for (const suite of SUITES) {
    lines.push('', `Suite "${suite.name}": ${suite.description}`);
    for (const [name, flag] of Object.entries(suite.flags)) lines.push(`  --${name.padEnd(14)} ${flag.help} (default ${flag.default})`);
  }
  return lines.join('\n');
}

function parseCommandLine() {
  const suiteFlagNames = SUITES.flatMap((suite) => Object.keys(suite.flags));
  const numeric = [...suiteFlagNames, 'connections', 'requests'];
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean' },
      'database-url': { type: 'string' },
      suite: { type: 'string' },
      scenarios: { type: 'string' },
      out: { type: 'string' },
      ...Object.fromEntries(numeric.map((name) => [name, { type: 'string' as const }])),
    },
    strict: true,
  });
  const number = (name: string, fallback: number) => {
    const text = values[name as keyof typeof values] as string | undefined;
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number; got "${text}"`);
    return value;
  };
  const wanted = values.suite ? values.suite.split(',') : DEFAULT_SUITES;
  const unknown = wanted.filter((name) => !SUITES.some((suite) => suite.name === name));
  if (unknown.length > 0) throw new Error(`unknown suite ${unknown.join(', ')}; known: ${SUITES.map((suite) => suite.name).join(', ')}`);
  return {
    help: values.help === true,
    databaseUrl: values['database-url'] ?? (process.env.BENCH_DATABASE_URL || undefined),
    suites: SUITES.filter((suite) => wanted.includes(suite.name)),
    scenarios: values.scenarios ? values.scenarios.split(',') : undefined,
    connections: number('connections', GLOBAL_FLAGS.connections.default),
    requests: number('requests', GLOBAL_FLAGS.requests.default),
    out: values.out ?? projectPath('bench', 'results.json'),
    suiteFlags: (suite: BenchSuite): SuiteFlags =>
      Object.fromEntries(Object.entries(suite.flags).map(([name, flag]) => [name, number(name, flag.default)])),
  };
}

async function main() {
  const options = parseCommandLine();
  if (options.help) {
    console.log(usage());
    return;
  }
  const started = performance.now();
  const log = (message: string) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}`);
  const rows: BenchRow[] = [];
  const suites: Record<string, unknown> = {};
  let databaseKind = '';
  for (const suite of options.suites) {
    const flags = options.suiteFlags(suite);
    const database = await openBenchDatabase(options.databaseUrl);
    databaseKind = database.kind;
    try {
      log(`${suite.name}: preparing on ${database.kind} with ${JSON.stringify(flags)}`);
      const prepared = await suite.prepare(database, flags, log);
      log(`${suite.name}: prepared ${JSON.stringify(prepared)}`);
      const server = suite.inProcessServer === false ? undefined : await startBenchServer(database, suite.roles);
      try {
        const { rows: suiteRows, facts } = await suite.run({
          database,
          server: server!,
          scenarios: options.scenarios,
          flags,
          load: { connections: options.connections, requests: options.requests },
          log: (message) => log(`${suite.name}: ${message}`),
        });
        rows.push(...suiteRows);
        suites[suite.name] = { flags, prepared, facts };
      } finally {
        await server?.stop();
      }
    } finally {
      await database.close();
    }
  }
  const totalSeconds = Math.round((performance.now() - started) / 1000);
  console.log(`\ndatabase: ${databaseKind}; ${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB; concurrency ${options.connections}; ` +
    `${options.requests} requests per scenario; total ${totalSeconds} s; peak RSS ${peakRssMb()} MB\n`);
  console.log(formatTable(rows));
  writeFileSync(
    options.out,
    `${JSON.stringify({ at: new Date().toISOString(), database: databaseKind, node: process.version, cpus: cpus().length, connections: options.connections, requests: options.requests, totalSeconds, suites, rows }, null, 2)}\n`,
  );
  console.log(`\nWrote ${options.out}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
