import { AgeGateCount } from '../src/age-gate/age-gate-count.entity';
import { authAs, startTestApp, type TestApp } from './harness';

const AGE_GATE = `query Check($input: AgeGateInput!) { ageGate(input: $input) { allowed } }`;
const STATS = `query Stats($from: LocalDate!, $to: LocalDate!, $country: String) {
  ageGateStats(from: $from, to: $to, country: $country) {
    from to country
    totals { checks allowed blocked parentalConsentRequired }
    counts { day country outcome count }
  }
}`;

// 2026-06-15 in UTC. Born 2000: allowed; born 2014: blocked (12); born 31 December 2012: 13, parental consent in DE and CA-QC.
let now = new Date('2026-06-15T12:00:00Z');
const ADULT = '2000-01-01';
const CHILD = '2014-01-01';
const TEEN = '2012-12-31';

let app: TestApp;
beforeEach(async () => {
  now = new Date('2026-06-15T12:00:00Z');
  // A long interval: the tests flush when they mean to.
  app = await startTestApp({ clock: () => now, config: { ageGateFlushMs: 3_600_000 } });
});
afterEach(() => app.close());

async function checkAt(target: TestApp, birthDate: string, country: string) {
  const response = await target.gql(AGE_GATE, { input: { birthDate, country } }, await authAs('SIGNUP_SERVICE'));
  expect(response.errors).toBeUndefined();
}

async function storedCounts() {
  const rows = await app.em().find(AgeGateCount, {}, { orderBy: { day: 'asc', country: 'asc', outcome: 'asc' } });
  return rows.map(({ day, country, outcome, count }) => ({ day, country, outcome, count }));
}

async function stats(variables: { from: string; to: string; country?: string }, target = app) {
  const response = await target.gql(STATS, variables, await authAs('VIEWER'));
  expect(response.errors).toBeUndefined();
  return response.data!.ageGateStats;
}

describe('counting checks', () => {
  it('counts each outcome per day and jurisdiction in memory, writing nothing until a flush', async () => {
    await checkAt(app, ADULT, 'DE');
    await checkAt(app, ADULT, 'DE');
    await checkAt(app, CHILD, 'DE');
    await checkAt(app, TEEN, 'DE');
    await checkAt(app, TEEN, 'CA-QC');
    expect(await storedCounts()).toEqual([]);

    expect(await app.ageGateCounters.flush()).toBe(4);
    expect(await storedCounts()).toEqual([
      { day: '2026-06-15', country: 'CA-QC', outcome: 'PARENTAL_CONSENT_REQUIRED', count: 1 },
      { day: '2026-06-15', country: 'DE', outcome: 'ALLOWED', count: 2 },
      { day: '2026-06-15', country: 'DE', outcome: 'BLOCKED', count: 1 },
      { day: '2026-06-15', country: 'DE', outcome: 'PARENTAL_CONSENT_REQUIRED', count: 1 },
    ]);
    expect(await app.ageGateCounters.flush()).toBe(0);
  });

  it('a check sends one SQL statement, a read of the policy, and no write', async () => {
    const { response, statements } = await app.countStatements(AGE_GATE, { input: { birthDate: ADULT, country: 'DE' } }, await authAs('SIGNUP_SERVICE'));
    expect(response.errors).toBeUndefined();
    expect(statements).toBe(1);
  });

  it('does not count checks refused as bad input', async () => {
    await app.gql(AGE_GATE, { input: { birthDate: '2013-02-30', country: 'DE' } }, await authAs('SIGNUP_SERVICE'));
    await app.gql(AGE_GATE, { input: { birthDate: ADULT, country: 'XX' } }, await authAs('SIGNUP_SERVICE'));
    expect(await app.ageGateCounters.flush()).toBe(0);
    expect((await stats({ from: '2026-06-15', to: '2026-06-15' })).totals.checks).toBe(0);
  });

  it('counts by the UTC day of the check, whatever time zone the check used', async () => {
    now = new Date('2026-06-15T23:30:00Z');
    await app.gql(AGE_GATE, { input: { birthDate: ADULT, country: 'JP', timeZone: 'Asia/Tokyo' } }, await authAs('SIGNUP_SERVICE'));
    now = new Date('2026-06-16T00:30:00Z');
    await checkAt(app, ADULT, 'JP');
    await app.ageGateCounters.flush();
    expect(await storedCounts()).toEqual([
      { day: '2026-06-15', country: 'JP', outcome: 'ALLOWED', count: 1 },
      { day: '2026-06-16', country: 'JP', outcome: 'ALLOWED', count: 1 },
    ]);
  });

  it('keeps the counts in memory when a flush fails, and writes them with the next one', async () => {
    await checkAt(app, CHILD, 'FR');
    await app.em().execute('alter table age_gate_count rename to age_gate_count_away');
    await expect(app.ageGateCounters.flush()).rejects.toThrow(/age_gate_count/);
    await checkAt(app, CHILD, 'FR');
    await app.em().execute('alter table age_gate_count_away rename to age_gate_count');
    expect(await app.ageGateCounters.flush()).toBe(1);
    expect(await storedCounts()).toEqual([{ day: '2026-06-15', country: 'FR', outcome: 'BLOCKED', count: 2 }]);
  });
});

