import { authAs, startTestApp, type TestApp } from './harness';

/** GRAPHQL_MAX_CONCURRENT_OPERATIONS=1: every operation waits its turn, and no refused one keeps the turn. */
describe('operations beyond the concurrency limit', () => {
  let app: TestApp;
  let asViewer: Record<string, string>;

  beforeAll(async () => {
    app = await startTestApp({ config: { maxConcurrentOperations: 1 } });
    asViewer = await authAs('VIEWER');
  });
  afterAll(() => app.close());

  const PROCESSORS = `{ processors(first: 3) { nodes { key locations { country { code } } } } }`;
  const within = <T>(promise: Promise<T>, what: string) =>
    Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within 20 s`)), 20_000))]);

  it('wait their turn and get the same answer as one alone', async () => {
    const alone = await app.gql(PROCESSORS, {}, asViewer);
    expect(alone.errors).toBeUndefined();
    const together = await within(Promise.all(Array.from({ length: 6 }, () => app.gql(PROCESSORS, {}, asViewer))), 'six at once');
    expect(together).toEqual(Array(6).fill(alone));
  });

  it('keep no turn when they are refused, fail or are denied, so the next operation still runs', async () => {
    const refusals = await within(
      Promise.all([
        app.gql(`query ($k: String!) { processor(key: $k) { key } }`, { k: 'a\u0000' }, asViewer),
        app.gql(`{ processors { nodez { key } } }`, {}, asViewer),
        app.gql(`{ processors { totalCount } }`, {}, {}),
        app.gql(`{ processors(first: 5000) { totalCount } }`, {}, asViewer),
        app.gql(`{ auditLog(first: 1) { nodes { operation } } }`, {}, asViewer),
      ]),
      'the refusals',
    );
    expect(refusals.map((answer) => answer.errors?.[0]?.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'UNAUTHENTICATED', 'BAD_USER_INPUT', 'FORBIDDEN']);
    const after = await within(app.gql(PROCESSORS, {}, asViewer), 'the operation after them');
    expect(after.errors).toBeUndefined();
    expect(after.data!.processors.nodes).toHaveLength(3);
  });
});
