import { AuditEntry } from '../src/audit/audit-entry.entity';
import { authAs, startTestApp, type TestApp } from './harness';

const AGE_GATE = `query Check($input: AgeGateInput!) {
  ageGate(input: $input) { allowed age minimumAge digitalConsentAge parentalConsentRequired parentalGuidanceRecommended reason }
}`;
const UPDATE_POLICY = `mutation Update($input: UpdateAgePolicyInput!) {
  updateAgePolicy(input: $input) { minimumAge defaultDigitalConsentAge parentalGuidanceUntilAge }
}`;
const SET_AGE = `mutation Set($input: SetDigitalConsentAgeInput!) {
  setDigitalConsentAge(input: $input) { jurisdiction age verified source }
}`;
const REMOVE_AGE = `mutation Remove($jurisdiction: ID!) { removeDigitalConsentAge(jurisdiction: $jurisdiction) { jurisdiction age } }`;

const DPO = 'dpo@pythonmaster.example';
const SEEDED_POLICY = { minimumAge: 13, defaultDigitalConsentAge: 16, parentalGuidanceUntilAge: 18 };
const SEEDED_SOURCE = 'GDPR Art. 8(1) and national law, per the Commission staff working document SWD(2020) 115';
const QUEBEC_SOURCE = 'Law 25, Act respecting the protection of personal information in the private sector s.4.1';

let app: TestApp;
const now = new Date('2026-06-15T12:00:00Z');

beforeEach(async () => {
  app = await startTestApp({ clock: () => now });
});
afterEach(() => app.close());

const asOfficer = () => authAs('PRIVACY_OFFICER', DPO);

async function ageGate(target: TestApp, birthDate: string, country: string) {
  const response = await target.gql(AGE_GATE, { input: { birthDate, country } }, await authAs('SIGNUP_SERVICE'));
  expect(response.errors).toBeUndefined();
  return response.data!.ageGate;
}

async function auditTrail() {
  const entries = await app.em().find(AuditEntry, {}, { orderBy: { id: 'asc' } });
  return entries.map(({ actor, roles, operation, entityType, entityKey, before, after }) => ({ actor, roles, operation, entityType, entityKey, before, after }));
}

describe('reading the policy', () => {
  it('shows the seeded minimum, default and every jurisdiction, in code order, in two statements', async () => {
    const { response, statements } = await app.countStatements(
      `{ agePolicy { key minimumAge defaultDigitalConsentAge parentalGuidanceUntilAge digitalConsentAges { jurisdiction age verified source } } }`,
      {},
      await authAs('VIEWER'),
    );
    expect(response.errors).toBeUndefined();
    const { digitalConsentAges, ...policy } = response.data!.agePolicy;
    expect(policy).toEqual({ key: 'platform', ...SEEDED_POLICY });
    expect(digitalConsentAges).toHaveLength(36);
    expect(digitalConsentAges.slice(0, 3).map((entry: { jurisdiction: string }) => entry.jurisdiction)).toEqual(['AT', 'BE', 'BG']);
    const entry = (jurisdiction: string) => digitalConsentAges.find((e: { jurisdiction: string }) => e.jurisdiction === jurisdiction);
    // Each age carries its own law; the GDPR's only where Art. 8 and national implementing law set it.
    expect(entry('CA-QC')).toEqual({ jurisdiction: 'CA-QC', age: 14, verified: true, source: QUEBEC_SOURCE });
    expect(
      ['US', 'GB', 'CN', 'IN', 'KR', 'SI', 'DE', 'IS'].map((code) => [code, entry(code).age, entry(code).verified, entry(code).source]),
    ).toEqual([
      ['US', 13, true, 'COPPA, 15 U.S.C. §6501'],
      ['GB', 13, true, 'DPA 2018 s.9'],
      ['CN', 14, true, 'PIPL Art. 31'],
      ['IN', 18, true, 'DPDP Act 2023 s.9'],
      ['KR', 14, true, 'PIPA Art. 22-2'],
      ['SI', 15, true, 'ZVOP-2, in force 26 January 2023'],
      ['DE', 16, true, SEEDED_SOURCE],
      ['IS', 13, false, SEEDED_SOURCE],
    ]);
    expect(statements).toBe(2);
  });
});

