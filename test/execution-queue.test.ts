import { generateMap } from '../bench/synthetic-map';
import { ensureAgePolicy } from '../src/age-policy/age-policy.reference';
import { authAs, startTestApp, type TestApp } from './harness';

/**
 * The queue of operations waiting for an execution slot, under saturation (issue 23 item 4): bounded, and clients
 * that have gone leave it. One slot (GRAPHQL_MAX_CONCURRENT_OPERATIONS=1) on a generated map whose full graph
 * takes a noticeable time to build (interpreted by graphql-js, so that it stays as slow once it repeats).
 */
describe('the operation queue under saturation', () => {
  let app: TestApp;
  let asViewer: Record<string, string>;
  let asSignup: Record<string, string>;
  /** How long one heavy operation takes alone. */
  let heavyMs: number;

  const HEAVY = '{ dataMapGraph(level: FULL) { nodes { id label kind flows } edges { from to kind label safeguarded } } }';
  const CHEAP = '{ processors(first: 1) { nodes { key } } }';
  const AGE_CHECK = 'query Check($input: AgeGateInput!) { ageGate(input: $input) { allowed } }';

  const post = (query: string, signal?: AbortSignal, variables?: Record<string, unknown>, as = asViewer) =>
    fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...as },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  const timed = async <T>(work: () => Promise<T>) => {
    const startedAt = performance.now();
    const result = await work();
    return { result, ms: performance.now() - startedAt };
  };
  const metric = async (line: RegExp) => {
    const match = line.exec(await (await fetch(`${app.url}/metrics`)).text());
    return match ? Number(match[1]) : 0;
  };

  beforeAll(async () => {
    app = await startTestApp({ seed: false, config: { maxConcurrentOperations: 1, maxQueuedOperations: 4, queueTimeoutMs: 60_000, graphqlExecutor: 'graphql-js' } });
    await generateMap({ db: app.db }, { processors: 60, categories: 40, depth: 3, activities: 500 });
    await ensureAgePolicy(app.em());
    asViewer = await authAs('VIEWER');
    asSignup = await authAs('SIGNUP_SERVICE', 'signup@pythonmaster.com');
    const first = (await (await post(HEAVY)).json()) as any;
    expect(first.errors).toBeUndefined();
    heavyMs = (await timed(async () => (await post(HEAVY)).json())).ms;
  }, 120_000);
  afterAll(() => app.close());

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After once the queue is full, and serves the others', async () => {
    const fullBefore = await metric(/^datamap_graphql_queue_wait_seconds_count\{outcome="full"\} (\d+)$/m);
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(HEAVY)));
    const refused = answers.filter((answer) => answer.status === 503);
    // One runs and four wait; of the other five, those that come while the queue is still full are refused.
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(5);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 503)).toBe(true);
    for (const answer of refused) {
      expect(answer.headers.get('retry-after')).toBe('1');
      const body = (await answer.json()) as any;
      expect(body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(body.errors[0].message).toContain('4 operations are already waiting');
    }
    await Promise.all(answers.filter((answer) => answer.status === 200).map((answer) => answer.json()));
    expect((await metric(/^datamap_graphql_queue_wait_seconds_count\{outcome="full"\} (\d+)$/m)) - fullBefore).toBe(refused.length);
  }, 60_000);

  it('drops the operations of clients that have gone, so the age check, the probes and a cheap query do not wait behind them', async () => {
    const admittedBefore = await metric(/^datamap_graphql_queue_wait_seconds_count\{outcome="admitted"\} (\d+)$/m);
    const refusedBefore = await metric(/^datamap_graphql_queue_wait_seconds_count\{outcome="full"\} (\d+)$/m);
    // One runs, four wait, the others are refused; then every client goes.
    const clients = Array.from({ length: 20 }, () => new AbortController());
    const abandoned = clients.map((client) => post(HEAVY, client.signal).catch((error: Error) => error.name));
    while ((await metric(/^datamap_graphql_operations_waiting (\d+)$/m)) < 4) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const client of clients) client.abort();
    await Promise.all(abandoned);
    // The service hears of each close at once: the queue empties while the one heavy operation runs.
    const closedAt = performance.now();
    while ((await metric(/^datamap_graphql_operations_waiting (\d+)$/m)) > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // (Kept, the four would leave only by running: four times the heavy operation.)
    expect(performance.now() - closedAt).toBeLessThan(heavyMs * 2 + 250);
    const admittedWhenEmpty = await metric(/^datamap_graphql_queue_wait_seconds_count\{outcome="admitted"\} (\d+)$/m);

    const [ageCheck, ready, health, cheap] = await Promise.all([
      timed(async () => (await post(AGE_CHECK, undefined, { input: { birthDate: '2000-01-01', country: 'DE' } }, asSignup)).json() as Promise<any>),
      timed(async () => (await fetch(`${app.url}/readyz`)).status),
      timed(async () => (await fetch(`${app.url}/healthz`)).status),
      timed(async () => (await post(CHEAP)).json() as Promise<any>),
    ]);
    expect(ageCheck.result.errors).toBeUndefined();
    expect([ready.result, health.result]).toEqual([200, 200]);
    expect(cheap.result.errors).toBeUndefined();
    // At most the one heavy operation that had its slot finishes first; the four abandoned in the queue never run.
    const bound = heavyMs + 1000;
    expect({ ageCheck: ageCheck.ms < bound, ready: ready.ms < bound, health: health.ms < bound, cheap: cheap.ms < bound * 2 }).toEqual({
      ageCheck: true,
      ready: true,
      health: true,
      cheap: true,
    });
    // Of the twenty, those admitted before their clients went ran; once the queue emptied, nothing of theirs ran:
    // the one operation admitted since is the cheap query.
    const admittedNow = await metric(/^datamap_graphql_queue_wait_seconds_count\{outcome="admitted"\} (\d+)$/m);
    expect(admittedNow - admittedWhenEmpty).toBe(1);
    const abandonedCount = await metric(/^datamap_graphql_queue_wait_seconds_count\{outcome="abandoned"\} (\d+)$/m);
    const refusedCount = (await metric(/^datamap_graphql_queue_wait_seconds_count\{outcome="full"\} (\d+)$/m)) - refusedBefore;
    expect(abandonedCount).toBeGreaterThanOrEqual(1);
    expect(admittedWhenEmpty - admittedBefore + abandonedCount + refusedCount).toBe(20);
    expect(await metric(/^datamap_graphql_operations_waiting (\d+)$/m)).toBe(0);
  }, 60_000);
});
