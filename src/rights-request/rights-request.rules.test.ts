import type { DataFlow } from '../data-flow/data-flow.types';
import { LegalBasis } from '../processing-activity/legal-basis';
import { RightsRequestStatus as S } from './rights-request.entity';
import { RetentionEvent } from '../retention/retention-rule.entity';
import { erasureExceptionOf, scopeOf, subjectReferenceProblem, timelinessOf, transitionRefusal, type ScopeFacts } from './rights-request.rules';
import type { ScopeRow } from './rights-request.sql';

const flow = (overrides: Partial<DataFlow>): DataFlow => ({
  categoryKey: 'contact',
  activityKey: 'newsletter',
  purposeKey: 'marketing',
  processorKey: 'mailer',
  path: [],
  destinationCode: 'US',
  retentionKey: 'until-unsubscribe',
  legalBasis: LegalBasis.CONSENT,
  thirdCountry: true,
  regulatedTransfer: true,
  mechanism: null,
  reference: null,
  safeguarded: true,
  transferProblem: null,
  pending: false,
  effectiveFrom: null,
  ...overrides,
});

const flows = [
  flow({}),
  flow({ categoryKey: 'usage', activityKey: 'research', purposeKey: 'research', legalBasis: LegalBasis.LEGITIMATE_INTERESTS, processorKey: 'lab', destinationCode: 'DE', thirdCountry: false, regulatedTransfer: false, retentionKey: null }),
];

const row = (overrides: Partial<ScopeRow>): ScopeRow => ({
  activityKey: 'newsletter',
  categoryKey: 'contact',
  purposeKey: 'marketing',
  legalBasis: LegalBasis.CONSENT,
  requiredConsentKey: 'marketing-email',
  legalObligationLaw: null,
  retentionKey: 'until-unsubscribe',
  duration: 'P2Y',
  startsAt: RetentionEvent.LAST_ACTIVITY,
  until: RetentionEvent.UNSUBSCRIBE,
  legalClaims: false,
  ...overrides,
});

const rows = [
  row({}),
  row({ activityKey: 'research', categoryKey: 'usage', purposeKey: 'research', legalBasis: LegalBasis.LEGITIMATE_INTERESTS, requiredConsentKey: null, retentionKey: null, duration: null, startsAt: null, until: null, legalClaims: null }),
];

/** The facts of a person whose flows are `flows`, who withdrew nothing, on a map with no recipient categories. */
const facts = (overrides: Partial<ScopeFacts> = {}): ScopeFacts => ({ rows, flows, withdrawnConsents: new Set(), recipientCategories: [], ...overrides });

describe('transitionRefusal', () => {
  it.each([
    [S.RECEIVED, S.VERIFYING],
    [S.VERIFYING, S.IN_PROGRESS],
    [S.IN_PROGRESS, S.COMPLETED],
    [S.IN_PROGRESS, S.REFUSED],
  ])('allows %s -> %s', (from, to) => {
    expect(transitionRefusal(from, to)).toBeNull();
  });

  it.each([
    [S.RECEIVED, S.IN_PROGRESS, 'it may move only to VERIFYING or REFUSED'],
    [S.RECEIVED, S.RECEIVED, 'it may move only to VERIFYING or REFUSED'],
    [S.VERIFYING, S.COMPLETED, 'it may move only to IN_PROGRESS or REFUSED'],
    [S.IN_PROGRESS, S.VERIFYING, 'it may move only to COMPLETED or REFUSED'],
    [S.COMPLETED, S.REFUSED, 'it is closed'],
    [S.REFUSED, S.IN_PROGRESS, 'it is closed'],
  ])('refuses %s -> %s, naming the current status', (from, to, tail) => {
    expect(transitionRefusal(from, to)).toBe(
      `status: the request is ${from}, and ${from} -> ${to} is not a step of RECEIVED -> VERIFYING -> IN_PROGRESS -> COMPLETED or REFUSED; ${tail}`,
    );
  });
});

describe('subjectReferenceProblem', () => {
  it.each(['user-8812', 'ZD-4411', 'ticket#99', 'u_8f3a.2'])('accepts the product reference %s', (value) => {
    expect(subjectReferenceProblem(value)).toBeNull();
  });

  it.each([
    ['jane@example.com', 'looks like an email address'],
    ['jane(at)example.com', "must be the product's user id"],
    ['Jane Doe', "must be the product's user id"],
    ['', "must be the product's user id"],
    ['x'.repeat(101), "must be the product's user id"],
  ])('refuses %s', (value, message) => {
    expect(subjectReferenceProblem(value)).toContain(message);
  });
});

describe('scopeOf', () => {
  it('groups the flows by processor and by activity, in key order', () => {
    const scope = scopeOf('objection', facts());
    expect(scope.processors).toEqual([
      { processorKey: 'lab', activityKeys: ['research'], categoryKeys: ['usage'], countryCodes: ['DE'] },
      { processorKey: 'mailer', activityKeys: ['newsletter'], categoryKeys: ['contact'], countryCodes: ['US'] },
    ]);
    expect(scope.activities.map((a) => [a.activityKey, a.legalBasis, a.processorKeys])).toEqual([
      ['newsletter', LegalBasis.CONSENT, ['mailer']],
      ['research', LegalBasis.LEGITIMATE_INTERESTS, ['lab']],
    ]);
    expect([scope.recipientKeys, scope.copy]).toEqual([[], null]);
  });

  it.each(['erasure', 'rectification', 'restriction'])('names every recipient for %s (Art. 19)', (right) => {
    expect(scopeOf(right, facts()).recipientKeys).toEqual(['lab', 'mailer']);
  });

  it('covers every flow in an access copy', () => {
    expect(scopeOf('access', facts()).copy).toEqual({
      categoryKeys: ['contact', 'usage'],
      purposeKeys: ['marketing', 'research'],
      processorKeys: ['lab', 'mailer'],
      countryCodes: ['DE', 'US'],
      retentionKeys: ['until-unsubscribe'],
      thirdCountryTransfers: true,
    });
  });

  it('covers only consent and contract data in a portability copy (Art. 20(1)(a))', () => {
    expect(scopeOf('portability', facts()).copy).toEqual({
      categoryKeys: ['contact'],
      purposeKeys: ['marketing'],
      processorKeys: ['mailer'],
      countryCodes: ['US'],
      retentionKeys: ['until-unsubscribe'],
      thirdCountryTransfers: true,
    });
  });
});

