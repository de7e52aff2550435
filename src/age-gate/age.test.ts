import {
  AgeInputError,
  MAX_AGE,
  ageOn,
  basesNeedingParentalConsent,
  computeAge,
  decideAge,
  isLeapYear,
  parseCalendarDate,
  resolveDigitalConsentAge,
  todayIn,
} from './age';
import { LegalBasis } from '../processing-activity/legal-basis';

/** Runs `act`, expecting an AgeInputError, and returns it for closer inspection. */
function ageInputErrorFrom(act: () => unknown): AgeInputError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(AgeInputError);
    return error as AgeInputError;
  }
  throw new Error('expected an AgeInputError, but nothing was thrown');
}

const date = (year: number, month: number, day: number) => ({ year, month, day });

// 23:30 UTC on 10 March 2026: already 11 March east of Greenwich, still 10 March to the west.
const LATE_EVENING_UTC = new Date('2026-03-10T23:30:00Z');
const NOON_UTC = new Date('2026-03-10T12:00:00Z');

describe('isLeapYear', () => {
  test.each([2024, 2000, 2012])('%i is a leap year', (year) => {
    expect(isLeapYear(year)).toBe(true);
  });

  test.each([2025, 1900, 2100])('%i is not a leap year', (year) => {
    expect(isLeapYear(year)).toBe(false);
  });
});

describe('parseCalendarDate', () => {
  test('a well-formed date becomes year, month and day integers', () => {
    expect(parseCalendarDate('2013-03-11')).toEqual({ year: 2013, month: 3, day: 11 });
  });

  test('29 February is accepted in a leap year', () => {
    expect(parseCalendarDate('2012-02-29')).toEqual({ year: 2012, month: 2, day: 29 });
  });

  test('the first day of year 1 is accepted', () => {
    expect(parseCalendarDate('0001-01-01')).toEqual({ year: 1, month: 1, day: 1 });
  });

  test.each(['2013-2-3', '13/02/2013', '', '2013-02-03T00:00:00Z', ' 2013-02-03', '2013-02-03 ', '20130203', '+2013-02-03'])(
    'the malformed date %p is rejected as not being YYYY-MM-DD',
    (value) => {
      const error = ageInputErrorFrom(() => parseCalendarDate(value));
      expect(error.field).toBe('birthDate');
      expect(error.value).toBe(value);
      expect(error.message).toBe(`birthDate ${JSON.stringify(value)} is not a date in the form YYYY-MM-DD`);
    },
  );

  test('a value that is not a string at all is rejected as malformed', () => {
    const error = ageInputErrorFrom(() => parseCalendarDate(20130203 as unknown as string));
    expect(error.field).toBe('birthDate');
    expect(error.message).toBe('birthDate 20130203 is not a date in the form YYYY-MM-DD');
  });

  test.each([
    ['2013-02-30', 'the day must be between 01 and 28 in February 2013'],
    ['2015-02-29', 'the day must be between 01 and 28 in February 2015'],
    ['2013-04-31', 'the day must be between 01 and 30 in April 2013'],
    ['2013-01-32', 'the day must be between 01 and 31 in January 2013'],
    ['2013-01-00', 'the day must be between 01 and 31 in January 2013'],
    ['2013-13-01', 'the month must be between 01 and 12'],
    ['2013-00-10', 'the month must be between 01 and 12'],
    ['0000-01-01', 'there is no year 0000'],
  ])('the impossible date %p is rejected because %s', (value, why) => {
    const error = ageInputErrorFrom(() => parseCalendarDate(value));
    expect(error.field).toBe('birthDate');
    expect(error.value).toBe(value);
    expect(error.message).toBe(`birthDate "${value}" is not a real date: ${why}`);
  });

  test('an AgeInputError is an Error with its own name', () => {
    const error = ageInputErrorFrom(() => parseCalendarDate('nope'));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AgeInputError');
  });
});

