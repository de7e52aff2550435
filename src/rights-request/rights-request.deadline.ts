/**
 * When a rights request must be answered. Pure date arithmetic on calendar days in UTC, so that every rule
 * has a table-driven test and no rule depends on the server's time zone.
 *
 * - EEA, GB and CH: "without undue delay and in any event within one month of receipt", extendable "by two
 *   further months" (GDPR Art. 12(3); UK GDPR Art. 12(3)). Switzerland is held to the same clock as issue 14
 *   asks, although its ordinance (DSV Art. 18(1)) says 30 days: see docs/rights-and-breaches.md. A period
 *   in months ends on the same date of the last month, or on that month's last day when it has no such date,
 *   at the end of that day (Regulation (EEC, Euratom) No 1182/71, Art. 3(2)(c)).
 * - US-CA: 45 calendar days, extendable once by 45 more (Cal. Civ. Code § 1798.130(a)(2)).
 * - Elsewhere: the privacy policy's promise ("We will respond to your request within 30 days"), which the policy
 *   does not extend.
 */

export enum DeadlineRegime {
  /** One calendar month, plus two on extension. */
  CALENDAR_MONTH = 'CALENDAR_MONTH',
  /** 45 days, plus 45 on extension. */
  CALIFORNIA = 'CALIFORNIA',
  /** The policy's own number of days, without extension. */
  POLICY = 'POLICY',
}

/** Outside the EEA, the countries whose law copies Art. 12(3). */
const CALENDAR_MONTH_COUNTRIES = new Set(['GB', 'CH']);

export interface JurisdictionFacts {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** ISO 3166-2, such as "US-CA"; null for a whole country. */
  subdivision: string | null;
  /** Whether the country is in the EEA (from the country table). */
  inEEA: boolean;
}

export function regimeOf({ country, subdivision, inEEA }: JurisdictionFacts): DeadlineRegime {
  if (inEEA || CALENDAR_MONTH_COUNTRIES.has(country)) return DeadlineRegime.CALENDAR_MONTH;
  if (subdivision === 'US-CA') return DeadlineRegime.CALIFORNIA;
  return DeadlineRegime.POLICY;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The last millisecond of the UTC day of `year-month(0-based)-day`, the day itself clamped to the month's length. */
function endOfDay(year: number, month: number, day: number): Date {
  const lastDayOfMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day, lastDayOfMonth)) + DAY_MS - 1);
}

/** The end of the day `months` calendar months after `date` (UTC); the month's last day when it has no such date. */
export function calendarMonthsAfter(date: Date, months: number): Date {
  return endOfDay(date.getUTCFullYear(), date.getUTCMonth() + months, date.getUTCDate());
}

/** The end of the day `days` calendar days after `date` (UTC). */
export function daysAfter(date: Date, days: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + days) + DAY_MS - 1);
}

export interface DeadlineRule {
  regime: DeadlineRegime;
  /** The policy's promise, used where no statute sets a shorter or longer clock. */
  policyDays: number;
}

/** The end of the last day to answer a request received at `receivedAt`, with or without the extension. */
export function rightsRequestDueAt(receivedAt: Date, { regime, policyDays }: DeadlineRule, extended = false): Date {
  switch (regime) {
    case DeadlineRegime.CALENDAR_MONTH:
      // Counted from receipt, so the extension ends three months after receipt: 2027-01-31 -> 2027-04-30.
      return calendarMonthsAfter(receivedAt, extended ? 3 : 1);
    case DeadlineRegime.CALIFORNIA:
      return daysAfter(receivedAt, extended ? 90 : 45);
    case DeadlineRegime.POLICY:
      if (extended) throw new Error('the policy promises its answer without an extension');
      return daysAfter(receivedAt, policyDays);
  }
}

/** Whether the law of the regime allows one extension. */
export const extensionAllowed = (regime: DeadlineRegime) => regime !== DeadlineRegime.POLICY;

/** Requests due within this many days, and still open, are flagged as due soon. */
export const DUE_SOON_DAYS = 5;
