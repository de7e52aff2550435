import { authAs, errorOf, keysOf, startTestApp, type GraphQLResponse, type TestApp } from './harness';

/** Issue 18: every recipient (processors, controllers, sub-processors along chains), every hop judged. */

const REGISTER = `mutation ($input: RegisterProcessorInput!) {
  registerProcessor(input: $input) { key role jointArrangement saleOrShare engagedBy { key } locations { country { code } mechanism reference } }
}`;
const UPDATE = `mutation ($key: ID!, $expectedVersion: Int!, $input: UpdateProcessorInput!) {
  updateProcessor(key: $key, expectedVersion: $expectedVersion, input: $input) { key version engagedBy { key } }
}`;
const APPROVE = `mutation ($key: ID!) { approveProcessor(key: $key) { key status } }`;

let app: TestApp;
let asEngineer: Record<string, string>;
let asOfficer: Record<string, string>;
beforeAll(async () => {
  app = await startTestApp();
  asEngineer = await authAs('ENGINEER', 'engineer@pythonmaster.com');
  asOfficer = await authAs('PRIVACY_OFFICER', 'dpo@pythonmaster.com');
});
afterAll(() => app.close());

/** A hosting sub-processor of AWS in India, as AWS's own sub-processor list would name one. */
const awsIndia = (key: string, reference: string, overrides: Record<string, unknown> = {}) => ({
  key,
  name: 'AWS India',
  service: 'Hosting (AWS region ap-south-1)',
  headquarters: 'IN',
  locations: [{ country: 'IN', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference }],
  dataCategories: [],
  activities: [],
  dpaReference: 'AWS DPA, sub-processor terms',
  engagedBy: 'aws',
  ...overrides,
});

/** An advertising partner in the US, receiving data for its own purposes. */
const adPartner = (key: string, reference: string, overrides: Record<string, unknown> = {}) => ({
  key,
  name: 'Ad Partner',
  service: 'Advertising',
  headquarters: 'US',
  role: 'INDEPENDENT_CONTROLLER',
  locations: [{ country: 'US', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference }],
  dataCategories: ['technical'],
  activities: ['usage-analytics'],
  ...overrides,
});

const register = (input: Record<string, unknown>, headers = asEngineer) => app.gql(REGISTER, { input }, headers);
const problemsOf = (response: GraphQLResponse) => (response.errors?.[0]?.extensions?.problems as { field: string; message: string }[] | undefined) ?? [];

