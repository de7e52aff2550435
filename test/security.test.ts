import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import { tokenFromArguments } from '../src/cli/token';
import { Setting } from '../src/db/setting.entity';
import { createLogger } from '../src/server/logger';
import { ConfigError, loadConfig } from '../src/common/config';
import { startServer } from '../src/server/start';
import subdivisions from '../seeds/reference/subdivisions.json';
import { authAs, startTestApp, type TestApp } from './harness';

/** The secret main published in src/server/config.ts and signed development tokens with. */
const OLD_PUBLISHED_SECRET = 'datamap-development-secret-do-not-use-in-production';
const QUERY = `{ processors(first: 1) { totalCount } }`;

/** A PRIVACY_OFFICER token as the attacker forged it: signed with a fixed string, no exp. */
function forged(secret: string) {
  return new SignJWT({ roles: ['PRIVACY_OFFICER'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('attacker').sign(new TextEncoder().encode(secret));
}

async function post(url: string, token: string, query = QUERY) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, ...((await response.json()) as { data?: any; errors?: any[] }) };
}

function captureLines() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('no shared secret by default', () => {
  it('keeps no fixed secret in the source', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
    const offenders = files(join(__dirname, '..', 'src')).filter((file) => readFileSync(file, 'utf8').includes('do-not-use-in-production'));
    expect(offenders).toEqual([]);
  });

  describe('on embedded PGlite', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'datamap-secret-'));
    const env = { NODE_ENV: 'development', PORT: '0', DATA_DIR: dataDir, SEED: 'false' };
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('generates a 256-bit secret on first start, keeps it in DATA_DIR with mode 0600, and npm run token signs with it', async () => {
      const { lines, stream } = captureLines();
      const config = { ...loadConfig(env), databaseUrl: undefined };
      const first = await startServer(config, createLogger({ logLevel: 'info' }, stream));
      const file = join(dataDir, 'jwt-secret');
      let token: string;
      try {
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url')).toHaveLength(32);

        const refused = await post(first.url, await forged(OLD_PUBLISHED_SECRET));
        expect(refused.status).toBe(401);
        expect(refused.errors![0]).toEqual(expect.objectContaining({ message: 'Invalid token: the token signature does not verify' }));

        token = await tokenFromArguments(['--role', 'PRIVACY_OFFICER', '--sub', 'dpo@pythonmaster.com'], env);
        expect((await post(first.url, token)).data).toEqual({ processors: { totalCount: 0 } });

        const serving = lines.map((line) => JSON.parse(line)).find((line) => line.msg.startsWith('datamap is serving'));
        expect(serving).toEqual(
          expect.objectContaining({
            msg: `datamap is serving on 127.0.0.1:${first.port} (this machine only; set HOST to open it)`,
            address: `127.0.0.1:${first.port}`,
            tokens: `HS256 secret generated on first start, kept in ${file}`,
          }),
        );
      } finally {
        await first.stop();
      }
      // A restart keeps the secret, so tokens already handed out stay valid.
      const second = await startServer(config, createLogger({ logLevel: 'silent' }));
      try {
        expect((await post(second.url, token)).data).toEqual({ processors: { totalCount: 0 } });
      } finally {
        await second.stop();
      }
    }, 180_000); // two starts of embedded PostgreSQL from an empty directory
  });

  describe('on a PostgreSQL server', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ seed: false, config: loadConfig({ NODE_ENV: 'development' }) });
    });
    afterAll(() => app.close());

    it('generates the secret once into a settings row, which npm run token reads without the service', async () => {
      const rows = await app.em().find(Setting, {});
      expect(rows.map((row) => row.key)).toEqual(['jwt_secret']);
      expect(Buffer.from(rows[0].value, 'base64url')).toHaveLength(32);

      const refused = await app.gql(QUERY, {}, { authorization: `Bearer ${await forged(OLD_PUBLISHED_SECRET)}` });
      expect(refused.status).toBe(401);

      const token = await tokenFromArguments(['--role', 'VIEWER', '--sub', 'eve@pythonmaster.com'], { DATABASE_URL: process.env.TEST_DATABASE_URL });
      expect((await app.gql(QUERY, {}, { authorization: `Bearer ${token}` })).data).toEqual({ processors: { totalCount: 0 } });
      expect(await app.em().count(Setting, {})).toBe(1);
    });
  });

  it.each([
    [{ NODE_ENV: 'production' }, 'JWT_SECRET is required in production (or JWT_JWKS_URL for RS256/ES256 tokens)'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(32) }, 'JWT_SECRET is too predictable: about 0 bits of estimated entropy, at least 128 needed (generate one with: openssl rand -base64 32)'],
    [{ JWT_SECRET: 'abababababababababababababababab' }, 'JWT_SECRET is too predictable: about 32 bits of estimated entropy, at least 128 needed (generate one with: openssl rand -base64 32)'],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it('accepts a secret from openssl rand in production', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'q1Yd0Vf3m8ZJr2T6kXw9pLc4sNb7hGe5uAo+RiK/DtE=' }).auth.jwtSecret).toBeDefined();
  });
});

