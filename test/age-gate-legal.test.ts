import { authAs, startTestApp, type TestApp } from './harness';

/** Art. 8 where it applies, territories resolved to their member state, and the law behind each age. */
const AGE_GATE = `query Check($input: AgeGateInput!) {
  ageGate(input: $input) {
    allowed age digitalConsentAge digitalConsentAgeJurisdiction digitalConsentAgeSource parentalConsentRequired
    activitiesNeedingParentalConsent { key legalBasis }
  }
}`;

let app: TestApp;
const now = new Date('2026-06-15T12:00:00Z');
beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(() => app.close());

/** Born on 1 January: `age` years old on the test's date. */
async function check(age: number, country: string, role: 'SIGNUP_SERVICE' | 'PRIVACY_OFFICER' = 'SIGNUP_SERVICE') {
  const response = await app.gql(AGE_GATE, { input: { birthDate: `${2026 - age}-01-01`, country } }, await authAs(role));
  expect(response.errors).toBeUndefined();
  return response.data!.ageGate;
}

const CONSENT_ACTIVITIES = [
  { key: 'advertising', legalBasis: 'CONSENT' },
  { key: 'marketing-communications', legalBasis: 'CONSENT' },
  { key: 'usage-analytics', legalBasis: 'CONSENT' },
];

