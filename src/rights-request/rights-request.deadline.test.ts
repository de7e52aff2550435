import { RIGHTS_DEADLINE_RULES } from './rights-deadline.reference';
import {
  businessDaysAfter,
  calendarMonthsAfter,
  daysAfter,
  rightsRequestClock,
  type ExtensionKind,
  type JurisdictionFacts,
} from './rights-request.deadline';

const at = (iso: string) => new Date(iso);
const day = (date: Date | null) => date?.toISOString() ?? null;
const end = (date: string) => `${date}T23:59:59.999Z`;

const PLACES: Record<string, JurisdictionFacts> = {
  DE: { country: 'DE', subdivision: null, inEEA: true },
  'FR-75C': { country: 'FR', subdivision: 'FR-75C', inEEA: true },
  NO: { country: 'NO', subdivision: null, inEEA: true },
  GB: { country: 'GB', subdivision: null, inEEA: false },
  'GB-SCT': { country: 'GB', subdivision: 'GB-SCT', inEEA: false },
  CH: { country: 'CH', subdivision: null, inEEA: false },
  BR: { country: 'BR', subdivision: null, inEEA: false },
  KR: { country: 'KR', subdivision: null, inEEA: false },
  'US-CA': { country: 'US', subdivision: 'US-CA', inEEA: false },
  'US-NY': { country: 'US', subdivision: 'US-NY', inEEA: false },
  'CA-QC': { country: 'CA', subdivision: 'CA-QC', inEEA: false },
  JP: { country: 'JP', subdivision: null, inEEA: false },
};

// Received on Sunday 31 January 2027, the last day of a 31-day month, at 10:00 UTC; the policy promises 30 days.
const RECEIVED = '2027-01-31T10:00:00.000Z';

type Row = [right: string, place: string, rule: string, dueAt: string, extension: ExtensionKind, extendedDueAt: string | null, acknowledgeBy: string | null, promisedBy: string | null];

