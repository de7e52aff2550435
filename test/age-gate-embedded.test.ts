import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { statementCounter } from '../src/db/statement-counter';
import { loadConfig } from '../src/common/config';
import { startServer, type RunningServer } from '../src/server/start';
import { TEST_JWT_SECRET, authAs } from './harness';

const AGE_GATE = `query Check($input: AgeGateInput!) { ageGate(input: $input) { allowed age minimumAge digitalConsentAge parentalConsentRequired } }`;

/**
 * On embedded PGlite the database belongs to this one process, so the gate keeps the policy in memory and
 * drops it when a policy mutation commits: no statement per check, and still the next check applies a change.
 */
describe('the age gate on embedded PostgreSQL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'datamap-age-'));
  let server: RunningServer;
  beforeAll(async () => {
    const config = { ...loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET }), databaseUrl: undefined };
    server = await startServer(config, pino({ level: 'silent' }));
  }, 180_000); // a cold start of embedded PostgreSQL, with the seed, on a busy machine
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function gql(query: string, variables: Record<string, unknown>, role: 'SIGNUP_SERVICE' | 'PRIVACY_OFFICER') {
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(await authAs(role)) }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data: Record<string, any>; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  // Fifteen today in UTC, whatever the date: born on 1 January fifteen years ago.
  const fifteen = `${new Date().getUTCFullYear() - 15}-01-01`;
  const check = async (country: string) => {
    const { result, statements } = await statementCounter.measure(() => gql(AGE_GATE, { input: { birthDate: fifteen, country } }, 'SIGNUP_SERVICE'));
    return { ...result.ageGate, statements };
  };

  it('checks without a statement once the policy is loaded, and applies each policy change to the next check', async () => {
    await check('FR');
    expect(await check('FR')).toEqual({ allowed: true, age: 15, minimumAge: 13, digitalConsentAge: 15, parentalConsentRequired: false, statements: 0 });
    expect(await check('CA-QC')).toMatchObject({ digitalConsentAge: 14, statements: 0 });

    await gql(`mutation { setDigitalConsentAge(input: { jurisdiction: "FR", age: 16 }) { age } }`, {}, 'PRIVACY_OFFICER');
    // Reloading the policy takes three statements. Below the age of digital consent, the activities resting on
    // consent are read for each check (one statement), so that a change of the map applies at once.
    expect(await check('FR')).toEqual({ allowed: true, age: 15, minimumAge: 13, digitalConsentAge: 16, parentalConsentRequired: true, statements: 4 });
    expect(await check('FR')).toMatchObject({ statements: 1 });
    expect(await check('CA-QC')).toMatchObject({ parentalConsentRequired: false, statements: 0 });

    await gql(`mutation { updateAgePolicy(input: { minimumAge: 16 }) { minimumAge } }`, {}, 'PRIVACY_OFFICER');
    expect(await check('FR')).toMatchObject({ allowed: false, minimumAge: 16 });

    await gql(`mutation { removeDigitalConsentAge(jurisdiction: "CA-QC") { age } }`, {}, 'PRIVACY_OFFICER');
    expect(await check('CA-QC')).toMatchObject({ digitalConsentAge: 16 });
  });

  it('still refuses an unknown country from memory', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await authAs('SIGNUP_SERVICE')) },
      body: JSON.stringify({ query: AGE_GATE, variables: { input: { birthDate: fifteen, country: 'XX' } } }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors.map((e) => [e.extensions.code, e.message])).toEqual([['BAD_USER_INPUT', 'country "XX" is not a known ISO 3166-1 alpha-2 country code']]);
  });
});
