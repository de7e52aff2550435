import { AuditEntry } from '../src/audit/audit-entry.entity';
import { purgeRightsRequests } from '../src/rights-request/rights-request.service';
import { RightsRequest } from '../src/rights-request/rights-request.entity';
import { authAs, errorOf, keys, startTestApp, useTestApp } from './harness';
import { createRightsRequest, rightsRequestInput } from './rights-request-helpers';

/** Issue 20, points 6 to 9, and issue 23 item 9 (reasons) and its Low item (years 1 to 99), through the API. */

const FIELDS = `id status receivedAt dueAt acknowledgeBy promisedBy extended extensionReason statusReason refusalGround closedAt
  deadlineRule { id law verified sources { title url } } identityVerification { method outcome checkedAt } right { key }`;
const CREATE = `mutation ($input: RightsRequestInput!) { createRightsRequest(input: $input) { ${FIELDS} } }`;
const EXTEND = `mutation ($id: ID!, $reason: String!, $until: DateTime) { extendRightsRequest(id: $id, reason: $reason, until: $until) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $status: RightsRequestStatus!, $reason: String, $ground: RefusalGround) {
  updateRightsRequest(id: $id, status: $status, reason: $reason, ground: $ground) { ${FIELDS} }
}`;
const VERIFY = `mutation ($id: ID!, $method: IdentityVerificationMethod!, $outcome: IdentityVerificationOutcome!, $reason: String) {
  verifyRightsRequestIdentity(id: $id, method: $method, outcome: $outcome, reason: $reason) { ${FIELDS} }
}`;
const SCOPE = `query ($status: RightsRequestStatus) { rightsRequests(status: $status, first: 100) { nodes { id scope {
  processors { processor { key } } activities { activity { key } } recipientsToNotify { key }
} } } }`;
const FINDINGS = `query ($rule: String) { findings(rule: $rule) { nodes { severity rule message entities { type key } } } }`;

let now = new Date('2027-02-01T12:00:00Z');
const { app, headers: asOfficer } = useTestApp('PRIVACY_OFFICER', { clock: () => now, subject: 'dpo@pythonmaster.com' });

const create = (overrides: Record<string, unknown> = {}) => createRightsRequest(app, CREATE, overrides, asOfficer);

const clockOf = (r: Record<string, any>) => [r.deadlineRule.id, r.dueAt, r.acknowledgeBy, r.promisedBy];

describe('each right its own clock (point 6)', () => {
  it('makes a withdrawal of consent and an objection to direct marketing due on receipt, and not extendable', async () => {
    now = new Date('2027-02-01T12:00:00Z');
    for (const right of ['withdraw-consent', 'object-direct-marketing']) {
      const created = await create({ right, jurisdiction: 'FR' });
      expect(clockOf(created)).toEqual([right === 'withdraw-consent' ? 'WITHDRAW-CONSENT' : 'OBJECT-DIRECT-MARKETING', '2027-01-31T10:00:00.000Z', null, null]);
      expect(created.deadlineRule.law).toContain(right === 'withdraw-consent' ? 'Art. 7(3)' : 'Art. 21(2)-(3)');
      now = new Date('2027-01-31T10:00:00Z');
      const extension = await app.gql(EXTEND, { id: created.id, reason: 'Several systems to update' }, asOfficer);
      expect(errorOf(extension)[1]).toMatch(new RegExp(`^id: rights request "${created.id}" \\(${right}, FR\\) is under the rule [A-Z-]+, which allows no extension`));
      now = new Date('2027-02-01T12:00:00Z');
    }
  });

  it('gives a complaint no statutory deadline: the policy\'s 30 days, and in GB an acknowledgement within 30 days', async () => {
    now = new Date('2027-02-01T12:00:00Z');
    const gb = await create({ right: 'complaint', jurisdiction: 'GB' });
    expect(clockOf(gb)).toEqual(['GB-COMPLAINT', '2027-03-02T23:59:59.999Z', '2027-03-02T23:59:59.999Z', null]);
    const de = await create({ right: 'complaint', jurisdiction: 'DE' });
    expect(clockOf(de)).toEqual(['COMPLAINT', '2027-03-02T23:59:59.999Z', null, null]);
    expect(errorOf(await app.gql(EXTEND, { id: de.id, reason: 'More time' }, asOfficer))[1]).toContain('is under the rule COMPLAINT, which allows no extension');
  });
});

