import type { DataFlow } from '../data-flow/data-flow.types';
import { LegalBasis } from '../processing-activity/legal-basis';
import { RightsRequestStatus as S } from './rights-request.entity';
import { scopeOf, subjectReferenceProblem, timelinessOf, transitionRefusal } from './rights-request.rules';

const flow = (overrides: Partial<DataFlow>): DataFlow => ({
  categoryKey: 'contact',
  activityKey: 'newsletter',
  purposeKey: 'marketing',
  processorKey: 'mailer',
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
    const scope = scopeOf('objection', flows);
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
    expect(scopeOf(right, flows).recipientKeys).toEqual(['lab', 'mailer']);
  });

  it('covers every flow in an access copy', () => {
    expect(scopeOf('access', flows).copy).toEqual({
      categoryKeys: ['contact', 'usage'],
      purposeKeys: ['marketing', 'research'],
      processorKeys: ['lab', 'mailer'],
      countryCodes: ['DE', 'US'],
      retentionKeys: ['until-unsubscribe'],
      thirdCountryTransfers: true,
    });
  });

  it('covers only consent and contract data in a portability copy (Art. 20(1)(a))', () => {
    expect(scopeOf('portability', flows).copy).toEqual({
      categoryKeys: ['contact'],
      purposeKeys: ['marketing'],
      processorKeys: ['mailer'],
      countryCodes: ['US'],
      retentionKeys: ['until-unsubscribe'],
      thirdCountryTransfers: true,
    });
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
