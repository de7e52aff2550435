import {
  calendarMonthsAfter,
  daysAfter,
  DeadlineRegime,
  extensionAllowed,
  regimeOf,
  rightsRequestDueAt,
} from './rights-request.deadline';

const at = (iso: string) => new Date(iso);
const day = (date: Date) => date.toISOString();

describe('regimeOf', () => {
  it.each([
    [{ country: 'DE', subdivision: null, inEEA: true }, DeadlineRegime.CALENDAR_MONTH],
    [{ country: 'NO', subdivision: null, inEEA: true }, DeadlineRegime.CALENDAR_MONTH],
    [{ country: 'FR', subdivision: 'FR-75C', inEEA: true }, DeadlineRegime.CALENDAR_MONTH],
    [{ country: 'GB', subdivision: null, inEEA: false }, DeadlineRegime.CALENDAR_MONTH],
    [{ country: 'GB', subdivision: 'GB-SCT', inEEA: false }, DeadlineRegime.CALENDAR_MONTH],
    [{ country: 'CH', subdivision: null, inEEA: false }, DeadlineRegime.CALENDAR_MONTH],
    [{ country: 'US', subdivision: 'US-CA', inEEA: false }, DeadlineRegime.CALIFORNIA],
    [{ country: 'US', subdivision: 'US-NY', inEEA: false }, DeadlineRegime.POLICY],
    [{ country: 'US', subdivision: null, inEEA: false }, DeadlineRegime.POLICY],
    [{ country: 'CA', subdivision: 'CA-QC', inEEA: false }, DeadlineRegime.POLICY],
    [{ country: 'BR', subdivision: null, inEEA: false }, DeadlineRegime.POLICY],
  ])('%j follows %s', (jurisdiction, regime) => {
    expect(regimeOf(jurisdiction)).toBe(regime);
  });
});

describe('calendarMonthsAfter (Art. 12(3), Regulation 1182/71 Art. 3(2)(c))', () => {
  it.each([
    ['2027-01-15T09:30:00Z', 1, '2027-02-15T23:59:59.999Z'],
    ['2027-01-31T10:00:00Z', 1, '2027-02-28T23:59:59.999Z'],
    ['2028-01-31T10:00:00Z', 1, '2028-02-29T23:59:59.999Z'],
    ['2027-03-31T00:00:00Z', 1, '2027-04-30T23:59:59.999Z'],
    ['2027-12-31T23:59:59Z', 1, '2028-01-31T23:59:59.999Z'],
    ['2027-01-31T10:00:00Z', 3, '2027-04-30T23:59:59.999Z'],
    ['2027-11-30T10:00:00Z', 3, '2028-02-29T23:59:59.999Z'],
  ])('%s + %i month(s) ends %s', (received, months, due) => {
    expect(day(calendarMonthsAfter(at(received), months))).toBe(due);
  });
});

describe('daysAfter', () => {
  it.each([
    ['2027-01-01T08:00:00Z', 30, '2027-01-31T23:59:59.999Z'],
    ['2027-01-31T08:00:00Z', 30, '2027-03-02T23:59:59.999Z'],
    ['2028-01-31T08:00:00Z', 30, '2028-03-01T23:59:59.999Z'],
    ['2027-01-01T08:00:00Z', 45, '2027-02-15T23:59:59.999Z'],
    ['2027-12-01T08:00:00Z', 45, '2028-01-15T23:59:59.999Z'],
    ['2027-01-01T08:00:00Z', 90, '2027-04-01T23:59:59.999Z'],
  ])('%s + %i days ends %s', (received, days, due) => {
    expect(day(daysAfter(at(received), days))).toBe(due);
  });
});

describe('rightsRequestDueAt', () => {
  const gdpr = { regime: DeadlineRegime.CALENDAR_MONTH, policyDays: 30 };
  const california = { regime: DeadlineRegime.CALIFORNIA, policyDays: 30 };
  const policy = { regime: DeadlineRegime.POLICY, policyDays: 30 };

  it.each([
    ['EEA, GB, CH: one calendar month', gdpr, '2027-01-31T10:00:00Z', false, '2027-02-28T23:59:59.999Z'],
    ['EEA, GB, CH: one calendar month in a leap year', gdpr, '2028-01-31T10:00:00Z', false, '2028-02-29T23:59:59.999Z'],
    ['EEA, GB, CH: a mid-month receipt', gdpr, '2027-06-10T10:00:00Z', false, '2027-07-10T23:59:59.999Z'],
    ['EEA, GB, CH: extended by two months', gdpr, '2027-01-31T10:00:00Z', true, '2027-04-30T23:59:59.999Z'],
    ['US-CA: 45 days', california, '2027-01-31T10:00:00Z', false, '2027-03-17T23:59:59.999Z'],
    ['US-CA: 45 + 45 days', california, '2027-01-31T10:00:00Z', true, '2027-05-01T23:59:59.999Z'],
    ["elsewhere: the policy's 30 days", policy, '2027-01-31T10:00:00Z', false, '2027-03-02T23:59:59.999Z'],
    ["elsewhere: the policy's 30 days in a leap year", policy, '2028-01-31T10:00:00Z', false, '2028-03-01T23:59:59.999Z'],
  ])('%s: received %s, extended %s, due %s', (_rule, rule, received, extended, due) => {
    expect(day(rightsRequestDueAt(at(received as string), rule, extended as boolean))).toBe(due);
  });

  it('follows the policy days it is given', () => {
    expect(day(rightsRequestDueAt(at('2027-01-01T00:00:00Z'), { regime: DeadlineRegime.POLICY, policyDays: 15 }))).toBe('2027-01-16T23:59:59.999Z');
  });

  it('allows an extension under the GDPR and in California, not under the policy alone', () => {
    expect([DeadlineRegime.CALENDAR_MONTH, DeadlineRegime.CALIFORNIA, DeadlineRegime.POLICY].map(extensionAllowed)).toEqual([true, true, false]);
    expect(() => rightsRequestDueAt(at('2027-01-01T00:00:00Z'), policy, true)).toThrow('without an extension');
  });
});