describe('scopeOf, beyond the flows (issue 18)', () => {
  const kept = row({ activityKey: 'ledger', categoryKey: 'financial', purposeKey: 'tax', legalBasis: LegalBasis.LEGAL_OBLIGATION, requiredConsentKey: null, legalObligationLaw: 'VAT Directive, Art. 369k', retentionKey: 'payment-data', duration: 'P7Y', startsAt: RetentionEvent.TRANSACTION, until: null });
  const ads = row({ activityKey: 'ads', categoryKey: 'usage', purposeKey: 'ads', requiredConsentKey: 'marketing-cookies', retentionKey: 'ads-data', duration: 'P1Y', startsAt: RetentionEvent.COLLECTION, until: null });

  it('lists an activity no processor serves, with no processors', () => {
    const scope = scopeOf('access', facts({ rows: [...rows, kept] }));
    expect(scope.activities.map((a) => [a.activityKey, a.processorKeys, a.categoryKeys])).toEqual([
      ['ledger', [], ['financial']],
      ['newsletter', ['mailer'], ['contact']],
      ['research', ['lab'], ['usage']],
    ]);
    expect(scope.copy!.categoryKeys).toEqual(['contact', 'financial', 'usage']);
    expect(scope.copy!.retentionKeys).toEqual(['payment-data', 'until-unsubscribe']);
  });

  it('keeps what a withdrawn consent fed while its retention rule keeps it, and drops it where withdrawal ends retention', () => {
    const scope = scopeOf('access', facts({ rows: [...rows, ads], withdrawnConsents: new Set(['marketing-cookies', 'marketing-email']) }));
    expect(scope.activities.map((a) => [a.activityKey, a.withdrawnConsentKey])).toEqual([
      ['ads', 'marketing-cookies'],
      ['research', null],
    ]);
    expect(scope.processors.map((p) => p.processorKey)).toEqual(['lab']);
    expect(scope.copy!.purposeKeys).toEqual(['ads', 'research']);
  });

  it('marks what Art. 17(3) keeps from an erasure, for erasure only', () => {
    const claims = row({ activityKey: 'account', legalBasis: LegalBasis.CONTRACT, requiredConsentKey: null, retentionKey: 'account-data', legalClaims: true });
    const erasure = scopeOf('erasure', facts({ rows: [...rows, kept, claims] }));
    expect(erasure.activities.map((a) => [a.activityKey, a.erasureException])).toEqual([
      ['account', 'Art. 17(3)(e): legal claims, as far as their establishment, exercise or defence needs the data, for the period of the retention rule account-data'],
      ['ledger', 'Art. 17(3)(b): legal obligation (VAT Directive, Art. 369k)'],
      ['newsletter', null],
      ['research', null],
    ]);
    expect(scopeOf('access', facts({ rows: [...rows, kept] })).activities.every((a) => a.erasureException === null)).toBe(true);
  });

  it('names the recipient categories of its activities, and those of every activity', () => {
    const recipientCategories = [
      { key: 'ad-partners', activities: ['ads'] },
      { key: 'authorities', activities: [] },
      { key: 'researchers', activities: ['research'] },
    ];
    expect(scopeOf('access', facts({ recipientCategories })).recipientCategoryKeys).toEqual(['authorities', 'researchers']);
    expect(scopeOf('access', facts({ rows: [...rows, ads], recipientCategories })).recipientCategoryKeys).toEqual(['ad-partners', 'authorities', 'researchers']);
  });
});

describe('erasureExceptionOf', () => {
  it.each([
    [LegalBasis.LEGAL_OBLIGATION, null, false, 'Art. 17(3)(b): legal obligation'],
    [LegalBasis.PUBLIC_TASK, null, false, 'Art. 17(3)(b): a task carried out in the public interest or in official authority'],
    [LegalBasis.CONSENT, null, false, null],
    [LegalBasis.LEGITIMATE_INTERESTS, null, null, null],
  ])('%s (law %s, legal claims %s): %s', (legalBasis, legalObligationLaw, legalClaims, exception) => {
    expect(erasureExceptionOf({ legalBasis, legalObligationLaw, retentionKey: 'r', legalClaims })).toBe(exception);
  });
});

describe('timelinessOf', () => {
  const dueAt = new Date('2027-02-28T23:59:59.999Z');
  it.each([
    [{ dueAt, closedAt: new Date('2027-02-28T23:59:59.999Z') }, '2027-03-10T00:00:00Z', 'ON_TIME'],
    [{ dueAt, closedAt: new Date('2027-03-01T00:00:00Z') }, '2027-03-10T00:00:00Z', 'LATE'],
    [{ dueAt, closedAt: null }, '2027-02-28T23:59:59.999Z', 'OPEN'],
    [{ dueAt, closedAt: null }, '2027-03-01T00:00:00Z', 'OVERDUE'],
  ])('%j at %s is %s', (request, now, expected) => {
    expect(timelinessOf(request, new Date(now))).toBe(expected);
  });
});