describe('todayIn', () => {
  test('without a time zone, today is the date in UTC', () => {
    expect(todayIn(LATE_EVENING_UTC)).toEqual(date(2026, 3, 10));
    expect(todayIn(LATE_EVENING_UTC, null)).toEqual(date(2026, 3, 10));
  });

  test.each([
    ['Asia/Tokyo', date(2026, 3, 11)],
    ['Europe/Berlin', date(2026, 3, 11)],
    ['Pacific/Kiritimati', date(2026, 3, 11)],
    ['UTC', date(2026, 3, 10)],
    ['America/Los_Angeles', date(2026, 3, 10)],
    ['Pacific/Pago_Pago', date(2026, 3, 10)],
  ])('at 23:30 UTC on 10 March 2026, today in %s is %j', (timeZone, expected) => {
    expect(todayIn(LATE_EVENING_UTC, timeZone)).toEqual(expected);
  });

  test('at 00:30 UTC on 1 January, it is still the old year in Los Angeles', () => {
    expect(todayIn(new Date('2026-01-01T00:30:00Z'), 'America/Los_Angeles')).toEqual(date(2025, 12, 31));
  });

  test("the result does not depend on the server's own time zone", () => {
    const serverZone = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      expect(todayIn(LATE_EVENING_UTC)).toEqual(date(2026, 3, 10));
      expect(todayIn(LATE_EVENING_UTC, 'America/Los_Angeles')).toEqual(date(2026, 3, 10));
    } finally {
      if (serverZone === undefined) delete process.env.TZ;
      else process.env.TZ = serverZone;
    }
  });

  test('an unknown time zone is rejected, naming the zone', () => {
    const error = ageInputErrorFrom(() => todayIn(NOON_UTC, 'Mars/Olympus'));
    expect(error.field).toBe('timeZone');
    expect(error.value).toBe('Mars/Olympus');
    expect(error.message).toBe('timeZone "Mars/Olympus" is not a known IANA time zone');
  });

  test('an empty time zone is rejected rather than treated as UTC', () => {
    const error = ageInputErrorFrom(() => todayIn(NOON_UTC, ''));
    expect(error.field).toBe('timeZone');
    expect(error.value).toBe('');
    expect(error.message).toBe('timeZone "" is not an IANA time zone name such as "Europe/Berlin"');
  });

  test('a time zone that is not a string is rejected', () => {
    const error = ageInputErrorFrom(() => todayIn(NOON_UTC, 42 as unknown as string));
    expect(error.field).toBe('timeZone');
    expect(error.value).toBe(42);
    expect(error.message).toBe('timeZone 42 is not an IANA time zone name such as "Europe/Berlin"');
  });

  test('an invalid Date for now is a programming error, not bad input', () => {
    expect(() => todayIn(new Date('not a date'))).toThrow(RangeError);
    expect(() => todayIn(new Date('not a date'))).not.toThrow(AgeInputError);
  });
});

describe('ageOn', () => {
  test('someone born today is 0', () => {
    expect(ageOn(date(2026, 3, 10), date(2026, 3, 10))).toBe(0);
  });

  test('someone is 13 from the first day of their 13th birthday', () => {
    expect(ageOn(date(2013, 3, 10), date(2026, 3, 10))).toBe(13);
  });

  test('someone is still 12 on the day before their 13th birthday', () => {
    expect(ageOn(date(2013, 3, 10), date(2026, 3, 9))).toBe(12);
  });

  test('a birthday later in the year has not yet counted, even on a later day of an earlier month', () => {
    expect(ageOn(date(2013, 12, 1), date(2026, 11, 30))).toBe(12);
  });

  describe('for someone born on 29 February 2012', () => {
    const leapling = date(2012, 2, 29);

    test('on 28 February 2025 they are still 12', () => {
      expect(ageOn(leapling, date(2025, 2, 28))).toBe(12);
    });

    test('on 1 March 2025 they turn 13, as 2025 has no 29 February', () => {
      expect(ageOn(leapling, date(2025, 3, 1))).toBe(13);
    });

    test('on 28 February 2024 they are still 11', () => {
      expect(ageOn(leapling, date(2024, 2, 28))).toBe(11);
    });

    test('on 29 February 2024 they turn 12, on the day itself', () => {
      expect(ageOn(leapling, date(2024, 2, 29))).toBe(12);
    });

    test('on 1 March 2024 they are 12, not a day older', () => {
      expect(ageOn(leapling, date(2024, 3, 1))).toBe(12);
    });
  });
});

