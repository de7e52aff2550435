/**
 * Pure age-gate rules: how old someone is today, and what that age allows.
 *
 * Ages are calendar arithmetic on {year, month, day}. A birth date is never turned into a
 * timestamp, because a timestamp read back in the server's own zone can land on a different day.
 */

import { LegalBasis } from '../processing-activity/legal-basis';

/** No one alive is older; a larger age means the birth date was mistyped. */
export const MAX_AGE = 130;

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export type AgeInputField = 'birthDate' | 'timeZone';

/** A birth date or time zone the caller supplied that cannot be used; `field` and `value` name the culprit. */
export class AgeInputError extends Error {
  constructor(
    readonly field: AgeInputField,
    readonly value: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'AgeInputError';
  }
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function quoted(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

export function formatCalendarDate(date: CalendarDate): string {
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Reads a `YYYY-MM-DD` birth date, rejecting anything that is not a real day of the Gregorian calendar. */
export function parseCalendarDate(value: string): CalendarDate {
  if (typeof value !== 'string' || !DATE_PATTERN.test(value)) {
    throw new AgeInputError('birthDate', value, `birthDate ${quoted(value)} is not a date in the form YYYY-MM-DD`);
  }
  const [year, month, day] = value.split('-').map(Number);
  const impossible = (why: string) =>
    new AgeInputError('birthDate', value, `birthDate ${quoted(value)} is not a real date: ${why}`);

  // The Gregorian calendar goes from 1 BC straight to AD 1.
  if (year < 1) throw impossible('there is no year 0000');
  if (month < 1 || month > 12) throw impossible('the month must be between 01 and 12');
  const lastDay = daysInMonth(year, month);
  if (day < 1 || day > lastDay) {
    throw impossible(`the day must be between 01 and ${lastDay} in ${MONTH_NAMES[month - 1]} ${pad(year, 4)}`);
  }
  return { year, month, day };
}

/**
 * Formatters by zone name: building one costs far more than using it, and a check needs one. The names are
 * the caller's, so the cache is bounded (case variants of valid names are endless).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_CACHED_FORMATTERS = 1000;

function calendarFormatter(timeZone: string | null | undefined): Intl.DateTimeFormat {
  const cached = typeof timeZone === 'string' || timeZone == null ? formatters.get(timeZone ?? 'UTC') : undefined;
  if (cached) return cached;
  const formatter = newCalendarFormatter(timeZone);
  if (formatters.size >= MAX_CACHED_FORMATTERS) formatters.clear();
  formatters.set(timeZone ?? 'UTC', formatter);
  return formatter;
}

function newCalendarFormatter(timeZone: string | null | undefined): Intl.DateTimeFormat {
  const zone = timeZone ?? 'UTC';
  if (typeof zone !== 'string' || zone === '') {
    throw new AgeInputError(
      'timeZone',
      timeZone,
      `timeZone ${quoted(timeZone)} is not an IANA time zone name such as "Europe/Berlin"`,
    );
  }
  try {
    // Pinning locale, calendar and digits keeps the parts plain Gregorian integers whatever the server's locale.
    return new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
  } catch (error) {
    if (error instanceof RangeError) {
      throw new AgeInputError('timeZone', timeZone, `timeZone ${quoted(timeZone)} is not a known IANA time zone`);
    }
    throw error;
  }
}

/** The calendar date at `now` in `timeZone`, or in UTC when no zone is given. */
export function todayIn(now: Date, timeZone?: string | null): CalendarDate {
  const formatter = calendarFormatter(timeZone);
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new RangeError(`now must be a valid Date; got ${String(now)}`);
  }
  const parts = formatter.formatToParts(now);
  const part = (type: 'year' | 'month' | 'day') => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

function compareCalendarDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/**
 * Completed years between `birth` and `today`: a person turns N at the first moment of their Nth birthday.
 * Comparing (month, day) pairs also settles 29 February: in a year without it, 28 February still
 * comes before the birthday and 1 March after it, so the new age starts on 1 March.
 */
export function ageOn(birth: CalendarDate, today: CalendarDate): number {
  const birthdayStillAhead = today.month < birth.month || (today.month === birth.month && today.day < birth.day);
  return today.year - birth.year - (birthdayStillAhead ? 1 : 0);
}

export interface AgeInput {
  birthDate: string;
  timeZone?: string | null;
  now: Date;
}

export interface AgeResult {
  age: number;
  today: CalendarDate;
}

/** Validates a birth date and time zone, then returns the age on today's date in that zone. */
export function computeAge({ birthDate, timeZone, now }: AgeInput): AgeResult {
  const birth = parseCalendarDate(birthDate);
  const today = todayIn(now, timeZone);
  const zoneName = timeZone ?? 'UTC';

  if (compareCalendarDates(birth, today) > 0) {
    throw new AgeInputError(
      'birthDate',
      birthDate,
      `birthDate ${quoted(birthDate)} is in the future: today is ${formatCalendarDate(today)} in ${zoneName}`,
    );
  }
  const age = ageOn(birth, today);
  if (age > MAX_AGE) {
    throw new AgeInputError(
      'birthDate',
      birthDate,
      `birthDate ${quoted(birthDate)} gives an age of ${age}, above the maximum of ${MAX_AGE}`,
    );
  }
  return { age, today };
}

export interface AgeRules {
  age: number;
  minimumAge: number;
  digitalConsentAge: number;
  parentalGuidanceUntilAge: number;
}

export interface AgeDecision {
  allowed: boolean;
  parentalConsentRequired: boolean;
  parentalGuidanceRecommended: boolean;
  reason: 'UNDER_MINIMUM_AGE' | null;
}

/** What the platform's age rules say about someone of `age`. */
export function decideAge({ age, minimumAge, digitalConsentAge, parentalGuidanceUntilAge }: AgeRules): AgeDecision {
  const allowed = age >= minimumAge;
  return {
    allowed,
    // GDPR Art. 8: below the jurisdiction's age of digital consent, a holder of parental responsibility must consent.
    parentalConsentRequired: allowed && age < digitalConsentAge,
    parentalGuidanceRecommended: allowed && age < parentalGuidanceUntilAge,
    reason: allowed ? null : 'UNDER_MINIMUM_AGE',
  };
}

export type DigitalConsentAgeSource = 'subdivision' | 'country' | 'member-state' | 'default';

export interface DigitalConsentAgeResolution {
  age: number;
  source: DigitalConsentAgeSource;
  /** The entry whose age applies ("CA-QC", "DE", or "FR" for RE); null for the default. */
  jurisdiction: string | null;
}

function lookUp(ages: ReadonlyMap<string, number> | Readonly<Record<string, number>>, key: string): number | undefined {
  if (ages instanceof Map) return ages.get(key);
  // Own keys only: nothing inherited, from Object.prototype or elsewhere, counts as an entry.
  return Object.hasOwn(ages, key) ? (ages as Readonly<Record<string, number>>)[key] : undefined;
}

/**
 * The age of digital consent for a jurisdiction: a country ("DE") or an ISO 3166-2 subdivision ("CA-QC").
 * `ages` is keyed by uppercase codes. A subdivision's own entry wins, else its country's, else, for a territory
 * of an EEA state (RE, AX), its `memberState`'s (FR, FI), else `defaultAge`.
 */
export function resolveDigitalConsentAge(
  jurisdiction: string,
  ages: ReadonlyMap<string, number> | Readonly<Record<string, number>>,
  defaultAge: number,
  memberState: string | null = null,
): DigitalConsentAgeResolution {
  const code = jurisdiction.trim().toUpperCase();
  const [country] = code.split('-');
  const isSubdivision = code !== country;

  if (isSubdivision) {
    const subdivisionAge = lookUp(ages, code);
    if (subdivisionAge !== undefined) return { age: subdivisionAge, source: 'subdivision', jurisdiction: code };
  }
  const countryAge = lookUp(ages, country);
  if (countryAge !== undefined) return { age: countryAge, source: 'country', jurisdiction: country };
  const memberStateAge = memberState ? lookUp(ages, memberState) : undefined;
  if (memberStateAge !== undefined) return { age: memberStateAge, source: 'member-state', jurisdiction: memberState };
  return { age: defaultAge, source: 'default', jurisdiction: null };
}

/** What decides which of a child's processing needs the consent of a holder of parental responsibility. */
export interface ParentalConsentFacts {
  age: number;
  digitalConsentAge: number;
  /**
   * True where the jurisdiction's law asks a parent's consent for any processing of a child's data, not only for
   * processing on consent (Quebec, India: seeds/reference/jurisdictions.json, `digitalConsentAge.everyActivity`).
   */
  everyActivity: boolean;
  /** True when a holder of parental responsibility consented. */
  parentalConsent: boolean;
}

/**
 * The legal bases of the activities that may process this person's data only with a parent's consent, which has not
 * been given: none at or above the age of digital consent, or once a parent consented. Below it, GDPR Art. 8(1) asks
 * it for processing on consent (Art. 6(1)(a)) only; Quebec (private sector Act s.4.1, Law 25) and India (DPDP Act
 * 2023 s.9(1)) ask it for every processing. The one rule behind the age gate's `activitiesNeedingParentalConsent`
 * and the one-person view's BELOW_DIGITAL_CONSENT_AGE, in SQL and in `exclusionFor` alike.
 */
export function basesNeedingParentalConsent({ age, digitalConsentAge, everyActivity, parentalConsent }: ParentalConsentFacts): readonly LegalBasis[] {
  if (parentalConsent || age >= digitalConsentAge) return [];
  return everyActivity ? Object.values(LegalBasis) : [LegalBasis.CONSENT];
}
