import { Processor, ProcessorStatus } from '../src/processor/processor.entity';
import { buildRopa } from '../src/ropa/ropa';
import { exportMapWithCountries } from '../src/manifest/manifest.service';
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

  it('warns of what is true of it, each with its reason: representatives, DPIA indications, retention, UK and Swiss safeguards, assessments', async () => {
    const { data } = await app.gql(FINDINGS, {}, asViewer);
    const dpia = (key: string, criteria: string) => ({
      severity: 'WARNING',
      rule: 'dpia-indicated',
      message:
        `${key} meets ${criteria.split(', ').length} WP248 criteria (${criteria}; it processes children's data): processing likely to ` +
        'result in a high risk, for which Art. 35(1) requires a data protection impact assessment',
      entities: [{ type: 'ProcessingActivity', key }],
      fix: `carry out a DPIA for ${key} and record its reference (dpia), or correct the criteria recorded`,
    });
    const nodes: { severity: string; rule: string; entities: { key: string }[] }[] = data!.findings.nodes;
    expect(nodes.map((f) => [f.rule, f.entities.map((e) => e.key).join('/')])).toEqual([
      ['activity-without-retention', 'learning-research'],
      ['activity-without-retention', 'website-delivery'],
      ['dpia-indicated', 'advertising'],
      ['dpia-indicated', 'certificates'],
      ['dpia-indicated', 'fraud-prevention'],
      ['dpia-indicated', 'recommendations'],
      ['dpia-indicated', 'usage-analytics'],
      // The vendors with no UK or Swiss safeguard recorded: PayPal, SendGrid and Google Analytics under both, Intercom under
      // the UK GDPR, Zendesk under the FADP (SERVED_REGIMES: all three).
      ['regime-safeguard-missing', 'google-analytics/US'],
      ['regime-safeguard-missing', 'google-analytics/US'],
      ['regime-safeguard-missing', 'intercom/US'],
      ['regime-safeguard-missing', 'paypal/US'],
      ['regime-safeguard-missing', 'paypal/US'],
      ['regime-safeguard-missing', 'sendgrid/US'],
      ['regime-safeguard-missing', 'sendgrid/US'],
      ['regime-safeguard-missing', 'zendesk/US'],
      ['representative-not-recorded', 'pythonmaster'],
      ['representative-not-recorded', 'pythonmaster/GB'],
      ['representative-not-recorded', 'pythonmaster/CH'],
      // Every vendor rests on SCCs (and their UK and Swiss counterparts), and no transfer impact assessment is recorded.
      // The advertising partners and Intercom's own host (a second hop) too, under each regime.
      ...['advertising-partners', 'advertising-partners', 'advertising-partners', 'aws', 'aws', 'aws', 'google-analytics', 'google-cloud',
        'google-cloud', 'google-cloud', 'intercom', 'intercom', 'intercom-aws', 'intercom-aws', 'intercom-aws', 'mailchimp', 'mailchimp',
        'mailchimp', 'paypal', 'sendgrid', 'stripe', 'stripe', 'stripe', 'zendesk', 'zendesk'].map((key) => ['tia-missing', `${key}/US`]),
    ]);
    expect(nodes.every((f) => f.severity === 'WARNING')).toBe(true);
    expect(nodes.find((f) => f.rule === 'activity-without-retention')).toEqual({
      severity: 'WARNING',
      rule: 'activity-without-retention',
      message: 'learning-research has no retention rule: the record of processing cannot say how long its data is kept',
      entities: [{ type: 'ProcessingActivity', key: 'learning-research' }],
      fix: 'give learning-research a retention rule (retention: <key of a retention rule>)',
    });
    expect(nodes.filter((f) => f.rule === 'dpia-indicated')).toEqual([
      dpia('advertising', 'VULNERABLE_SUBJECTS, SYSTEMATIC_MONITORING, PROFILING'),
      dpia('certificates', 'VULNERABLE_SUBJECTS, PROFILING'),
      dpia('fraud-prevention', 'VULNERABLE_SUBJECTS, SYSTEMATIC_MONITORING'),
      dpia('recommendations', 'VULNERABLE_SUBJECTS, PROFILING'),
      dpia('usage-analytics', 'VULNERABLE_SUBJECTS, SYSTEMATIC_MONITORING'),
    ]);
    expect(nodes.find((f) => f.rule === 'representative-not-recorded')).toEqual({
      severity: 'WARNING',
      rule: 'representative-not-recorded',
      message:
        'pythonmaster is established in US (United States), outside the Union, and offers its services to people in the Union ' +
        '(Art. 3(2)(a)), but no representative in the Union is recorded (Art. 27(1)); the record of processing must name it (Art. 30(1)(a))',
      entities: [{ type: 'Organization', key: 'pythonmaster' }],
      fix:
        'designate a representative in a member state where the people whose data is processed are, and record it ' +
        '(organization.representative); or record why Art. 27(2) exempts the processing',
    });
  });

  it('reports only the regimes served (SERVED_REGIMES)', async () => {
    const euOnly = await startTestApp({ reset: false, seed: false, config: { servedRegimes: ['EU_GDPR'] } });
    try {
      const { data } = await euOnly.gql(FINDINGS, {}, asViewer);
      const rules = data!.findings.nodes.map((f: { rule: string }) => f.rule);
      expect(rules).not.toContain('regime-safeguard-missing');
      expect(rules.filter((rule: string) => rule === 'representative-not-recorded')).toHaveLength(1);
      expect(rules.filter((rule: string) => rule === 'tia-missing')).toHaveLength(11);
    } finally {
      await euOnly.close();
    }
  });
});