describe('a policy change applies to the next check', () => {
  it('raising the minimum age to 14 blocks a 13-year-old who was allowed a moment before', async () => {
    expect(await ageGate(app, '2013-01-01', 'US')).toMatchObject({ allowed: true, age: 13, minimumAge: 13 });
    const update = await app.gql(UPDATE_POLICY, { input: { minimumAge: 14 } }, await asOfficer());
    expect(update.errors).toBeUndefined();
    expect(update.data!.updateAgePolicy).toEqual({ ...SEEDED_POLICY, minimumAge: 14 });
    expect(await ageGate(app, '2013-01-01', 'US')).toEqual({
      allowed: false,
      age: 13,
      minimumAge: 14,
      digitalConsentAge: 13,
      parentalConsentRequired: false,
      parentalGuidanceRecommended: false,
      reason: 'UNDER_MINIMUM_AGE',
    });
  });

  it('a new default applies to countries without an entry, and the change is audited with before and after', async () => {
    await app.gql(UPDATE_POLICY, { input: { defaultDigitalConsentAge: 15, parentalGuidanceUntilAge: 16 } }, await asOfficer());
    expect(await ageGate(app, '2010-01-01', 'BR')).toMatchObject({ age: 16, digitalConsentAge: 15, parentalConsentRequired: false, parentalGuidanceRecommended: false });
    expect(await auditTrail()).toEqual([
      {
        actor: DPO,
        roles: ['PRIVACY_OFFICER'],
        operation: 'updateAgePolicy',
        entityType: 'AgePolicy',
        entityKey: 'platform',
        before: SEEDED_POLICY,
        after: { minimumAge: 13, defaultDigitalConsentAge: 15, parentalGuidanceUntilAge: 16 },
      },
    ]);
  });

  it("setting Canada's age applies to Canada, while Quebec keeps its own", async () => {
    const set = await app.gql(SET_AGE, { input: { jurisdiction: 'ca', age: 13, source: 'PIPEDA guidance' } }, await asOfficer());
    expect(set.data!.setDigitalConsentAge).toEqual({ jurisdiction: 'CA', age: 13, verified: true, source: 'PIPEDA guidance' });
    expect(await ageGate(app, '2013-01-01', 'CA')).toMatchObject({ digitalConsentAge: 13, parentalConsentRequired: false });
    expect(await ageGate(app, '2013-01-01', 'CA-QC')).toMatchObject({ digitalConsentAge: 14, parentalConsentRequired: true });
    expect(await auditTrail()).toEqual([
      {
        actor: DPO,
        roles: ['PRIVACY_OFFICER'],
        operation: 'setDigitalConsentAge',
        entityType: 'DigitalConsentAge',
        entityKey: 'CA',
        before: null,
        after: { jurisdiction: 'CA', age: 13, verified: true, source: 'PIPEDA guidance' },
      },
    ]);
  });

  it("changing Germany's age keeps its source, and can mark it unverified", async () => {
    const set = await app.gql(SET_AGE, { input: { jurisdiction: 'DE', age: 15, verified: false } }, await asOfficer());
    expect(set.data!.setDigitalConsentAge).toEqual({ jurisdiction: 'DE', age: 15, verified: false, source: SEEDED_SOURCE });
    expect(await ageGate(app, '2011-01-01', 'DE')).toMatchObject({ age: 15, digitalConsentAge: 15, parentalConsentRequired: false });
    const [entry] = await auditTrail();
    expect(entry.before).toEqual({ jurisdiction: 'DE', age: 16, verified: true, source: SEEDED_SOURCE });
    expect(entry.after).toEqual({ jurisdiction: 'DE', age: 15, verified: false, source: SEEDED_SOURCE });
  });

  it("removing Quebec's entry gives it Canada's age, here the default, and is audited", async () => {
    const removed = await app.gql(REMOVE_AGE, { jurisdiction: 'CA-QC' }, await asOfficer());
    expect(removed.data!.removeDigitalConsentAge).toEqual({ jurisdiction: 'CA-QC', age: 14 });
    expect(await ageGate(app, '2012-01-01', 'CA-QC')).toMatchObject({ digitalConsentAge: 16, parentalConsentRequired: true });
    expect(await auditTrail()).toEqual([
      {
        actor: DPO,
        roles: ['PRIVACY_OFFICER'],
        operation: 'removeDigitalConsentAge',
        entityType: 'DigitalConsentAge',
        entityKey: 'CA-QC',
        before: { jurisdiction: 'CA-QC', age: 14, verified: true, source: QUEBEC_SOURCE },
        after: null,
      },
    ]);
  });

  it('a change made through one instance applies to the next check on another instance of the same database', async () => {
    const other = await startTestApp({ reset: false, seed: false, clock: () => now });
    try {
      expect(await ageGate(other, '2011-01-01', 'FR')).toMatchObject({ digitalConsentAge: 15, parentalConsentRequired: false });
      await app.gql(SET_AGE, { input: { jurisdiction: 'FR', age: 16 } }, await asOfficer());
      expect(await ageGate(other, '2011-01-01', 'FR')).toMatchObject({ digitalConsentAge: 16, parentalConsentRequired: true });
    } finally {
      await other.close();
    }
  });
});

