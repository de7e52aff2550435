import { AuditEntry } from '../src/audit/audit-entry.entity';
import { Breach } from '../src/breach/breach.entity';
import { authAs, errorOf, type GraphQLResponse, keys, startTestApp, type TestApp } from './harness';

const FIELDS = `id awareAt occurredAt description approximateSubjects risk authorityDueAt authorityNoticeRequired authorityNotifiedAt
  authorityLateReason subjectsNoticeRequired subjectsNotifiedAt processors { key } activities { key }`;
const REPORT = `mutation ($input: BreachInput!) { reportBreach(input: $input) { ${FIELDS} } }`;
const AFFECTED = `query ($id: ID!) { breach(id: $id) { affected {
  processors { key } activities { key } categories { key } subjectTypes { key } countries { code } specialCategoryData childrenData
} } }`;
const AUTHORITY = `mutation ($id: ID!, $notifiedAt: DateTime, $lateReason: String) {
  recordAuthorityNotice(id: $id, notifiedAt: $notifiedAt, lateReason: $lateReason) { authorityNotifiedAt authorityLateReason }
}`;
const SUBJECTS = `mutation ($id: ID!, $notifiedAt: DateTime) { recordSubjectNotice(id: $id, notifiedAt: $notifiedAt) { subjectsNotifiedAt } }`;
const FINDINGS = `{ findings(rule: "breach-authority-notice-overdue") { nodes { severity rule message entities { type key } } } }`;

let now = new Date('2027-05-10T12:00:00Z');
let app: TestApp;
let asOfficer: Record<string, string>;
beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
  asOfficer = await authAs('PRIVACY_OFFICER', 'dpo@pythonmaster.com');
});
afterAll(() => app.close());

const breachInput = (overrides: Record<string, unknown> = {}) => ({
  awareAt: '2027-05-10T08:00:00Z',
  occurredAt: '2027-05-09T22:00:00Z',
  description: 'An S3 bucket with course progress exports was readable without authentication.',
  processors: ['aws'],
  approximateSubjects: 1200,
  risk: 'HIGH_RISK',
  ...overrides,
});

async function report(overrides: Record<string, unknown> = {}) {
  const response = await app.gql(REPORT, { input: breachInput(overrides) }, asOfficer);
  expect(response.errors).toBeUndefined();
  return response.data!.reportBreach;
}

describe('reporting a breach', () => {
  it('records it with the 72-hour clock, the duty to tell people for a high risk, and an audit entry', async () => {
    now = new Date('2027-05-10T12:00:00Z');
    const breach = await report();
    expect(breach).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      awareAt: '2027-05-10T08:00:00.000Z',
      occurredAt: '2027-05-09T22:00:00.000Z',
      description: 'An S3 bucket with course progress exports was readable without authentication.',
      approximateSubjects: 1200,
      risk: 'HIGH_RISK',
      authorityDueAt: '2027-05-13T08:00:00.000Z',
      authorityNoticeRequired: true,
      authorityNotifiedAt: null,
      authorityLateReason: null,
      subjectsNoticeRequired: true,
      subjectsNotifiedAt: null,
      processors: [{ key: 'aws' }],
      activities: [],
    });
    const entry = await app.em().findOneOrFail(AuditEntry, { entityType: 'Breach', entityKey: breach.id });
    expect(entry).toMatchObject({ operation: 'reportBreach', actor: 'dpo@pythonmaster.com', before: null });
  });

  it('records a breach unlikely to result in a risk too, with no notice required (Art. 33(5))', async () => {
    const breach = await report({ risk: 'NONE', processors: [], activities: ['learning-research'], approximateSubjects: null });
    expect(breach).toMatchObject({ risk: 'NONE', authorityNoticeRequired: false, subjectsNoticeRequired: false, activities: [{ key: 'learning-research' }] });
  });

  it.each([
    ['awareAt after now', { awareAt: '2027-05-10T12:00:01Z' }, 'input.awareAt 2027-05-10T12:00:01.000Z is in the future (now is 2027-05-10T12:00:00.000Z)'],
    ['occurredAt after awareAt', { occurredAt: '2027-05-10T09:00:00Z' }, 'input.occurredAt 2027-05-10T09:00:00.000Z is after input.awareAt: the company cannot learn of a breach before it happens'],
    ['an unknown processor', { processors: ['aws', 'nope'] }, 'input.processors[1]: unknown processor "nope"'],
    ['an unknown activity', { activities: ['nope'] }, 'input.activities[0]: unknown processing activity "nope"'],
    ['a negative number of people', { approximateSubjects: -1 }, 'input.approximateSubjects must be 0 or more; got -1'],
    ['an empty description', { description: ' ' }, 'input.description: say what happened (Art. 33(5))'],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_case, overrides, message) => {
    now = new Date('2027-05-10T12:00:00Z');
    const before = await app.em().count(Breach, {});
    expect(errorOf(await app.gql(REPORT, { input: breachInput(overrides) }, asOfficer))).toEqual(['BAD_USER_INPUT', message]);
    expect(await app.em().count(Breach, {})).toBe(before);
  });

  it('is for privacy officers only; auditors read the register; viewers and engineers see none of it', async () => {
    for (const role of ['VIEWER', 'ENGINEER', 'AUDITOR'] as const) {
      const response = await app.gql(REPORT, { input: breachInput() }, await authAs(role));
      expect(errorOf(response)[0]).toBe('FORBIDDEN');
    }
    const list = `{ breaches { totalCount nodes { id risk } } }`;
    expect((await app.gql(list, {}, await authAs('AUDITOR'))).data!.breaches.totalCount).toBeGreaterThan(0);
    expect(errorOf(await app.gql(list, {}, await authAs('VIEWER')))[0]).toBe('FORBIDDEN');
  });
});

