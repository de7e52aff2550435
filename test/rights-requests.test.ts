import { AuditEntry } from '../src/audit/audit-entry.entity';
import { RightsRequest } from '../src/rights-request/rights-request.entity';
import { authAs, startTestApp, type GraphQLResponse, type TestApp } from './harness';

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
let app: TestApp;
let asOfficer: Record<string, string>;
beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
  asOfficer = await authAs('PRIVACY_OFFICER', 'dpo@pythonmaster.com');
});
afterAll(() => app.close());

const request = (overrides: Record<string, unknown> = {}) => ({
  right: 'access',
  receivedAt: '2027-01-31T10:00:00Z',
  jurisdiction: 'DE',
  subjectReference: 'user-8812',
  collectionPoints: ['registration'],
  consents: [],
  ...overrides,
});

async function create(overrides: Record<string, unknown> = {}) {
  const response = await app.gql(CREATE, { input: request(overrides) }, asOfficer);
  expect(response.errors).toBeUndefined();
  return response.data!.createRightsRequest;
}

const errorOf = (response: GraphQLResponse) => [response.errors?.[0]?.extensions?.code, response.errors?.[0]?.message];

describe('explore', () => {
  it('prints', async () => {
    for (const right of ['access', 'erasure', 'portability']) await create({ right });
    const { data, errors } = await app.gql(SCOPE, {}, asOfficer);
    console.log(JSON.stringify(errors ?? data, null, 1));
  });
});
