import { AuditEntry } from '../src/audit/audit-entry.entity';
import { RightsRequest } from '../src/rights-request/rights-request.entity';
import { authAs, keys, startTestApp, type TestApp } from './harness';

const CREATE = `mutation ($input: RightsRequestInput!) { createRightsRequest(input: $input) { id dueAt } }`;
const UPDATE = `mutation ($id: ID!, $status: RightsRequestStatus!, $reason: String) { updateRightsRequest(id: $id, status: $status, reason: $reason) { status } }`;
const SCOPE = `query ($id: ID!) { rightsRequests { nodes { id scope {
  processors { processor { key } activities { key } categories { key } countries { code } }
  activities { activity { key } purpose { key } legalBasis retention { key } categories { key } processors { key } }
  recipientsToNotify { key }
  copy { categories { key } purposes { key } recipients { key } countries { code } retentionRules { key } thirdCountryTransfers }
} } } }`.replace('query ($id: ID!) ', '');
const LIST = `query ($status: RightsRequestStatus, $dueBefore: DateTime, $first: Int, $after: String) {
  rightsRequests(status: $status, dueBefore: $dueBefore, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id jurisdiction dueAt status subjectReference }
  }
}`;
const STATS = `{ rightsRequestStats { total byRight { value count } byStatus { value count } byTimeliness { value count } } }`;
const FINDINGS = `query ($rule: String) { findings(rule: $rule) { nodes { severity rule message entities { type key } } } }`;

let now = new Date('2027-03-01T12:00:00Z');
let app: TestApp;
let asOfficer: Record<string, string>;
const ids: Record<string, string> = {};

/** Four requests: an overdue one in Germany, one due soon in California, a closed one, and an erasure. */
beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
  asOfficer = await authAs('PRIVACY_OFFICER', 'dpo@pythonmaster.com');
  const create = async (name: string, input: Record<string, unknown>) => {
    const response = await app.gql(
      CREATE,
      { input: { right: 'access', subjectReference: `user-${name}`, collectionPoints: ['registration'], consents: [], ...input } },
      asOfficer,
    );
    ids[name] = response.data!.createRightsRequest.id;
  };
  await create('overdue', { receivedAt: '2027-01-20T10:00:00Z', jurisdiction: 'DE' }); // due 2027-02-20
  await create('soon', { receivedAt: '2027-02-02T10:00:00Z', jurisdiction: 'GB' }); // due 2027-03-02 (a calendar month; the policy's 30 days end later)
  await create('closed', { receivedAt: '2027-02-10T10:00:00Z', jurisdiction: 'US-NY' }); // due 2027-03-12 (the policy's 30 days)
  await create('erasure', { right: 'erasure', receivedAt: '2027-02-25T10:00:00Z', jurisdiction: 'FR', collectionPoints: ['newsletter'], consents: ['marketing-email'] }); // due 2027-03-25
  for (const status of ['VERIFYING', 'IN_PROGRESS', 'COMPLETED']) await app.gql(UPDATE, { id: ids.closed, status }, asOfficer);
});
afterAll(() => app.close());

