import { AuditEntry } from '../src/audit/audit-entry.entity';
import { RightsRequest } from '../src/rights-request/rights-request.entity';
import { errorOf, type GraphQLResponse, keys, useTestApp } from './harness';
import { createRightsRequest, rightsRequestInput } from './rights-request-helpers';

const FIELDS = `id status receivedAt dueAt extended extensionReason jurisdiction subjectReference statusReason closedAt timeliness right { key }`;
const CREATE = `mutation ($input: RightsRequestInput!) { createRightsRequest(input: $input) { ${FIELDS} } }`;
const EXTEND = `mutation ($id: ID!, $reason: String!) { extendRightsRequest(id: $id, reason: $reason) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $status: RightsRequestStatus!, $reason: String) { updateRightsRequest(id: $id, status: $status, reason: $reason) { ${FIELDS} } }`;
const SCOPE = `query ($status: RightsRequestStatus) { rightsRequests(status: $status) { nodes { id right { key } scope {
  processors { processor { key } activities { key } categories { key } countries { code } }
  activities { activity { key } purpose { key } legalBasis retention { key } categories { key } processors { key } }
  recipientsToNotify { key }
  copy { categories { key } purposes { key } recipients { key } countries { code } retentionRules { key } thirdCountryTransfers }
} } } }`;
const LIST = `query ($status: RightsRequestStatus, $dueBefore: DateTime, $first: Int, $after: String) {
  rightsRequests(status: $status, dueBefore: $dueBefore, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { jurisdiction dueAt status }
  }
}`;
const STATS = `{ rightsRequestStats { total byRight { value count } byStatus { value count } byTimeliness { value count } } }`;
const FINDINGS = `{ findings { nodes { severity rule message entities { type key } } } }`;

/** The clock the service reads; each test sets it. */
let now = new Date('2027-02-01T12:00:00Z');
const { app, headers: asOfficer } = useTestApp('PRIVACY_OFFICER', { clock: () => now, subject: 'dpo@pythonmaster.com' });

const create = (overrides: Record<string, unknown> = {}) => createRightsRequest(app, CREATE, overrides, asOfficer);