describe('computeAge', () => {
  test('someone whose 13th birthday is today is 13', () => {
    expect(computeAge({ birthDate: '2013-03-10', now: NOON_UTC })).toEqual({ age: 13, today: date(2026, 3, 10) });
  });

  test('someone whose 13th birthday is tomorrow is 12', () => {
    expect(computeAge({ birthDate: '2013-03-11', now: NOON_UTC }).age).toBe(12);
  });

  describe('at 23:30 UTC on 10 March 2026, for someone born on 11 March 2013', () => {
    test('in Tokyo it is already 11 March, so they are 13', () => {
      expect(computeAge({ birthDate: '2013-03-11', timeZone: 'Asia/Tokyo', now: LATE_EVENING_UTC })).toEqual({
        age: 13,
        today: date(2026, 3, 11),
      });
    });

    test('in Los Angeles it is still 10 March, so they are 12', () => {
      expect(computeAge({ birthDate: '2013-03-11', timeZone: 'America/Los_Angeles', now: LATE_EVENING_UTC })).toEqual(
        { age: 12, today: date(2026, 3, 10) },
      );
    });

    test('with no time zone the UTC date applies, so they are 12', () => {
      expect(computeAge({ birthDate: '2013-03-11', now: LATE_EVENING_UTC })).toEqual({
        age: 12,
        today: date(2026, 3, 10),
      });
    });
  });

  test('someone born today is 0, not in the future', () => {
    expect(computeAge({ birthDate: '2026-03-10', now: NOON_UTC }).age).toBe(0);
  });

  test('a birth date of tomorrow is rejected as being in the future', () => {
    const error = ageInputErrorFrom(() => computeAge({ birthDate: '2026-03-11', now: NOON_UTC }));
    expect(error.field).toBe('birthDate');
    expect(error.value).toBe('2026-03-11');
    expect(error.message).toBe('birthDate "2026-03-11" is in the future: today is 2026-03-10 in UTC');
  });

  test('a birth date that is today in Tokyo but tomorrow in Los Angeles is in the future only in Los Angeles', () => {
    expect(computeAge({ birthDate: '2026-03-11', timeZone: 'Asia/Tokyo', now: LATE_EVENING_UTC }).age).toBe(0);
    const error = ageInputErrorFrom(() =>
      computeAge({ birthDate: '2026-03-11', timeZone: 'America/Los_Angeles', now: LATE_EVENING_UTC }),
    );
    expect(error.message).toBe(
      'birthDate "2026-03-11" is in the future: today is 2026-03-10 in America/Los_Angeles',
    );
  });

  test('the maximum age is 130', () => {
    expect(MAX_AGE).toBe(130);
  });

  test('someone exactly 130 today is accepted', () => {
    expect(computeAge({ birthDate: '1896-03-10', now: NOON_UTC }).age).toBe(130);
  });

  test('someone who turns 131 tomorrow is still 130 and accepted', () => {
    expect(computeAge({ birthDate: '1895-03-11', now: NOON_UTC }).age).toBe(130);
  });

  test('someone 131 today is rejected as older than the maximum age', () => {
    const error = ageInputErrorFrom(() => computeAge({ birthDate: '1895-03-10', now: NOON_UTC }));
    expect(error.field).toBe('birthDate');
    expect(error.value).toBe('1895-03-10');
    expect(error.message).toBe('birthDate "1895-03-10" gives an age of 131, above the maximum of 130');
  });

  test('a malformed birth date is rejected before any age is worked out', () => {
    const error = ageInputErrorFrom(() => computeAge({ birthDate: '13/02/2013', now: NOON_UTC }));
    expect(error.field).toBe('birthDate');
  });

  test('an impossible birth date is rejected', () => {
    const error = ageInputErrorFrom(() => computeAge({ birthDate: '2015-02-29', now: NOON_UTC }));
    expect(error.field).toBe('birthDate');
    expect(error.message).toContain('"2015-02-29"');
  });

  test('an unknown time zone is rejected', () => {
    const error = ageInputErrorFrom(() =>
      computeAge({ birthDate: '2013-03-11', timeZone: 'Mars/Olympus', now: NOON_UTC }),
    );
    expect(error.field).toBe('timeZone');
    expect(error.value).toBe('Mars/Olympus');
  });
});

describe('decideAge', () => {
  const platform = { minimumAge: 13, parentalGuidanceUntilAge: 18 };

  test('a 12-year-old is blocked for being under the minimum age, and nothing else applies', () => {
    expect(decideAge({ ...platform, age: 12, digitalConsentAge: 16 })).toEqual({
      allowed: false,
      parentalConsentRequired: false,
      parentalGuidanceRecommended: false,
      reason: 'UNDER_MINIMUM_AGE',
    });
  });

  test('a 13-year-old on their birthday is allowed', () => {
    expect(decideAge({ ...platform, age: 13, digitalConsentAge: 13 })).toEqual({
      allowed: true,
      parentalConsentRequired: false,
      parentalGuidanceRecommended: true,
      reason: null,
    });
  });

  // GDPR Art. 8(1) lets member states set the age of digital consent anywhere from 13 to 16.
  test.each([
    [13, 13, false, true],
    [13, 14, false, true],
    [13, 15, false, true],
    [13, 16, false, true],
    [13, 17, false, true],
    [13, 18, false, false],
    [14, 13, true, true],
    [14, 14, false, true],
    [14, 15, false, true],
    [14, 16, false, true],
    [14, 17, false, true],
    [14, 18, false, false],
    [15, 13, true, true],
    [15, 14, true, true],
    [15, 15, false, true],
    [15, 16, false, true],
    [15, 17, false, true],
    [15, 18, false, false],
    [16, 13, true, true],
    [16, 14, true, true],
    [16, 15, true, true],
    [16, 16, false, true],
    [16, 17, false, true],
    [16, 18, false, false],
  ])(
    'where the digital consent age is %i, someone aged %i is allowed; parental consent required: %s; guidance recommended: %s',
    (digitalConsentAge, age, parentalConsentRequired, parentalGuidanceRecommended) => {
      expect(decideAge({ ...platform, age, digitalConsentAge })).toEqual({
        allowed: true,
        parentalConsentRequired,
        parentalGuidanceRecommended,
        reason: null,
      });
    },
  );
});

