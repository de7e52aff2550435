import { RIGHTS_DEADLINE_RULES, type Period, type RightsDeadlineRule } from './rights-deadline.reference';

/**
 * When a rights request must be answered: a pure function of the right, the jurisdiction and the moment of
 * receipt (and the policy's promise), over the rules of `seeds/reference/rights-deadlines.json`. Calendar
 * arithmetic is on UTC days, so no rule depends on the server's time zone, and every year is its own (the years
 * 1 to 99 are not taken for 19xx, as `Date.UTC` would).
 *
 * A deadline is the end (23:59:59.999 UTC) of its last day, except an immediate one, which is the moment of
 * receipt itself (withdrawing consent, objecting to direct marketing: effective at once).
 */

export interface JurisdictionFacts {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** ISO 3166-2, such as "US-CA"; null for a whole country. */
  subdivision: string | null;
  /** Whether the country is in the EEA (from the country table). */
  inEEA: boolean;
}

export type ExtensionKind = 'NONE' | 'FIXED' | 'STATED';

export interface RightsClock {
  rule: RightsDeadlineRule;
  /** The end of the last day to answer (or, for an immediate rule, the moment of receipt). */
  dueAt: Date;
  /** NONE: the deadline cannot be extended; FIXED: by the rule's period, up to `extendedDueAt`; STATED: to a date the controller sets. */
  extension: ExtensionKind;
  /** The latest an extended deadline may fall, for a FIXED extension; null otherwise. */
  extendedDueAt: Date | null;
  /** When receipt must be acknowledged; null where no acknowledgement is owed. */
  acknowledgeBy: Date | null;
  /** The policy's promise, where it falls before `dueAt`; null where the deadline is as early or earlier. */
  promisedBy: Date | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Midnight UTC of the given calendar day, the day and month allowed to overflow as `Date.UTC` allows, for any year. */
function utcMidnight(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  return date.getTime();
}

/** The last millisecond of the UTC day of `year-month(0-based)-day`, the day itself clamped to the month's length. */
function endOfDay(year: number, month: number, day: number): Date {
  const lastDayOfMonth = new Date(utcMidnight(year, month + 1, 0)).getUTCDate();
  return new Date(utcMidnight(year, month, Math.min(day, lastDayOfMonth)) + DAY_MS - 1);
}

/** The end of the day `months` calendar months after `date` (UTC); the month's last day when it has no such date. */
export function calendarMonthsAfter(date: Date, months: number): Date {
  return endOfDay(date.getUTCFullYear(), date.getUTCMonth() + months, date.getUTCDate());
}

/** The end of the day `days` calendar days after `date` (UTC). */
export function daysAfter(date: Date, days: number): Date {
  return new Date(utcMidnight(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + days) + DAY_MS - 1);
}

/**
 * The end of the `days`-th business day (Monday to Friday, UTC) after the day of `date`. The day of receipt does
 * not count; holidays are not counted out, which errs early.
 */
export function businessDaysAfter(date: Date, days: number): Date {
  let day = new Date(utcMidnight(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  for (let counted = 0; counted < days; ) {
    day = new Date(day.getTime() + DAY_MS);
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6) counted += 1;
  }
  return new Date(day.getTime() + DAY_MS - 1);
}

function matchesJurisdiction(token: string, { country, subdivision, inEEA }: JurisdictionFacts): boolean {
  if (token === '*') return true;
  if (token === 'EEA') return inEEA;
  return token.includes('-') ? token === subdivision : token === country;
}

/** The rule that sets the clock: the first whose jurisdictions and rights match, in force on the day of receipt. */
export function deadlineRuleFor(
  right: string,
  jurisdiction: JurisdictionFacts,
  receivedAt: Date,
  rules: readonly RightsDeadlineRule[] = RIGHTS_DEADLINE_RULES,
): RightsDeadlineRule {
  const day = receivedAt.toISOString().slice(0, 10);
  const rule = rules.find(
    (candidate) =>
      (candidate.rights.includes('*') || candidate.rights.includes(right)) &&
      candidate.jurisdictions.some((token) => matchesJurisdiction(token, jurisdiction)) &&
      (!candidate.from || candidate.from <= day),
  );
  // The rules file ends with a rule for everything (checked when it is loaded).
  return rule!;
}

function after(receivedAt: Date, period: Period | { unit: 'days' | 'business_days' | 'months'; value: number }, policyDays: number): Date {
  switch (period.unit) {
    case 'immediate':
      return receivedAt;
    case 'policy':
      return daysAfter(receivedAt, policyDays);
    case 'days':
      return daysAfter(receivedAt, period.value!);
    case 'business_days':
      return businessDaysAfter(receivedAt, period.value!);
    case 'months':
      return calendarMonthsAfter(receivedAt, period.value!);
  }
}

/** The total of a period and its extension, both counted from receipt: one month plus two is three months. */
function extendedPeriod(period: Period, extension: { unit: 'days' | 'months'; value?: number }): Period {
  if (period.unit !== extension.unit) throw new Error(`an extension in ${extension.unit} of a period in ${period.unit}`);
  return { unit: period.unit, value: period.value! + extension.value! };
}

/**
 * The clock of a request of `right` from `jurisdiction` received at `receivedAt`. `policyDays` is the policy's
 * promise for the right (its `responseDays`): the deadline where no statute sets one, and `promisedBy` wherever
 * it comes before the statutory deadline.
 */
export function rightsRequestClock(
  right: string,
  jurisdiction: JurisdictionFacts,
  receivedAt: Date,
  policyDays: number,
  rules: readonly RightsDeadlineRule[] = RIGHTS_DEADLINE_RULES,
): RightsClock {
  const rule = deadlineRuleFor(right, jurisdiction, receivedAt, rules);
  const dueAt = after(receivedAt, rule.period, policyDays);
  const promise = daysAfter(receivedAt, policyDays);
  const extension: ExtensionKind = !rule.extension ? 'NONE' : rule.extension.unit === 'stated' ? 'STATED' : 'FIXED';
  return {
    rule,
    dueAt,
    extension,
    extendedDueAt:
      rule.extension && rule.extension.unit !== 'stated'
        ? after(receivedAt, extendedPeriod(rule.period, rule.extension as { unit: 'days' | 'months'; value: number }), policyDays)
        : null,
    acknowledgeBy: rule.acknowledgement ? after(receivedAt, rule.acknowledgement, policyDays) : null,
    promisedBy: promise < dueAt ? promise : null,
  };
}

/** Requests due within this many days, and still open, are flagged as due soon. */
export const DUE_SOON_DAYS = 5;