describe('two instances on one database', () => {
  it('add up: each flush adds its counts to the row, concurrently too, and shutdown flushes what is left', async () => {
    const other = await startTestApp({ reset: false, seed: false, clock: () => now, config: { ageGateFlushMs: 3_600_000 } });
    try {
      for (let i = 0; i < 3; i++) await checkAt(app, CHILD, 'DE');
      for (let i = 0; i < 2; i++) await checkAt(other, CHILD, 'DE');
      await checkAt(other, ADULT, 'US');
      await Promise.all([app.ageGateCounters.flush(), other.ageGateCounters.flush()]);
      expect(await storedCounts()).toEqual([
        { day: '2026-06-15', country: 'DE', outcome: 'BLOCKED', count: 5 },
        { day: '2026-06-15', country: 'US', outcome: 'ALLOWED', count: 1 },
      ]);

      await checkAt(app, CHILD, 'DE');
      await checkAt(other, CHILD, 'DE');
      await app.ageGateCounters.flush();
      await other.close();
      expect(await storedCounts()).toEqual([
        { day: '2026-06-15', country: 'DE', outcome: 'BLOCKED', count: 7 },
        { day: '2026-06-15', country: 'US', outcome: 'ALLOWED', count: 1 },
      ]);
    } finally {
      await other.close().catch(() => undefined);
    }
  });

  it("ageGateStats on one instance shows every instance's flushed counts plus its own unflushed ones", async () => {
    const other = await startTestApp({ reset: false, seed: false, clock: () => now, config: { ageGateFlushMs: 3_600_000 } });
    try {
      await checkAt(other, CHILD, 'DE');
      await other.ageGateCounters.flush();
      await checkAt(other, CHILD, 'DE'); // not flushed: only `other` sees it
      await checkAt(app, CHILD, 'DE');
      await checkAt(app, ADULT, 'DE');
      const seenByApp = await stats({ from: '2026-06-15', to: '2026-06-15' });
      expect(seenByApp.totals).toEqual({ checks: 3, allowed: 1, blocked: 2, parentalConsentRequired: 0 });
      const seenByOther = await stats({ from: '2026-06-15', to: '2026-06-15' }, other);
      expect(seenByOther.totals).toEqual({ checks: 2, allowed: 0, blocked: 2, parentalConsentRequired: 0 });
    } finally {
      await other.close();
    }
  });
});