describe('resolveDigitalConsentAge', () => {
  const ages = { DE: 16, FR: 15, CA: 13, 'CA-QC': 14 };

  test('a subdivision with its own entry uses it', () => {
    expect(resolveDigitalConsentAge('CA-QC', ages, 16)).toEqual({ age: 14, source: 'subdivision', jurisdiction: 'CA-QC' });
  });

  test('a subdivision without an entry falls back to its country', () => {
    expect(resolveDigitalConsentAge('CA-ON', ages, 16)).toEqual({ age: 13, source: 'country', jurisdiction: 'CA' });
  });

  test('a country with an entry uses it', () => {
    expect(resolveDigitalConsentAge('FR', ages, 16)).toEqual({ age: 15, source: 'country', jurisdiction: 'FR' });
  });

  test('an unknown country gets the default', () => {
    expect(resolveDigitalConsentAge('ZZ', ages, 16)).toEqual({ age: 16, source: 'default', jurisdiction: null });
  });

  test('a subdivision of an unknown country gets the default', () => {
    expect(resolveDigitalConsentAge('US-CA', ages, 16)).toEqual({ age: 16, source: 'default', jurisdiction: null });
  });

  test('the jurisdiction is matched regardless of case and surrounding spaces', () => {
    expect(resolveDigitalConsentAge(' ca-qc ', ages, 16)).toEqual({ age: 14, source: 'subdivision', jurisdiction: 'CA-QC' });
    expect(resolveDigitalConsentAge('de', ages, 16)).toEqual({ age: 16, source: 'country', jurisdiction: 'DE' });
  });

  test('a Map of ages works the same as a plain object', () => {
    const map = new Map(Object.entries(ages));
    expect(resolveDigitalConsentAge('CA-QC', map, 16)).toEqual({ age: 14, source: 'subdivision', jurisdiction: 'CA-QC' });
    expect(resolveDigitalConsentAge('CA-ON', map, 16)).toEqual({ age: 13, source: 'country', jurisdiction: 'CA' });
    expect(resolveDigitalConsentAge('ZZ', map, 16)).toEqual({ age: 16, source: 'default', jurisdiction: null });
  });

  test('entries an object inherits rather than holds itself are ignored', () => {
    const inherited = Object.create({ DE: 14 }) as Record<string, number>;
    expect(resolveDigitalConsentAge('DE', inherited, 16)).toEqual({ age: 16, source: 'default', jurisdiction: null });
    expect(resolveDigitalConsentAge('constructor', inherited, 16)).toEqual({ age: 16, source: 'default', jurisdiction: null });
  });
});

describe('resolveDigitalConsentAge for an EEA territory', () => {
  it('uses the member state\'s age where the territory has no entry of its own: RE and GP take France\'s 15, AX Finland\'s 13', () => {
    const ages = { FR: 15, FI: 13 };
    expect(resolveDigitalConsentAge('RE', ages, 16, 'FR')).toEqual({ age: 15, source: 'member-state', jurisdiction: 'FR' });
    expect(resolveDigitalConsentAge('GP', ages, 16, 'FR')).toEqual({ age: 15, source: 'member-state', jurisdiction: 'FR' });
    expect(resolveDigitalConsentAge('AX', ages, 16, 'FI')).toEqual({ age: 13, source: 'member-state', jurisdiction: 'FI' });
  });

  it('prefers the territory\'s own entry, and falls back to the default when the member state has none', () => {
    expect(resolveDigitalConsentAge('RE', { RE: 14, FR: 15 }, 16, 'FR')).toEqual({ age: 14, source: 'country', jurisdiction: 'RE' });
    expect(resolveDigitalConsentAge('RE', {}, 16, 'FR')).toEqual({ age: 16, source: 'default', jurisdiction: null });
  });
});

describe('basesNeedingParentalConsent', () => {
  const ALL = Object.values(LegalBasis);
  it.each([
    // age, digital consent age, every activity (Quebec, India), parent consented -> bases
    [15, 16, false, false, [LegalBasis.CONSENT]],
    [15, 16, false, true, []],
    [16, 16, false, false, []],
    [13, 14, true, false, ALL],
    [13, 14, true, true, []],
    [14, 14, true, false, []],
    [17, 18, true, false, ALL],
    [0, 13, false, false, [LegalBasis.CONSENT]],
  ])('age %i, digital consent at %i, every activity %s, parent consented %s: %j', (age, digitalConsentAge, everyActivity, parentalConsent, bases) => {
    expect(basesNeedingParentalConsent({ age, digitalConsentAge, everyActivity, parentalConsent })).toEqual(bases);
  });
});