describe('deadlines outside the EU (point 7)', () => {
  it.each([
    ['CH', 'access', 'CH-ACCESS', '2027-03-02T23:59:59.999Z', null],
    ['BR', 'access', 'BR-ACCESS', '2027-02-15T23:59:59.999Z', null],
    ['KR', 'erasure', 'KR-REQUESTS', '2027-02-10T23:59:59.999Z', null],
    // Received on a Sunday: 10 business days end on Friday 12 February.
    ['US-CA', 'access', 'US-CA-KNOW-DELETE-CORRECT', '2027-03-17T23:59:59.999Z', '2027-02-12T23:59:59.999Z'],
    ['US-CA', 'opt-out-sale-sharing', 'US-CA-OPT-OUT-SALE-SHARING', '2027-02-19T23:59:59.999Z', null],
  ])('in %s, a %s request follows %s', async (jurisdiction, right, rule, dueAt, acknowledgeBy) => {
    now = new Date('2027-02-01T12:00:00Z');
    const created = await create({ jurisdiction, right });
    expect([created.deadlineRule.id, created.dueAt, created.acknowledgeBy]).toEqual([rule, dueAt, acknowledgeBy]);
  });

  it('extends a Swiss request once to the date the company states, with its reason', async () => {
    now = new Date('2027-02-01T12:00:00Z');
    const { id } = await create({ jurisdiction: 'CH' });
    expect(errorOf(await app.gql(EXTEND, { id, reason: 'Archives to search' }, asOfficer))).toEqual([
      'BAD_USER_INPUT',
      'until: under the rule CH-ACCESS the person is told when the answer will come; give that date',
    ]);
    const extended = await app.gql(EXTEND, { id, reason: 'Archives to search', until: '2027-03-20T23:59:59.999Z' }, asOfficer);
    expect(extended.data!.extendRightsRequest).toMatchObject({ dueAt: '2027-03-20T23:59:59.999Z', extended: true });
  });

  it('extends under the GDPR by at most two months, to an earlier date when the company says so', async () => {
    now = new Date('2027-02-01T12:00:00Z');
    const { id } = await create();
    expect(errorOf(await app.gql(EXTEND, { id, reason: 'Complex', until: '2027-05-01T00:00:00Z' }, asOfficer))).toEqual([
      'BAD_USER_INPUT',
      'until 2027-05-01T00:00:00.000Z is after 2027-04-30T23:59:59.999Z, the longest extension the rule EEA-REQUESTS allows',
    ]);
    const extended = await app.gql(EXTEND, { id, reason: 'Complex', until: '2027-03-31T23:59:59.999Z' }, asOfficer);
    expect(extended.data!.extendRightsRequest.dueAt).toBe('2027-03-31T23:59:59.999Z');
  });
});

describe("the policy's promise (point 8)", () => {
  it('records promisedBy where the 30 days come first, and reports a missed promise as a WARNING, the deadline still an ERROR', async () => {
    const fresh = await startTestApp({ clock: () => now });
    try {
      now = new Date('2027-03-01T12:00:00Z');
      const make = async (input: Record<string, unknown>) => (await fresh.gql(CREATE, { input: rightsRequestInput(input) }, asOfficer)).data!.createRightsRequest;
      // A 31-day month: one calendar month ends on 1 April, the promise on 31 March.
      const germany = await make({ receivedAt: '2027-03-01T09:00:00Z' });
      expect(clockOf(germany)).toEqual(['EEA-REQUESTS', '2027-04-01T23:59:59.999Z', null, '2027-03-31T23:59:59.999Z']);
      const california = await make({ receivedAt: '2027-03-01T09:00:00Z', jurisdiction: 'US-CA' });
      expect(clockOf(california)).toEqual(['US-CA-KNOW-DELETE-CORRECT', '2027-04-15T23:59:59.999Z', '2027-03-15T23:59:59.999Z', '2027-03-31T23:59:59.999Z']);

      now = new Date('2027-04-01T08:00:00Z');
      const missed = (await fresh.gql(FINDINGS, { rule: 'rights-request-promise-missed' }, await authAs('VIEWER'))).data!.findings.nodes;
      expect(missed.map((f: { severity: string; entities: { key: string }[] }) => [f.severity, f.entities[0].key]).sort()).toEqual(
        [['WARNING', germany.id], ['WARNING', california.id]].sort(),
      );
      expect(missed.find((f: { entities: { key: string }[] }) => f.entities[0].key === germany.id).message).toBe(
        `the access request ${germany.id} (DE, RECEIVED) is unanswered past 2027-03-31T23:59:59.999Z, the privacy policy's promise to respond ` +
          'within 30 days ("How to Exercise Your Rights"); the law\'s deadline is 2027-04-01T23:59:59.999Z',
      );
      now = new Date('2027-04-02T00:00:00Z');
      const rules = (await fresh.gql(FINDINGS, {}, await authAs('VIEWER'))).data!.findings.nodes
        .filter((f: { entities: { key: string }[] }) => f.entities[0]?.key === germany.id)
        .map((f: { rule: string; severity: string }) => [f.rule, f.severity]);
      expect(rules).toEqual([['rights-request-overdue', 'ERROR']]);
    } finally {
      await fresh.close();
    }
  });
});

