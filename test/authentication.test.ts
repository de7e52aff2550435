import { SignJWT, UnsecuredJWT } from 'jose';
import { loadConfig } from '../src/common/config';
import { startTestApp, TEST_JWT_SECRET, tokenFor, type TestApp } from './harness';

const QUERY = `{ processors(first: 1) { totalCount } }`;
const secret = new TextEncoder().encode(TEST_JWT_SECRET);
const now = () => Math.floor(Date.now() / 1000);

/** A token with these claims; exp is five minutes ahead unless the claims set it (undefined leaves it out). */
function signed(claims: Record<string, unknown>, key: Uint8Array = secret) {
  return new SignJWT({ exp: now() + 300, ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(key);
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ seed: false });
});
afterAll(() => app.close());

describe('authentication', () => {
  it('accepts a valid token', async () => {
    const response = await app.gql(QUERY, {}, { authorization: `Bearer ${await tokenFor('VIEWER')}` });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ processors: { totalCount: 0 } });
  });

  const cases: [string, () => Promise<string>, string][] = [
    ['a header without the Bearer scheme', async () => `Token ${await tokenFor('VIEWER')}`, 'The Authorization header must be "Bearer <token>"'],
    ['a malformed token', async () => 'Bearer not.a.jwt', 'Invalid token: the token is malformed'],
    ['an expired token', async () => `Bearer ${await signed({ sub: 'a', roles: ['VIEWER'], exp: now() - 120 })}`, 'Invalid token: the token has expired'],
    ['a token not valid yet', async () => `Bearer ${await signed({ sub: 'a', roles: ['VIEWER'], nbf: now() + 3600 })}`,
      'Invalid token: the token is not valid yet (nbf is in the future)'],
    ['a token valid from 2 minutes ahead', async () => `Bearer ${await signed({ sub: 'a', roles: ['VIEWER'], nbf: now() + 120 })}`,
      'Invalid token: the token is not valid yet (nbf is in the future)'],
    ['a token without exp', async () => `Bearer ${await signed({ sub: 'a', roles: ['PRIVACY_OFFICER'], exp: undefined })}`,
      'Invalid token: the token has no expiry (exp); every token must carry one'],
    ['a token valid for 100 years', async () => `Bearer ${await signed({ sub: 'a', roles: ['VIEWER'], iat: now(), exp: now() + 100 * 365 * 86_400 })}`,
      'Invalid token: the token is valid for 3153600000 seconds, longer than the 2592000 this service accepts (JWT_MAX_TTL_SECONDS)'],
    ['a token without iat, valid for 31 days from now', async () => `Bearer ${await signed({ sub: 'a', roles: ['VIEWER'], exp: now() + 31 * 86_400 })}`,
      'longer than the 2592000 this service accepts (JWT_MAX_TTL_SECONDS)'],
    ['a token issued 2 minutes in the future', async () => `Bearer ${await signed({ sub: 'a', roles: ['VIEWER'], iat: now() + 120, exp: now() + 600 })}`,
      'Invalid token: the token was issued in the future (iat)'],
    ['a token with a wrong signature', async () => `Bearer ${await signed({ sub: 'a', roles: ['VIEWER'] }, new TextEncoder().encode('another-secret-that-is-long-enough-too'))}`,
      'Invalid token: the token signature does not verify'],
    ['an unsigned token (alg: none)', async () => `Bearer ${new UnsecuredJWT({ sub: 'a', roles: ['PRIVACY_OFFICER'] }).encode()}`,
      'Invalid token: the token is signed with none, which this service does not accept'],
    ['a token with an unknown role', async () => `Bearer ${await signed({ sub: 'a', roles: ['VIEWER', 'ADMIN'] })}`,
      'The token names an unknown role: ADMIN (known: VIEWER, ENGINEER, PRIVACY_OFFICER, AUDITOR, SIGNUP_SERVICE)'],
    ['a token without roles', async () => `Bearer ${await signed({ sub: 'a' })}`, 'The token has no roles claim: expected an array of role names'],
    ['a token without a subject', async () => `Bearer ${await signed({ roles: ['VIEWER'] })}`, 'The token has no subject (sub)'],
  ];

  it.each(cases)('answers %s with UNAUTHENTICATED and a clear message, never a 500', async (_name, header, message) => {
    const response = await app.gql(QUERY, {}, { authorization: await header() });
    expect(response.status).toBe(401);
    expect(response.data).toBeUndefined();
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(response.errors![0].message).toContain(message);
  });

  it.each([
    ['exactly the longest lifetime', () => ({ iat: now(), exp: now() + 30 * 86_400 })],
    ['nbf and iat within the minute of clock skew', () => ({ iat: now() + 30, nbf: now() + 30, exp: now() + 600 })],
  ])('accepts a token with %s', async (_name, claims) => {
    const response = await app.gql(QUERY, {}, { authorization: `Bearer ${await signed({ sub: 'a', roles: ['VIEWER'], ...claims() })}` });
    expect(response.errors).toBeUndefined();
  });

  it('takes the longest lifetime from JWT_MAX_TTL_SECONDS', async () => {
    const short = await startTestApp({ seed: false, config: loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, JWT_MAX_TTL_SECONDS: '600' }) });
    try {
      const token = await signed({ sub: 'a', roles: ['VIEWER'], iat: now(), exp: now() + 601 });
      expect((await short.gql(QUERY, {}, { authorization: `Bearer ${token}` })).errors![0].message).toBe(
        'Invalid token: the token is valid for 601 seconds, longer than the 600 this service accepts (JWT_MAX_TTL_SECONDS)',
      );
    } finally {
      await short.close();
    }
  });
});
