/**
 * Calendar dates as the registry records them: `YYYY-MM-DD` text, compared as text (which orders them), and moved
 * by whole days or calendar months in UTC. Review dates, assessment dates and "today" all use this form.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real day of the Gregorian calendar in the form YYYY-MM-DD: `2027-02-30` and `2027-13-01` are not. */
export function isCalendarDate(value: string | null | undefined): value is string {
  const match = DATE.exec(value ?? '');
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Why `value` is not a calendar date, for a message naming the field; null when it is one. */
export function calendarDateProblem(value: string): string | null {
  if (!DATE.test(value)) return `"${value}" is not a date in the form YYYY-MM-DD`;
  if (!isCalendarDate(value)) return `"${value}" is not a real calendar date`;
  return null;
}

const format = (date: Date) => date.toISOString().slice(0, 10);

/** The UTC calendar date of an instant: what "today" is for the registry's clocks. */
export const utcDate = (instant: Date) => format(instant);

/** `days` calendar days after (or, negative, before) a date. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return format(new Date(Date.UTC(year, month - 1, day + days)));
}

/** `months` calendar months after a date; the month's last day when it has no such day (2026-01-31 + 1 = 2026-02-28). */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const lastDay = new Date(Date.UTC(year, month - 1 + months + 1, 0)).getUTCDate();
  return format(new Date(Date.UTC(year, month - 1 + months, Math.min(day, lastDay))));
}