describe('identity and history (point 9)', () => {
  it('refuses a request whose identity cannot be verified straight from RECEIVED, with the ground and the method', async () => {
    now = new Date('2027-02-01T12:00:00Z');
    const { id } = await create();
    now = new Date('2027-02-03T12:00:00Z');
    const refused = await app.gql(VERIFY, { id, method: 'EMAIL_CONFIRMATION', outcome: 'NOT_VERIFIED', reason: 'The confirmation link was not used within 14 days' }, asOfficer);
    expect(refused.errors).toBeUndefined();
    expect(refused.data!.verifyRightsRequestIdentity).toMatchObject({
      status: 'REFUSED',
      refusalGround: 'IDENTITY_NOT_VERIFIED',
      statusReason: 'The confirmation link was not used within 14 days',
      closedAt: '2027-02-03T12:00:00.000Z',
      identityVerification: { method: 'EMAIL_CONFIRMATION', outcome: 'NOT_VERIFIED', checkedAt: '2027-02-03T12:00:00.000Z' },
    });
    expect(errorOf(await app.gql(VERIFY, { id, method: 'DOCUMENT', outcome: 'VERIFIED' }, asOfficer))).toEqual([
      'BAD_USER_INPUT',
      `id: rights request "${id}" is REFUSED; identity is verified while a request is RECEIVED or VERIFYING`,
    ]);
    // The method is a closed list: free text is refused by the schema.
    expect(errorOf(await app.gql(VERIFY, { id, method: 'passport of Jane Doe', outcome: 'VERIFIED' }, asOfficer))[0]).toBe('BAD_USER_INPUT');
  });

  it('moves a verified request on to IN_PROGRESS, and lets a manifestly unfounded request be refused from RECEIVED with its ground', async () => {
    now = new Date('2027-02-01T12:00:00Z');
    const verified = await create();
    const moved = await app.gql(VERIFY, { id: verified.id, method: 'ACCOUNT_LOGIN', outcome: 'VERIFIED' }, asOfficer);
    expect(moved.data!.verifyRightsRequestIdentity).toMatchObject({ status: 'IN_PROGRESS', identityVerification: { method: 'ACCOUNT_LOGIN', outcome: 'VERIFIED' } });
    const unfounded = await create();
    const refused = await app.gql(UPDATE, { id: unfounded.id, status: 'REFUSED', reason: 'The request names no data of ours', ground: 'MANIFESTLY_UNFOUNDED' }, asOfficer);
    expect(refused.data!.updateRightsRequest).toMatchObject({ status: 'REFUSED', refusalGround: 'MANIFESTLY_UNFOUNDED' });
  });

  it('passes a withdrawal of consent on to the recipients of the consent-based flows', async () => {
    now = new Date('2027-02-01T12:00:00Z');
    const withdrawal = await create({ right: 'withdraw-consent', collectionPoints: ['registration', 'newsletter'], consents: ['marketing-email'] });
    const { data } = await app.gql(SCOPE, {}, asOfficer);
    const scope = data!.rightsRequests.nodes.find((n: { id: string }) => n.id === withdrawal.id).scope;
    // Only the marketing flows rest on consent; hosting and service mail (contract) go on.
    const consentRecipients = keys(scope.recipientsToNotify);
    expect(consentRecipients).toContain('mailchimp');
    expect(consentRecipients).not.toContain('aws');
    expect(consentRecipients).not.toContain('stripe');
  });

  it("keeps the scope of a closed request as it was when it closed, while an open request's scope follows the map", async () => {
    now = new Date('2027-02-01T12:00:00Z');
    const input = { right: 'erasure', collectionPoints: ['newsletter'], consents: ['marketing-email'] };
    const closed = await create(input);
    const open = await create(input);
    await app.gql(UPDATE, { id: closed.id, status: 'VERIFYING' }, asOfficer);
    await app.gql(UPDATE, { id: closed.id, status: 'IN_PROGRESS' }, asOfficer);
    await app.gql(UPDATE, { id: closed.id, status: 'COMPLETED' }, asOfficer);
    const scopes = async () => {
      const { data, errors } = await app.gql(SCOPE, {}, asOfficer);
      expect(errors).toBeUndefined();
      const byId = new Map(data!.rightsRequests.nodes.map((n: { id: string; scope: unknown }) => [n.id, n.scope]));
      return [byId.get(closed.id), byId.get(open.id)] as Record<string, any>[];
    };
    const [before] = await scopes();
    expect(keys(before.recipientsToNotify)).toContain('mailchimp');
    // The map changes: mailchimp is retired.
    const retired = await app.gql(`mutation { retireProcessor(key: "mailchimp", reason: "Replaced by sendgrid") { status } }`, {}, asOfficer);
    expect(retired.errors).toBeUndefined();
    const [closedAfter, openAfter] = await scopes();
    expect(closedAfter).toEqual(before);
    expect(keys(openAfter.recipientsToNotify)).not.toContain('mailchimp');
  });
});