describe('a processor without locations, as older data may hold it', () => {
  it('is judged at its headquarters everywhere: an unsafeguarded flow, an ERROR finding, and a transfer in the record', async () => {
    const em = app.em();
    em.create(Processor, {
      key: 'hq-only', name: 'HQ Only', service: 'Analytics', headquarters: 'IN', status: ProcessorStatus.ACTIVE, dpaReference: 'DPA',
      dataCategories: ['usage'], activities: ['usage-analytics'],
    } as never);
    await em.flush();

    const flows = await app.gql(
      `{ dataFlows(filter: { processors: ["hq-only"] }) { nodes { destination { code } thirdCountry mechanism safeguarded } } }`,
      {},
      asViewer,
    );
    // usage-analytics/usage, the one category both declare.
    expect(flows.data!.dataFlows.nodes).toEqual([{ destination: { code: 'IN' }, thirdCountry: true, mechanism: null, safeguarded: false }]);
    const graph = await app.gql(`{ dataMapGraph(filter: { processors: ["hq-only"] }) { edges { from to label safeguarded } } }`, {}, asViewer);
    expect(graph.data!.dataMapGraph.edges).toContainEqual({ from: 'processor:hq-only', to: 'country:IN', label: 'no safeguard', safeguarded: false });

    const errors = await app.gql(FINDINGS, { severity: 'ERROR' }, asViewer);
    expect(errors.data!.findings.nodes).toEqual([
      {
        severity: 'ERROR',
        rule: 'transfer-without-safeguard',
        message:
          'hq-only processes data in IN without a valid transfer mechanism: no processing location is recorded, so the processor is ' +
          'judged at its headquarters IN (India): a mechanism is required for IN (India), which has no adequacy decision; use an ' +
          'Art. 46 safeguard (STANDARD_CONTRACTUAL_CLAUSES, BINDING_CORPORATE_RULES, CODE_OF_CONDUCT, CERTIFICATION) or an Art. 49 ' +
          'derogation (DEROGATION_EXPLICIT_CONSENT, DEROGATION_CONTRACT); add a location for IN with its transfer mechanism',
        entities: [{ type: 'Processor', key: 'hq-only' }, { type: 'Country', key: 'IN' }],
        fix: 'record where hq-only processes data, each location with its transfer mechanism',
      },
    ]);

    const { map, countries } = await exportMapWithCountries(app.em());
    const analytics = buildRopa(map, countries).activities.find((row) => row.key === 'usage-analytics')!;
    expect(analytics.transfers).toContainEqual({ country: 'IN', processor: 'HQ Only', mechanism: null, reference: null, safeguarded: false, atHeadquarters: true });

    // Retired, it leaves flows and findings, so the tests below see the seeded map again.
    await app.em().nativeUpdate(Processor, { key: 'hq-only' }, { status: ProcessorStatus.RETIRED });
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
    // The seeded map's 43 warnings, and those of no-dpa, ACTIVE without its DPA since the test above.
    expect(firstPage.data!.findings.totalCount).toBe(49);
    expect(firstPage.data!.findings.pageInfo.hasNextPage).toBe(true);
    const secondPage = await app.gql(FINDINGS, { first: 1, after: firstPage.data!.findings.pageInfo.endCursor }, asViewer);
    expect(secondPage.data!.findings.pageInfo.hasNextPage).toBe(true);
    expect([firstPage, secondPage].map((p) => p.data!.findings.nodes[0].rule)).toEqual([
      'active-processor-without-dpa',
      'activity-without-retention',
    ]);
  });
});
