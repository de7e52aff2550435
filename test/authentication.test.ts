import { SignJWT, UnsecuredJWT } from 'jose';
import { startTestApp, TEST_JWT_SECRET, tokenFor, type TestApp } from './harness';

const QUERY = `{ processors(first: 1) { totalCount } }`;
const secret = new TextEncoder().encode(TEST_JWT_SECRET);
const now = () => Math.floor(Date.now() / 1000);

function signed(claims: Record<string, unknown>, key: Uint8Array = secret) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key);
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
    ['an expired token', async () => `Bearer ${await signed({ sub: 'a', roles: ['VIEWER'], exp: now() - 60 })}`, 'Invalid token: the token has expired'],
    ['a token not valid yet', async () => `Bearer ${await signed({ sub: 'a', roles: ['VIEWER'], nbf: now() + 3600 })}`,
      'Invalid token: the token is not valid yet (nbf is in the future)'],
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
});
