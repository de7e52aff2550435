import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onPostgres, tokenFor } from './harness';
import { buildService, embeddedEnv, killLeftovers, startService, type ServiceProcess } from './service-process';

/**
 * Issue 23, item 3: any reader could fill graphql-jit's compile cache with distinct texts (about 5.5 MB kept per
 * 4.5 KB query; 3,000 texts left the process at 4.4 GB). The real service, its heap capped at 256 MB (the bound:
 * V8 ends a process that needs more), is sent 500 distinct large texts, then 40 of them again: it must answer every
 * one. Before, about 45 compiled texts filled the cap.
 */
jest.setTimeout(600_000);

beforeAll(() => buildService(), 600_000);
afterAll(() => killLeftovers());

const HEAP_CAP_MB = 256;
const CACHE_MB = 16;
const SELECTION = `key name status version headquarters { code name inEEA } locations { mechanism reference country { code name inEEA adequacy } }
  dataCategories { key name parent { key name } } activities { key name legalBasis purpose { key name parent { key name } } dataCategories { key parent { key } } }`;
/** About 4.4 KB, within every limit; each `i` gives a distinct text (and a distinct compiled operation). */
/** The seeded map's recipients: nine processors, the advertising partners and Intercom's host. */
const SEEDED_RECIPIENTS = 11;
const text = (i: number) =>
  `query Probe${i} { ${Array.from({ length: 12 }, (_, a) => `a${a}_${i}: processors(first: ${a + 1}) { totalCount nodes { ${SELECTION} } }`).join(' ')} }`;

async function metric(service: ServiceProcess, name: string): Promise<number> {
  const body = await (await fetch(`${service.url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(body)![1]);
}

it('keeps the heap bounded through 500 distinct large texts, compiling only what repeats, up to GRAPHQL_JIT_CACHE_MB', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'datamap-jit-')), 'data');
  const env = embeddedEnv(dataDir, { GRAPHQL_JIT_CACHE_MB: String(CACHE_MB), ...(onPostgres ? { DATABASE_URL: process.env.TEST_DATABASE_URL! } : {}) });
  const service = await startService(env, [process.execPath, `--max-old-space-size=${HEAP_CAP_MB}`]);
  try {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor('VIEWER')}` };
    const send = async (i: number) => {
      const response = await fetch(`${service.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: text(i) }) });
      const body = (await response.json()) as { data?: Record<string, { totalCount: number }>; errors?: unknown[] };
      return [response.status, body.errors, body.data?.[`a0_${i}`]?.totalCount];
    };
    expect(text(499).length).toBeGreaterThan(4_000);
    // What every probe counts: the recipients the database holds (on PostgreSQL, with what earlier test files added).
    const counted = await fetch(`${service.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: '{ processors { totalCount } }' }) });
    const recipients = ((await counted.json()) as { data: { processors: { totalCount: number } } }).data.processors.totalCount;
    expect(recipients).toBeGreaterThanOrEqual(SEEDED_RECIPIENTS);
    const answers: unknown[] = [];
    // Four at a time, as a few clients would send them.
    for (let i = 0; i < 500; i += 4) answers.push(...(await Promise.all([i, i + 1, i + 2, i + 3].map(send))));
    expect(answers.filter((answer) => JSON.stringify(answer) !== JSON.stringify([200, undefined, recipients]))).toEqual([]);
    // Each text was seen once: none was compiled.
    expect(await metric(service, 'datamap_graphql_jit_cache_operations')).toBe(0);

    // Sent again, each is compiled, and the cache keeps what fits in its bound.
    for (let i = 0; i < 40; i++) expect(await send(i)).toEqual([200, undefined, recipients]);
    const kept = await metric(service, 'datamap_graphql_jit_cache_operations');
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(40);
    expect(await metric(service, 'datamap_graphql_jit_cache_bytes')).toBeLessThanOrEqual(CACHE_MB * 1024 * 1024);

    // V8 would have ended the process had it needed more than the cap; what it holds now, garbage included, is below.
    expect(await metric(service, 'nodejs_heap_size_used_bytes')).toBeLessThan(HEAP_CAP_MB * 1024 * 1024);
    expect(service.child.exitCode).toBeNull();
  } finally {
    service.child.kill('SIGTERM');
    await service.exited;
  }
});