describe('local by default', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });
});

describe('JWT_JWKS_URL', () => {
  it.each(['https://login.example/.well-known/jwks.json', 'http://127.0.0.1:8080/jwks.json', 'http://localhost/jwks.json', 'http://[::1]:9000/jwks.json'])(
    'accepts %s',
    (url) => {
      expect(loadConfig({ JWT_JWKS_URL: url }).auth.jwksUrl).toBe(url);
    },
  );

  it.each(['http://login.example/jwks.json', 'http://10.0.0.5/jwks.json', 'ftp://keys'])('refuses %s', (url) => {
    expect(() => loadConfig({ JWT_JWKS_URL: url })).toThrow(
      new ConfigError(`JWT_JWKS_URL="${url}" must be an https URL (plain http only on loopback, such as http://127.0.0.1)`),
    );
  });
});

describe('request bodies', () => {
  const BIRTH_DATE = '2013-04-27';
  let app: TestApp;
  let logLines: string[];
  let printed: string[];
  const nodeEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    const capture = captureLines();
    logLines = capture.lines;
    printed = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        printed.push(args.map(String).join(' '));
      });
    }
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        printed.push(String(chunk));
        return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as never);
    }
    // Express prints error stacks unless NODE_ENV is "test": run as production does.
    process.env.NODE_ENV = 'production';
    app = await startTestApp({ seed: false, logger: createLogger({ logLevel: 'trace' }, capture.stream) });
    process.env.NODE_ENV = nodeEnv;
  });
  afterAll(async () => {
    await app.close();
    jest.restoreAllMocks();
  });

  const send = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${app.url}/graphql`, { method: 'POST', headers, body });

  it.each([
    ['malformed JSON', () => send(`{"query":"{ ageGate { allowed } }","variables":{"input":{"birthDate":"${BIRTH_DATE}",`), 400, 'The request body is not valid JSON'],
    ['a body over 1 MB', () => send(JSON.stringify({ query: '{ __typename }', variables: { birthDate: BIRTH_DATE, pad: 'x'.repeat(1_100_000) } })), 413,
      'The request body is larger than 1mb, the most this service reads'],
    ['text/plain', () => send(JSON.stringify({ query: '{ __typename }', variables: { birthDate: BIRTH_DATE } }), { 'content-type': 'text/plain' }), 415,
      'A POST to /graphql must have Content-Type: application/json'],
    ['no content type', () => send(`birthDate=${BIRTH_DATE}`, {}), 415, 'A POST to /graphql must have Content-Type: application/json'],
    ['an unknown charset', () => send(JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json; charset=ebcdic' }), 415,
      'The request body has a charset this service does not read: send UTF-8'],
  ])('answers %s with a JSON error carrying extensions.code, no stack, and logs no trace of the body', async (_name, request, status, message) => {
    const response = await request();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
    expect(text).not.toContain(BIRTH_DATE);
    expect([...logLines, ...printed].filter((line) => line.includes(BIRTH_DATE) || /\n\s+at /.test(line))).toEqual([]);
  });
});

describe('age-gate metrics', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ config: { ageGateFlushMs: 3_600_000 } });
  });
  afterAll(() => app.close());

  it('count every subdivision of a country under it, refuse invented ones, and keep one series and one stored row', async () => {
    const headers = await authAs('SIGNUP_SERVICE');
    const check = (country: string) =>
      app.gql(`query ($input: AgeGateInput!) { ageGate(input: $input) { allowed } }`, { input: { birthDate: '1990-01-01', country } }, headers);
    const real = subdivisions.subdivisions.US;
    expect(real).toHaveLength(57);
    for (let start = 0; start < real.length; start += 20) {
      await Promise.all(real.slice(start, start + 20).map(async (country) => expect((await check(country)).data).toEqual({ ageGate: { allowed: true } })));
    }
    // Invented subdivisions are refused, and counted nowhere.
    const invented = Array.from({ length: 100 }, (_, i) => `US-Z${i.toString(36).toUpperCase().padStart(2, '0')}`);
    for (let start = 0; start < invented.length; start += 50) {
      await Promise.all(invented.slice(start, start + 50).map(async (country) => expect((await check(country)).errors![0].extensions!.code).toBe('BAD_USER_INPUT')));
    }
    // A subdivision the policy has its own age for keeps its own series.
    await app.gql(`{ ageGate(input: { birthDate: "1990-01-01", country: "CA-QC" }) { allowed } }`, {}, headers);

    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    const series = metrics.split('\n').filter((line) => line.startsWith('datamap_age_gate_checks_total{'));
    expect(series).toEqual([
      'datamap_age_gate_checks_total{country="US",outcome="ALLOWED"} 57',
      'datamap_age_gate_checks_total{country="CA-QC",outcome="ALLOWED"} 1',
    ]);
    await app.ageGateCounters.flush();
    const rows = await app.em().getConnection().execute<{ country: string; count: string }[]>('select country, count from age_gate_count order by country');
    expect(rows.map((row) => [row.country, Number(row.count)])).toEqual([
      ['CA-QC', 1],
      ['US', 57],
    ]);
  });
});

describe('CORS', () => {
  const DASHBOARD = 'https://dashboard.pythonmaster.example';
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ seed: false, config: { corsOrigins: [DASHBOARD, 'http://localhost:3000'] } });
  });
  afterAll(() => app.close());

  const preflight = (origin: string) =>
    fetch(`${app.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
  const accessHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

  it('lets a listed origin POST with Authorization and Content-Type, without credentials', async () => {
    const response = await preflight(DASHBOARD);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();

    const answer = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { origin: DASHBOARD, 'content-type': 'application/json', ...(await authAs('VIEWER')) },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(answer.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(await answer.json()).toEqual({ data: { processors: { totalCount: 0 } } });
  });

  it.each(['https://evil.example', 'https://dashboard.pythonmaster.example.evil.example', 'null'])('gives %s no Access-Control header', async (origin) => {
    expect(accessHeaders(await preflight(origin))).toEqual([]);
  });

  it('is off by default', async () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    const plain = await startTestApp({ seed: false });
    try {
      const response = await fetch(`${plain.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin: DASHBOARD, 'access-control-request-method': 'POST' },
      });
      expect(accessHeaders(response)).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it.each(['https://dashboard.example/', 'dashboard.example', 'https://dashboard.example/app'])('refuses CORS_ORIGINS=%s, which is not an exact origin', (origin) => {
    expect(() => loadConfig({ CORS_ORIGINS: origin })).toThrow(ConfigError);
  });

  it('reads a comma-separated list', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:3000' }).corsOrigins).toEqual(['https://a.example', 'http://localhost:3000']);
  });
});

describe('the explorer routes', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ seed: false });
  });
  afterAll(() => app.close());

  it.each(['__proto__', 'constructor', 'hasOwnProperty', 'toString'])('answer 404 for /explorer/%s', async (name) => {
    expect((await fetch(`${app.url}/explorer/${name}`)).status).toBe(404);
  });
});
