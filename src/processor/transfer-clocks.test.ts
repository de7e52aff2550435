import { dpfStatusOn, tiaStaleness } from './transfer-clocks';

describe('dpfStatusOn: a DPF certification lapses the day after its review date', () => {
  it.each([
    ['2027-06-30', '2027-05-30', 30, 'ACTIVE'],
    ['2027-06-30', '2027-05-31', 30, 'REVIEW_DUE'],
    ['2027-06-30', '2027-06-30', 30, 'REVIEW_DUE'],
    ['2027-06-30', '2027-07-01', 30, 'LAPSED'],
    ['2025-06-30', '2027-07-01', 30, 'LAPSED'],
    ['2027-06-30', '2027-06-29', 0, 'ACTIVE'],
    ['2027-06-30', '2027-06-30', 0, 'REVIEW_DUE'],
    ['2028-03-01', '2028-02-01', 29, 'REVIEW_DUE'],
    ['2028-03-01', '2028-01-31', 29, 'ACTIVE'],
  ])('review due %s, on %s with %i grace days: %s', (reviewDue, today, graceDays, status) => {
    expect(dpfStatusOn(reviewDue, today, graceDays)).toBe(status);
  });
});

describe('tiaStaleness: an assessment is out of date after TIA_REVIEW_MONTHS, or once the safeguard changed', () => {
  it.each([
    [{ assessedAt: '2026-03-01', today: '2027-03-01' }, null],
    [{ assessedAt: '2026-03-01', today: '2027-03-02' }, 'it is more than 12 months old (review was due on 2027-03-01)'],
    [{ assessedAt: '2026-01-31', today: '2026-03-01', reviewMonths: 1 }, 'it is more than 1 months old (review was due on 2026-02-28)'],
    [{ assessedAt: '2026-03-01', today: '2026-04-01', lastChangedOn: '2026-03-01' }, null],
    [{ assessedAt: '2026-03-01', today: '2026-04-01', lastChangedOn: '2026-03-02' }, 'it predates the last change of the safeguard on 2026-03-02'],
    [{ assessedAt: '2026-03-01', today: '2026-04-01', lastChangedOn: null }, null],
  ])('%p: %p', (age, stale) => {
    expect(tiaStaleness(age)).toBe(stale);
  });
});
