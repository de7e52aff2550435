import { addDays, addMonths, calendarDateProblem, isCalendarDate } from './calendar-date';

describe('calendar dates', () => {
  it.each([
    ['2027-02-28', true],
    ['2027-02-29', false],
    ['2028-02-29', true],
    ['2027-02-30', false],
    ['2027-04-31', false],
    ['2027-13-01', false],
    ['2027-00-10', false],
    ['0000-01-01', false],
    ['2027-2-3', false],
    ['soon', false],
    [null, false],
  ])('%p is a real calendar date: %p', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it('names why a value is not one', () => {
    expect([calendarDateProblem('2027-02-30'), calendarDateProblem('30.2.2027'), calendarDateProblem('2027-02-28')]).toEqual([
      '"2027-02-30" is not a real calendar date',
      '"30.2.2027" is not a date in the form YYYY-MM-DD',
      null,
    ]);
  });

  it.each([
    ['2027-06-30', -30, '2027-05-31'],
    ['2027-12-31', 1, '2028-01-01'],
    ['2028-03-01', -1, '2028-02-29'],
  ])('%s plus %i days is %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2026-03-01', 12, '2027-03-01'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2026-11-15', 3, '2027-02-15'],
  ])('%s plus %i months is %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });
});
