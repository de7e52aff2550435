import { AuditEntry } from '../src/audit/audit-entry.entity';
import { Breach } from '../src/breach/breach.entity';
import { authAs, errorOf, type GraphQLResponse, keys, startTestApp, useTestApp } from './harness';

const FIELDS = `id awareAt occurredAt description approximateSubjects risk authorityDueAt authorityNoticeRequired authorityNotifiedAt
  authorityLateReason subjectsNoticeRequired subjectsDueAt subjectsNotifiedAt processors { key } activities { key }`;
/** Every field of a breach, to read it back after each kind of change. */
const EVERYTHING = `id awareAt occurredAt processorNotifiedAt description nature likelyConsequences measures contactPoint approximateSubjects
  approximateRecords affectedResidence risk authorityDueAt authorityNoticeRequired authorityNotifiedAt authorityLateReason
  subjectsNoticeRequired subjectsDueAt subjectsNotifiedAt createdAt processors { key } activities { key }
  authoritiesToNotify { code name officialName website law notes verified uncertainty sources { title url } country { code name } }
  notices { authority { code } owed dueAt notifiedAt lateReason reference phase updates { phase notifiedAt reference } }
  riskHistory { risk reason assessedAt actor }
  affected { processors { key } activities { key } categories { key } subjectTypes { key } countries { code } specialCategoryData
    childrenData scheduled { processor { key } country { code } from } residence { countries { code } estimated basis } }`;
const REPORT = `mutation ($input: BreachInput!) { reportBreach(input: $input) { ${FIELDS} } }`;
const AFFECTED = `query ($id: ID!) { breach(id: $id) { affected {
  processors { key } activities { key } categories { key } subjectTypes { key } countries { code } specialCategoryData childrenData
} } }`;
const AUTHORITY = `mutation ($id: ID!, $authority: ID!, $notifiedAt: DateTime, $lateReason: String, $phase: BreachNoticePhase, $reference: String) {
  recordAuthorityNotice(id: $id, authority: $authority, notifiedAt: $notifiedAt, lateReason: $lateReason, phase: $phase, reference: $reference) {
    authorityNotifiedAt notices { authority { code } owed notifiedAt lateReason phase reference updates { phase notifiedAt reference } }
  }
}`;
const NOTICES = `query ($id: ID!) { breach(id: $id) {
  authoritiesToNotify { code name country { code } } subjectsDueAt
  notices { authority { code } owed dueAt notifiedAt phase }
  affected { countries { code } residence { countries { code } estimated basis } }
} }`;
const UPDATE = `mutation ($id: ID!, $input: BreachUpdateInput!) { updateBreach(id: $id, input: $input) { authorityDueAt subjectsDueAt processorNotifiedAt affectedResidence nature } }`;
const REASSESS = `mutation ($id: ID!, $risk: BreachRisk!, $reason: String!) {
  reassessBreachRisk(id: $id, risk: $risk, reason: $reason) { risk subjectsDueAt riskHistory { risk reason actor } authoritiesToNotify { code } }
}`;
const SUBJECTS = `mutation ($id: ID!, $notifiedAt: DateTime) { recordSubjectNotice(id: $id, notifiedAt: $notifiedAt) { subjectsNotifiedAt } }`;
const FINDINGS = `{ findings(rule: "breach-authority-notice-overdue") { nodes { severity rule message entities { type key } } } }`;