describe('ageGateStats', () => {
  async function checksOverThreeDays() {
    now = new Date('2026-06-14T10:00:00Z');
    await checkAt(app, ADULT, 'CA');
    await checkAt(app, TEEN, 'CA-QC');
    now = new Date('2026-06-15T10:00:00Z');
    await checkAt(app, CHILD, 'CA-QC');
    await checkAt(app, TEEN, 'DE');
    await app.ageGateCounters.flush();
    now = new Date('2026-06-16T10:00:00Z');
    await checkAt(app, TEEN, 'DE');
    await checkAt(app, ADULT, 'CA');
  }

  it('merges flushed and unflushed counts, once each, in day, country and outcome order', async () => {
    await checksOverThreeDays();
    expect(await stats({ from: '2026-06-14', to: '2026-06-16' })).toEqual({
      from: '2026-06-14',
      to: '2026-06-16',
      country: null,
      totals: { checks: 6, allowed: 2, blocked: 1, parentalConsentRequired: 3 },
      counts: [
        { day: '2026-06-14', country: 'CA', outcome: 'ALLOWED', count: 1 },
        { day: '2026-06-14', country: 'CA-QC', outcome: 'PARENTAL_CONSENT_REQUIRED', count: 1 },
        { day: '2026-06-15', country: 'CA-QC', outcome: 'BLOCKED', count: 1 },
        { day: '2026-06-15', country: 'DE', outcome: 'PARENTAL_CONSENT_REQUIRED', count: 1 },
        { day: '2026-06-16', country: 'CA', outcome: 'ALLOWED', count: 1 },
        { day: '2026-06-16', country: 'DE', outcome: 'PARENTAL_CONSENT_REQUIRED', count: 1 },
      ],
    });
    await app.ageGateCounters.flush();
    expect((await stats({ from: '2026-06-14', to: '2026-06-16' })).totals.checks).toBe(6);
  });

  it('limits to the days asked for, and to a country with its subdivisions, or to one subdivision', async () => {
    await checksOverThreeDays();
    const canada = await stats({ from: '2026-06-15', to: '2026-06-16', country: 'ca' });
    expect(canada.country).toBe('CA');
    expect(canada.counts).toEqual([
      { day: '2026-06-15', country: 'CA-QC', outcome: 'BLOCKED', count: 1 },
      { day: '2026-06-16', country: 'CA', outcome: 'ALLOWED', count: 1 },
    ]);
    const quebec = await stats({ from: '2026-06-14', to: '2026-06-16', country: 'CA-QC' });
    expect(quebec.totals).toEqual({ checks: 2, allowed: 0, blocked: 1, parentalConsentRequired: 1 });
  });

  it.each([
    ['a period that ends before it starts', { from: '2026-06-15', to: '2026-06-14' }, 'from', 'from 2026-06-15 is after to 2026-06-14: the period must not end before it starts'],
    ['a period over 366 days', { from: '2025-01-01', to: '2026-01-02' }, 'to', 'from 2025-01-01 to 2026-01-02 spans 367 days; ask for at most 366'],
    [
      'a country name',
      { from: '2026-06-15', to: '2026-06-15', country: 'Canada' },
      'country',
      'country "Canada" is not an ISO 3166-1 alpha-2 country code such as "DE" or an ISO 3166-2 subdivision such as "CA-QC"',
    ],
  ])('refuses %s as BAD_USER_INPUT', async (_case, variables, field, message) => {
    const response = await app.gql(STATS, variables, await authAs('PRIVACY_OFFICER'));
    expect(response.errors!.map((e) => ({ message: e.message, code: e.extensions!.code, field: e.extensions!.field }))).toEqual([
      { message, code: 'BAD_USER_INPUT', field },
    ]);
  });

  it('refuses an impossible date as BAD_USER_INPUT', async () => {
    const response = await app.gql(STATS, { from: '2026-02-30', to: '2026-03-01' }, await authAs('AUDITOR'));
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toContain('2026-02-30');
  });

  it('is open to the privacy officer, auditors and viewers, and closed to engineers and the signup service', async () => {
    for (const role of ['PRIVACY_OFFICER', 'AUDITOR', 'VIEWER'] as const) {
      const response = await app.gql(STATS, { from: '2026-06-15', to: '2026-06-15' }, await authAs(role));
      expect(response.errors).toBeUndefined();
    }
    for (const role of ['ENGINEER', 'SIGNUP_SERVICE'] as const) {
      const response = await app.gql(STATS, { from: '2026-06-15', to: '2026-06-15' }, await authAs(role));
      expect(response.errors![0].extensions!.code).toBe('FORBIDDEN');
    }
  });
});

describe('/metrics', () => {
  it('serves a Prometheus counter per country and outcome, and the process metrics', async () => {
    await checkAt(app, CHILD, 'DE');
    await checkAt(app, CHILD, 'DE');
    await checkAt(app, TEEN, 'CA-QC');
    const response = await fetch(`${app.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await response.text();
    expect(body).toContain('# TYPE datamap_age_gate_checks_total counter');
    expect(body).toContain('datamap_age_gate_checks_total{country="DE",outcome="BLOCKED"} 2');
    expect(body).toContain('datamap_age_gate_checks_total{country="CA-QC",outcome="PARENTAL_CONSENT_REQUIRED"} 1');
    expect(body).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });
});