describe('the blast radius', () => {
  it('of a breach at aws on the seeded map: hosting data of students and visitors, in the US', async () => {
    const { id } = await report();
    const { data, errors } = await app.gql(AFFECTED, { id }, asOfficer);
    expect(errors).toBeUndefined();
    const affected = data!.breach.affected;
    expect({
      processors: keys(affected.processors),
      activities: keys(affected.activities),
      categories: keys(affected.categories),
      subjectTypes: keys(affected.subjectTypes),
      countries: keys(affected.countries),
      specialCategoryData: affected.specialCategoryData,
      childrenData: affected.childrenData,
    }).toEqual({
      processors: ['aws'],
      // aws hosts every activity that stores data on the platform (seeds/pythonmaster.yaml).
      activities: ['certificates', 'fraud-prevention', 'learning-research', 'platform-hosting', 'recommendations', 'tax-records', 'website-delivery'],
      categories: ['contact', 'financial', 'identity', 'technical', 'usage', 'usage.website'],
      subjectTypes: ['customer', 'student', 'survey-participant', 'website-visitor'],
      countries: ['US'],
      specialCategoryData: false,
      // The age policy admits users from 13, and platform-hosting (among others) is recorded with `children: true`.
      childrenData: true,
    });
  });

  it('of a breach in an activity: its own data, and the processors that receive it', async () => {
    const { id } = await report({ processors: [], activities: ['process-payments', 'learning-research'] });
    const affected = (await app.gql(AFFECTED, { id }, asOfficer)).data!.breach.affected;
    expect([keys(affected.processors), keys(affected.activities), keys(affected.categories), keys(affected.subjectTypes), keys(affected.countries), affected.childrenData]).toEqual([
      // learning-research is stored on aws and google-cloud; payments go to paypal and stripe.
      ['aws', 'google-cloud', 'paypal', 'stripe'],
      ['learning-research', 'process-payments'],
      ['contact', 'financial', 'identity', 'usage'],
      ['customer', 'student', 'survey-participant'],
      ['US'],
      true, // learning-research is recorded with `children: true`
    ]);
  });

  it("flags children's data only when an affected activity is recorded with children", async () => {
    const { id } = await report({ processors: ['stripe'], activities: [] });
    const affected = (await app.gql(AFFECTED, { id }, asOfficer)).data!.breach.affected;
    expect([keys(affected.activities), keys(affected.subjectTypes), affected.childrenData]).toEqual([['process-payments'], ['customer'], false]);
  });
});