let now = new Date('2027-05-10T12:00:00Z');
const { app, headers: asOfficer } = useTestApp('PRIVACY_OFFICER', { clock: () => now, subject: 'dpo@pythonmaster.com' });

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
      subjectsDueAt: '2027-05-13T08:00:00.000Z',
      subjectsNotifiedAt: null,
      processors: [{ key: 'aws' }],
      activities: [],
    });
    const entry = await app.em().findOneOrFail(AuditEntry, { entityType: 'Breach', entityKey: breach.id });
    expect(entry).toMatchObject({ operation: 'reportBreach', actor: 'dpo@pythonmaster.com', before: null });
  });

  it('records a breach unlikely to result in a risk too, with no notice required (Art. 33(5))', async () => {
    const breach = await report({ risk: 'NONE', processors: [], activities: ['learning-research'], approximateSubjects: null });
    expect(breach).toMatchObject({ risk: 'NONE', authorityNoticeRequired: false, subjectsNoticeRequired: false, subjectsDueAt: null, activities: [{ key: 'learning-research' }] });
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
  it('follows the chain: a breach at Intercom reaches its own host, and one at the host names Intercom, which engaged it', async () => {
    for (const processor of ['intercom', 'intercom-aws']) {
      const { id } = await report({ processors: [processor], activities: [] });
      const affected = (await app.gql(AFFECTED, { id }, asOfficer)).data!.breach.affected;
      expect([keys(affected.processors), keys(affected.activities), keys(affected.categories), keys(affected.countries)]).toEqual([
        ['intercom', 'intercom-aws'],
        ['customer-support', 'pre-sale-support'],
        ['contact', 'identity'],
        ['US'],
      ]);
    }
  });
});