describe('a sub-processor engaged by a processor (Art. 28(2),(4); SCC module 3)', () => {
  it('accepts a sub-processor of aws in IN under SCC module 3, and shows the chain both ways', async () => {
    const response = await register(awsIndia('aws-india', 'SCC 2021/914 module 3'));
    expect(response.errors).toBeUndefined();
    expect(response.data!.registerProcessor).toEqual({
      key: 'aws-india',
      role: 'PROCESSOR',
      jointArrangement: null,
      saleOrShare: null,
      engagedBy: { key: 'aws' },
      locations: [{ country: { code: 'IN' }, mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 3' }],
    });
    const { data } = await app.gql('{ processor(key: "aws") { subprocessors { key } } }', {}, asOfficer);
    expect(keysOf(data!.processor.subprocessors)).toEqual(['aws-india']);
  });

  it('refuses the same sub-processor with a module-2 reference, naming module 3', async () => {
    const response = await register(awsIndia('aws-india-m2', 'SCC 2021/914 module 2'));
    expect(errorOf(response)).toEqual([
      'BAD_USER_INPUT',
      'input.locations[0].reference: "SCC 2021/914 module 2" names module 2 (controller to processor), but the exporter is a processor and ' +
        'the importer a processor, so the clauses must be Decision (EU) 2021/914 module 3 (processor to processor); name it, such as "SCC 2021/914 module 3"',
    ]);
  });

  it('refuses activities and categories of its own: it serves its engager\'s', async () => {
    const response = await register(awsIndia('aws-india-own', 'SCC 2021/914 module 3', { activities: ['platform-hosting'], dataCategories: ['identity'] }));
    expect(problemsOf(response).map((p) => p.field)).toEqual(['input.activities', 'input.dataCategories']);
    expect(problemsOf(response)[0].message).toBe(
      'input.activities: a sub-processor serves the activities of "aws", which engaged it, with the data "aws" receives (Art. 28(4)): leave activities empty',
    );
  });

  it('refuses an unknown engager, and a sub-processor that is not a PROCESSOR', async () => {
    expect(problemsOf(await register(awsIndia('nobody-sub', 'SCC 2021/914 module 3', { engagedBy: 'nobody' })))).toEqual([
      expect.objectContaining({ field: 'input.engagedBy', message: 'input.engagedBy: unknown processor "nobody"' }),
    ]);
    const controller = await register(awsIndia('controller-sub', 'SCC 2021/914 module 1', { role: 'INDEPENDENT_CONTROLLER' }));
    expect(problemsOf(controller).map((p) => p.field)).toEqual(['input.role', 'input.locations[0].reference']);
  });

  it('refuses a cycle and a chain deeper than 5, naming the chain', async () => {
    const link = (key: string, engagedBy: string | null) =>
      register({ ...awsIndia(key, 'SCC 2021/914 module 3'), engagedBy, ...(engagedBy ? {} : { locations: [{ country: 'DE' }], headquarters: 'DE' }) });
    expect((await link('chain-a', null)).errors).toBeUndefined();
    for (const [key, engager] of [['chain-b', 'chain-a'], ['chain-c', 'chain-b'], ['chain-d', 'chain-c'], ['chain-e', 'chain-d']]) {
      expect((await link(key, engager)).errors).toBeUndefined();
    }
    expect(errorOf(await link('chain-f', 'chain-e'))).toEqual([
      'BAD_USER_INPUT',
      'input.engagedBy: the chain "chain-a" → "chain-b" → "chain-c" → "chain-d" → "chain-e" → "chain-f" is 6 recipients deep; a chain of ' +
        "engagement is at most 5 deep (the organisation's processor and its sub-processors): engage the last ones higher up the chain",
    ]);
    const { data } = await app.gql('{ processor(key: "chain-a") { version } }', {}, asOfficer);
    const cycle = await app.gql(UPDATE, { key: 'chain-a', expectedVersion: data!.processor.version, input: { engagedBy: 'chain-c', locations: [{ country: 'IN', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 3' }] } }, asEngineer);
    expect(errorOf(cycle)).toEqual([
      'BAD_USER_INPUT',
      'input.engagedBy: the chain "chain-a" → "chain-b" → "chain-c" → "chain-a" is a cycle: a processor cannot be engaged, directly or through its sub-processors, by itself',
    ]);
  });
});

describe('controllers as recipients (SCC module 1; Art. 26; CCPA sale or sharing)', () => {
  it('accepts an advertising partner in the US under SCC module 1, and refuses module 2', async () => {
    const accepted = await register(adPartner('ad-partner', 'SCC 2021/914 module 1'));
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!.registerProcessor).toMatchObject({ role: 'INDEPENDENT_CONTROLLER', engagedBy: null });
    expect(errorOf(await register(adPartner('ad-partner-m2', 'SCC 2021/914 module 2')))).toEqual([
      'BAD_USER_INPUT',
      'input.locations[0].reference: "SCC 2021/914 module 2" names module 2 (controller to processor), but the exporter is a controller and ' +
        'the importer a controller, so the clauses must be Decision (EU) 2021/914 module 1 (controller to controller); name it, such as "SCC 2021/914 module 1"',
    ]);
  });

  it('asks a joint controller for its Art. 26 arrangement, and keeps it', async () => {
    expect(problemsOf(await register(adPartner('joint-x', 'SCC 2021/914 module 1', { role: 'JOINT_CONTROLLER' })))).toEqual([
      expect.objectContaining({ field: 'input.jointArrangement' }),
    ]);
    const response = await register(adPartner('joint-y', 'SCC 2021/914 module 1', { role: 'JOINT_CONTROLLER', jointArrangement: 'Joint controller agreement 2026-03' }));
    expect(response.data!.registerProcessor).toMatchObject({ role: 'JOINT_CONTROLLER', jointArrangement: 'Joint controller agreement 2026-03' });
  });

  it('refuses saleOrShare on a processor: handing data to a service provider is no sale', async () => {
    expect(problemsOf(await register(awsIndia('sold-sub', 'SCC 2021/914 module 3', { saleOrShare: true }))).map((p) => p.field)).toEqual(['input.saleOrShare']);
  });
});


const PERSON = `query ($profile: SubjectProfileInput!, $filter: DataFlowFilter) {
  userDataFlow(profile: $profile, filter: $filter) {
    summary { countries { code } processors { key } }
    flows(first: 100) { nodes { activity { key } category { key } processor { key } destination { code } safeguarded
      path { from { key } to { key } destination { code } mechanism reference safeguarded sccModule } } }
  }
}`;
const registrationOnly = { country: 'DE', collectionPoints: ['registration'], consents: [] };

describe('flows follow the chain (issue 18, reproduction 2)', () => {
  beforeAll(async () => {
    expect((await app.gql(APPROVE, { key: 'aws-india' }, asOfficer)).errors).toBeUndefined();
  });

  it("shows IN among a registration-only person's countries, with a two-hop path judged hop by hop", async () => {
    const { data, errors } = await app.gql(PERSON, { profile: registrationOnly }, asOfficer);
    expect(errors).toBeUndefined();
    const { summary, flows } = data!.userDataFlow;
    expect(summary.countries.map((c: { code: string }) => c.code)).toEqual(['IN', 'US']);
    expect(keysOf(summary.processors)).toEqual(['aws', 'aws-india', 'google-cloud', 'sendgrid']);
    const hosting = flows.nodes.filter((f: { activity: { key: string }; category: { key: string } }) => f.activity.key === 'platform-hosting' && f.category.key === 'identity');
    expect(hosting).toEqual([
      {
        activity: { key: 'platform-hosting' }, category: { key: 'identity' }, processor: { key: 'aws' }, destination: { code: 'US' }, safeguarded: true,
        path: [{ from: null, to: { key: 'aws' }, destination: { code: 'US' }, mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2', safeguarded: true, sccModule: 2 }],
      },
      {
        activity: { key: 'platform-hosting' }, category: { key: 'identity' }, processor: { key: 'aws-india' }, destination: { code: 'IN' }, safeguarded: true,
        path: [
          { from: null, to: { key: 'aws' }, destination: { code: 'US' }, mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2', safeguarded: true, sccModule: 2 },
          { from: { key: 'aws' }, to: { key: 'aws-india' }, destination: { code: 'IN' }, mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 3', safeguarded: true, sccModule: 3 },
        ],
      },
      expect.objectContaining({ processor: { key: 'google-cloud' } }),
    ]);
  });

  it('matches the chain by any processor along it, and pages through it with stable cursors', async () => {
    const { data } = await app.gql(
      `{ dataFlows(first: 1, filter: { processors: ["aws-india"], activities: ["platform-hosting"] }) { totalCount edges { cursor node { category { key } processor { key } } } pageInfo { endCursor } } }`,
      {},
      asOfficer,
    );
    expect(data!.dataFlows.totalCount).toBe(3);
    const next = await app.gql(
      `query ($after: String) { dataFlows(first: 5, after: $after, filter: { processors: ["aws-india"], activities: ["platform-hosting"] }) { nodes { category { key } processor { key } } } }`,
      { after: data!.dataFlows.pageInfo.endCursor },
      asOfficer,
    );
    expect([data!.dataFlows.edges[0].node, ...next.data!.dataFlows.nodes].map((n: { category: { key: string } }) => n.category.key)).toEqual(['contact', 'identity', 'usage']);
  });

  it('takes the chain out of every flow when the engager retires', async () => {
    const officer = asOfficer;
    expect((await register(awsIndia('gcloud-india', 'SCC 2021/914 module 3', { engagedBy: 'google-cloud' }))).errors).toBeUndefined();
    expect((await app.gql(APPROVE, { key: 'gcloud-india' }, officer)).errors).toBeUndefined();
    const before = await app.gql(`{ dataFlows(filter: { processors: ["gcloud-india"] }) { totalCount } }`, {}, officer);
    expect(before.data!.dataFlows.totalCount).toBeGreaterThan(0);
    const retired = await app.gql(`mutation { retireProcessor(key: "google-cloud", reason: "moved to aws") { status } }`, {}, officer);
    expect(retired.errors).toBeUndefined();
    const after = await app.gql(`{ dataFlows(filter: { processors: ["gcloud-india"] }) { totalCount } }`, {}, officer);
    expect(after.data!.dataFlows.totalCount).toBe(0);
  });
});

describe('controller recipients in flows (issue 18, reproduction 3)', () => {
  it('judges a flow to an approved advertising partner controller to controller, module 1', async () => {
    expect((await app.gql(APPROVE, { key: 'ad-partner' }, asOfficer)).errors).toBeUndefined();
    const { data } = await app.gql(
      `{ dataFlows(filter: { processors: ["ad-partner"] }) { nodes { category { key } safeguarded path { from { key } to { key role } sccModule reference } } } }`,
      {},
      asOfficer,
    );
    expect(data!.dataFlows.nodes).toEqual([
      { category: { key: 'technical' }, safeguarded: true, path: [{ from: null, to: { key: 'ad-partner', role: 'INDEPENDENT_CONTROLLER' }, sccModule: 1, reference: 'SCC 2021/914 module 1' }] },
    ]);
  });

  it('reports sale-or-share-undisclosed when a recipient marked saleOrShare contradicts the policy', async () => {
    await app.em().getConnection().execute(`update organization set no_sale_statement = 'We never sell your data.'`);
    const { data } = await app.gql(`{ processor(key: "ad-partner") { version } }`, {}, asOfficer);
    const marked = await app.gql(UPDATE, { key: 'ad-partner', expectedVersion: data!.processor.version, input: { saleOrShare: true } }, asOfficer);
    expect(marked.errors).toBeUndefined();
    const findings = await app.gql(`{ findings(rule: "sale-or-share-undisclosed") { nodes { rule severity message entities { type key } } } }`, {}, asOfficer);
    expect(findings.errors).toBeUndefined();
    expect(findings.data!.findings.nodes).toEqual([
      {
        rule: 'sale-or-share-undisclosed',
        severity: 'ERROR',
        message: 'ad-partner is marked as a "sale" or "sharing" under the CCPA (§1798.140(ad), (ah)), but the policy states: "We never sell your data."',
        entities: [{ type: 'Processor', key: 'ad-partner' }, { type: 'Organization', key: 'pythonmaster' }],
      },
    ]);
  });
});
