import { authAs, startTestApp, type TestApp } from './harness';

const AGE_GATE = `query Check($input: AgeGateInput!) {
  ageGate(input: $input) { allowed age minimumAge digitalConsentAge parentalConsentRequired parentalGuidanceRecommended reason }
}`;

let app: TestApp;
/** The instant the service takes for "now"; each test sets it. */
let now = new Date('2026-06-15T12:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(() => app.close());

async function check(input: { birthDate: string; country: string; timeZone?: string | null }) {
  const response = await app.gql(AGE_GATE, { input }, await authAs('SIGNUP_SERVICE'));
  expect(response.errors).toBeUndefined();
  return response.data!.ageGate;
}

async function refusal(input: { birthDate: string; country: string; timeZone?: string | null }) {
  const response = await app.gql(AGE_GATE, { input }, await authAs('SIGNUP_SERVICE'));
  expect(response.data).toBeNull();
  expect(response.errors).toHaveLength(1);
  const [error] = response.errors!;
  return { message: error.message, code: error.extensions?.code, field: error.extensions?.field };
}

const THIRTEEN_IN_THE_US = {
  allowed: true,
  age: 13,
  minimumAge: 13,
  digitalConsentAge: 13,
  parentalConsentRequired: false,
  parentalGuidanceRecommended: true,
  reason: null,
};
const TWELVE_IN_THE_US = {
  allowed: false,
  age: 12,
  minimumAge: 13,
  digitalConsentAge: 13,
  parentalConsentRequired: false,
  parentalGuidanceRecommended: false,
  reason: 'UNDER_MINIMUM_AGE',
};

describe('the thirteenth birthday', () => {
  beforeEach(() => {
    now = new Date('2026-06-15T00:00:00Z');
  });

  it('allows someone whose thirteenth birthday is today, from its first moment', async () => {
    expect(await check({ birthDate: '2013-06-15', country: 'US' })).toEqual(THIRTEEN_IN_THE_US);
  });

  it('blocks someone whose thirteenth birthday is tomorrow, as under the minimum age', async () => {
    expect(await check({ birthDate: '2013-06-16', country: 'US' })).toEqual(TWELVE_IN_THE_US);
  });

  it('allows on the last moment of the birthday and blocks on the last moment of the day before', async () => {
    now = new Date('2026-06-15T23:59:59.999Z');
    expect(await check({ birthDate: '2013-06-15', country: 'US' })).toEqual(THIRTEEN_IN_THE_US);
    now = new Date('2026-06-14T23:59:59.999Z');
    expect(await check({ birthDate: '2013-06-15', country: 'US' })).toEqual(TWELVE_IN_THE_US);
  });
});

describe('"today" in the time zone given', () => {
  // 02:30 UTC on 15 June: already 04:30 in Berlin, still 22:30 on 14 June in New York.
  beforeEach(() => {
    now = new Date('2026-06-15T02:30:00Z');
  });

  it('is the 15th in Berlin, so someone born on 15 June 2013 is 13 there', async () => {
    expect(await check({ birthDate: '2013-06-15', country: 'US', timeZone: 'Europe/Berlin' })).toEqual(THIRTEEN_IN_THE_US);
  });

  it('is still the 14th in New York at the same instant, so the same person is 12 there', async () => {
    expect(await check({ birthDate: '2013-06-15', country: 'US', timeZone: 'America/New_York' })).toEqual(TWELVE_IN_THE_US);
  });

  it('is the date in UTC when no time zone is given', async () => {
    expect((await check({ birthDate: '2013-06-15', country: 'US' })).age).toBe(13);
    expect((await check({ birthDate: '2013-06-15', country: 'US', timeZone: null })).age).toBe(13);
    now = new Date('2026-06-14T23:30:00Z');
    expect((await check({ birthDate: '2013-06-15', country: 'US' })).age).toBe(12);
  });
});

describe('29 February birthdays', () => {
  it('in a year without 29 February, the new age starts on 1 March, not on 28 February', async () => {
    now = new Date('2025-02-28T12:00:00Z');
    expect(await check({ birthDate: '2012-02-29', country: 'US' })).toEqual(TWELVE_IN_THE_US);
    now = new Date('2025-03-01T00:00:00Z');
    expect(await check({ birthDate: '2012-02-29', country: 'US' })).toEqual(THIRTEEN_IN_THE_US);
  });

  it('in a leap year, the new age starts on 29 February itself', async () => {
    // 16 is Germany's age of digital consent: it flips parental consent on the birthday.
    now = new Date('2028-02-28T12:00:00Z');
    expect(await check({ birthDate: '2012-02-29', country: 'DE' })).toMatchObject({ age: 15, digitalConsentAge: 16, parentalConsentRequired: true });
    now = new Date('2028-02-29T00:00:00Z');
    expect(await check({ birthDate: '2012-02-29', country: 'DE' })).toMatchObject({ age: 16, digitalConsentAge: 16, parentalConsentRequired: false });
  });

  it('someone born on 28 February in a leap year is a year older on 28 February', async () => {
    now = new Date('2025-02-28T12:00:00Z');
    expect((await check({ birthDate: '2012-02-28', country: 'US' })).age).toBe(13);
  });
});

describe('the age of digital consent of each GDPR Art. 8 group', () => {
  beforeAll(() => {
    now = new Date('2026-06-15T12:00:00Z');
  });

  // Born 2012-06-15: 14 years old on 2026-06-15.
  it.each([
    ['BE', 13, false],
    ['SE', 13, false],
    ['AT', 14, false],
    ['IT', 14, false],
    ['FR', 15, true],
    ['CZ', 15, true],
    ['DE', 16, true],
    ['NL', 16, true],
  ])('in %s it is %i, so a 14-year-old needs parental consent: %p', async (country, digitalConsentAge, parentalConsentRequired) => {
    expect(await check({ birthDate: '2012-06-15', country: country as string })).toEqual({
      allowed: true,
      age: 14,
      minimumAge: 13,
      digitalConsentAge,
      parentalConsentRequired,
      parentalGuidanceRecommended: true,
      reason: null,
    });
  });

  it('a 13-year-old in Austria (14) needs parental consent, one in Belgium (13) does not', async () => {
    expect(await check({ birthDate: '2013-06-15', country: 'AT' })).toMatchObject({ age: 13, digitalConsentAge: 14, parentalConsentRequired: true });
    expect(await check({ birthDate: '2013-06-15', country: 'BE' })).toMatchObject({ age: 13, digitalConsentAge: 13, parentalConsentRequired: false });
  });

  it('someone under the minimum age is blocked without parental consent, even where consent would be needed', async () => {
    expect(await check({ birthDate: '2014-06-15', country: 'DE' })).toEqual({
      allowed: false,
      age: 12,
      minimumAge: 13,
      digitalConsentAge: 16,
      parentalConsentRequired: false,
      parentalGuidanceRecommended: false,
      reason: 'UNDER_MINIMUM_AGE',
    });
  });

  it('parental guidance is recommended up to 17 and no longer at 18', async () => {
    expect(await check({ birthDate: '2008-06-16', country: 'GB' })).toMatchObject({ age: 17, parentalGuidanceRecommended: true });
    expect(await check({ birthDate: '2008-06-15', country: 'GB' })).toMatchObject({ age: 18, parentalGuidanceRecommended: false });
  });
});

describe('jurisdictions without an entry of their own', () => {
  beforeAll(() => {
    now = new Date('2026-06-15T12:00:00Z');
  });

  it('Quebec (CA-QC) has 14, though Canada has no entry', async () => {
    expect(await check({ birthDate: '2013-01-01', country: 'CA-QC' })).toMatchObject({ age: 13, digitalConsentAge: 14, parentalConsentRequired: true });
    expect(await check({ birthDate: '2013-01-01', country: 'ca-qc' })).toMatchObject({ digitalConsentAge: 14 });
  });

  it('a country that is not listed (Canada, Brazil) gets the policy default, 16', async () => {
    expect(await check({ birthDate: '2011-01-01', country: 'CA' })).toMatchObject({ age: 15, digitalConsentAge: 16, parentalConsentRequired: true });
    expect(await check({ birthDate: '2011-01-01', country: 'BR' })).toMatchObject({ age: 15, digitalConsentAge: 16, parentalConsentRequired: true });
  });

  it('a subdivision without an entry gets its country\'s age', async () => {
    expect(await check({ birthDate: '2011-01-01', country: 'US-CA' })).toMatchObject({ digitalConsentAge: 13, parentalConsentRequired: false });
    expect(await check({ birthDate: '2011-01-01', country: 'ES-CT' })).toMatchObject({ digitalConsentAge: 14, parentalConsentRequired: false });
  });
});

describe('bad input is BAD_USER_INPUT, with a message that says what is wrong', () => {
  beforeAll(() => {
    now = new Date('2026-06-15T12:00:00Z');
  });

  it.each([
    ['a malformed date', { birthDate: '15/06/2013', country: 'DE' }, 'input.birthDate', 'birthDate "15/06/2013" is not a date in the form YYYY-MM-DD'],
    [
      'an impossible date',
      { birthDate: '2013-02-30', country: 'DE' },
      'input.birthDate',
      'birthDate "2013-02-30" is not a real date: the day must be between 01 and 28 in February 2013',
    ],
    [
      '29 February of a year without one',
      { birthDate: '2013-02-29', country: 'DE' },
      'input.birthDate',
      'birthDate "2013-02-29" is not a real date: the day must be between 01 and 28 in February 2013',
    ],
    ['a future date', { birthDate: '2026-06-16', country: 'DE' }, 'input.birthDate', 'birthDate "2026-06-16" is in the future: today is 2026-06-15 in UTC'],
    [
      'a date that is tomorrow in the zone given',
      { birthDate: '2026-06-16', country: 'DE', timeZone: 'America/Los_Angeles' },
      'input.birthDate',
      'birthDate "2026-06-16" is in the future: today is 2026-06-15 in America/Los_Angeles',
    ],
    ['an age over 130', { birthDate: '1895-06-14', country: 'DE' }, 'input.birthDate', 'birthDate "1895-06-14" gives an age of 131, above the maximum of 130'],
    ['an unknown country', { birthDate: '2000-01-01', country: 'XX' }, 'input.country', 'country "XX" is not a known ISO 3166-1 alpha-2 country code'],
    [
      'a subdivision of an unknown country',
      { birthDate: '2000-01-01', country: 'XX-QC' },
      'input.country',
      'country "XX-QC" names an unknown country: "XX" is not a known ISO 3166-1 alpha-2 country code',
    ],
    [
      'a country name instead of a code',
      { birthDate: '2000-01-01', country: 'Germany' },
      'input.country',
      'country "Germany" is not an ISO 3166-1 alpha-2 country code such as "DE" or an ISO 3166-2 subdivision such as "CA-QC"',
    ],
    ['an unknown time zone', { birthDate: '2000-01-01', country: 'DE', timeZone: 'Mars/Olympus' }, 'input.timeZone', 'timeZone "Mars/Olympus" is not a known IANA time zone'],
  ])('%s', async (_case, input, field, message) => {
    expect(await refusal(input)).toEqual({ code: 'BAD_USER_INPUT', field, message });
  });

  it('130 years is still accepted', async () => {
    expect((await check({ birthDate: '1896-06-15', country: 'DE' })).age).toBe(130);
  });
});

describe('who may check', () => {
  it('the privacy officer may check too', async () => {
    const response = await app.gql(AGE_GATE, { input: { birthDate: '2000-01-01', country: 'DE' } }, await authAs('PRIVACY_OFFICER'));
    expect(response.data!.ageGate.allowed).toBe(true);
  });

  it.each(['VIEWER', 'ENGINEER', 'AUDITOR'] as const)('a %s may not', async (role) => {
    const response = await app.gql(AGE_GATE, { input: { birthDate: '2000-01-01', country: 'DE' } }, await authAs(role));
    expect(response.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

describe('with the real clock', () => {
  it('someone whose thirteenth birthday is today in UTC is allowed, and the day before blocked', async () => {
    const real = await startTestApp({ reset: false });
    try {
      const today = new Date().toISOString().slice(0, 10);
      const [year, month, day] = today.split('-').map(Number);
      // Skip 29 February, which has no thirteenth anniversary: 13 years earlier was not a leap year.
      if (month === 2 && day === 29) return;
      const birthday = `${year - 13}-${today.slice(5)}`;
      const dayAfter = new Date(Date.UTC(year - 13, month - 1, day + 1)).toISOString().slice(0, 10);
      const ask = async (birthDate: string) =>
        (await real.gql(AGE_GATE, { input: { birthDate, country: 'US' } }, await authAs('SIGNUP_SERVICE'))).data!.ageGate;
      expect(await ask(birthday)).toEqual(THIRTEEN_IN_THE_US);
      expect(await ask(dayAfter)).toEqual(TWELVE_IN_THE_US);
    } finally {
      await real.close();
    }
  });
});