describe('Art. 8 applies to consent, not to contracts', () => {
  it.each([14, 15])('asks a parent\'s consent for a %i-year-old in DE only for the activities that rest on consent', async (age) => {
    const result = await check(age, 'DE');
    expect(result).toEqual({
      allowed: true,
      age,
      digitalConsentAge: 16,
      digitalConsentAgeJurisdiction: 'DE',
      digitalConsentAgeSource: 'GDPR Art. 8(1) and national law, per the Commission staff working document SWD(2020) 115',
      parentalConsentRequired: true,
      activitiesNeedingParentalConsent: CONSENT_ACTIVITIES,
    });
    const keys = result.activitiesNeedingParentalConsent.map((a: { key: string }) => a.key);
    expect(keys).not.toContain('platform-hosting');
    expect(keys).not.toContain('process-payments');
  });

  it.each([
    [16, 'DE'],
    [13, 'BE'],
  ])('needs no parent for a %i-year-old in %s: an empty list', async (age, country) => {
    expect(await check(age, country)).toMatchObject({ parentalConsentRequired: false, activitiesNeedingParentalConsent: [] });
  });

  it('lists nothing for someone under the platform minimum, who may not join at all', async () => {
    expect(await check(12, 'DE')).toMatchObject({ allowed: false, parentalConsentRequired: false, activitiesNeedingParentalConsent: [] });
  });

  it('follows the map: with no activity on consent, no parent is asked', async () => {
    const connection = app.em().getConnection();
    await connection.execute(`update processing_activity set legal_basis = 'LEGITIMATE_INTERESTS' where legal_basis = 'CONSENT'`);
    try {
      expect(await check(14, 'DE')).toMatchObject({ digitalConsentAge: 16, parentalConsentRequired: false, activitiesNeedingParentalConsent: [] });
    } finally {
      await connection.execute(
        `update processing_activity set legal_basis = 'CONSENT' where key in ('advertising', 'marketing-communications', 'usage-analytics')`,
      );
    }
  });

  it('lets the signup service read the activities, but not the processors behind them', async () => {
    const asSignup = await authAs('SIGNUP_SERVICE');
    const activities = await app.gql(`{ ageGate(input: { birthDate: "2012-01-01", country: "DE" }) { activitiesNeedingParentalConsent { key name } } }`, {}, asSignup);
    expect(activities.errors).toBeUndefined();
    expect(activities.data!.ageGate.activitiesNeedingParentalConsent).toEqual([
      { key: 'advertising', name: 'Deliver relevant advertisements' },
      { key: 'marketing-communications', name: 'Marketing communications' },
      { key: 'usage-analytics', name: 'Analyse usage patterns' },
    ]);
    const processors = await app.gql(
      `{ ageGate(input: { birthDate: "2012-01-01", country: "DE" }) { activitiesNeedingParentalConsent { processors { key } } } }`,
      {},
      asSignup,
    );
    expect(processors.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(processors.errors![0].path!.slice(-1)).toEqual(['processors']);
  });
});

describe('Quebec and India ask a parent for every activity, not only those on consent (issue 18)', () => {
  const EVERY_ACTIVITY = [
    'advertising', 'certificates', 'customer-support', 'fraud-prevention', 'learning-research', 'marketing-communications',
    'platform-hosting', 'pre-sale-support', 'process-payments', 'recommendations', 'service-communications', 'tax-records',
    'usage-analytics', 'website-delivery',
  ];

  it.each([
    [13, 'CA-QC', 14],
    [17, 'IN', 18],
    [15, 'IN-MH', 18],
  ])('lists every activity, whatever its basis, for a %i-year-old in %s (under %i)', async (age, country, digitalConsentAge) => {
    const result = await check(age, country);
    expect(result).toMatchObject({ digitalConsentAge, parentalConsentRequired: true });
    expect(result.activitiesNeedingParentalConsent.map((a: { key: string }) => a.key)).toEqual(EVERY_ACTIVITY);
    expect(new Set(result.activitiesNeedingParentalConsent.map((a: { legalBasis: string }) => a.legalBasis))).toEqual(
      new Set(['CONSENT', 'CONTRACT', 'LEGITIMATE_INTERESTS', 'LEGAL_OBLIGATION']),
    );
  });

  it.each([
    [14, 'CA-QC'],
    [18, 'IN'],
  ])('lists nothing at %i in %s', async (age, country) => {
    expect(await check(age, country)).toMatchObject({ parentalConsentRequired: false, activitiesNeedingParentalConsent: [] });
  });

  it('keeps the GDPR rule elsewhere in Canada, which has no age of its own (the default, 16)', async () => {
    const result = await check(13, 'CA-ON');
    expect(result).toMatchObject({ digitalConsentAge: 16, parentalConsentRequired: true, activitiesNeedingParentalConsent: CONSENT_ACTIVITIES });
  });
});

describe('EEA territories resolve to their member state', () => {
  it.each([
    ['RE', 15, 'FR'],
    ['GP', 15, 'FR'],
    ['MQ', 15, 'FR'],
    ['GF', 15, 'FR'],
    ['YT', 15, 'FR'],
    ['MF', 15, 'FR'],
    ['AX', 13, 'FI'],
  ])('gives %s the age of digital consent of its member state (%i, %s)', async (country, age, memberState) => {
    expect(await check(14, country)).toMatchObject({
      digitalConsentAge: age,
      digitalConsentAgeJurisdiction: memberState,
      digitalConsentAgeSource: 'GDPR Art. 8(1) and national law, per the Commission staff working document SWD(2020) 115',
      parentalConsentRequired: 14 < age,
    });
  });

  it('shows the resolution on the country', async () => {
    const { data } = await app.gql(`{ country(code: "RE") { code inEEA memberState { code name } } }`, {}, await authAs('VIEWER'));
    expect(data!.country).toEqual({ code: 'RE', inEEA: true, memberState: { code: 'FR', name: 'France' } });
  });

  it('accepts a processor located in RE without a transfer mechanism: no transfer leaves the EEA', async () => {
    const response = await app.gql(
      `mutation ($input: RegisterProcessorInput!) { registerProcessor(input: $input) { locations { country { code inEEA } mechanism } } }`,
      {
        input: {
          key: 'reunion-host', name: 'Réunion Host', service: 'Hosting', headquarters: 'RE', locations: [{ country: 'RE' }],
          dataCategories: ['usage'], activities: ['certificates'],
        },
      },
      await authAs('ENGINEER'),
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.registerProcessor.locations).toEqual([{ country: { code: 'RE', inEEA: true }, mechanism: null }]);
  });
});

describe('each age has its own source', () => {
  it.each([
    ['US', 13, 'US', 'COPPA, 15 U.S.C. §6501'],
    ['GB', 13, 'GB', 'DPA 2018 s.9'],
    ['CA-QC', 14, 'CA-QC', 'Law 25, Act respecting the protection of personal information in the private sector s.4.1'],
    ['CN', 14, 'CN', 'PIPL Art. 31'],
    ['IN', 18, 'IN', 'DPDP Act 2023 s.9'],
    ['KR', 14, 'KR', 'PIPA Art. 22-2'],
    ['SI', 15, 'SI', 'ZVOP-2, in force 26 January 2023'],
    ['BR', 16, null, 'GDPR Art. 8(1)'],
  ])('answers %s with %i from %s: %s', async (country, age, jurisdiction, source) => {
    expect(await check(15, country, 'PRIVACY_OFFICER')).toMatchObject({
      digitalConsentAge: age,
      digitalConsentAgeJurisdiction: jurisdiction,
      digitalConsentAgeSource: source,
    });
  });
});
