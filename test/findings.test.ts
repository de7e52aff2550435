import { authAs, startTestApp, type TestApp } from './harness';

const FINDINGS = `query ($severity: FindingSeverity, $first: Int, $after: String) {
  findings(severity: $severity, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { severity rule message entities { type key } fix }
  }
}`;

let app: TestApp;
let asViewer: Record<string, string>;
beforeAll(async () => {
  app = await startTestApp();
  asViewer = await authAs('VIEWER');
});
afterAll(() => app.close());

describe('findings on the seeded map', () => {
  it('has no ERROR findings', async () => {
    const { data, errors } = await app.gql(FINDINGS, { severity: 'ERROR' }, asViewer);
    expect(errors).toBeUndefined();
    expect(data!.findings).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] });
  });

  it('warns only that learning research has no retention rule', async () => {
    const { data } = await app.gql(FINDINGS, {}, asViewer);
    expect(data!.findings.nodes).toEqual([
      {
        severity: 'WARNING',
        rule: 'activity-without-retention',
        message: 'learning-research has no retention rule: the record of processing cannot say how long its data is kept',
        entities: [{ type: 'ProcessingActivity', key: 'learning-research' }],
        fix: 'give learning-research a retention rule (retention: <key of a retention rule>)',
      },
    ]);
  });
});

describe('findings as the map changes', () => {
  it('refuses to approve a processor without a DPA, and reports the ERROR once an ACTIVE processor loses its DPA', async () => {
    const input = {
      key: 'no-dpa', name: 'No DPA Ltd', service: 'Hosting', headquarters: 'IN',
      locations: [{ country: 'IN', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' }],
      dataCategories: ['usage'], activities: ['usage-analytics'],
    };
    await app.gql(`mutation ($input: RegisterProcessorInput!) { registerProcessor(input: $input) { key } }`, { input }, await authAs('ENGINEER'));
    const pending = await app.gql(FINDINGS, { severity: 'INFO' }, asViewer);
    expect(pending.data!.findings.nodes.map((f: { rule: string; entities: unknown[] }) => [f.rule, f.entities])).toEqual([
      ['processor-awaiting-review', [{ type: 'Processor', key: 'no-dpa' }]],
    ]);

    const asOfficer = await authAs('PRIVACY_OFFICER');
    const refused = await app.gql(`mutation { approveProcessor(key: "no-dpa") { status } }`, {}, asOfficer);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', rules: ['active-processor-without-dpa'] });
    expect((await app.gql(FINDINGS, { severity: 'ERROR' }, asViewer)).data!.findings.nodes).toEqual([]);

    const update = `mutation ($dpa: String) { updateProcessor(key: "no-dpa", expectedVersion: VERSION, input: { dpaReference: $dpa }) { version } }`;
    await app.gql(update.replace('VERSION', '1'), { dpa: 'DPA-2026' }, asOfficer);
    expect((await app.gql(`mutation { approveProcessor(key: "no-dpa") { status } }`, {}, asOfficer)).data).toEqual({ approveProcessor: { status: 'ACTIVE' } });
    await app.gql(update.replace('VERSION', '3'), { dpa: null }, asOfficer);
    const { data } = await app.gql(FINDINGS, { severity: 'ERROR' }, asViewer);
    expect(data!.findings.nodes.map((f: { rule: string; entities: unknown[] }) => [f.rule, f.entities])).toEqual([
      ['active-processor-without-dpa', [{ type: 'Processor', key: 'no-dpa' }]],
    ]);
  });

  it('pages through findings with cursors', async () => {
    const firstPage = await app.gql(FINDINGS, { first: 1 }, asViewer);
    expect(firstPage.data!.findings.totalCount).toBe(2);
    expect(firstPage.data!.findings.pageInfo.hasNextPage).toBe(true);
    const secondPage = await app.gql(FINDINGS, { first: 1, after: firstPage.data!.findings.pageInfo.endCursor }, asViewer);
    expect(secondPage.data!.findings.pageInfo.hasNextPage).toBe(false);
    expect([firstPage, secondPage].map((p) => p.data!.findings.nodes[0].rule)).toEqual([
      'active-processor-without-dpa',
      'activity-without-retention',
    ]);
  });
});