describe('the scope of a request, from the map', () => {
  it('names the processors and activities that hold the data, and what an access copy must cover', async () => {
    const { data, errors } = await app.gql(SCOPE, {}, asOfficer);
    expect(errors).toBeUndefined();
    const scope = data!.rightsRequests.nodes.find((node: { id: string }) => node.id === ids.overdue).scope;
    // registration (identity, contact) and the automatic site-visit (technical, usage.website, for the website's
    // delivery); no consents, no course activity.
    const hosting = ['contact', 'identity', 'technical', 'usage.website'];
    expect(
      scope.processors.map((p: any) => [p.processor.key, keys(p.activities), keys(p.categories), keys(p.countries)]),
    ).toEqual([
      ['aws', ['certificates', 'fraud-prevention', 'platform-hosting', 'website-delivery'], hosting, ['US']],
      ['google-cloud', ['certificates', 'fraud-prevention', 'platform-hosting', 'website-delivery'], hosting, ['US']],
      ['sendgrid', ['service-communications'], ['contact', 'identity'], ['US']],
    ]);
    expect(scope.activities.map((a: any) => [a.activity.key, a.purpose.key, a.legalBasis, a.retention?.key, keys(a.categories), keys(a.processors)])).toEqual([
      ['certificates', 'service-delivery.certificates', 'CONTRACT', 'course-progress', ['identity'], ['aws', 'google-cloud']],
      ['fraud-prevention', 'security.fraud-prevention', 'LEGITIMATE_INTERESTS', 'account-data', ['technical'], ['aws', 'google-cloud']],
      ['platform-hosting', 'service-delivery.platform', 'CONTRACT', 'account-data', ['contact', 'identity'], ['aws', 'google-cloud']],
      ['service-communications', 'communication.service-updates', 'CONTRACT', 'account-data', ['contact', 'identity'], ['sendgrid']],
      ['website-delivery', 'service-delivery.platform', 'LEGITIMATE_INTERESTS', undefined, ['technical', 'usage.website'], ['aws', 'google-cloud']],
    ]);
    expect(scope.recipientsToNotify).toEqual([]);
    expect({
      ...scope.copy,
      categories: keys(scope.copy.categories),
      purposes: keys(scope.copy.purposes),
      recipients: keys(scope.copy.recipients),
      countries: keys(scope.copy.countries),
      retentionRules: keys(scope.copy.retentionRules),
    }).toEqual({
      categories: hosting,
      purposes: ['communication.service-updates', 'security.fraud-prevention', 'service-delivery.certificates', 'service-delivery.platform'],
      recipients: ['aws', 'google-cloud', 'sendgrid'],
      countries: ['US'],
      retentionRules: ['account-data', 'course-progress'],
      thirdCountryTransfers: true,
    });
  });

  it('lists the recipients to notify of an erasure (Art. 19), and no copy', async () => {
    const { data } = await app.gql(SCOPE, {}, asOfficer);
    const scope = data!.rightsRequests.nodes.find((node: { id: string }) => node.id === ids.erasure).scope;
    expect(keys(scope.recipientsToNotify)).toEqual(['aws', 'google-cloud', 'mailchimp']);
    expect(scope.copy).toBeNull();
  });
});

describe('the register', () => {
  it('lists requests by deadline, filters by status and due date, and pages with cursors', async () => {
    const all = await app.gql(LIST, {}, asOfficer);
    expect(all.data!.rightsRequests.nodes.map((n: any) => [n.jurisdiction, n.dueAt, n.status])).toEqual([
      ['DE', '2027-02-20T23:59:59.999Z', 'RECEIVED'],
      ['GB', '2027-03-02T23:59:59.999Z', 'RECEIVED'],
      ['US-NY', '2027-03-12T23:59:59.999Z', 'COMPLETED'],
      ['FR', '2027-03-25T23:59:59.999Z', 'RECEIVED'],
    ]);
    const open = await app.gql(LIST, { status: 'RECEIVED', dueBefore: '2027-03-10T00:00:00Z' }, asOfficer);
    expect(open.data!.rightsRequests.nodes.map((n: any) => n.jurisdiction)).toEqual(['DE', 'GB']);
    expect(open.data!.rightsRequests.totalCount).toBe(2);
    const first = await app.gql(LIST, { first: 3 }, asOfficer);
    expect(first.data!.rightsRequests.pageInfo.hasNextPage).toBe(true);
    const rest = await app.gql(LIST, { first: 3, after: first.data!.rightsRequests.pageInfo.endCursor }, asOfficer);
    expect(rest.data!.rightsRequests).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: false }, nodes: [{ jurisdiction: 'FR' }] });
    const bad = await app.gql(LIST, { after: 'nonsense' }, asOfficer);
    expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('is open to auditors, closed to viewers, who see only the statistics', async () => {
    const audited = await app.gql(LIST, {}, await authAs('AUDITOR'));
    expect(audited.data!.rightsRequests.totalCount).toBe(4);
    const asViewer = await authAs('VIEWER');
    const denied = await app.gql(LIST, {}, asViewer);
    expect(denied.errors![0].extensions!.code).toBe('FORBIDDEN');
    const { data, errors } = await app.gql(STATS, {}, asViewer);
    expect(errors).toBeUndefined();
    expect(data!.rightsRequestStats).toEqual({
      total: 4,
      byRight: [{ value: 'access', count: 3 }, { value: 'erasure', count: 1 }],
      byStatus: [{ value: 'RECEIVED', count: 3 }, { value: 'COMPLETED', count: 1 }],
      byTimeliness: [{ value: 'ON_TIME', count: 1 }, { value: 'OPEN', count: 2 }, { value: 'OVERDUE', count: 1 }],
    });
  });
});

