import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { tokenFromArguments, TokenUsageError } from '../src/cli/token';
import { loadConfig } from '../src/common/config';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from './harness';

const QUERY = `{ processors(first: 1) { totalCount } }`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('npm run token', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ seed: false });
  });
  afterAll(() => app.close());

  it('prints a token the service accepts, with the roles and subject asked for', async () => {
    const token = await tokenFromArguments(['--role', 'ENGINEER', '--role', 'AUDITOR', '--sub', 'alice@example.com', '--ttl', '2h'], { JWT_SECRET: TEST_JWT_SECRET });
    const claims = decodeJwt(token);
    expect(claims).toEqual(expect.objectContaining({ sub: 'alice@example.com', roles: ['ENGINEER', 'AUDITOR'] }));
    expect(claims.exp! - claims.iat!).toBe(7200);
    const response = await app.gql(`{ auditLog { totalCount } }`, {}, bearer(token));
    expect(response.errors).toBeUndefined();
  });

  it('signs for an hour unless --ttl says otherwise, and never longer than JWT_MAX_TTL_SECONDS', async () => {
    const claims = decodeJwt(await tokenFromArguments(['--role', 'VIEWER', '--sub', 'bob@example.com'], { JWT_SECRET: TEST_JWT_SECRET }));
    expect(claims.exp! - claims.iat!).toBe(3600);
    const month = decodeJwt(await tokenFromArguments(['--role', 'VIEWER', '--sub', 'bob@example.com', '--ttl', '30d'], { JWT_SECRET: TEST_JWT_SECRET }));
    expect(month.exp! - month.iat!).toBe(30 * 86_400);
    await expect(tokenFromArguments(['--role', 'VIEWER', '--sub', 'a', '--ttl', '31d'], { JWT_SECRET: TEST_JWT_SECRET })).rejects.toThrow(
      new TokenUsageError('--ttl 31d is 2678400 seconds, longer than the 2592000 the service accepts (JWT_MAX_TTL_SECONDS)'),
    );
    await expect(
      tokenFromArguments(['--role', 'VIEWER', '--sub', 'a', '--ttl', '2h'], { JWT_SECRET: TEST_JWT_SECRET, JWT_MAX_TTL_SECONDS: '3600' }),
    ).rejects.toThrow('--ttl 2h is 7200 seconds, longer than the 3600 the service accepts (JWT_MAX_TTL_SECONDS)');
  });

  it.each([
    [[], '--role is required (one of VIEWER, ENGINEER, PRIVACY_OFFICER, AUDITOR, SIGNUP_SERVICE)'],
    [['--role', 'ADMIN', '--sub', 'a'], 'unknown role ADMIN: use VIEWER, ENGINEER, PRIVACY_OFFICER, AUDITOR, SIGNUP_SERVICE'],
    [['--role', 'VIEWER'], '--sub is required: who the token speaks for, as the audit trail will record it'],
    [['--role', 'VIEWER', '--sub', 'a', '--ttl', 'forever'], '--ttl "forever" is not a duration such as 30m, 1h or 7d'],
    [['--role', 'VIEWER', '--sub', 'a', '--ttl', '0h'], '--ttl "0h" is not a duration such as 30m, 1h or 7d'],
    [['--role', 'VIEWER', '--sub', 'a', '--admin'], "Unknown option '--admin'"],
  ])('refuses %j with a message that says what to fix', async (args, message) => {
    await expect(tokenFromArguments(args, { JWT_SECRET: TEST_JWT_SECRET })).rejects.toThrow(TokenUsageError);
    await expect(tokenFromArguments(args, { JWT_SECRET: TEST_JWT_SECRET })).rejects.toThrow(message);
  });

  it('refuses to sign when the service only takes tokens from a JWKS issuer', async () => {
    await expect(tokenFromArguments(['--role', 'VIEWER', '--sub', 'a'], { JWT_JWKS_URL: 'https://issuer.example/jwks.json' })).rejects.toThrow(
      'JWT_SECRET is not set: this service verifies RS256/ES256 tokens from JWT_JWKS_URL, which its issuer signs',
    );
  });
});