describe('creating a request', () => {
  it('logs it RECEIVED with the GDPR deadline, one calendar month clamped to the month\'s end, and audits it without the reference', async () => {
    const created = await create();
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'RECEIVED',
      receivedAt: '2027-01-31T10:00:00.000Z',
      dueAt: '2027-02-28T23:59:59.999Z',
      extended: false,
      extensionReason: null,
      jurisdiction: 'DE',
      subjectReference: 'user-8812',
      statusReason: null,
      closedAt: null,
      timeliness: 'OPEN',
      right: { key: 'access' },
    });
    const entry = await app.em().findOneOrFail(AuditEntry, { entityType: 'RightsRequest', entityKey: created.id });
    expect(entry).toMatchObject({ operation: 'createRightsRequest', actor: 'dpo@pythonmaster.com', before: null });
    expect(JSON.stringify(entry.after)).not.toContain('user-8812');
  });

  it.each([
    ['DE', '2028-01-31T10:00:00Z', '2028-02-29T23:59:59.999Z'],
    ['GB', '2027-01-31T10:00:00Z', '2027-02-28T23:59:59.999Z'],
    // Switzerland: 30 days (FADP Art. 25(7), DPO Art. 18), not a calendar month.
    ['CH', '2027-01-15T10:00:00Z', '2027-02-14T23:59:59.999Z'],
    ['fr', '2027-01-15T10:00:00Z', '2027-02-15T23:59:59.999Z'],
    ['US-CA', '2027-01-31T10:00:00Z', '2027-03-17T23:59:59.999Z'],
    ['US-NY', '2027-01-31T10:00:00Z', '2027-03-02T23:59:59.999Z'],
    // Brazil: 15 days (LGPD Art. 19(II)), not the policy's 30.
    ['BR', '2027-01-31T10:00:00Z', '2027-02-15T23:59:59.999Z'],
  ])('in %s, received %s, is due %s', async (jurisdiction, receivedAt, dueAt) => {
    now = new Date('2028-02-01T12:00:00Z');
    const created = await create({ jurisdiction, receivedAt });
    expect([created.jurisdiction, created.dueAt]).toEqual([jurisdiction.toUpperCase(), dueAt]);
  });

  it.each([
    ['an unknown right', { right: 'teleport' }, 'input.right: unknown data subject right "teleport"; see dataSubjectRights for the keys'],
    ['an unknown jurisdiction', { jurisdiction: 'XX' }, 'input.jurisdiction "XX" is not a known ISO 3166-1 alpha-2 country code'],
    ['a malformed jurisdiction', { jurisdiction: 'Mars' }, 'jurisdiction "Mars" is not an ISO 3166-1 alpha-2 country code such as "DE" or an ISO 3166-2 subdivision such as "CA-QC"'],
    ['a receipt in the future', { receivedAt: '2027-02-02T00:00:00Z' }, 'input.receivedAt 2027-02-02T00:00:00.000Z is in the future (now is 2027-02-01T12:00:00.000Z)'],
    ['an email address as the reference', { subjectReference: 'jane@example.com' }, expect.stringContaining('input.subjectReference looks like an email address')],
    ['a name as the reference', { subjectReference: 'Jane Doe' }, expect.stringContaining("input.subjectReference must be the product's user id or ticket id")],
    ['an unknown collection point', { collectionPoints: ['telepathy'] }, 'profile.collectionPoints[0]: unknown collection point "telepathy"'],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_case, overrides, message) => {
    now = new Date('2027-02-01T12:00:00Z');
    const before = await app.em().count(RightsRequest, {});
    const response = await app.gql(CREATE, { input: rightsRequestInput(overrides) }, asOfficer);
    expect(errorOf(response)).toEqual(['BAD_USER_INPUT', message]);
    expect(await app.em().count(RightsRequest, {})).toBe(before);
  });
});

describe('extending a request', () => {
  it('adds two months under the GDPR (2027-01-31 -> 2027-04-30), once, with a reason', async () => {
    now = new Date('2027-02-10T12:00:00Z');
    const { id } = await create();
    const empty = await app.gql(EXTEND, { id, reason: ' ' }, asOfficer);
    expect(errorOf(empty)).toEqual(['BAD_USER_INPUT', 'reason: an extension needs the reason told to the person (Art. 12(3))']);

    const extended = await app.gql(EXTEND, { id, reason: 'Complex request across several systems' }, asOfficer);
    expect(extended.data!.extendRightsRequest).toMatchObject({
      dueAt: '2027-04-30T23:59:59.999Z',
      extended: true,
      extensionReason: 'Complex request across several systems',
    });
    const again = await app.gql(EXTEND, { id, reason: 'More time' }, asOfficer);
    expect(errorOf(again)).toEqual([
      'BAD_USER_INPUT',
      `id: rights request "${id}" was already extended (to 2027-04-30T23:59:59.999Z); a deadline is extended only once`,
    ]);
  });

  it('adds 45 days in California', async () => {
    now = new Date('2027-02-10T12:00:00Z');
    const { id } = await create({ jurisdiction: 'US-CA' });
    const extended = await app.gql(EXTEND, { id, reason: 'Reasonably necessary' }, asOfficer);
    expect(extended.data!.extendRightsRequest.dueAt).toBe('2027-05-01T23:59:59.999Z');
  });

  it("refuses an extension where the rule has none (Brazil, the policy's 30 days), and one after the original deadline", async () => {
    now = new Date('2027-02-10T12:00:00Z');
    const brazil = await create({ jurisdiction: 'BR' });
    const response = await app.gql(EXTEND, { id: brazil.id, reason: 'More time' }, asOfficer);
    expect(errorOf(response)[0]).toBe('BAD_USER_INPUT');
    expect(errorOf(response)[1]).toMatch(new RegExp(`^id: rights request "${brazil.id}" \\(access, BR\\) is under the rule BR-ACCESS, which allows no extension: LGPD`));
    const newYork = await create({ jurisdiction: 'US-NY' });
    expect(errorOf(await app.gql(EXTEND, { id: newYork.id, reason: 'More time' }, asOfficer))[1]).toContain('is under the rule POLICY, which allows no extension');
    const germany = await create();
    now = new Date('2027-03-01T00:00:00Z');
    const late = await app.gql(EXTEND, { id: germany.id, reason: 'More time' }, asOfficer);
    expect(errorOf(late)[0]).toBe('BAD_USER_INPUT');
    expect(errorOf(late)[1]).toContain('an extension must be told to the person within the original period');
  });
});