describe('the authorities owed a notice (issue 20, points 1 and 2)', () => {
  it('owes every EEA authority where affected people live, the ICO for GB and the FDPIC for CH at HIGH_RISK, not one lead authority', async () => {
    now = new Date('2027-05-10T12:00:00Z');
    const high = await report({ affectedResidence: ['FR', 'de', 'ES-CT', 'RE', 'GB', 'CH', 'US'] });
    const { data, errors } = await app.gql(NOTICES, { id: high.id }, asOfficer);
    expect(errors).toBeUndefined();
    // RE is France (TFEU Art. 349), ES-CT is Spain; the US has no authority in the table.
    expect(data!.breach.authoritiesToNotify.map((a: { code: string; country: { code: string } }) => [a.code, a.country.code])).toEqual([
      ['CH-FDPIC', 'CH'],
      ['DE-BFDI', 'DE'],
      ['ES-AEPD', 'ES'],
      ['FR-CNIL', 'FR'],
      ['GB-ICO', 'GB'],
    ]);
    expect(data!.breach.affected.residence).toEqual({
      countries: [{ code: 'CH' }, { code: 'DE' }, { code: 'ES' }, { code: 'FR' }, { code: 'GB' }, { code: 'US' }],
      estimated: false,
      basis: 'as reported in affectedResidence',
    });
    // Where the data is processed is another question: the radius still says US.
    expect(data!.breach.affected.countries).toEqual([{ code: 'US' }]);
    const risk = await report({ risk: 'RISK', affectedResidence: ['FR', 'GB', 'CH'] });
    const owed = (await app.gql(NOTICES, { id: risk.id }, asOfficer)).data!.breach.authoritiesToNotify.map((a: { code: string }) => a.code);
    expect(owed).toEqual(['FR-CNIL', 'GB-ICO']);
  });

  it('records one notice per authority, refuses a second INITIAL notice and an authority not owed one', async () => {
    now = new Date('2027-05-10T12:00:00Z');
    const { id } = await report({ affectedResidence: ['FR', 'DE'] });
    now = new Date('2027-05-11T09:00:00Z');
    const france = await app.gql(AUTHORITY, { id, authority: 'FR-CNIL', reference: 'CNIL-2027-0042' }, asOfficer);
    expect(france.errors).toBeUndefined();
    expect(france.data!.recordAuthorityNotice).toEqual({
      authorityNotifiedAt: null, // DE-BFDI has not been told yet
      notices: [
        { authority: { code: 'DE-BFDI' }, owed: true, notifiedAt: null, lateReason: null, phase: null, reference: null, updates: [] },
        {
          authority: { code: 'FR-CNIL' }, owed: true, notifiedAt: '2027-05-11T09:00:00.000Z', lateReason: null, phase: 'INITIAL', reference: 'CNIL-2027-0042',
          updates: [{ phase: 'INITIAL', notifiedAt: '2027-05-11T09:00:00.000Z', reference: 'CNIL-2027-0042' }],
        },
      ],
    });
    expect(errorOf(await app.gql(AUTHORITY, { id, authority: 'FR-CNIL', phase: 'INITIAL' }, asOfficer))).toEqual([
      'BAD_USER_INPUT',
      `id: the INITIAL notice of breach "${id}" to FR-CNIL was already recorded (2027-05-11T09:00:00.000Z); send FOLLOW_UP or FINAL`,
    ]);
    expect(errorOf(await app.gql(AUTHORITY, { id, authority: 'IT-GPDP' }, asOfficer))).toEqual([
      'BAD_USER_INPUT',
      'authority: "IT-GPDP" is not owed a notice for this breach; authoritiesToNotify is DE-BFDI, FR-CNIL (from where the people live, as reported, ' +
        'and the risk HIGH_RISK); record affectedResidence (updateBreach) or reassessBreachRisk if it is wrong',
    ]);
    expect(errorOf(await app.gql(AUTHORITY, { id, authority: 'XX-NOPE' }, asOfficer))[1]).toContain('"XX-NOPE" is not a supervisory authority of the table');
    const germany = await app.gql(AUTHORITY, { id, authority: 'DE-BFDI' }, asOfficer);
    expect(germany.data!.recordAuthorityNotice.authorityNotifiedAt).toBe('2027-05-11T09:00:00.000Z');
    const operations = await app.em().find(AuditEntry, { entityType: 'Breach', entityKey: id }, { orderBy: { id: 'asc' } });
    expect(operations.map((entry) => entry.operation)).toEqual(['reportBreach', 'recordAuthorityNotice', 'recordAuthorityNotice']);
    expect((operations[2].after as { notices: unknown[] }).notices).toEqual([
      { authority: 'FR-CNIL', phase: 'INITIAL', notifiedAt: '2027-05-11T09:00:00.000Z', lateReasonGiven: false },
      { authority: 'DE-BFDI', phase: 'INITIAL', notifiedAt: '2027-05-11T09:00:00.000Z', lateReasonGiven: false },
    ]);
  });

  it('sends the information in phases (Art. 33(4)): FOLLOW_UP after INITIAL, nothing after FINAL', async () => {
    now = new Date('2027-05-10T12:00:00Z');
    const { id } = await report({ affectedResidence: ['GB'] });
    expect(errorOf(await app.gql(AUTHORITY, { id, authority: 'GB-ICO', phase: 'FOLLOW_UP' }, asOfficer))).toEqual([
      'BAD_USER_INPUT',
      `phase: no INITIAL notice of breach "${id}" to GB-ICO is recorded; a FOLLOW_UP notice comes after it`,
    ]);
    await app.gql(AUTHORITY, { id, authority: 'GB-ICO', notifiedAt: '2027-05-10T11:00:00Z' }, asOfficer);
    now = new Date('2027-05-12T12:00:00Z');
    const followUp = await app.gql(AUTHORITY, { id, authority: 'GB-ICO', reference: 'IC-123456-A1B2' }, asOfficer);
    expect(followUp.data!.recordAuthorityNotice.notices[0]).toMatchObject({ phase: 'FOLLOW_UP', notifiedAt: '2027-05-10T11:00:00.000Z', reference: 'IC-123456-A1B2' });
    now = new Date('2027-05-20T12:00:00Z');
    const final = await app.gql(AUTHORITY, { id, authority: 'GB-ICO', phase: 'FINAL' }, asOfficer);
    expect(final.data!.recordAuthorityNotice.notices[0].updates.map((u: { phase: string }) => u.phase)).toEqual(['INITIAL', 'FOLLOW_UP', 'FINAL']);
    expect(errorOf(await app.gql(AUTHORITY, { id, authority: 'GB-ICO' }, asOfficer))[1]).toContain('the FINAL notice of breach');
  });

  it('needs lateReason for an INITIAL notice after 72 hours (Art. 33(1)), free of contact details, and refuses dates in the future or before awareness', async () => {
    now = new Date('2027-05-10T12:00:00Z');
    const { id } = await report({ affectedResidence: ['FR'] });
    now = new Date('2027-05-14T09:00:00Z');
    expect(errorOf(await app.gql(AUTHORITY, { id, authority: 'FR-CNIL' }, asOfficer))).toEqual([
      'BAD_USER_INPUT',
      'lateReason: the notice comes after the 72 hours that ended 2027-05-13T08:00:00.000Z; Art. 33(1) requires the reasons for the delay',
    ]);
    expect(errorOf(await app.gql(AUTHORITY, { id, authority: 'FR-CNIL', notifiedAt: '2027-05-15T00:00:00Z', lateReason: 'x' }, asOfficer))[0]).toBe('BAD_USER_INPUT');
    expect(errorOf(await app.gql(SUBJECTS, { id, notifiedAt: '2027-05-01T00:00:00Z' }, asOfficer))).toEqual([
      'BAD_USER_INPUT',
      'notifiedAt 2027-05-01T00:00:00.000Z is before the company became aware of the breach (2027-05-10T08:00:00.000Z)',
    ]);
    const withEmail = await app.gql(AUTHORITY, { id, authority: 'FR-CNIL', lateReason: 'The admin jane.doe@pythonmaster.com was away' }, asOfficer);
    expect(errorOf(withEmail)).toEqual([
      'BAD_USER_INPUT',
      'lateReason contains an email address; a reason says why, not who: leave contact details out (they would outlive the purge; Art. 5(1)(c))',
    ]);
    const explained = await app.gql(AUTHORITY, { id, authority: 'FR-CNIL', lateReason: 'The scope took four days to establish' }, asOfficer);
    expect(explained.data!.recordAuthorityNotice.notices[0]).toMatchObject({ notifiedAt: '2027-05-14T09:00:00.000Z', lateReason: 'The scope took four days to establish' });
    const entry = await app.em().findOneOrFail(AuditEntry, { entityType: 'Breach', entityKey: id, operation: 'recordAuthorityNotice' });
    expect(JSON.stringify(entry.after)).not.toContain('four days');
  });

  it('answers NOT_FOUND for an unknown breach', async () => {
    expect(errorOf(await app.gql(AUTHORITY, { id: 'nope', authority: 'FR-CNIL' }, asOfficer))).toEqual(['NOT_FOUND', 'id: no breach has id "nope"']);
  });
});