describe('rightsRequestClock: every right in every jurisdiction, received 2027-01-31 (a Sunday, a month end)', () => {
  const rows: Row[] = [
    // EEA and GB: one calendar month, clamped to February's end; plus two months counted from receipt.
    ...['access', 'portability', 'rectification', 'erasure', 'restriction', 'objection', 'opt-out-sale-sharing'].flatMap((right): Row[] => [
      [right, 'DE', 'EEA-REQUESTS', end('2027-02-28'), 'FIXED', end('2027-04-30'), null, null],
      [right, 'GB', 'GB-REQUESTS', end('2027-02-28'), 'FIXED', end('2027-04-30'), null, null],
    ]),
    ['access', 'FR-75C', 'EEA-REQUESTS', end('2027-02-28'), 'FIXED', end('2027-04-30'), null, null],
    ['access', 'NO', 'EEA-REQUESTS', end('2027-02-28'), 'FIXED', end('2027-04-30'), null, null],
    ['erasure', 'GB-SCT', 'GB-REQUESTS', end('2027-02-28'), 'FIXED', end('2027-04-30'), null, null],
    // Withdrawing consent and objecting to direct marketing take effect on receipt, everywhere, without extension.
    ...Object.keys(PLACES).flatMap((place): Row[] => [
      ['withdraw-consent', place, 'WITHDRAW-CONSENT', RECEIVED, 'NONE', null, null, null],
      ['object-direct-marketing', place, 'OBJECT-DIRECT-MARKETING', RECEIVED, 'NONE', null, null, null],
    ]),
    // A complaint: no statutory deadline, the policy's 30 days; in GB an acknowledgement within 30 days.
    ['complaint', 'GB', 'GB-COMPLAINT', end('2027-03-02'), 'NONE', null, end('2027-03-02'), null],
    ['complaint', 'GB-SCT', 'GB-COMPLAINT', end('2027-03-02'), 'NONE', null, end('2027-03-02'), null],
    ...['DE', 'CH', 'BR', 'KR', 'US-CA', 'US-NY', 'CA-QC', 'JP'].map((place): Row => ['complaint', place, 'COMPLAINT', end('2027-03-02'), 'NONE', null, null, null]),
    // Switzerland: 30 days, extended once to a date the controller states.
    ['access', 'CH', 'CH-ACCESS', end('2027-03-02'), 'STATED', null, null, null],
    ...['portability', 'rectification', 'erasure', 'restriction', 'objection'].map((right): Row => [right, 'CH', 'CH-OTHER-RIGHTS', end('2027-03-02'), 'STATED', null, null, null]),
    // Brazil: 15 days; Korea: 10 days; neither extendable.
    ['access', 'BR', 'BR-ACCESS', end('2027-02-15'), 'NONE', null, null, null],
    ...['portability', 'rectification', 'erasure', 'restriction', 'objection'].map((right): Row => [right, 'BR', 'BR-OTHER-RIGHTS', end('2027-02-15'), 'NONE', null, null, null]),
    ...['access', 'portability', 'rectification', 'erasure', 'restriction', 'objection'].map((right): Row => [right, 'KR', 'KR-REQUESTS', end('2027-02-10'), 'NONE', null, null, null]),
    // California: 45 + 45 days, receipt confirmed within 10 business days (Mon 1 Feb .. Fri 12 Feb); the policy's 30 days come first.
    ...['access', 'portability', 'rectification', 'erasure'].map((right): Row => [right, 'US-CA', 'US-CA-KNOW-DELETE-CORRECT', end('2027-03-17'), 'FIXED', end('2027-05-01'), end('2027-02-12'), end('2027-03-02')]),
    // Opting out of sale or sharing: 15 business days (Mon 1 Feb .. Fri 19 Feb), no extension.
    ['opt-out-sale-sharing', 'US-CA', 'US-CA-OPT-OUT-SALE-SHARING', end('2027-02-19'), 'NONE', null, null, null],
    // Rights the CCPA does not grant, and other jurisdictions: the policy's 30 days.
    ...['restriction', 'objection'].map((right): Row => [right, 'US-CA', 'POLICY', end('2027-03-02'), 'NONE', null, null, null]),
    ...['access', 'erasure', 'opt-out-sale-sharing'].flatMap((right): Row[] => [
      [right, 'US-NY', 'POLICY', end('2027-03-02'), 'NONE', null, null, null],
      [right, 'JP', 'POLICY', end('2027-03-02'), 'NONE', null, null, null],
    ]),
    // Quebec: 30 days by statute for access and rectification.
    ['access', 'CA-QC', 'CA-QC-REQUESTS', end('2027-03-02'), 'NONE', null, null, null],
    ['rectification', 'CA-QC', 'CA-QC-REQUESTS', end('2027-03-02'), 'NONE', null, null, null],
    ['erasure', 'CA-QC', 'POLICY', end('2027-03-02'), 'NONE', null, null, null],
  ];

  it.each(rows)('%s in %s: %s, due %s', (right, place, rule, dueAt, extension, extendedDueAt, acknowledgeBy, promisedBy) => {
    const clock = rightsRequestClock(right, PLACES[place], at(RECEIVED), 30);
    expect([clock.rule.id, day(clock.dueAt), clock.extension, day(clock.extendedDueAt), day(clock.acknowledgeBy), day(clock.promisedBy)]).toEqual([
      rule,
      dueAt,
      extension,
      extendedDueAt,
      acknowledgeBy,
      promisedBy,
    ]);
  });
});

