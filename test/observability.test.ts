import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openDatabase } from '../src/db/database';
import { BUNDLED_OPERATION_NAMES } from '../src/common/config';
import { createLogger } from '../src/server/logger';
import { authAs, onPostgres, startTestApp, tokenFor, type TestApp } from './harness';

let app: TestApp;
let lines: string[];

const capture = () =>
  new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
const logged = () => lines.map((line) => JSON.parse(line) as Record<string, any>);
const requestLines = () => logged().filter((line) => line.msg === 'request');

async function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

beforeEach(async () => {
  lines = [];
  app = await startTestApp({ logger: createLogger({ logLevel: 'info' }, capture()), config: { metricsOperationNames: [...BUNDLED_OPERATION_NAMES, 'Financial'] } });
});
afterEach(() => app.close());

describe('request log', () => {
  it('writes one JSON line per request with its id, operation, status, duration and caller, and never the variables or token', async () => {
    const headers = await authAs('VIEWER', 'viewer@pythonmaster.com');
    const response = await post(
      { query: 'query Financial($c: [ID!]) { dataFlows(filter: { categories: $c }, first: 1) { totalCount } }', variables: { c: ['financial'] } },
      { ...headers, 'x-request-id': 'dash-42' },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('dash-42');
    const [line] = requestLines();
    expect(requestLines()).toHaveLength(1);
    expect(line).toMatchObject({
      level: 30,
      requestId: 'dash-42',
      method: 'POST',
      path: '/graphql',
      operationName: 'Financial',
      operationType: 'query',
      status: 200,
      sub: 'viewer@pythonmaster.com',
      roles: ['VIEWER'],
    });
    expect(typeof line.durationMs).toBe('number');
    expect(line.errorCodes).toBeUndefined();
    const everything = lines.join('\n');
    expect(everything).not.toContain('financial');
    expect(everything).not.toContain(headers.authorization.slice('Bearer '.length));
  });

  it('lists the error codes of a failed request', async () => {
    await post({ query: 'query Broken { processor(key: "Not A Key") { key } nope }' }, await authAs('VIEWER'));
    expect(requestLines()[0]).toMatchObject({ operationName: 'other', status: 400, errorCodes: ['BAD_USER_INPUT'] });
  });

  it('keeps an acceptable x-request-id and replaces any other with a new one, in the answer and the audit trail', async () => {
    const accepted = 'a'.repeat(128);
    for (const [sent, kept] of [
      [accepted, true],
      ['a'.repeat(129), false],
      ['has space', false],
      ['<script>', false],
      ['trace.id:01-ab_CD', true],
    ] as const) {
      const response = await post({ query: '{ __typename }' }, { ...(await authAs('VIEWER')), 'x-request-id': sent });
      const echoed = response.headers.get('x-request-id');
      if (kept) expect(echoed).toBe(sent);
      else expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    }
    const long = 'x'.repeat(8000);
    const mutation = await post(
      { query: 'mutation { retireProcessor(key: "intercom", reason: "moved to zendesk") { status } }' },
      { ...(await authAs('PRIVACY_OFFICER')), 'x-request-id': long },
    );
    const requestId = mutation.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const { data } = await app.gql('{ auditLog(first: 1) { nodes { requestId } } }', {}, await authAs('AUDITOR'));
    expect(data!.auditLog.nodes[0].requestId).toBe(requestId);
  });

  it('logs authentication failures at info with the reason, request id and operation, never the token', async () => {
    const expired = await tokenFor('VIEWER', 'someone@pythonmaster.com', '-1m');
    const forged = `${expired.slice(0, -4)}AAAA`;
    await post({ query: 'query Dashboard { processors { totalCount } }' }, { authorization: `Bearer ${forged}`, 'x-request-id': 'r-1' });
    const failure = logged().find((line) => line.msg === 'authentication failed');
    expect(failure).toMatchObject({ level: 30, requestId: 'r-1', operationName: 'other', code: 'UNAUTHENTICATED' });
    expect(failure!.reason).toMatch(/signature/);
    expect(requestLines()[0]).toMatchObject({ requestId: 'r-1', status: 401, errorCodes: ['UNAUTHENTICATED'], operationName: 'other' });
    expect(lines.join('\n')).not.toContain(forged.split('.')[2]);
    expect(lines.join('\n')).not.toContain(forged.split('.')[1]);
  });

  it('logs refused operations and an anonymous caller at info with the reason', async () => {
    await post({ query: 'query Trail { auditLog { totalCount } }' }, { ...(await authAs('VIEWER', 'v@pythonmaster.com')), 'x-request-id': 'r-2' });
    expect(logged().find((line) => line.msg === 'access denied')).toMatchObject({
      level: 30, requestId: 'r-2', operationName: 'other', code: 'FORBIDDEN', sub: 'v@pythonmaster.com',
    });
    await post({ query: 'query Anonymous { processors { totalCount } }' }, { 'x-request-id': 'r-3' });
    const anonymous = logged().find((line) => line.requestId === 'r-3' && line.code);
    expect(anonymous).toMatchObject({ level: 30, operationName: 'other', code: 'UNAUTHENTICATED' });
    expect(anonymous!.reason).toMatch(/token/i);
  });

  it('logs a client-chosen operationName only when it is a bundled or configured one, else as other', async () => {
    const headers = await authAs('VIEWER');
    const chosen = ['jane.doe@example.com', 'born_1990_04_01', 'MapGraph', 'Financial'];
    for (const name of chosen) {
      await post({ query: `query ${name.replace(/[^A-Za-z0-9_]/g, '_')} { processors { totalCount } }`, operationName: name }, headers);
      await post({ query: `query ${name.replace(/[^A-Za-z0-9_]/g, '_')} { processors { totalCount } }` }, { authorization: 'Bearer not-a-token' });
    }
    expect(requestLines().map((line) => line.operationName)).toEqual(['other', 'other', 'other', 'other', 'MapGraph', 'MapGraph', 'Financial', 'Financial']);
    expect(lines.join('\n')).not.toMatch(/jane|doe|1990/);
    // In label values: a figure such as a heap size may hold the digits 1990.
    expect(await (await fetch(`${app.url}/metrics`)).text()).not.toMatch(/\{[^}]*(jane|doe|1990)[^}]*\}/);
  });

  it('logs and counts a request whose client goes before it is answered', async () => {
    const socket = connect(new URL(app.url).port as unknown as number, '127.0.0.1');
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    const body = JSON.stringify({ query: '{ processors { totalCount } }' });
    // Headers and half the body: the service is still reading it when the client closes the connection.
    socket.write(`POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-request-id: gone-1\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    for (let attempt = 0; attempt < 50 && !logged().some((line) => line.requestId === 'gone-1'); attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logged().filter((line) => line.requestId === 'gone-1')).toEqual([
      expect.objectContaining({ level: 30, msg: 'request aborted by the client', aborted: true, method: 'POST', path: '/graphql' }),
    ]);
    expect(await (await fetch(`${app.url}/metrics`)).text()).toContain('datamap_http_requests_aborted_total{path="/graphql"} 1');
  });

  it('logs refused /ropa.csv downloads too', async () => {
    await fetch(`${app.url}/ropa.csv`, { headers: { ...(await authAs('VIEWER')), 'x-request-id': 'r-4' } });
    expect(logged().find((line) => line.msg === 'access denied')).toMatchObject({ requestId: 'r-4', code: 'FORBIDDEN' });
    expect(requestLines()[0]).toMatchObject({ path: '/ropa.csv', status: 403, errorCodes: ['FORBIDDEN'] });
  });

  it('writes probes at debug level, so LOG_LEVEL decides whether they show', async () => {
    await fetch(`${app.url}/healthz`);
    expect(requestLines()).toEqual([]);
    await app.close();
    lines = [];
    app = await startTestApp({ logger: createLogger({ logLevel: 'debug' }, capture()) });
    await fetch(`${app.url}/healthz`);
    expect(requestLines()[0]).toMatchObject({ level: 20, path: '/healthz', status: 200 });
  });
});

describe('migrations', () => {
  it('log through the service logger as JSON, without colour codes', async () => {
    await app.close();
    lines = [];
    const db = await openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL, reset: true, logger: createLogger({ logLevel: 'info' }, capture()) });
    await db.close();
    const applied = logged().filter((line) => /^Applied /.test(line.msg));
    expect(applied.length).toBeGreaterThan(0);
    expect(applied[0]).toMatchObject({ level: 30, component: 'orm:migrator' });
    expect(lines.join('\n')).not.toMatch(/\u001b\[/);
    app = await startTestApp();
  });
});

describe('/metrics', () => {
  const scrape = async () => (await fetch(`${app.url}/metrics`)).text();

  it('counts request durations by known operation name and type, and errors by code', async () => {
    const headers = await authAs('VIEWER');
    await post({ query: 'query Financial { processors { totalCount } }' }, headers);
    await post({ query: 'query MapGraph { processors { totalCount } }' }, headers);
    for (let i = 0; i < 5; i += 1) await post({ query: `query Invented${i} { processors { totalCount } }` }, headers);
    await post({ query: 'query Trail { auditLog { totalCount } }' }, headers);
    await post({ query: '{ processors { totalCount } }' });
    const text = await scrape();
    expect(text).toContain('datamap_graphql_request_duration_seconds_count{operation_name="Financial",operation_type="query"} 1');
    expect(text).toContain('datamap_graphql_request_duration_seconds_count{operation_name="MapGraph",operation_type="query"} 1');
    expect(text).toContain('datamap_graphql_request_duration_seconds_count{operation_name="other",operation_type="query"} 6');
    expect(text).toContain('datamap_graphql_request_duration_seconds_count{operation_name="anonymous",operation_type="query"} 1');
    expect(text).not.toContain('Invented');
    expect(text).toContain('datamap_graphql_errors_total{code="FORBIDDEN"} 1');
    expect(text).toContain('datamap_graphql_errors_total{code="UNAUTHENTICATED"} 1');
  });

  it('names the version running, and the Node.js under it', async () => {
    const { version } = require('../package.json');
    expect(await scrape()).toContain(`datamap_build_info{version="${version}",node="${process.version}"} 1`);
  });

  const gauge = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1]);

  it('shows the database pool: connections in use and idle, and requests waiting for one', async () => {
    const quiet = await scrape();
    expect(gauge(quiet, 'datamap_db_pool_connections{state="in_use"}')).toBe(0);
    expect(gauge(quiet, 'datamap_db_pool_connections{state="idle"}')).toBeGreaterThanOrEqual(0);
    expect(gauge(quiet, 'datamap_db_pool_waiting')).toBe(0);
    const headers = await authAs('VIEWER');
    // A transaction holds one connection while the scrape runs; on PGlite (one connection) a request then waits.
    await app.em().transactional(async (em) => {
      await em.getConnection().execute('select 1', [], 'all', em.getTransactionContext());
      const waiting = post({ query: '{ processors { totalCount } }' }, headers);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const busy = await scrape();
      expect(gauge(busy, 'datamap_db_pool_connections{state="in_use"}')).toBeGreaterThanOrEqual(1);
      if (!onPostgres) expect(gauge(busy, 'datamap_db_pool_waiting')).toBe(1);
      void waiting;
    });
  });

  it('shows the operation queue: operations running and waiting, and the time they waited', async () => {
    await post({ query: '{ processors { totalCount } }' }, await authAs('VIEWER'));
    const text = await scrape();
    expect(gauge(text, 'datamap_graphql_operations_waiting')).toBe(0);
    expect(gauge(text, 'datamap_graphql_operations_running')).toBe(0);
    expect(gauge(text, 'datamap_graphql_queue_wait_seconds_count{outcome="admitted"}')).toBeGreaterThanOrEqual(1);
  });

  const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((path) => existsSync(path));
  (promtool ? it : it.skip)('passes promtool check metrics', async () => {
    await post({ query: 'query Financial { processors { totalCount } }' }, await authAs('VIEWER'));
    const dir = mkdtempSync(join(tmpdir(), 'datamap-metrics-'));
    try {
      const file = join(dir, 'metrics.txt');
      writeFileSync(file, await scrape());
      const output = execFileSync('sh', ['-c', `${promtool} check metrics < ${file} 2>&1`], { encoding: 'utf8' });
      expect(output.trim()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
