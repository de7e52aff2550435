import { Writable } from 'node:stream';
import { createLogger } from '../src/server/logger';
import { startFreezableProxy, type FreezableProxy } from './freezable-proxy';
import { authAs, startTestApp, type TestApp } from './harness';

/** Issue 9: a frozen database answered nothing for 100 s; now every request fails cleanly and /readyz says so. */
describe('a database that stops answering', () => {
  let proxy: FreezableProxy;
  let app: TestApp;
  const logs: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    proxy = await startFreezableProxy(process.env.TEST_DATABASE_URL!);
    const capture = new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    });
    app = await startTestApp({
      databaseUrl: proxy.url,
      config: { dbStatementTimeoutMs: 300 },
      logger: createLogger({ logLevel: 'info' }, capture),
    });
  });
  afterAll(async () => {
    proxy.thaw();
    await app.close();
    await proxy.close();
  });

  const countProcessors = async () => app.gql('{ processors { totalCount } }', {}, await authAs('VIEWER'));

  it('answers SERVICE_UNAVAILABLE and /readyz 503 within 2 s, logs a warning and no error, and recovers when it answers again', async () => {
    expect((await countProcessors()).data).toEqual({ processors: { totalCount: 11 } });
    proxy.freeze();

    const started = Date.now();
    const frozen = await countProcessors();
    const failedAfterMs = Date.now() - started;
    expect(frozen.errors).toEqual([
      expect.objectContaining({ message: 'The database did not answer in time; try again shortly', extensions: { code: 'SERVICE_UNAVAILABLE' } }),
    ]);
    expect(failedAfterMs).toBeLessThan(10_000); // the statement timeout is 300 ms; the bound only catches a hang

    const probeStarted = Date.now();
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(Date.now() - probeStarted).toBeLessThan(2000 + 500);

    expect(logs.filter((entry) => entry.level >= 50)).toEqual([]);
    expect(logs.filter((entry) => entry.level === 40).map((entry) => entry.msg)).toContain('the database did not answer a GraphQL request in time');

    proxy.thaw();
    let answered: Awaited<ReturnType<typeof countProcessors>> | undefined;
    for (let attempt = 0; attempt < 50 && !answered?.data; attempt++) {
      answered = await countProcessors();
      if (!answered.data) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answered?.data).toEqual({ processors: { totalCount: 11 } });
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
  });

  it('answers SERVICE_UNAVAILABLE, never INTERNAL_SERVER_ERROR, to requests that need a new connection while it is frozen', async () => {
    expect((await countProcessors()).data).toEqual({ processors: { totalCount: 11 } });
    proxy.freeze();
    try {
      // More requests than idle connections: the pool opens new ones, which get no answer ("timeout expired").
      const answers = await Promise.all(Array.from({ length: 6 }, () => countProcessors()));
      expect(answers.map((answer) => answer.errors?.map((error) => error.extensions?.code))).toEqual(Array(6).fill(['SERVICE_UNAVAILABLE']));
      expect(logs.filter((entry) => entry.level >= 50)).toEqual([]);
    } finally {
      proxy.thaw();
    }
  });
});

/**
 * Issue 21: LLVM compilation took 4.5 of the whole-map summary's 6.9 s on the bench map, and a page of flows scanned
 * the countries once per flow; every session plans for a map held in memory.
 */
describe('every session of the service', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('runs with JIT compilation off and random_page_cost 1.1', async () => {
    const settings = await app.em().getConnection().execute<{ jit: string; pageCost: string }[]>(
      "select current_setting('jit') as jit, current_setting('random_page_cost') as \"pageCost\"",
    );
    expect(settings).toEqual([{ jit: 'off', pageCost: '1.1' }]);
  });
});
