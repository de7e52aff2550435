import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { authAs, startTestApp, type TestApp } from './harness';

/** One GET or POST with the raw bytes of the answer: fetch would decompress them and hide the encoding. */
function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('transport: compression and security headers', () => {
  let app: TestApp;
  let asViewer: Record<string, string>;

  beforeAll(async () => {
    app = await startTestApp();
    asViewer = await authAs('VIEWER');
  });
  afterAll(() => app.close());

  const SCHEMA_TYPES = JSON.stringify({ query: '{ __schema { types { name kind description } } }' });
  const post = (acceptEncoding?: string) =>
    raw(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asViewer, ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) },
      body: SCHEMA_TYPES,
    });

  it('compresses an answer over a kilobyte with gzip or brotli when the client accepts it, and not otherwise', async () => {
    const plain = await post();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    const expected = JSON.parse(plain.body.toString());
    expect(expected.data.__schema.types.length).toBeGreaterThan(20);

    const gzip = await post('gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.body.length).toBeLessThan(plain.body.length);
    expect(JSON.parse(gunzipSync(gzip.body).toString())).toEqual(expected);

    const brotli = await post('br, gzip');
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.body.length).toBeLessThan(plain.body.length);
    expect(JSON.parse(brotliDecompressSync(brotli.body).toString())).toEqual(expected);
    expect(brotli.headers.vary).toMatch(/accept-encoding/i);
  });

  it('leaves an answer under a kilobyte as it is', async () => {
    const small = await raw(`${app.url}/healthz`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString())).toEqual({ status: 'ok' });
  });

  it.each([
    ['POST', '/graphql'],
    ['GET', '/graphql'],
    ['GET', '/map'],
    ['GET', '/map/assets/map.js'],
    ['GET', '/subprocessors'],
    ['GET', '/subprocessors.json'],
    ['GET', '/subprocessors.atom'],
    ['GET', '/ropa.csv'],
    ['GET', '/healthz'],
    ['GET', '/readyz'],
    ['GET', '/metrics'],
    ['GET', '/no-such-page'],
  ])('%s %s carries the security headers', async (method, path) => {
    const answer = await raw(`${app.url}${path}`, {
      method,
      headers: { accept: 'text/html', ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      body: method === 'POST' ? JSON.stringify({ query: '{ __typename }' }) : undefined,
    });
    const csp = String(answer.headers['content-security-policy']);
    // Express answers an unknown path with a stricter policy of its own (default-src 'none').
    if (path === '/no-such-page') expect(csp).toBe("default-src 'none'");
    else {
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['referrer-policy']).toBe('no-referrer');
    expect(answer.headers['x-frame-options']).toBe('DENY');
    expect(answer.headers['x-powered-by']).toBeUndefined();
  });

  it('allows the public list its one inline style by hash, and the explorer none', async () => {
    const list = await raw(`${app.url}/subprocessors`);
    const style = /<style>(.*?)<\/style>/s.exec(list.body.toString())![1];
    const hash = require('node:crypto').createHash('sha256').update(style).digest('base64');
    expect(String(list.headers['content-security-policy'])).toContain(`'sha256-${hash}'`);
    const explorer = (await raw(`${app.url}/graphql`, { headers: { accept: 'text/html' } })).body.toString();
    expect(explorer).not.toMatch(/<style|<script>|style=/);
    expect(explorer).toContain('data-default-query="# datamap');
  });
});
