import { authAs, onPostgres, startTestApp, type TestApp } from './harness';

/**
 * Several instances on one PostgreSQL database are how the service grows (docs/operations.md): whatever one writes,
 * the other reads the same. Embedded PGlite serves one process, so this runs on PostgreSQL only.
 */
(onPostgres ? describe : describe.skip)('two instances on one PostgreSQL database', () => {
  let first: TestApp;
  let second: TestApp;
  let officer: Record<string, string>;
  let signup: Record<string, string>;
  const now = new Date('2026-06-15T12:00:00Z');

  beforeAll(async () => {
    first = await startTestApp({ clock: () => now, config: { ageGateFlushMs: 3_600_000 } });
    second = await startTestApp({ reset: false, seed: false, clock: () => now, config: { ageGateFlushMs: 3_600_000 } });
    officer = await authAs('PRIVACY_OFFICER');
    signup = await authAs('SIGNUP_SERVICE', 'signup@pythonmaster.com');
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  /** The same request to both instances: their answers, which must be equal. */
  const both = async (query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const [a, b] = await Promise.all([first.gql(query, variables, headers), second.gql(query, variables, headers)]);
    expect(a.errors).toBeUndefined();
    return [a.data, b.data];
  };
  const page = async (path: string) =>
    Promise.all([first, second].map(async (app) => {
      const response = await fetch(`${app.url}${path}`);
      return `${response.status} ${await response.text()}`;
    }));

  const AGE_CHECK = 'query ($input: AgeGateInput!) { ageGate(input: $input) { allowed digitalConsentAge parentalConsentRequired } }';
  const STATS = 'query ($day: LocalDate!) { ageGateStats(from: $day, to: $day) { totals { checks allowed blocked } } }';
  const FINDINGS = '{ findings(first: 1000) { totalCount nodes { rule severity message entities { type key } } } }';

  it('apply an age-policy change made through the other at once: no policy is cached in process', async () => {
    const teen = { input: { birthDate: '2011-01-01', country: 'IS' } };
    const [before, beforeOther] = await both(AGE_CHECK, teen, signup);
    expect(before).toEqual(beforeOther);
    const set = await first.gql(
      'mutation ($input: SetDigitalConsentAgeInput!) { setDigitalConsentAge(input: $input) { age } }',
      { input: { jurisdiction: 'IS', age: 16, source: 'test: a stricter age' } },
      officer,
    );
    expect(set.errors).toBeUndefined();
    const [after, afterOther] = await both(AGE_CHECK, teen, signup);
    expect(after).toEqual(afterOther);
    expect(after!.ageGate.digitalConsentAge).toBe(16);
    expect(after).not.toEqual(before);
  });

  it('count age checks made through either: once each instance has flushed, both report the same totals', async () => {
    const adult = { input: { birthDate: '1990-01-01', country: 'DE' } };
    await Promise.all([first.ageGateCounters.flush(), second.ageGateCounters.flush()]);
    const [start] = await both(STATS, { day: '2026-06-15' }, officer);
    for (let i = 0; i < 3; i++) await first.gql(AGE_CHECK, adult, signup);
    for (let i = 0; i < 2; i++) await second.gql(AGE_CHECK, adult, signup);
    // Each instance adds its counts to the shared table every AGE_GATE_FLUSH_SECONDS (and at shutdown).
    await Promise.all([first.ageGateCounters.flush(), second.ageGateCounters.flush()]);
    const [seenByFirst, seenBySecond] = await both(STATS, { day: '2026-06-15' }, officer);
    expect(seenByFirst).toEqual(seenBySecond);
    expect(seenByFirst!.ageGateStats.totals.checks).toBe(start!.ageGateStats.totals.checks + 5);
  });

  it('publish a processor retired through one on the other\'s /subprocessors, feed and JSON, and in both instances\' findings', async () => {
    const [findingsBefore] = await both(FINDINGS, {}, officer);
    const [listBefore, feedBefore] = [await page('/subprocessors.json'), await page('/subprocessors.atom')];
    expect(listBefore[0]).toBe(listBefore[1]);
    expect(feedBefore[0]).toBe(feedBefore[1]);

    const retired = await second.gql('mutation { retireProcessor(key: "zendesk", reason: "Contract ended") { status } }', {}, officer);
    expect(retired.errors).toBeUndefined();

    for (const path of ['/subprocessors', '/subprocessors.json', '/subprocessors.atom']) {
      const [fromFirst, fromSecond] = await page(path);
      expect(fromFirst).toBe(fromSecond);
    }
    const [list] = await page('/subprocessors.json');
    expect(list).not.toBe(listBefore[0]);
    expect(JSON.parse(list.slice(4)).changes.some((change: { kind: string; processor: string }) => change.kind === 'RETIRED' && change.processor === 'zendesk')).toBe(true);
    const [findingsAfter, findingsAfterOther] = await both(FINDINGS, {}, officer);
    expect(findingsAfter).toEqual(findingsAfterOther);
    expect(findingsAfter).not.toEqual(findingsBefore);
  });
});