describe('where the people live when nobody says (issue 20, point 2)', () => {
  it('estimates it from the countries the age gate admitted, says so, and owes their authorities', async () => {
    const fresh = await startTestApp({ clock: () => now });
    try {
      now = new Date('2027-05-10T12:00:00Z');
      const unknown = (await fresh.gql(REPORT, { input: breachInput({ risk: 'RISK' }) }, asOfficer)).data!.reportBreach;
      const blind = (await fresh.gql(NOTICES, { id: unknown.id }, asOfficer)).data!.breach;
      // No counts at all: every state of the authority table, so that no authority is silently left out.
      expect(blind.affected.residence.estimated).toBe(true);
      expect(blind.affected.residence.basis).toContain('every state of the authority table is assumed');
      expect(blind.authoritiesToNotify).toHaveLength(31); // the 30 EEA authorities and the ICO; the FDPIC only at HIGH_RISK

      const signup = await authAs('SIGNUP_SERVICE');
      for (const country of ['IE', 'PL', 'BR']) {
        const check = await fresh.gql(`query ($c: String!) { ageGate(input: { birthDate: "1990-01-01", country: $c }) { allowed } }`, { c: country }, signup);
        expect(check.data!.ageGate.allowed).toBe(true);
      }
      await fresh.gql(`query { ageGate(input: { birthDate: "2020-01-01", country: "NL" }) { allowed } }`, {}, signup);
      await fresh.ageGateCounters.flush();
      const seen = (await fresh.gql(NOTICES, { id: unknown.id }, asOfficer)).data!.breach;
      // NL only saw a refused check: nobody from there was admitted.
      expect(seen.affected.residence).toEqual({
        countries: [{ code: 'BR' }, { code: 'IE' }, { code: 'PL' }],
        estimated: true,
        basis: expect.stringContaining('the countries whose people the age gate admitted'),
      });
      expect(seen.authoritiesToNotify.map((a: { code: string }) => a.code)).toEqual(['IE-DPC', 'PL-UODO']);

      const updated = await fresh.gql(UPDATE, { id: unknown.id, input: { affectedResidence: ['IT'] } }, asOfficer);
      expect(updated.data!.updateBreach.affectedResidence).toEqual(['IT']);
      const known = (await fresh.gql(NOTICES, { id: unknown.id }, asOfficer)).data!.breach;
      expect([known.affected.residence.estimated, known.authoritiesToNotify.map((a: { code: string }) => a.code)]).toEqual([false, ['IT-GPDP']]);
    } finally {
      await fresh.close();
    }
  });

  it.each([
    ['a malformed code', ['France'], 'affectedResidence[0] "France" is not an ISO 3166-1 alpha-2 country code such as "DE" or an ISO 3166-2 subdivision such as "CA-QC"'],
    ['an unknown country', ['FR', 'XQ'], 'input.affectedResidence[1] "XQ": no country has the code XQ'],
  ])('refuses %s in affectedResidence', async (_case, affectedResidence, message) => {
    now = new Date('2027-05-10T12:00:00Z');
    expect(errorOf(await app.gql(REPORT, { input: breachInput({ affectedResidence }) }, asOfficer))).toEqual(['BAD_USER_INPUT', message]);
  });
});

