import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { applyManifest, parseManifest } from '../src/manifest/manifest.service';
import { ConfigError, loadConfig } from '../src/common/config';
import { startServer, type RunningServer } from '../src/server/start';
import { startTestApp, TEST_JWT_SECRET, tokenFor } from './harness';

const ADDED_PROCESSOR = `
apiVersion: datamap/v1
processors:
  - key: plausible
    name: Plausible Analytics
    service: Web analytics
    headquarters: EE
    status: PROPOSED
    dataCategories: [technical]
    locations:
      - country: DE
`;

async function gql(server: RunningServer, query: string) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor('VIEWER')}` };
  const response = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ query }) });
  return (await response.json()) as { data: any; errors?: unknown[] };
}

describe('the service on embedded PostgreSQL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'datamap-'));
  const config = { ...loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET }), databaseUrl: undefined };
  const logger = pino({ level: 'silent' });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts on an empty data directory, seeds the map, and keeps added data across a restart', async () => {
    const first = await startServer(config, logger);
    try {
      expect((await fetch(first.url.replace('/graphql', '/healthz'))).status).toBe(200);
      expect((await fetch(first.url.replace('/graphql', '/readyz'))).status).toBe(200);
      const financial = await gql(first, `{ processors(receives: "financial") { nodes { key } } }`);
      // The payment processors, and the hosts that keep the tax records.
      expect(financial.data.processors.nodes).toEqual([{ key: 'aws' }, { key: 'google-cloud' }, { key: 'paypal' }, { key: 'stripe' }]);
      const plan = await applyManifest(first.db.orm.em.fork(), parseManifest(ADDED_PROCESSOR));
      expect(plan.entries).toEqual([{ entity: 'processors', key: 'plausible', outcome: 'ADDED' }]);
    } finally {
      await first.stop();
    }

    const second = await startServer(config, logger);
    try {
      const { data } = await gql(second, `{ processor(key: "plausible") { name status headquarters { code } locations { country { code } mechanism } }
        processors { totalCount } }`);
      expect(data.processor).toEqual({ name: 'Plausible Analytics', status: 'PROPOSED', headquarters: { code: 'EE' }, locations: [{ country: { code: 'DE' }, mechanism: null }] });
      // The eleven seeded recipients and the one added before the restart.
      expect(data.processors.totalCount).toBe(12);
    } finally {
      await second.stop();
    }
  }, 180_000); // two starts of embedded PostgreSQL, the first from an empty directory with the seed
});

describe('readiness', () => {
  it('answers /readyz with 503 once the database stops answering, while /healthz stays 200', async () => {
    const app = await startTestApp({ seed: false });
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    await app.db.orm.close(true);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'database unavailable' });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    await app.close().catch(() => undefined);
  });
});

describe('configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT="eighty" is not a port number (0-65535)'],
    [{ PORT: '70000' }, 'PORT="70000" is not a port number (0-65535)'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL must start with postgres:// or postgresql://, not mysql://'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL is not a URL: expected postgres://user@host:port/database'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV="staging" is not valid: use one of development, production, test'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud" is not valid: use one of fatal, error, warn, info, debug, trace, silent'],
    [{ SEED: 'yes' }, 'SEED="yes" is not valid: use one of true, false'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET is required in production (or JWT_JWKS_URL for RS256/ES256 tokens)'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET is too short: HS256 needs at least 32 characters'],
    [{ JWT_JWKS_URL: 'ftp://keys' }, 'JWT_JWKS_URL="ftp://keys" must be an https URL (plain http only on loopback, such as http://127.0.0.1)'],
    [{ JWT_MAX_TTL_SECONDS: '0' }, 'JWT_MAX_TTL_SECONDS="0" is not a whole number from 1 to 315360000'],
    [{ JWT_MAX_TTL_SECONDS: '1h' }, 'JWT_MAX_TTL_SECONDS="1h" is not a whole number from 1 to 315360000'],
    [{ INTROSPECTION: 'maybe' }, 'INTROSPECTION="maybe" is not valid: use one of true, false'],
    [{ SUBPROCESSOR_NOTICE_DAYS: '-1' }, 'SUBPROCESSOR_NOTICE_DAYS="-1" is not a whole number of days from 0 to 365'],
    [{ SUBPROCESSOR_NOTICE_DAYS: '2.5' }, 'SUBPROCESSOR_NOTICE_DAYS="2.5" is not a whole number of days from 0 to 365'],
    [{ RIGHTS_REQUEST_RETENTION_DAYS: '0' }, 'RIGHTS_REQUEST_RETENTION_DAYS="0" is not a whole number of days from 1 to 36500'],
  ])('refuses %j with a message that names the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it('defaults to port 4000 and ./data on embedded PostgreSQL', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe(join(process.cwd(), 'data'));
    expect([config.subprocessorNoticeDays, config.rightsRequestRetentionDays]).toEqual([0, 1095]);
  });
});

describe('the map page', () => {
  it('serves its page and assets from the service itself, and nothing else under /map/assets', async () => {
    const app = await startTestApp({ seed: false });
    try {
      const html = await (await fetch(`${app.url}/map`)).text();
      const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((source) => source.startsWith('/map/'));
      expect(sources).toEqual(['/map/assets/map.css', '/map/assets/token.js', '/map/assets/cytoscape.js', '/map/assets/map.js']);
      expect(html).not.toMatch(/https?:\/\//);
      for (const source of sources) {
        const asset = await fetch(`${app.url}${source}`);
        expect(asset.status).toBe(200);
        expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(500);
      }
      for (const name of ['unknown.js', '__proto__', 'constructor', '..%2Fpackage.json']) {
        expect((await fetch(`${app.url}/map/assets/${name}`)).status).toBe(404);
      }
    } finally {
      await app.close();
    }
  });

  it('sends a visitor of / to the map, and serves a favicon under both names browsers ask for', async () => {
    const app = await startTestApp({ seed: false });
    try {
      const front = await fetch(`${app.url}/`, { redirect: 'manual' });
      expect([front.status, front.headers.get('location')]).toEqual([302, '/map']);
      for (const path of ['/favicon.svg', '/favicon.ico']) {
        const icon = await fetch(`${app.url}${path}`);
        expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
        expect(await icon.text()).toMatch(/^<svg [^>]*viewBox="0 0 32 32"/);
      }
      expect(await (await fetch(`${app.url}/map`)).text()).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml" />');
    } finally {
      await app.close();
    }
  });

  it('answers an anonymous GraphQL request from the explorer with the reason and no stack trace, even in development', async () => {
    const app = await startTestApp({ seed: false, config: { nodeEnv: 'development' } });
    try {
      const response = await app.gql('{ processors { totalCount } }');
      expect(response.status).toBe(401);
      expect(response.errors![0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    } finally {
      await app.close();
    }
  });
});

describe('the explorer', () => {
  it('serves GraphiQL and its assets from the service itself, with no CDN', async () => {
    const app = await startTestApp({ seed: false });
    try {
      const page = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      const html = await page.text();
      const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(sources).toEqual([
        '/explorer/graphiql.css', '/explorer/explorer.css', '/map', '/explorer/react.js', '/explorer/react-dom.js', '/explorer/graphiql.js', '/explorer/token.js', '/explorer/explorer.js',
      ]);
      expect(html).toContain('npm run --silent token -- --role VIEWER --sub you@pythonmaster.com');
      for (const source of sources) {
        const asset = await fetch(`${app.url}${source}`);
        expect(asset.status).toBe(200);
        expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(200);
      }
      expect((await fetch(`${app.url}/explorer/unknown.js`)).status).toBe(404);
      expect((await fetch(`${app.url}/explorer/__proto__`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