describe('findings', () => {
  it('report an overdue request as an ERROR and one due within 5 days as a WARNING, naming no one', async () => {
    const { data } = await app.gql(FINDINGS, {}, await authAs('VIEWER'));
    const ours = data!.findings.nodes.filter((f: { rule: string }) => f.rule.startsWith('rights-request'));
    expect(ours).toEqual([
      {
        severity: 'ERROR',
        rule: 'rights-request-overdue',
        message: `the access request ${ids.overdue} (DE, RECEIVED) was due 2027-02-20T23:59:59.999Z and is still open`,
        entities: [{ type: 'RightsRequest', key: ids.overdue }],
      },
      {
        severity: 'WARNING',
        rule: 'rights-request-due-soon',
        message: `the access request ${ids.soon} (GB, RECEIVED) is due 2027-03-02T23:59:59.999Z, within 5 days`,
        entities: [{ type: 'RightsRequest', key: ids.soon }],
      },
    ]);
    expect(JSON.stringify(data)).not.toContain('user-');
  });
});

describe('the purge', () => {
  it('clears the reference of a request closed longer than RIGHTS_REQUEST_RETENTION_DAYS, and keeps the statistics', async () => {
    const closedAt = (await app.em().findOneOrFail(RightsRequest, { id: ids.closed })).closedAt!;
    const statsBefore = (await app.gql(STATS, {}, asOfficer)).data!.rightsRequestStats;

    // A day before the period ends, a restarted instance keeps the reference.
    const early = await startTestApp({ reset: false, seed: false, clock: () => new Date(closedAt.getTime() + 1094 * 86_400_000) });
    await early.close();
    expect((await app.em().findOneOrFail(RightsRequest, { id: ids.closed })).subjectReference).toBe('user-closed');

    // Past it, the instance purges at start.
    const purgedAt = new Date(closedAt.getTime() + 1096 * 86_400_000);
    const later = await startTestApp({ reset: false, seed: false, clock: () => purgedAt });
    await later.close();
    const rows = await app.em().find(RightsRequest, {}, { orderBy: { dueAt: 'asc' } });
    expect(rows.map((row) => [row.jurisdiction, row.subjectReference, row.purgedAt?.toISOString() ?? null])).toEqual([
      ['DE', 'user-overdue', null],
      ['GB', 'user-soon', null],
      ['US-NY', null, purgedAt.toISOString()],
      ['FR', 'user-erasure', null],
    ]);
    const entry = await app.em().findOneOrFail(AuditEntry, { operation: 'purgeRightsRequest' });
    expect(entry).toMatchObject({ actor: 'system:rights-request-purge', entityKey: ids.closed });
    expect((await app.gql(STATS, {}, asOfficer)).data!.rightsRequestStats).toEqual(statsBefore);
  });

  it('follows the configured period', async () => {
    now = new Date('2027-03-01T12:00:00Z');
    for (const status of ['VERIFYING', 'IN_PROGRESS', 'COMPLETED']) await app.gql(UPDATE, { id: ids.soon, status }, asOfficer);
    const short = await startTestApp({ reset: false, seed: false, clock: () => new Date('2027-03-03T00:00:00Z'), config: { rightsRequestRetentionDays: 1 } });
    await short.close();
    expect((await app.em().findOneOrFail(RightsRequest, { id: ids.soon })).subjectReference).toBeNull();
    expect((await app.em().findOneOrFail(RightsRequest, { id: ids.overdue })).subjectReference).toBe('user-overdue');
  });
});