describe('the status of a request', () => {
  it('moves RECEIVED -> VERIFYING -> IN_PROGRESS -> COMPLETED, and is then closed on time', async () => {
    now = new Date('2027-02-01T12:00:00Z');
    const { id } = await create();
    const skip = await app.gql(UPDATE, { id, status: 'COMPLETED' }, asOfficer);
    expect(errorOf(skip)).toEqual([
      'BAD_USER_INPUT',
      'status: the request is RECEIVED, and RECEIVED -> COMPLETED is not a step of RECEIVED -> VERIFYING -> IN_PROGRESS -> COMPLETED or REFUSED; it may move only to VERIFYING or REFUSED',
    ]);
    for (const status of ['VERIFYING', 'IN_PROGRESS']) {
      expect((await app.gql(UPDATE, { id, status }, asOfficer)).data!.updateRightsRequest.status).toBe(status);
    }
    now = new Date('2027-02-20T09:00:00Z');
    const done = await app.gql(UPDATE, { id, status: 'COMPLETED' }, asOfficer);
    expect(done.data!.updateRightsRequest).toMatchObject({ status: 'COMPLETED', closedAt: '2027-02-20T09:00:00.000Z', timeliness: 'ON_TIME' });
    const reopen = await app.gql(UPDATE, { id, status: 'IN_PROGRESS' }, asOfficer);
    expect(errorOf(reopen)[1]).toContain('the request is COMPLETED');
    const operations = await app.em().find(AuditEntry, { entityType: 'RightsRequest', entityKey: id }, { orderBy: { id: 'asc' } });
    expect(operations.map((entry) => [entry.operation, (entry.after as { status: string }).status])).toEqual([
      ['createRightsRequest', 'RECEIVED'],
      ['updateRightsRequest', 'VERIFYING'],
      ['updateRightsRequest', 'IN_PROGRESS'],
      ['updateRightsRequest', 'COMPLETED'],
    ]);
  });

  it('refuses REFUSED without a reason, and records the reason given', async () => {
    now = new Date('2027-02-01T12:00:00Z');
    const { id } = await create();
    for (const status of ['VERIFYING', 'IN_PROGRESS']) await app.gql(UPDATE, { id, status }, asOfficer);
    const bare = await app.gql(UPDATE, { id, status: 'REFUSED' }, asOfficer);
    expect(errorOf(bare)).toEqual(['BAD_USER_INPUT', 'reason: a REFUSED request needs the reason given to the person (Art. 12(4))']);
    const refused = await app.gql(UPDATE, { id, status: 'REFUSED', reason: 'Manifestly unfounded (Art. 12(5))' }, asOfficer);
    expect(refused.data!.updateRightsRequest).toMatchObject({ status: 'REFUSED', statusReason: 'Manifestly unfounded (Art. 12(5))' });
  });

  it('answers NOT_FOUND for an id that is not in the register', async () => {
    const response = await app.gql(UPDATE, { id: '00000000-0000-4000-8000-000000000000', status: 'VERIFYING' }, asOfficer);
    expect(errorOf(response)).toEqual(['NOT_FOUND', 'id: no rights request has id "00000000-0000-4000-8000-000000000000"']);
  });
});