describe('rightsRequestClock: month ends, leap years, the policy promise and business days across a weekend', () => {
  it.each([
    ['leap year: a month from 31 January is 29 February', 'access', 'DE', '2028-01-31T10:00:00Z', end('2028-02-29'), end('2028-04-30'), null, null],
    ['a month from 30 November, extended to 29 February', 'access', 'GB', '2027-11-30T10:00:00Z', end('2027-12-30'), end('2028-02-29'), null, null],
    ['a month from 31 March is 30 April', 'erasure', 'DE', '2027-03-31T00:00:00Z', end('2027-04-30'), end('2027-06-30'), null, null],
    ['a month from 31 December crosses the year, a day past the promise', 'erasure', 'DE', '2027-12-31T23:59:59Z', end('2028-01-31'), end('2028-03-31'), null, end('2028-01-30')],
    // In a 31-day month the statutory month runs a day past the policy's 30 days: the promise comes first.
    ['the policy promise before a 31-day month', 'access', 'DE', '2027-03-01T09:00:00Z', end('2027-04-01'), end('2027-06-01'), null, end('2027-03-31')],
    ['no promise before a 30-day stretch', 'access', 'DE', '2027-06-10T09:00:00Z', end('2027-07-10'), end('2027-09-10'), null, null],
    ['leap year in California: 45 days from 31 January', 'access', 'US-CA', '2028-01-31T10:00:00Z', end('2028-03-16'), end('2028-04-30'), end('2028-02-14'), end('2028-03-01')],
    // Business days: received on a Friday or on the Saturday after, the 10th business day is the Friday two weeks on.
    ['acknowledgement from a Friday', 'erasure', 'US-CA', '2027-05-14T16:00:00Z', end('2027-06-28'), end('2027-08-12'), end('2027-05-28'), end('2027-06-13')],
    ['acknowledgement from a Saturday', 'erasure', 'US-CA', '2027-05-15T09:00:00Z', end('2027-06-29'), end('2027-08-13'), end('2027-05-28'), end('2027-06-14')],
    ['opt-out over Christmas and the new year', 'opt-out-sale-sharing', 'US-CA', '2027-12-24T12:00:00Z', end('2028-01-14'), null, null, null],
    // The years 1 to 99 are their own, not 1901 to 1999.
    ['the year 50 is not 1950', 'access', 'DE', '0050-01-31T10:00:00Z', end('0050-02-28'), end('0050-04-30'), null, null],
    ['the year 4 is a leap year', 'access', 'DE', '0004-01-31T10:00:00Z', end('0004-02-29'), end('0004-04-30'), null, null],
    ['the year 99 in California', 'access', 'US-CA', '0099-12-31T10:00:00Z', end('0100-02-14'), end('0100-03-31'), end('0100-01-14'), end('0100-01-30')],
  ])('%s', (_case, right, place, received, dueAt, extendedDueAt, acknowledgeBy, promisedBy) => {
    const clock = rightsRequestClock(right, PLACES[place], at(received), 30);
    expect([day(clock.dueAt), day(clock.extendedDueAt), day(clock.acknowledgeBy), day(clock.promisedBy)]).toEqual([dueAt, extendedDueAt, acknowledgeBy, promisedBy]);
  });

  it('owes the GB complaint acknowledgement only for complaints received from 19 June 2026 (DPA 2018 s.164A)', () => {
    expect(rightsRequestClock('complaint', PLACES.GB, at('2026-06-18T12:00:00Z'), 30)).toMatchObject({ rule: { id: 'COMPLAINT' }, acknowledgeBy: null });
    expect(day(rightsRequestClock('complaint', PLACES.GB, at('2026-06-19T00:00:00Z'), 30).acknowledgeBy)).toBe(end('2026-07-19'));
  });

  it('follows the policy days it is given, for the deadline where no statute sets one and for the promise', () => {
    expect(day(rightsRequestClock('access', PLACES.JP, at('2027-01-01T00:00:00Z'), 15).dueAt)).toBe(end('2027-01-16'));
    expect(day(rightsRequestClock('access', PLACES['US-CA'], at('2027-01-01T00:00:00Z'), 15).promisedBy)).toBe(end('2027-01-16'));
  });
});

describe('calendar arithmetic', () => {
  it.each([
    ['2027-01-15T09:30:00Z', 1, end('2027-02-15')],
    ['2027-01-31T10:00:00Z', 1, end('2027-02-28')],
    ['2028-01-31T10:00:00Z', 1, end('2028-02-29')],
    ['2027-01-31T10:00:00Z', 3, end('2027-04-30')],
    ['0001-01-31T10:00:00Z', 1, end('0001-02-28')],
  ])('%s + %i month(s) ends %s', (received, months, due) => {
    expect(day(calendarMonthsAfter(at(received), months))).toBe(due);
  });

  it.each([
    ['2027-01-31T08:00:00Z', 30, end('2027-03-02')],
    ['2028-01-31T08:00:00Z', 30, end('2028-03-01')],
    ['2027-12-01T08:00:00Z', 45, end('2028-01-15')],
    ['0099-12-20T08:00:00Z', 30, end('0100-01-19')],
  ])('%s + %i days ends %s', (received, days, due) => {
    expect(day(daysAfter(at(received), days))).toBe(due);
  });

  it.each([
    ['2027-05-14T23:00:00Z', 1, end('2027-05-17')], // Friday -> Monday
    ['2027-05-15T09:00:00Z', 1, end('2027-05-17')], // Saturday -> Monday
    ['2027-05-16T09:00:00Z', 5, end('2027-05-21')], // Sunday -> Friday
    ['2027-05-17T09:00:00Z', 5, end('2027-05-24')], // Monday -> the next Monday
  ])('%s + %i business day(s) ends %s', (received, days, due) => {
    expect(day(businessDaysAfter(at(received), days))).toBe(due);
  });
});

describe('the rules file', () => {
  it('gives every rule its law and at least one source, and marks what no source read says', () => {
    for (const rule of RIGHTS_DEADLINE_RULES) {
      expect(rule.law.length).toBeGreaterThan(20);
      expect(rule.sources.length).toBeGreaterThan(0);
      if (!rule.verified) expect(rule.uncertainty ?? rule.assumed).toBeTruthy();
    }
    expect(new Set(RIGHTS_DEADLINE_RULES.map((rule) => rule.id)).size).toBe(RIGHTS_DEADLINE_RULES.length);
  });
});