describe('notices', () => {
  it('records the authority notice within 72 hours without a reason, and the notice to people', async () => {
    now = new Date('2027-05-10T12:00:00Z');
    const { id } = await report();
    now = new Date('2027-05-12T08:00:00Z');
    const notice = await app.gql(AUTHORITY, { id }, asOfficer);
    expect(notice.data!.recordAuthorityNotice).toEqual({ authorityNotifiedAt: '2027-05-12T08:00:00.000Z', authorityLateReason: null });
    const again = await app.gql(AUTHORITY, { id }, asOfficer);
    expect(errorOf(again)).toEqual(['BAD_USER_INPUT', `id: the authority notice of breach "${id}" was already recorded (2027-05-12T08:00:00.000Z)`]);
    const people = await app.gql(SUBJECTS, { id, notifiedAt: '2027-05-11T10:00:00Z' }, asOfficer);
    expect(people.data!.recordSubjectNotice).toEqual({ subjectsNotifiedAt: '2027-05-11T10:00:00.000Z' });
    const operations = await app.em().find(AuditEntry, { entityType: 'Breach', entityKey: id }, { orderBy: { id: 'asc' } });
    expect(operations.map((entry) => entry.operation)).toEqual(['reportBreach', 'recordAuthorityNotice', 'recordSubjectNotice']);
  });

  it('needs lateReason for a notice after 72 hours (Art. 33(1)), and refuses dates in the future or before awareness', async () => {
    now = new Date('2027-05-10T12:00:00Z');
    const { id } = await report();
    now = new Date('2027-05-14T09:00:00Z');
    const late = await app.gql(AUTHORITY, { id }, asOfficer);
    expect(errorOf(late)).toEqual([
      'BAD_USER_INPUT',
      'lateReason: the notice comes after the 72 hours that ended 2027-05-13T08:00:00.000Z; Art. 33(1) requires the reasons for the delay',
    ]);
    const future = await app.gql(AUTHORITY, { id, notifiedAt: '2027-05-15T00:00:00Z' }, asOfficer);
    expect(errorOf(future)[0]).toBe('BAD_USER_INPUT');
    const early = await app.gql(SUBJECTS, { id, notifiedAt: '2027-05-01T00:00:00Z' }, asOfficer);
    expect(errorOf(early)).toEqual(['BAD_USER_INPUT', 'notifiedAt 2027-05-01T00:00:00.000Z is before the company became aware of the breach (2027-05-10T08:00:00.000Z)']);
    const explained = await app.gql(AUTHORITY, { id, lateReason: 'The scope took four days to establish' }, asOfficer);
    expect(explained.data!.recordAuthorityNotice).toEqual({
      authorityNotifiedAt: '2027-05-14T09:00:00.000Z',
      authorityLateReason: 'The scope took four days to establish',
    });
  });

  it('answers NOT_FOUND for an unknown breach', async () => {
    expect(errorOf(await app.gql(AUTHORITY, { id: 'nope' }, asOfficer))).toEqual(['NOT_FOUND', 'id: no breach has id "nope"']);
  });
});

describe('findings', () => {
  it('report a notifiable breach without an authority notice after 72 hours as an ERROR', async () => {
    const fresh = await startTestApp({ clock: () => now });
    try {
      const officer = asOfficer;
      now = new Date('2027-06-01T12:00:00Z');
      const reported = await fresh.gql(REPORT, { input: breachInput({ awareAt: '2027-06-01T10:00:00Z', occurredAt: null }) }, officer);
      const id = reported.data!.reportBreach.id;
      await fresh.gql(REPORT, { input: breachInput({ awareAt: '2027-06-01T10:00:00Z', risk: 'NONE', occurredAt: null }) }, officer);
      expect((await fresh.gql(FINDINGS, {}, await authAs('VIEWER'))).data!.findings.nodes).toEqual([]);

      now = new Date('2027-06-04T10:00:01Z');
      const { data } = await fresh.gql(FINDINGS, {}, await authAs('VIEWER'));
      expect(data!.findings.nodes).toEqual([
        {
          severity: 'ERROR',
          rule: 'breach-authority-notice-overdue',
          message:
            `the HIGH_RISK breach ${id}, known since 2027-06-01T10:00:00.000Z, was due at the supervisory authority by ` +
            '2027-06-04T10:00:00.000Z (72 hours, Art. 33(1)) and no notice is recorded; the people affected have not been told either (Art. 34)',
          entities: [{ type: 'Breach', key: id }],
        },
      ]);
      await fresh.gql(AUTHORITY, { id, lateReason: 'Found late' }, officer);
      expect((await fresh.gql(FINDINGS, {}, await authAs('VIEWER'))).data!.findings.nodes).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
