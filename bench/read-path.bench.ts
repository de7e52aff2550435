/**
 * The read path against its twins, in one run on the data-flow benchmark's map (issue 12):
 *  (a) processors(first: 100) with locations, countries, activities and their categories;  (b) the same, first: 1000;
 *  (c) processingActivities(first: 100) with processors, locations, countries and categories;  (d) dataFlows(first: 100);
 *  userDataFlow's first page;  the age gate and `{ __typename }`.
 * Each runs at the same concurrency beside its twin (one hand-written `json_agg` statement per request through `pg`
 * on bare `node:http`, or fixed bytes for the age gate), in alternating rounds, and the table gives the ratio.
 * The service runs in a process of its own (NODE_ENV=production); its peak RSS (VmHWM) is reset per scenario.
 *
 *   BENCH_SERVICE_SCRIPT=path/to/service-process.js  runs another build of the service (the "before" figures).
 *   --cpu-prof 1  writes a V8 CPU profile of the service to bench/profiles/ (use with --scenarios a or c).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureAgePolicy } from '../src/age-policy/age-policy.reference';
import { signToken } from '../src/auth/sign-token';
import { Role } from '../src/auth/viewer';
import { projectPath } from '../src/common/project-path';
import { generateMap, MAP_SIZE_FLAGS } from './synthetic-map';
import { spawn, timedAutocannon, type BenchRow, type BenchSuite, type Child, type GraphQLRequest } from './lib';

const FLOW_SELECTION = `activity { key name } category { key name } purpose { key } legalBasis processor { key name }
  destination { code inEEA } thirdCountry mechanism safeguarded retention { key }`;
const PROCESSOR_SELECTION = `key name locations { mechanism country { code name } } activities { key name dataCategories { key name } }`;

interface Scenario {
  id: string;
  label: string;
  twin: string;
  request: (context: { profile: Profile }) => GraphQLRequest;
  /** The same question in the shape of the schema before issue 12 (for BENCH_SERVICE_SCRIPT runs of old builds). */
  legacy?: (context: { profile: Profile }) => GraphQLRequest;
  role: Role;
  /** Requests per measured run, as a multiple of the connections (heavy answers get fewer). */
  rounds: number;
  /** Concurrent connections, when not the run's (`--connections`). */
  connections?: number;
}

interface Profile {
  country: string;
  collectionPoints: string[];
  consents: string[];
  categories: string[];
}

const userDataFlowRequest = (flows: string) => ({ profile }: { profile: Profile }): GraphQLRequest => ({
  query: `query($profile: SubjectProfileInput!, $filter: DataFlowFilter) { userDataFlow(profile: $profile, filter: $filter) {
    ${flows} } }`,
  variables: { profile: { country: profile.country, collectionPoints: profile.collectionPoints, consents: profile.consents }, filter: { categories: profile.categories } },
});

/** userDataFlow's first page; before issue 12, `flows` was a plain list of every flow. */
const USER_DATA_FLOW_PAGE = {
  request: userDataFlowRequest(`flows(first: 100) { nodes { ${FLOW_SELECTION} } }`),
  legacy: userDataFlowRequest(`flows { ${FLOW_SELECTION} }`),
};