describe('refused policy changes leave the policy and the audit trail as they were', () => {
  it.each([
    ['a minimum age above 25', UPDATE_POLICY, { input: { minimumAge: 26 } }, 'input.minimumAge', 'minimumAge 26 is out of range: an age must be from 0 to 25'],
    ['a negative default', UPDATE_POLICY, { input: { defaultDigitalConsentAge: -1 } }, 'input.defaultDigitalConsentAge', 'defaultDigitalConsentAge -1 is out of range: an age must be from 0 to 25'],
    [
      'a change of nothing',
      UPDATE_POLICY,
      { input: {} },
      'input',
      'input changes nothing: give at least one of minimumAge, defaultDigitalConsentAge, parentalGuidanceUntilAge',
    ],
    ['an age of consent above 25', SET_AGE, { input: { jurisdiction: 'DE', age: 40 } }, 'input.age', 'age 40 is out of range: an age must be from 0 to 25'],
    ['an unknown country', SET_AGE, { input: { jurisdiction: 'XX', age: 14 } }, 'input.jurisdiction', 'jurisdiction "XX" is not a known ISO 3166-1 alpha-2 country code'],
    [
      'a subdivision of an unknown country',
      SET_AGE,
      { input: { jurisdiction: 'XX-QC', age: 14 } },
      'input.jurisdiction',
      'jurisdiction "XX-QC" names an unknown country: "XX" is not a known ISO 3166-1 alpha-2 country code',
    ],
    [
      'a name instead of a code',
      SET_AGE,
      { input: { jurisdiction: 'Quebec', age: 14 } },
      'input.jurisdiction',
      'jurisdiction "Quebec" is not an ISO 3166-1 alpha-2 country code such as "DE" or an ISO 3166-2 subdivision such as "CA-QC"',
    ],
  ])('%s is BAD_USER_INPUT', async (_case, mutation, variables, field, message) => {
    const response = await app.gql(mutation, variables, await asOfficer());
    expect(response.data).toBeNull();
    expect(response.errors!.map((e) => ({ message: e.message, code: e.extensions!.code, field: e.extensions!.field }))).toEqual([
      { message, code: 'BAD_USER_INPUT', field },
    ]);
    const policy = await app.gql(`{ agePolicy { minimumAge defaultDigitalConsentAge parentalGuidanceUntilAge digitalConsentAges { jurisdiction age } } }`, {}, await asOfficer());
    expect(policy.data!.agePolicy).toMatchObject(SEEDED_POLICY);
    expect(policy.data!.agePolicy.digitalConsentAges).toHaveLength(36);
    expect(policy.data!.agePolicy.digitalConsentAges.find((e: { jurisdiction: string }) => e.jurisdiction === 'DE').age).toBe(16);
    expect(await auditTrail()).toEqual([]);
  });

  it('every out-of-range age is reported at once', async () => {
    const response = await app.gql(UPDATE_POLICY, { input: { minimumAge: 30, parentalGuidanceUntilAge: 99 } }, await asOfficer());
    expect(response.errors![0].extensions!.problems).toEqual([
      { field: 'input.minimumAge', value: 30, message: 'minimumAge 30 is out of range: an age must be from 0 to 25' },
      { field: 'input.parentalGuidanceUntilAge', value: 99, message: 'parentalGuidanceUntilAge 99 is out of range: an age must be from 0 to 25' },
    ]);
  });

  it('removing an entry that does not exist is NOT_FOUND', async () => {
    const response = await app.gql(REMOVE_AGE, { jurisdiction: 'BR' }, await asOfficer());
    expect(response.errors!.map((e) => ({ message: e.message, code: e.extensions!.code }))).toEqual([
      { message: 'jurisdiction "BR" has no digital consent age to remove', code: 'NOT_FOUND' },
    ]);
    expect(await auditTrail()).toEqual([]);
  });

  it.each(['SIGNUP_SERVICE', 'VIEWER', 'ENGINEER', 'AUDITOR'] as const)('a %s may not change the policy', async (role) => {
    const response = await app.gql(UPDATE_POLICY, { input: { minimumAge: 10 } }, await authAs(role));
    expect(response.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(await ageGate(app, '2014-01-01', 'US')).toMatchObject({ minimumAge: 13, allowed: false });
  });
});