describe('tokens verified through a JWKS URL', () => {
  const ISSUER = 'https://login.pythonmaster.example/';
  const AUDIENCE = 'datamap';
  const keys: Record<'RS256' | 'ES256', { privateKey: KeyLike; kid: string }> = {} as never;
  let jwksServer: Server;
  let app: TestApp;
  let unpublished: KeyLike;

  beforeAll(async () => {
    const published: JWK[] = [];
    for (const alg of ['RS256', 'ES256'] as const) {
      const { publicKey, privateKey } = await generateKeyPair(alg);
      keys[alg] = { privateKey, kid: `key-${alg.toLowerCase()}` };
      published.push({ ...(await exportJWK(publicKey)), kid: keys[alg].kid, alg, use: 'sig' });
    }
    unpublished = (await generateKeyPair('RS256')).privateKey;
    jwksServer = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
    app = await startTestApp({
      seed: false,
      config: loadConfig({ NODE_ENV: 'test', JWT_JWKS_URL: jwksUrl, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }),
    });
  });
  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  function sign(alg: 'RS256' | 'ES256', claims: { iss?: string; aud?: string; exp?: string | null } = {}, key: KeyLike = keys[alg].privateKey, kid = keys[alg].kid) {
    const jwt = new SignJWT({ roles: ['VIEWER'] })
      .setProtectedHeader({ alg, kid })
      .setSubject('carol@pythonmaster.com')
      .setIssuer(claims.iss ?? ISSUER)
      .setAudience(claims.aud ?? AUDIENCE)
      .setIssuedAt();
    if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? '5m');
    return jwt.sign(key);
  }

  it.each(['RS256', 'ES256'] as const)('accepts a %s token signed with a published key, from the right issuer for this audience', async (alg) => {
    const response = await app.gql(QUERY, {}, bearer(await sign(alg)));
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ processors: { totalCount: 0 } });
  });

  it.each([
    ['another issuer', () => sign('RS256', { iss: 'https://elsewhere.example/' }), 'Invalid token: the token has the wrong issuer'],
    ['another audience', () => sign('ES256', { aud: 'billing' }), 'Invalid token: the token has the wrong audience'],
    ['a key the JWKS does not publish', () => sign('RS256', {}, unpublished, 'key-unknown'), 'Invalid token: no published key matches the token'],
    ['a published key, without exp', () => sign('ES256', { exp: null }), 'Invalid token: the token has no expiry (exp); every token must carry one'],
    ['a published key, for 100 years', () => sign('RS256', { exp: '100y' }),
      'Invalid token: the token is valid for 3155760000 seconds, longer than the 2592000 this service accepts (JWT_MAX_TTL_SECONDS)'],
    ['an unpublished key under a published key id', () => sign('RS256', {}, unpublished), 'Invalid token: the token signature does not verify'],
    ['HS256 when no secret is configured', () => new SignJWT({ roles: ['VIEWER'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').sign(new TextEncoder().encode(TEST_JWT_SECRET)),
      'Invalid token: the token is signed with HS256, which this service does not accept'],
  ])('answers a token from %s with UNAUTHENTICATED', async (_name, token, message) => {
    const response = await app.gql(QUERY, {}, bearer(await token()));
    expect(response.status).toBe(401);
    expect(response.errors).toEqual([expect.objectContaining({ message, extensions: { code: 'UNAUTHENTICATED' } })]);
  });
});

describe('a JWKS URL that does not answer', () => {
  it.each([
    ['nothing listens', (_req: unknown, _res: unknown) => undefined, true, 'it cannot be reached'],
    ['it answers 500', (_req: unknown, res: import('node:http').ServerResponse) => res.writeHead(500).end('down'), false, 'it did not answer with a key set'],
    ['it answers HTML', (_req: unknown, res: import('node:http').ServerResponse) => res.end('<html>maintenance</html>'), false, 'it did not answer with a key set'],
  ])('answers UNAUTHENTICATED saying the key set is unreachable when %s', async (_name, handler, closeFirst, cause) => {
    const server = createServer(handler as never);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    if (closeFirst) await new Promise((resolve) => server.close(resolve));
    const app = await startTestApp({ seed: false, config: loadConfig({ NODE_ENV: 'test', JWT_JWKS_URL: jwksUrl }) });
    try {
      const { privateKey } = await generateKeyPair('ES256');
      const token = await new SignJWT({ roles: ['VIEWER'] }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).setSubject('a').setIssuedAt().setExpirationTime('5m').sign(privateKey);
      const response = await app.gql(QUERY, {}, bearer(token));
      expect(response.status).toBe(401);
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
      expect(response.errors![0].message).toBe(`Invalid token: the key set at JWT_JWKS_URL is unreachable (${cause}), so no token can be checked`);
    } finally {
      await app.close();
      if (!closeFirst) await new Promise((resolve) => server.close(resolve));
    }
  });
});
