import { RetentionEvent } from './retention-rule.entity';
import { retainedAfterWithdrawal } from './retention.rules';

const { COLLECTION, LAST_ACTIVITY, UNSUBSCRIBE, ACCOUNT_CLOSURE } = RetentionEvent;

describe('retainedAfterWithdrawal', () => {
  it.each([
    ['marketing-data: 2 years of inactivity, or until unsubscribing', { duration: 'P2Y', startsAt: LAST_ACTIVITY, until: UNSUBSCRIBE }, false],
    ['advertising-data: 1 year from collection', { duration: 'P1Y', startsAt: COLLECTION, until: null }, true],
    ['analytics-data: 2 years from collection', { duration: 'P2Y', startsAt: COLLECTION, until: null }, true],
    ['account data: 3 years after closure', { duration: 'P3Y', startsAt: ACCOUNT_CLOSURE, until: null }, true],
    ['30 days from the withdrawal (a suppression list)', { duration: 'P30D', startsAt: UNSUBSCRIBE, until: null }, true],
    ['nothing from the withdrawal', { duration: 'P0D', startsAt: UNSUBSCRIBE, until: null }, false],
    ['nothing from the withdrawal, in hours', { duration: 'PT0H', startsAt: UNSUBSCRIBE, until: null }, false],
    ['no period from the withdrawal', { duration: null, startsAt: UNSUBSCRIBE, until: null }, false],
  ])('%s: %s', (_name, rule, retained) => {
    expect(retainedAfterWithdrawal(rule)).toBe(retained);
  });

  it('takes an activity without a retention rule to keep the data', () => {
    expect(retainedAfterWithdrawal(null)).toBe(true);
  });
});