const SCENARIOS: Scenario[] = [
  { id: 'a', rounds: 3, label: '(a) processors(first: 100) { locations, activities { dataCategories } }', twin: '/a', role: Role.VIEWER,
    request: () => ({ query: `{ processors(first: 100) { nodes { ${PROCESSOR_SELECTION} } } }` }) },
  { id: 'b', rounds: 1, label: '(b) the same, first: 1000', twin: '/b', role: Role.VIEWER,
    request: () => ({ query: `{ processors(first: 1000) { nodes { ${PROCESSOR_SELECTION} } } }` }) },
  { id: 'c', rounds: 3, label: '(c) processingActivities(first: 100) { processors { locations }, dataCategories }', twin: '/c', role: Role.VIEWER,
    request: () => ({ query: `{ processingActivities(first: 100) { nodes { key name processors { key name locations { mechanism country { code name } } } dataCategories { key name } } } }` }) },
  { id: 'd', rounds: 4, label: '(d) dataFlows(first: 100)', twin: '/d', role: Role.VIEWER,
    request: () => ({ query: `{ dataFlows(first: 100) { nodes { ${FLOW_SELECTION} } } }` }) },
  { id: 'udf', rounds: 4, label: 'userDataFlow, first page of 100 (3 points, 2 consents, 1 category)', twin: '/udf', role: Role.VIEWER,
    ...USER_DATA_FLOW_PAGE },
  { id: 'udf1', rounds: 30, connections: 1, label: 'userDataFlow, the same page, one client at a time', twin: '/udf', role: Role.VIEWER,
    ...USER_DATA_FLOW_PAGE },
  { id: 'age', rounds: 60, label: 'ageGate', twin: '/bare', role: Role.SIGNUP_SERVICE,
    request: () => ({
      query: `query Check($input: AgeGateInput!) { ageGate(input: $input) { allowed age minimumAge digitalConsentAge parentalConsentRequired parentalGuidanceRecommended reason } }`,
      variables: { input: { birthDate: '2012-03-14', country: 'DE', timeZone: 'Europe/Berlin' } },
    }) },
  { id: 'typename', rounds: 60, label: '{ __typename }', twin: '/bare', role: Role.SIGNUP_SERVICE, request: () => ({ query: '{ __typename }' }) },
];

const MEASURED_RUN_SECONDS = 3;

