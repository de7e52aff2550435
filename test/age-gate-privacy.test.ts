import { Writable } from 'node:stream';
import { createLogger } from '../src/server/logger';
import { authAs, startTestApp, type TestApp } from './harness';

const AGE_GATE = `query Check($input: AgeGateInput!) { ageGate(input: $input) { allowed age reason } }`;

/** Birth dates no seeded row could contain by chance, in the forms a leak could take. */
const BLOCKED_BIRTH_DATE = '2014-07-23';
const ALLOWED_BIRTH_DATE = '1987-09-17';
const traces = (birthDate: string) => {
  const [year, month, day] = birthDate.split('-');
  return [birthDate, `${year}${month}${day}`, `${day}.${month}.${year}`, `${day}/${month}/${year}`, `${month}/${day}/${year}`];
};

let app: TestApp;
let logLines: string[];
let consoleLines: string[];
const now = new Date('2026-06-15T12:00:00Z');

beforeEach(async () => {
  logLines = [];
  consoleLines = [];
  const capture = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map(String).join(' '));
    });
  }
  // The most talkative level: whatever the service could ever log is captured.
  app = await startTestApp({ clock: () => now, logger: createLogger({ logLevel: 'trace' }, capture) });
});
afterEach(async () => {
  await app.close();
  jest.restoreAllMocks();
});

/** Every row of every table, as text, keyed by table. */
async function everyTable(): Promise<Record<string, string[]>> {
  const em = app.em();
  const tables = await em.execute<{ name: string }[]>(
    `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const dump: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = await em.execute<{ row: string }[]>(`select row_to_json(t)::text as row from "${name}" t order by 1`);
    dump[name] = rows.map((r) => r.row);
  }
  return dump;
}

async function check(birthDate: string, country = 'DE') {
  return app.gql(AGE_GATE, { input: { birthDate, country } }, await authAs('SIGNUP_SERVICE'));
}

function expectNoTraceOf(birthDate: string, places: Record<string, string>) {
  for (const [place, text] of Object.entries(places)) {
    for (const trace of traces(birthDate)) {
      expect({ place, contains: text.includes(trace) }).toEqual({ place, contains: false });
    }
  }
}

it('a blocked check leaves no trace but the counters, in the database and in the logs', async () => {
  const before = await everyTable();
  const response = await check(BLOCKED_BIRTH_DATE);
  expect(response.data!.ageGate).toEqual({ allowed: false, age: 11, reason: 'UNDER_MINIMUM_AGE' });
  await app.ageGateCounters.flush();
  const after = await everyTable();

  expect(Object.keys(after)).toEqual(Object.keys(before));
  for (const table of Object.keys(before)) {
    if (table === 'age_gate_count') continue;
    expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
  }
  expect(before.age_gate_count).toEqual([]);
  expect(after.age_gate_count).toEqual(['{"day":"2026-06-15","country":"DE","outcome":"BLOCKED","count":1}']);
  expectNoTraceOf(BLOCKED_BIRTH_DATE, { database: JSON.stringify(after), logs: logLines.join(''), console: consoleLines.join('\n') });
});

it('allowed checks, refused input and a failing database leave no birth date in the database or the logs', async () => {
  expect((await check(ALLOWED_BIRTH_DATE)).data!.ageGate.allowed).toBe(true);
  expect((await check(BLOCKED_BIRTH_DATE, 'XX')).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  // A birth date of the wrong type fails GraphQL's own validation of the variables.
  const wrongType = await app.gql(AGE_GATE, { input: { birthDate: Number(traces(BLOCKED_BIRTH_DATE)[1]), country: 'DE' } }, await authAs('SIGNUP_SERVICE'));
  expect(wrongType.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  await app.ageGateCounters.flush();
  const tables = await everyTable();
  expect(tables.age_gate_count).toEqual(['{"day":"2026-06-15","country":"DE","outcome":"ALLOWED","count":1}']);

  // An unexpected failure is logged, and even then without what the caller sent.
  await app.em().execute('alter table age_policy rename to age_policy_away');
  const failed = await check(BLOCKED_BIRTH_DATE);
  await app.em().execute('alter table age_policy_away rename to age_policy');
  expect(failed.errors!.map((e) => e.extensions!.code)).toEqual(['INTERNAL_SERVER_ERROR']);
  expect(logLines.join('')).toContain('unexpected error in a GraphQL request');

  for (const birthDate of [ALLOWED_BIRTH_DATE, BLOCKED_BIRTH_DATE]) {
    expectNoTraceOf(birthDate, { database: JSON.stringify(tables), logs: logLines.join(''), console: consoleLines.join('\n') });
  }
});

it('a one-person view with a birth date (userDataFlow) leaves no trace in the database or the logs', async () => {
  const before = await everyTable();
  const response = await app.gql(
    'query($profile: SubjectProfileInput!) { userDataFlow(profile: $profile) { summary { flowCount excludedByReason { reason count } } } }',
    { profile: { country: 'DE', collectionPoints: [], consents: ['performance-cookies'], birthDate: BLOCKED_BIRTH_DATE } },
    await authAs('VIEWER'),
  );
  expect(response.data!.userDataFlow.summary.excludedByReason).toContainEqual({ reason: 'BELOW_DIGITAL_CONSENT_AGE', count: expect.any(Number) });
  const refused = await app.gql(
    'query($profile: SubjectProfileInput!) { userDataFlow(profile: $profile) { summary { flowCount } } }',
    { profile: { country: 'DE', collectionPoints: [], consents: [], birthDate: '2031-07-23' } },
    await authAs('VIEWER'),
  );
  expect(refused.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  await app.ageGateCounters.flush();
  const after = await everyTable();
  expect(after).toEqual(before);
  expectNoTraceOf(BLOCKED_BIRTH_DATE, { database: JSON.stringify(after), logs: logLines.join(''), console: consoleLines.join('\n') });
});

it('the logger redacts request variables and bodies, should anything ever log them', () => {
  const lines: string[] = [];
  const logger = createLogger(
    { logLevel: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  logger.info({ variables: { input: { birthDate: BLOCKED_BIRTH_DATE } } }, 'request');
  logger.info({ request: { body: { variables: { birthDate: BLOCKED_BIRTH_DATE } } } }, 'request');
  logger.info({ input: { birthDate: BLOCKED_BIRTH_DATE } }, 'request');
  logger.info({ birthDate: BLOCKED_BIRTH_DATE }, 'request');
  logger.info({ profile: { birthDate: BLOCKED_BIRTH_DATE } }, 'request');
  expect(lines).toHaveLength(5);
  expect(lines.join('')).not.toContain(BLOCKED_BIRTH_DATE);
  expect(lines.join('')).toContain('[redacted]');
});
