import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureAgePolicy } from '../src/age-policy/age-policy.reference';
import { Role } from '../src/auth/viewer';
import { ensureCountries } from '../src/country/country.reference';
import { load, peakRssMb, statementsOf, type BenchRow, type BenchSuite, type GraphQLRequest } from './lib';

/**
 * The age gate over HTTP with a real SIGNUP_SERVICE token, against a bare Node `http` server on the same machine
 * that answers the same JSON body without doing anything. The ratio of the two says how much of the machine's
 * plain HTTP capacity a check keeps; `{ __typename }` through the same stack says how much of the gap is the
 * stack (Express, Apollo, token, shield, armor) rather than the age gate.
 */
const CHECK: GraphQLRequest = {
  query: `query Check($input: AgeGateInput!) {
    ageGate(input: $input) { allowed age minimumAge digitalConsentAge parentalConsentRequired parentalGuidanceRecommended reason }
  }`,
  variables: { input: { birthDate: '2012-03-14', country: 'DE', timeZone: 'Europe/Berlin' } },
};
const EMPTY: GraphQLRequest = { query: '{ __typename }' };

async function bareServer(answer: string) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const ageGateBench: BenchSuite = {
  name: 'age-gate',
  description: 'ageGate checks at concurrency 32 against a bare node http server answering the same bytes',
  flags: {
    'age-gate-connections': { default: 32, help: 'concurrent connections for the age-gate runs' },
    'age-gate-requests': { default: 4000, help: 'requests per age-gate run' },
  },
  roles: [Role.SIGNUP_SERVICE],

  async prepare(database) {
    const em = database.db.orm.em.fork();
    await ensureCountries(em);
    await ensureAgePolicy(em);
    return {};
  },

  async run({ server, flags, log }) {
    const options = { connections: flags['age-gate-connections'], requests: flags['age-gate-requests'] };
    const answer = JSON.stringify(await server.gql(CHECK).then((data) => ({ data })));
    const bare = await bareServer(answer);
    const rows: BenchRow[] = [];
    const row = (scenario: string, result: Awaited<ReturnType<typeof load>>, statements: number | null, note?: string) =>
      rows.push({ suite: 'age-gate', scenario, ...result, statementsPerRequest: statements, peakRssMb: peakRssMb(), note });
    try {
      log('bare http');
      await load({ url: bare.url, headers: server.headers }, [CHECK], { ...options, requests: options.requests / 4 });
      const baseline = await load({ url: bare.url, headers: server.headers }, [CHECK], options);
      row('bare node http, fixed JSON', baseline, null, 'the lower bound');
      log('{ __typename }');
      await load(server, [EMPTY], { ...options, requests: options.requests / 4 });
      const empty = await load(server, [EMPTY], options);
      row('{ __typename } through the stack', empty, await statementsOf(server, EMPTY));
      log('ageGate');
      await load(server, [CHECK], { ...options, requests: options.requests / 4 });
      const gate = await load(server, [CHECK], options);
      const ratio = gate.requestsPerSecond / baseline.requestsPerSecond;
      row('ageGate', gate, await statementsOf(server, CHECK),
        `${(ratio * 100).toFixed(1)}% of bare req/s; p99 ${(gate.p99Ms / Math.max(baseline.p99Ms, 1)).toFixed(1)}x`);
      return {
        rows,
        facts: {
          throughputRatio: Number(ratio.toFixed(4)),
          p99Ratio: Number((gate.p99Ms / Math.max(baseline.p99Ms, 1)).toFixed(2)),
          shareOfEmptyQuery: Number((gate.requestsPerSecond / empty.requestsPerSecond).toFixed(4)),
        },
      };
    } finally {
      await bare.close();
    }
  },
};