describe('dates and reasons (issue 23: item 9 and the years 1 to 99)', () => {
  it.each([['0027-01-31T10:00:00Z'], ['0001-01-01T00:00:00Z'], ['1999-12-31T23:59:59Z']])('refuses a receipt in %s as implausible, and writes nothing', async (receivedAt) => {
    now = new Date('2027-02-01T12:00:00Z');
    const before = await app.em().count(RightsRequest, {});
    const response = await app.gql(CREATE, { input: rightsRequestInput({ receivedAt }) }, asOfficer);
    expect(errorOf(response)).toEqual([
      'BAD_USER_INPUT',
      `input.receivedAt ${new Date(receivedAt).toISOString()} is before 2000-01-01: not a plausible date for a request (check the year)`,
    ]);
    expect(await app.em().count(RightsRequest, {})).toBe(before);
  });

  it.each([
    ['an email address in an extension reason', EXTEND, { reason: 'Asked by jane.doe@example.com to wait' }, 'reason contains an email address'],
    ['a phone number in an extension reason', EXTEND, { reason: 'Call back on +1 (555) 123-4567' }, 'reason contains a phone number'],
    ['a national phone number in a refusal reason', UPDATE, { status: 'REFUSED', reason: 'She rang from 0151 234 5678 twice' }, 'reason contains a phone number'],
  ])('refuses %s', async (_case, mutation, variables, message) => {
    now = new Date('2027-02-01T12:00:00Z');
    const { id } = await create();
    const response = await app.gql(mutation, { id, ...variables }, asOfficer);
    expect(errorOf(response)).toEqual([
      'BAD_USER_INPUT',
      `${message}; a reason says why, not who: leave contact details out (they would outlive the purge; Art. 5(1)(c))`,
    ]);
  });

  it('keeps reasons with dates and ticket numbers, records in the audit trail only that a reason was given, and purges the reasons with the reference', async () => {
    now = new Date('2027-02-01T12:00:00Z');
    const { id } = await create();
    const reason = 'Records in three systems; ticket ZD-44121; backups restored by 2027-02-20';
    expect((await app.gql(EXTEND, { id, reason }, asOfficer)).data!.extendRightsRequest.extensionReason).toBe(reason);
    await app.gql(UPDATE, { id, status: 'REFUSED', reason: 'An exemption applies (legal claims)', ground: 'EXEMPTION' }, asOfficer);
    const trail = await app.em().find(AuditEntry, { entityType: 'RightsRequest', entityKey: id }, { orderBy: { id: 'asc' } });
    expect(JSON.stringify(trail.map((entry) => entry.after))).not.toMatch(/three systems|legal claims/);
    expect(trail.map((entry) => [entry.operation, (entry.after as Record<string, unknown>).extensionReasonGiven, (entry.after as Record<string, unknown>).statusReasonGiven])).toEqual([
      ['createRightsRequest', false, false],
      ['extendRightsRequest', true, false],
      ['updateRightsRequest', true, true],
    ]);
    const purged = await purgeRightsRequests(app.em(), { viewer: null }, new Date('2031-01-01T00:00:00Z'), 1095);
    expect(purged).toBeGreaterThan(0);
    const row = await app.em().findOneOrFail(RightsRequest, { id });
    expect([row.subjectReference, row.extensionReason, row.statusReason, row.purgedAt]).toEqual([null, null, null, new Date('2031-01-01T00:00:00Z')]);
  });
});