interface Run {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * A fixed number of requests rather than a duration: every answer is in before the other side runs, and a slow
 * scenario on a busy machine still completes its requests.
 */
async function hammer(url: string, headers: Record<string, string>, body: string, connections: number, amount: number): Promise<Run & { seconds: number }> {
  const { result, seconds } = await timedAutocannon({ url, method: 'POST', headers, body, connections, amount, timeout: 120 });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`load on ${url} failed: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return {
    requests: result.requests.total,
    seconds,
    requestsPerSecond: result.requests.total / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

/** Runs of one side pooled: total requests over total time; latency percentiles of the slower run (conservative). */
function pooled(runs: (Run & { seconds: number })[]): Run {
  const requests = runs.reduce((sum, run) => sum + run.requests, 0);
  return {
    requests,
    requestsPerSecond: requests / runs.reduce((sum, run) => sum + run.seconds, 0),
    p50Ms: Math.max(...runs.map((run) => run.p50Ms)),
    p99Ms: Math.max(...runs.map((run) => run.p99Ms)),
  };
}

export const readPathBench: BenchSuite = {
  name: 'read-path',
  description: '(a)-(d), userDataFlow and the age gate beside hand-written SQL or bare http, service in its own process',
  roles: [],
  inProcessServer: false,
  flags: {
    ...MAP_SIZE_FLAGS,
    load: { default: 1, help: 'multiplies the requests per run (each side runs twice, alternating)' },
    'cpu-prof': { default: 0, help: '1: write a CPU profile of the service to bench/profiles/' },
  },

  async prepare(database, flags, log) {
    const started = performance.now();
    const map = await generateMap(database, flags, log);
    await ensureAgePolicy(database.db.orm.em.fork());
    return { processors: map.processors.length, generateSeconds: Math.round((performance.now() - started) / 100) / 10 };
  },

  async run({ database, flags, load, log, scenarios }) {
    const wanted = SCENARIOS.filter((scenario) => !scenarios || scenarios.includes(scenario.id));
    const secret = randomBytes(32).toString('hex');
    const distDir = __dirname;
    const profileDir = projectPath('bench', 'profiles');
    if (flags['cpu-prof']) mkdirSync(profileDir, { recursive: true });
    // A service process per scenario: its peak RSS is that scenario's alone (V8 keeps a heap grown by an earlier
    // one), and a CPU profile covers one scenario.
    const startService = () =>
      spawn(
        process.env.BENCH_SERVICE_SCRIPT ?? join(distDir, 'service-process.js'),
        { BENCH_DATABASE_URL: database.url, JWT_SECRET: secret, NODE_ENV: 'production' },
        flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      );
    let service = await startService();
    let serviceUrl = `http://127.0.0.1:${service.port}/graphql`;
    const roots = (await database.db.orm.em.getConnection().execute<{ key: string }[]>(
      `select key from data_category where parent_key is null order by key limit 1`,
    )).map((row) => row.key);
    const profile: Profile = { country: 'DE', collectionPoints: ['point-1', 'point-2', 'point-3'], consents: ['marketing-email', 'performance-cookies'], categories: [`${roots[0]}.c0`] };
    const headersFor = async (role: Role) => ({
      'content-type': 'application/json',
      authorization: `Bearer ${await signToken(secret, { roles: [role], subject: 'bench@datamap', ttl: '2h' })}`,
    });
    const ask = async (request: GraphQLRequest, headers: Record<string, string>) => {
      const response = await fetch(serviceUrl, { method: 'POST', headers, body: JSON.stringify(request) });
      return (await response.json()) as { data?: unknown; errors?: { message: string }[] };
    };

    // The age gate's twin answers the service's own bytes.
    const ageHeaders = await headersFor(Role.SIGNUP_SERVICE);
    const ageAnswer = JSON.stringify(await ask(SCENARIOS.find((s) => s.id === 'age')!.request({ profile }), ageHeaders));
    const twin = await spawn(join(distDir, 'twin-process.js'), {
      BENCH_DATABASE_URL: database.url,
      BARE_ANSWER: ageAnswer,
      TWIN_PROFILE: JSON.stringify(profile),
    });
    const rows: BenchRow[] = [];
    try {
      for (const [index, scenario] of wanted.entries()) {
        if (index > 0) {
          await service.stop();
          service = await startService();
          serviceUrl = `http://127.0.0.1:${service.port}/graphql`;
        }
        const headers = await headersFor(scenario.role);
        let request = scenario.request({ profile });
        let answer = await ask(request, headers);
        if (answer.errors && scenario.legacy) {
          request = scenario.legacy({ profile });
          answer = await ask(request, headers);
        }
        if (answer.errors) throw new Error(`${scenario.label}: ${answer.errors.map((e) => e.message).join('; ')}`);
        const body = JSON.stringify(request);
        const twinUrl = `http://127.0.0.1:${twin.port}${scenario.twin}`;
        const { total: before } = await service.ask<{ total: number }>('statements');
        await ask(request, headers);
        const { total: after } = await service.ask<{ total: number }>('statements');
        log(`${scenario.label}: warming up`);
        const connections = scenario.connections ?? load.connections;
        const least = connections * scenario.rounds;
        const twinWarm = await hammer(twinUrl, headers, body, connections, least);
        await service.ask('reset-peak');
        const serviceWarm = await hammer(serviceUrl, headers, body, connections, least);
        // Each measured run lasts about MEASURED_RUN_SECONDS at the rate the warm-up showed (at least `least`
        // requests): a run of a fraction of a second would measure the timer more than the service.
        const amountFor = (warm: Run) => Math.max(least, Math.round(warm.requestsPerSecond * MEASURED_RUN_SECONDS)) * flags.load;
        const twinRuns: Awaited<ReturnType<typeof hammer>>[] = [];
        const serviceRuns: Awaited<ReturnType<typeof hammer>>[] = [];
        for (let round = 0; round < 2; round++) {
          twinRuns.push(await hammer(twinUrl, headers, body, connections, amountFor(twinWarm)));
          serviceRuns.push(await hammer(serviceUrl, headers, body, connections, amountFor(serviceWarm)));
        }
        const { peakMb } = await service.ask<{ peakMb: number }>('peak');
        const mine = pooled(serviceRuns);
        const theirs = pooled(twinRuns);
        const ratio = mine.requestsPerSecond / theirs.requestsPerSecond;
        log(`${scenario.label}: ${mine.requestsPerSecond.toFixed(1)} req/s vs twin ${theirs.requestsPerSecond.toFixed(1)} (${ratio.toFixed(2)})`);
        rows.push({
          suite: 'read-path',
          scenario: scenario.label,
          ...mine,
          statementsPerRequest: after - before,
          peakRssMb: peakMb,
          twin: theirs,
          ratio,
        });
      }
      const { rssMb } = await service.ask<{ rssMb: number }>('peak');
      return { rows, facts: { serviceRssAtEndMb: rssMb } };
    } finally {
      await twin.stop();
      await service.stop();
    }
  },
};
