/**
 * `npm run bench -- --suite scale --database-url postgres://…`: the same read scenario against one service process
 * and then two on one PostgreSQL database, with the load split evenly between them, and the requests per second of
 * each and their ratio. On PGlite (one process per data directory) it says so and measures nothing.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { signToken } from '../src/auth/sign-token';
import { Role } from '../src/auth/viewer';
import { generateMap, MAP_SIZE_FLAGS } from './synthetic-map';
import { spawn, timedAutocannon, type BenchRow, type BenchSuite, type Child } from './lib';

const READ = {
  query: `{ processingActivities(first: 100) { nodes { key name processors { key name locations { mechanism country { code name } } } dataCategories { key name } } } }`,
};

export const scaleBench: BenchSuite = {
  name: 'scale',
  description: 'one and then two service processes on one PostgreSQL, the same read load split between them: req/s of each and the ratio',
  roles: [],
  inProcessServer: false,
  flags: {
    ...MAP_SIZE_FLAGS,
    rounds: { default: 40, help: 'requests per run, as a multiple of the connections' },
  },

  async prepare(database, flags, log): Promise<Record<string, number>> {
    if (database.kind !== 'postgresql') return { skipped: 1 };
    const map = await generateMap(database, flags, log);
    return { processors: map.processors.length };
  },

  async run({ database, flags, load, log }): Promise<{ rows: BenchRow[]; facts: Record<string, number | string> }> {
    if (database.kind !== 'postgresql') {
      log('several instances need one PostgreSQL database: run with --database-url postgres://…');
      return { rows: [], facts: { skipped: 'PGlite serves one process' } };
    }
    const secret = randomBytes(32).toString('hex');
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${await signToken(secret, { roles: [Role.VIEWER], subject: 'bench@datamap', ttl: '2h' })}`,
    };
    const start = () => spawn(join(__dirname, 'service-process.js'), { BENCH_DATABASE_URL: database.url, JWT_SECRET: secret, NODE_ENV: 'production' });
    const amount = load.connections * flags.rounds;
    /** The load split evenly over `services`, at once; req/s is every answer over the time of the slowest. */
    const measure = async (services: Child[]) => {
      const started = performance.now();
      const runs = await Promise.all(
        services.map((service) =>
          timedAutocannon({
            url: `http://127.0.0.1:${service.port}/graphql`,
            method: 'POST',
            headers,
            body: JSON.stringify(READ),
            connections: Math.max(1, Math.round(load.connections / services.length)),
            amount: Math.round(amount / services.length),
            timeout: 120,
          }),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      const failed = runs.reduce((sum, { result }) => sum + result.non2xx + result.errors + result.timeouts, 0);
      if (failed > 0) throw new Error(`load failed: ${failed} answers were not 2xx`);
      const requests = runs.reduce((sum, { result }) => sum + result.requests.total, 0);
      return {
        requests,
        requestsPerSecond: requests / seconds,
        p50Ms: Math.max(...runs.map(({ result }) => result.latency.p50)),
        p99Ms: Math.max(...runs.map(({ result }) => result.latency.p99)),
      };
    };
    const first = await start();
    const second = await start();
    try {
      // Warm both (jit compiles on the second run of a text), then alternate one and two, twice, keeping the best.
      for (const service of [first, second]) await measure([service]);
      const one = [];
      const two = [];
      for (let round = 0; round < 2; round++) {
        one.push(await measure([first]));
        two.push(await measure([first, second]));
      }
      const best = (runs: Awaited<ReturnType<typeof measure>>[]) => runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
      const [single, double] = [best(one), best(two)];
      const ratio = double.requestsPerSecond / single.requestsPerSecond;
      log(`one instance ${single.requestsPerSecond.toFixed(1)} req/s, two ${double.requestsPerSecond.toFixed(1)} req/s, ratio ${ratio.toFixed(2)}`);
      const row = (scenario: string, result: typeof single, note: string): BenchRow => ({
        suite: 'scale',
        scenario,
        requests: result.requests,
        p50Ms: result.p50Ms,
        p99Ms: result.p99Ms,
        requestsPerSecond: result.requestsPerSecond,
        statementsPerRequest: null,
        peakRssMb: 0,
        note,
      });
      return {
        rows: [
          row('one instance', single, 'processingActivities(first: 100), nested'),
          row('two instances', double, `×${ratio.toFixed(2)} of one`),
        ],
        facts: { oneInstance: Math.round(single.requestsPerSecond * 10) / 10, twoInstances: Math.round(double.requestsPerSecond * 10) / 10, ratio: Math.round(ratio * 100) / 100 },
      };
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  },
};