describe('telling the people (issue 20, point 3)', () => {
  it('sets subjectsDueAt 72 hours after awareness for RISK and HIGH_RISK, and reports it overdue until the notice', async () => {
    const fresh = await startTestApp({ clock: () => now });
    try {
      now = new Date('2027-06-01T12:00:00Z');
      const high = (await fresh.gql(REPORT, { input: breachInput({ awareAt: '2027-06-01T10:00:00Z', occurredAt: null, affectedResidence: ['FR'] }) }, asOfficer)).data!.reportBreach;
      const risk = (await fresh.gql(REPORT, { input: breachInput({ awareAt: '2027-06-01T10:00:00Z', occurredAt: null, risk: 'RISK', affectedResidence: ['FR'] }) }, asOfficer)).data!.reportBreach;
      expect([high.subjectsDueAt, risk.subjectsDueAt]).toEqual(['2027-06-04T10:00:00.000Z', '2027-06-04T10:00:00.000Z']);
      await fresh.gql(AUTHORITY, { id: high.id, authority: 'FR-CNIL' }, asOfficer);
      await fresh.gql(AUTHORITY, { id: risk.id, authority: 'FR-CNIL' }, asOfficer);
      const subjectFindings = `{ findings(rule: "breach-subject-notice-overdue") { nodes { severity rule message entities { key } } } }`;
      expect((await fresh.gql(subjectFindings, {}, await authAs('VIEWER'))).data!.findings.nodes).toEqual([]);
      now = new Date('2027-06-04T10:00:01Z');
      const overdue = (await fresh.gql(subjectFindings, {}, await authAs('VIEWER'))).data!.findings.nodes;
      expect(overdue).toEqual([
        {
          severity: 'ERROR', rule: 'breach-subject-notice-overdue', entities: [{ key: high.id }],
          message: `the people affected by the HIGH_RISK breach ${high.id} were due to be told by 2027-06-04T10:00:00.000Z (without undue delay, Art. 34(1); the privacy policy promises 72 hours) and no notice to them is recorded`,
        },
        {
          severity: 'ERROR', rule: 'breach-subject-notice-overdue', entities: [{ key: risk.id }],
          message: `the people affected by the RISK breach ${risk.id} were due to be told by 2027-06-04T10:00:00.000Z (the privacy policy: "we will notify you ... within 72 hours") and no notice to them is recorded`,
        },
      ].sort((a, b) => (a.entities[0].key < b.entities[0].key ? -1 : 1)));
      await fresh.gql(SUBJECTS, { id: high.id }, asOfficer);
      await fresh.gql(SUBJECTS, { id: risk.id }, asOfficer);
      expect((await fresh.gql(subjectFindings, {}, await authAs('VIEWER'))).data!.findings.nodes).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});

describe('Art. 33(2)-(4) (issue 20, point 4)', () => {
  it('starts the clocks when the processor told the company, keeps the Art. 33(3) contents, and re-assesses the risk with its history', async () => {
    now = new Date('2027-05-10T12:00:00Z');
    const reported = await app.gql(
      `mutation ($input: BreachInput!) { reportBreach(input: $input) { authorityDueAt subjectsDueAt processorNotifiedAt nature likelyConsequences measures contactPoint approximateRecords id } }`,
      {
        input: breachInput({
          processorNotifiedAt: '2027-05-09T23:00:00Z',
          nature: 'Confidentiality breach: a storage bucket was publicly readable.',
          likelyConsequences: 'Exposure of names and course progress.',
          measures: 'Access revoked; access logs under review.',
          contactPoint: 'Privacy Officer, privacy@pythonmaster.com',
          approximateRecords: 5400,
        }),
      },
      asOfficer,
    );
    expect(reported.errors).toBeUndefined();
    const breach = reported.data!.reportBreach;
    expect(breach).toMatchObject({
      // The processor told the company at 23:00 the day before: the 72 hours run from then (EDPB Guidelines 9/2022, II.A.4).
      authorityDueAt: '2027-05-12T23:00:00.000Z',
      subjectsDueAt: '2027-05-12T23:00:00.000Z',
      processorNotifiedAt: '2027-05-09T23:00:00.000Z',
      nature: 'Confidentiality breach: a storage bucket was publicly readable.',
      contactPoint: 'Privacy Officer, privacy@pythonmaster.com',
      approximateRecords: 5400,
    });
    now = new Date('2027-05-11T12:00:00Z');
    const lower = await app.gql(REASSESS, { id: breach.id, risk: 'RISK', reason: 'The bucket held pseudonymised ids only' }, asOfficer);
    const { authoritiesToNotify, ...lowered } = lower.data!.reassessBreachRisk;
    // Where the people live is unknown here, and no age check was counted: every authority from RISK up (not the FDPIC).
    expect(authoritiesToNotify).toHaveLength(31);
    expect(lowered).toEqual({
      risk: 'RISK',
      subjectsDueAt: '2027-05-12T23:00:00.000Z',
      riskHistory: [
        { risk: 'HIGH_RISK', reason: null, actor: 'dpo@pythonmaster.com' },
        { risk: 'RISK', reason: 'The bucket held pseudonymised ids only', actor: 'dpo@pythonmaster.com' },
      ],
    });
    const none = await app.gql(REASSESS, { id: breach.id, risk: 'NONE', reason: 'Nobody accessed it (access logs)' }, asOfficer);
    expect(none.data!.reassessBreachRisk).toMatchObject({ risk: 'NONE', subjectsDueAt: null, authoritiesToNotify: [] });
    expect(errorOf(await app.gql(REASSESS, { id: breach.id, risk: 'NONE', reason: 'again' }, asOfficer))).toEqual(['BAD_USER_INPUT', `risk: breach "${breach.id}" is already assessed NONE`]);
    expect(errorOf(await app.gql(REASSESS, { id: breach.id, risk: 'RISK', reason: 'Call +44 20 7946 0958 for details' }, asOfficer))[1]).toContain('reason contains a phone number');
    const entry = await app.em().findOneOrFail(AuditEntry, { entityType: 'Breach', entityKey: breach.id, operation: 'reassessBreachRisk' });
    expect(JSON.stringify(entry.after)).not.toContain('pseudonymised');
  });

  it('bounds the description and the Art. 33(3) texts at 10,000 characters', async () => {
    now = new Date('2027-05-10T12:00:00Z');
    const before = await app.em().count(Breach, {});
    const long = 'x'.repeat(10_001);
    expect(errorOf(await app.gql(REPORT, { input: breachInput({ description: long }) }, asOfficer))).toEqual([
      'BAD_USER_INPUT',
      'input.description is 10001 characters long; at most 10000 are kept',
    ]);
    expect(errorOf(await app.gql(REPORT, { input: breachInput({ measures: long }) }, asOfficer))[1]).toBe('input.measures is 10001 characters long; at most 10000 are kept');
    expect(await app.em().count(Breach, {})).toBe(before);
    expect((await app.gql(REPORT, { input: breachInput({ description: 'y'.repeat(10_000) }) }, asOfficer)).errors).toBeUndefined();
  });
});

describe('reading a breach (issue 20, point 5)', () => {
  it('answers breach(id:) and breaches with every field after every kind of notice and change', async () => {
    now = new Date('2027-05-10T12:00:00Z');
    const read = async (id: string) => {
      const one = await app.gql(`query ($id: ID!) { breach(id: $id) { ${EVERYTHING} } }`, { id }, asOfficer);
      expect(one.errors).toBeUndefined();
      expect(one.data!.breach.id).toBe(id);
      const all = await app.gql(`{ breaches(first: 100) { nodes { ${EVERYTHING} } } }`, {}, await authAs('AUDITOR'));
      expect(all.errors).toBeUndefined();
      return one.data!.breach;
    };
    const breaches = await Promise.all(
      (['NONE', 'RISK', 'HIGH_RISK'] as const).map((risk) => report({ risk, affectedResidence: ['FR', 'GB', 'CH'], processorNotifiedAt: '2027-05-10T07:00:00Z' })),
    );
    for (const { id } of breaches) await read(id);
    const [, risk, high] = breaches;
    const steps: [string, Record<string, unknown>][] = [
      [AUTHORITY, { id: high.id, authority: 'FR-CNIL', reference: 'CNIL-1' }],
      [AUTHORITY, { id: high.id, authority: 'FR-CNIL' }],
      [AUTHORITY, { id: high.id, authority: 'GB-ICO', notifiedAt: '2027-05-10T12:00:00Z' }],
      [AUTHORITY, { id: high.id, authority: 'CH-FDPIC' }],
      [AUTHORITY, { id: high.id, authority: 'FR-CNIL', phase: 'FINAL' }],
      [SUBJECTS, { id: high.id }],
      [AUTHORITY, { id: risk.id, authority: 'GB-ICO' }],
      [SUBJECTS, { id: risk.id }],
      [UPDATE, { id: risk.id, input: { affectedResidence: ['DE'], nature: 'Availability breach' } }],
      [REASSESS, { id: risk.id, risk: 'HIGH_RISK', reason: 'Special categories were in the export' }],
    ];
    for (const [mutation, variables] of steps) {
      const response = await app.gql(mutation, variables, asOfficer);
      expect(response.errors).toBeUndefined();
      await read(variables.id as string);
    }
    const last = await read(high.id);
    expect(last.authorityNotifiedAt).toBe('2027-05-10T12:00:00.000Z');
    expect(last.notices.map((n: { authority: { code: string }; phase: string }) => [n.authority.code, n.phase])).toEqual([
      ['CH-FDPIC', 'INITIAL'],
      ['FR-CNIL', 'FINAL'],
      ['GB-ICO', 'INITIAL'],
    ]);
    // A notice kept after the breach no longer owes it (GB-ICO, once the residence became DE) stays, marked not owed.
    const reassessed = await read(risk.id);
    expect(reassessed.notices.map((n: { authority: { code: string }; owed: boolean }) => [n.authority.code, n.owed])).toEqual([
      ['DE-BFDI', true],
      ['GB-ICO', false],
    ]);
  });
});

describe('statements per request', () => {
  it('do not grow with the number of breaches, notices and assessments read', async () => {
    const fresh = await startTestApp({ clock: () => now });
    try {
      now = new Date('2027-05-10T12:00:00Z');
      const add = async (count: number) => {
        for (let i = 0; i < count; i += 1) {
          const { id } = (await fresh.gql(REPORT, { input: breachInput({ affectedResidence: i % 2 ? ['FR', 'GB'] : [] }) }, asOfficer)).data!.reportBreach;
          await fresh.gql(AUTHORITY, { id, authority: i % 2 ? 'FR-CNIL' : 'DE-BFDI' }, asOfficer);
          await fresh.gql(REASSESS, { id, risk: 'RISK', reason: 'Re-assessed' }, asOfficer);
        }
      };
      const count = async () => {
        const { response, statements } = await fresh.countStatements(`{ breaches(first: 100) { nodes { ${EVERYTHING} } } }`, {}, asOfficer);
        expect(response.errors).toBeUndefined();
        return statements;
      };
      await add(2);
      const few = await count();
      await add(6);
      expect(await count()).toBe(few);
    } finally {
      await fresh.close();
    }
  });
});

describe('findings', () => {
  it('report a breach overdue at the authorities until every owed authority has a notice', async () => {
    const fresh = await startTestApp({ clock: () => now });
    try {
      now = new Date('2027-06-01T12:00:00Z');
      const reported = await fresh.gql(REPORT, { input: breachInput({ awareAt: '2027-06-01T10:00:00Z', occurredAt: null, affectedResidence: ['FR', 'GB'] }) }, asOfficer);
      const id = reported.data!.reportBreach.id;
      await fresh.gql(REPORT, { input: breachInput({ awareAt: '2027-06-01T10:00:00Z', risk: 'NONE', occurredAt: null }) }, asOfficer);
      expect((await fresh.gql(FINDINGS, {}, await authAs('VIEWER'))).data!.findings.nodes).toEqual([]);

      now = new Date('2027-06-04T10:00:01Z');
      const overdue = (missing: string, them: string) => [
        {
          severity: 'ERROR',
          rule: 'breach-authority-notice-overdue',
          message: `the HIGH_RISK breach ${id}, known since 2027-06-01T10:00:00.000Z, was due at ${missing} by 2027-06-04T10:00:00.000Z (72 hours, Art. 33(1)) and no notice to ${them} is recorded`,
          entities: [{ type: 'Breach', key: id }],
        },
      ];
      expect((await fresh.gql(FINDINGS, {}, await authAs('VIEWER'))).data!.findings.nodes).toEqual(overdue('FR-CNIL, GB-ICO', 'them'));
      // The first notice used to clear the finding; now it stays until the ICO has one too.
      await fresh.gql(AUTHORITY, { id, authority: 'FR-CNIL', lateReason: 'Found late' }, asOfficer);
      expect((await fresh.gql(FINDINGS, {}, await authAs('VIEWER'))).data!.findings.nodes).toEqual(overdue('GB-ICO', 'it'));
      await fresh.gql(AUTHORITY, { id, authority: 'GB-ICO', lateReason: 'Found late' }, asOfficer);
      expect((await fresh.gql(FINDINGS, {}, await authAs('VIEWER'))).data!.findings.nodes).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
