import { applyManifest } from '../src/manifest/manifest.service';
import { manifestSchema } from '../src/manifest/manifest.schema';
import { LegalBasis } from '../src/processing-activity/legal-basis';
import { ProcessorStatus } from '../src/processor/processor.entity';
import { MERMAID_READER, parsed, readOne, type MermaidReading } from './graph-readers';
import { authAs, errorOf, useTestApp } from './harness';

/**
 * Issue 19, phase B: flows judged under the regime of the person whose data they carry (the EU GDPR in the EEA, the
 * UK GDPR in the United Kingdom, the FADP in Switzerland, none elsewhere), and the whole map under the regime a
 * filter asks for. On the seed every vendor rests on the EU SCCs; the UK and Swiss safeguards differ by vendor.
 */

const { app, headers: viewer } = useTestApp('VIEWER');

const JUDGMENT = 'thirdCountry regulatedTransfer mechanism reference safeguarded transferProblem';
const FLOW = `activity { key } category { key } processor { key } destination { code } ${JUDGMENT}`;

interface JudgedFlow {
  activity: { key: string };
  category: { key: string };
  processor: { key: string };
  destination: { code: string };
  thirdCountry: boolean;
  regulatedTransfer: boolean;
  mechanism: string | null;
  reference: string | null;
  safeguarded: boolean;
  transferProblem: string | null;
}

/** A flow and its judgment in one line: `activity/category -> processor@country: mechanism` or `: NO SAFEGUARD`. */
const lineOf = (flow: JudgedFlow) =>
  `${flow.activity.key}/${flow.category.key} -> ${flow.processor.key}@${flow.destination.code}: ` +
  (flow.safeguarded ? String(flow.mechanism) : 'NO SAFEGUARD');

const PERSON = `query($profile: SubjectProfileInput!, $filter: DataFlowFilter) {
  userDataFlow(profile: $profile, filter: $filter) { regime flows(first: 1000) { totalCount nodes { ${FLOW} } } }
}`;

/** Registered, bought a course and asked support, without any consent: the same person wherever they are. */
const ACTIONS = { collectionPoints: ['registration', 'purchase', 'support'], consents: [] };

async function person(country: string, filter: Record<string, unknown> | null = null) {
  const { data, errors } = await app.gql(PERSON, { profile: { country, ...ACTIONS }, filter }, viewer);
  expect(errors).toBeUndefined();
  return data!.userDataFlow as { regime: string | null; flows: { totalCount: number; nodes: JudgedFlow[] } };
}

/** The flows of ACTIONS on the seed, in flow order, by the recipient each ends at (intercom-aws: Intercom's own host). */
const PATHS = [
  'certificates/identity -> aws', 'certificates/identity -> google-cloud',
  'customer-support/contact -> intercom', 'customer-support/contact -> intercom-aws', 'customer-support/contact -> zendesk',
  'customer-support/identity -> intercom', 'customer-support/identity -> intercom-aws', 'customer-support/identity -> zendesk',
  'fraud-prevention/technical -> aws', 'fraud-prevention/technical -> google-cloud',
  'platform-hosting/contact -> aws', 'platform-hosting/contact -> google-cloud',
  'platform-hosting/identity -> aws', 'platform-hosting/identity -> google-cloud',
  'pre-sale-support/contact -> intercom', 'pre-sale-support/contact -> intercom-aws', 'pre-sale-support/contact -> zendesk',
  'pre-sale-support/identity -> intercom', 'pre-sale-support/identity -> intercom-aws', 'pre-sale-support/identity -> zendesk',
  'process-payments/contact -> paypal', 'process-payments/contact -> stripe',
  'process-payments/financial -> paypal', 'process-payments/financial -> stripe',
  'process-payments/identity -> paypal', 'process-payments/identity -> stripe',
  'service-communications/contact -> sendgrid', 'service-communications/identity -> sendgrid',
  'tax-records/financial -> aws', 'tax-records/financial -> google-cloud',
  'tax-records/identity -> aws', 'tax-records/identity -> google-cloud',
  'website-delivery/technical -> aws', 'website-delivery/technical -> google-cloud',
  'website-delivery/usage.website -> aws', 'website-delivery/usage.website -> google-cloud',
];

/** Every path to the US, judged by what each processor's location records under the regime. */
const judged = (verdicts: Record<string, string>) => PATHS.map((path) => `${path}@US: ${verdicts[path.split(' -> ')[1]]}`);

const SCC = 'STANDARD_CONTRACTUAL_CLAUSES';
const NONE = 'NO SAFEGUARD';
/** The seed: every vendor on the EU SCCs; the UK Addendum, an IDTA (Zendesk) or the Swiss adaptations only where recorded. */
const EU_VERDICTS = { aws: SCC, 'google-cloud': SCC, intercom: SCC, 'intercom-aws': SCC, zendesk: SCC, paypal: SCC, stripe: SCC, sendgrid: SCC };
const UK_VERDICTS = { aws: 'UK_ADDENDUM', 'google-cloud': 'UK_ADDENDUM', intercom: NONE, 'intercom-aws': NONE, zendesk: 'UK_IDTA', paypal: NONE, stripe: 'UK_ADDENDUM', sendgrid: NONE };
const SWISS_VERDICTS = { aws: SCC, 'google-cloud': SCC, intercom: SCC, 'intercom-aws': SCC, zendesk: NONE, paypal: NONE, stripe: SCC, sendgrid: NONE };

describe('userDataFlow judges the person under the regime of where they are', () => {
  it('gives the same person different verdicts in DE, GB and CH, where the safeguards differ', async () => {
    const [de, gb, ch] = [await person('DE'), await person('GB'), await person('CH')];
    expect([de.regime, gb.regime, ch.regime]).toEqual(['EU_GDPR', 'UK_GDPR', 'SWISS_FADP']);
    expect(de.flows.nodes.map(lineOf)).toEqual(judged(EU_VERDICTS));
    expect(gb.flows.nodes.map(lineOf)).toEqual(judged(UK_VERDICTS));
    expect(ch.flows.nodes.map(lineOf)).toEqual(judged(SWISS_VERDICTS));
    for (const flow of [...de.flows.nodes, ...gb.flows.nodes, ...ch.flows.nodes]) expect([flow.thirdCountry, flow.regulatedTransfer]).toEqual([true, true]);
  });

  it('names the regime\'s own instrument and rule: the UK Addendum for a GB person, the Swiss adaptations for a Swiss one', async () => {
    const payment = (answer: Awaited<ReturnType<typeof person>>, processor: string) =>
      answer.flows.nodes.find((flow) => flow.activity.key === 'process-payments' && flow.category.key === 'financial' && flow.processor.key === processor)!;
    const [gb, ch] = [await person('GB-SCT'), await person('CH')];
    expect(gb.regime).toBe('UK_GDPR');
    expect(payment(gb, 'stripe')).toMatchObject({ mechanism: 'UK_ADDENDUM', reference: 'UK Addendum to SCC 2021/914 module 2', safeguarded: true, transferProblem: null });
    expect(payment(ch, 'stripe')).toMatchObject({ mechanism: SCC, reference: 'SCC 2021/914 module 2 with the Swiss adaptations (FADP)', safeguarded: true });
    // PayPal records only the EU SCCs: no UK or Swiss safeguard.
    expect(payment(gb, 'paypal')).toMatchObject({ mechanism: null, reference: null, safeguarded: false });
    expect(payment(gb, 'paypal').transferProblem).toMatch(
      /^a mechanism is required for US, whose UK adequacy regulations are only partial \(Only persons on the Data Privacy Framework List participating in the U/,
    );
    expect(payment(ch, 'paypal').transferProblem).toMatch(/^a mechanism is required for US, whose listing in DPO Annex 1 is only partial/);
  });

  it.each(['US', 'IN', 'CA-QC'])('judges no flow of a person in %s, where none of the three regimes applies', async (country) => {
    const answer = await person(country);
    expect(answer.regime).toBeNull();
    expect(answer.flows.nodes.map((flow) => `${flow.activity.key}/${flow.category.key} -> ${flow.processor.key}`)).toEqual(PATHS);
    const abroad = country !== 'US';
    for (const flow of answer.flows.nodes) {
      expect(flow).toMatchObject({ thirdCountry: abroad, regulatedTransfer: false, mechanism: null, reference: null, safeguarded: true, transferProblem: null });
    }
    // Abroad, for a person under no regime, is outside their own country.
    expect((await person(country, { thirdCountryOnly: true })).flows.totalCount).toBe(abroad ? PATHS.length : 0);
  });

  it('refuses a filter regime other than the person\'s, and accepts the same one', async () => {
    const refused = await app.gql(PERSON, { profile: { country: 'GB', ...ACTIONS }, filter: { regime: 'EU_GDPR' } }, viewer);
    expect(errorOf(refused)).toEqual([
      'BAD_USER_INPUT',
      "filter.regime: GB is under UK_GDPR, which decides how this person's flows are judged; leave filter.regime out",
    ]);
    expect(errorOf(await app.gql(PERSON, { profile: { country: 'US', ...ACTIONS }, filter: { regime: 'UK_GDPR' } }, viewer))).toEqual([
      'BAD_USER_INPUT',
      "filter.regime: US is under none of the regimes, which decides how this person's flows are judged; leave filter.regime out",
    ]);
    expect((await person('GB', { regime: 'UK_GDPR' })).flows.nodes.map(lineOf)).toEqual(judged(UK_VERDICTS));
  });
});

const DATA_FLOWS = `query($filter: DataFlowFilter) { dataFlows(filter: $filter, first: 1000) { totalCount nodes { ${FLOW} } } }`;

async function mapUnder(filter: Record<string, unknown> | null): Promise<JudgedFlow[]> {
  const { data, errors } = await app.gql(DATA_FLOWS, { filter }, viewer);
  expect(errors).toBeUndefined();
  expect(data!.dataFlows.totalCount).toBe(data!.dataFlows.nodes.length);
  return data!.dataFlows.nodes;
}

describe('dataFlows and dataMapGraph under the regime the filter asks for', () => {
  it('judges the map under UK_GDPR as it judges a GB person, and under EU_GDPR when no regime is given', async () => {
    const key = (flow: JudgedFlow) => `${flow.activity.key}/${flow.category.key} -> ${flow.processor.key}@${flow.destination.code}`;
    for (const [regime, country] of [['UK_GDPR', 'GB'], ['SWISS_FADP', 'CH'], ['EU_GDPR', 'DE']]) {
      // The regime passed as a variable inside the filter, the way clients send it.
      const map = new Map((await mapUnder({ regime })).map((flow) => [key(flow), flow]));
      const personal = (await person(country)).flows.nodes;
      expect(personal.map((flow) => map.get(key(flow)))).toEqual(personal);
    }
    expect(await mapUnder(null)).toEqual(await mapUnder({ regime: 'EU_GDPR' }));
    // Inline, as a literal.
    const { data } = await app.gql(`{ dataFlows(filter: { regime: SWISS_FADP, processors: ["zendesk"] }, first: 1) { nodes { safeguarded } } }`, {}, viewer);
    expect(data!.dataFlows.nodes).toEqual([{ safeguarded: false }]);
  });

  it('draws the FULL graph under the regime: the UK tools on the edges, no safeguard where none is recorded', async () => {
    const GRAPH = `query($filter: DataFlowFilter) { dataMapGraph(filter: $filter) { edges { from to label safeguarded } mermaid } }`;
    const transfers = async (regime: string | null) => {
      const { data, errors } = await app.gql(GRAPH, { filter: { processors: ['paypal', 'stripe', 'zendesk'], ...(regime ? { regime } : {}) } }, viewer);
      expect(errors).toBeUndefined();
      return {
        edges: data!.dataMapGraph.edges.filter((edge: { to: string }) => edge.to.startsWith('country:')),
        mermaid: data!.dataMapGraph.mermaid as string,
      };
    };
    expect((await transfers(null)).edges).toEqual([
      { from: 'processor:paypal', to: 'country:US', label: SCC, safeguarded: true },
      { from: 'processor:stripe', to: 'country:US', label: SCC, safeguarded: true },
      { from: 'processor:zendesk', to: 'country:US', label: SCC, safeguarded: true },
    ]);
    const uk = await transfers('UK_GDPR');
    expect(uk.edges).toEqual([
      { from: 'processor:paypal', to: 'country:US', label: 'no safeguard', safeguarded: false },
      { from: 'processor:stripe', to: 'country:US', label: 'UK_ADDENDUM', safeguarded: true },
      { from: 'processor:zendesk', to: 'country:US', label: 'UK_IDTA', safeguarded: true },
    ]);
    const mermaid = parsed(await readOne<MermaidReading>(MERMAID_READER, uk.mermaid));
    expect(mermaid.edges.filter((edge) => edge.to === 'ctry_country_US').map((edge) => [edge.from, edge.label, edge.stroke])).toEqual([
      ['proc_processor_paypal', 'no safeguard', 'dotted'],
      ['proc_processor_stripe', 'UK_ADDENDUM', 'normal'],
      ['proc_processor_zendesk', 'UK_IDTA', 'normal'],
    ]);
    expect((await transfers('SWISS_FADP')).edges).toEqual([
      { from: 'processor:paypal', to: 'country:US', label: 'no safeguard', safeguarded: false },
      { from: 'processor:stripe', to: 'country:US', label: SCC, safeguarded: true },
      { from: 'processor:zendesk', to: 'country:US', label: 'no safeguard', safeguarded: false },
    ]);
  }, 30_000);

  it('groups the SUMMARY by what the transfers rest on under the regime', async () => {
    const SUMMARY = `query($filter: DataFlowFilter) {
      dataMapGraph(filter: $filter, level: SUMMARY, groupProcessorsBy: SAFEGUARD) { nodes { id label count flows classes } }
    }`;
    const groups = async (regime: string | null) => {
      const { data, errors } = await app.gql(SUMMARY, { filter: regime ? { regime } : null }, viewer);
      expect(errors).toBeUndefined();
      return data!.dataMapGraph.nodes.filter((node: { id: string }) => node.id.startsWith('processor-group:'));
    };
    // The advertising partners and Intercom's host (intercom-aws) record UK and Swiss safeguards of their own.
    expect(await groups(null)).toEqual([
      { id: `processor-group:${SCC}`, label: 'Standard contractual clauses (11 processors)', count: 11, flows: 52, classes: ['group'] },
    ]);
    expect(await groups('UK_GDPR')).toEqual([
      { id: 'processor-group:NO_SAFEGUARD', label: 'No safeguard (4 processors)', count: 4, flows: 11, classes: ['group', 'unsafeguarded'] },
      { id: 'processor-group:UK_ADDENDUM', label: 'Uk addendum (6 processors)', count: 6, flows: 37, classes: ['group'] },
      { id: 'processor-group:UK_IDTA', label: 'Uk idta', count: 1, flows: 4, classes: [] },
    ]);
    expect(await groups('SWISS_FADP')).toEqual([
      { id: 'processor-group:NO_SAFEGUARD', label: 'No safeguard (4 processors)', count: 4, flows: 11, classes: ['group', 'unsafeguarded'] },
      { id: `processor-group:${SCC}`, label: 'Standard contractual clauses (7 processors)', count: 7, flows: 41, classes: ['group'] },
    ]);
  });
});

describe('a transfer impact assessment under one regime', () => {
  it('suspends the hop for that regime\'s people only', async () => {
    const officer = await authAs('PRIVACY_OFFICER', 'dpo@pythonmaster.com');
    const { errors } = await app.gql(
      `mutation ($input: TransferImpactAssessmentInput!) { recordTransferImpactAssessment(input: $input) { outcome } }`,
      { input: { processor: 'stripe', country: 'US', regime: 'UK_GDPR', reference: 'TRA-2026-03', assessedAt: '2026-01-15', outcome: 'TRANSFER_SUSPENDED', supplementaryMeasures: [] } },
      officer,
    );
    expect(errors).toBeUndefined();
    const stripe = (answer: Awaited<ReturnType<typeof person>>) => answer.flows.nodes.filter((flow) => flow.processor.key === 'stripe');
    const gb = stripe(await person('GB'));
    expect(gb.map((flow) => [flow.mechanism, flow.safeguarded])).toEqual([['UK_ADDENDUM', false], ['UK_ADDENDUM', false], ['UK_ADDENDUM', false]]);
    expect(gb[0].transferProblem).toBe(
      'the transfer impact assessment TRA-2026-03 of 2026-01-15 concluded TRANSFER_SUSPENDED: UK_ADDENDUM cannot ensure essentially ' +
        'equivalent protection in US, so the transfer must stop (C-311/18 Schrems II; SCC Clause 16(b))',
    );
    expect(stripe(await person('CH')).map((flow) => flow.safeguarded)).toEqual([true, true, true]);
    expect(stripe(await person('DE')).map((flow) => flow.safeguarded)).toEqual([true, true, true]);
  });

  it('suspends an EU hop in the flows too, a sub-processor\'s along its chain and in the summary, as in findings', async () => {
    const officer = await authAs('PRIVACY_OFFICER', 'dpo@pythonmaster.com');
    const { errors } = await app.gql(
      `mutation ($input: TransferImpactAssessmentInput!) { recordTransferImpactAssessment(input: $input) { outcome } }`,
      { input: { processor: 'intercom-aws', country: 'US', reference: 'TRA-2026-07', assessedAt: '2026-02-01', outcome: 'TRANSFER_SUSPENDED', supplementaryMeasures: [] } },
      officer,
    );
    expect(errors).toBeUndefined();
    const de = (await person('DE')).flows.nodes;
    // Intercom's own hop stays safeguarded; the flows that go on to its host are not, and say which hop fails.
    expect(de.filter((flow) => flow.processor.key === 'intercom').every((flow) => flow.safeguarded)).toBe(true);
    const hosted = de.filter((flow) => flow.processor.key === 'intercom-aws');
    expect(hosted.map((flow) => flow.safeguarded)).toEqual([false, false, false, false]);
    expect(hosted[0].transferProblem).toBe(
      'the transfer impact assessment TRA-2026-07 of 2026-02-01 concluded TRANSFER_SUSPENDED: STANDARD_CONTRACTUAL_CLAUSES cannot ensure ' +
        'essentially equivalent protection in US, so the transfer must stop (C-311/18 Schrems II; SCC Clause 16(b))',
    );
    // The UK and Swiss judgments read their own assessments, not the EU one.
    expect((await person('CH')).flows.nodes.filter((flow) => flow.processor.key === 'intercom-aws').every((flow) => flow.safeguarded)).toBe(true);
    const { data } = await app.gql(
      `{ dataMapGraph(level: SUMMARY, groupProcessorsBy: SAFEGUARD) { nodes { id label classes } } }`,
      {},
      viewer,
    );
    expect(data!.dataMapGraph.nodes.find((node: { id: string }) => node.id === 'processor-group:NO_SAFEGUARD')).toEqual({
      id: 'processor-group:NO_SAFEGUARD', label: 'No safeguard', classes: ['unsafeguarded'],
    });
  });
});

describe('thirdCountryOnly under a regime, on a map with processors in the EEA, the UK and Switzerland', () => {
  beforeAll(async () => {
    await applyManifest(
      app.em(),
      manifestSchema.parse({
        apiVersion: 'datamap/v1',
        activities: [
          {
            key: 'europe-backup', name: 'Backups in Europe', purpose: 'service-delivery.platform', legalBasis: LegalBasis.CONTRACT,
            dataCategories: ['identity'], subjectTypes: ['student'], collectionPoints: ['registration'], securityMeasures: [],
            children: false, dpiaCriteria: [],
          },
        ],
        processors: ['DE', 'GB', 'CH'].map((country) => ({
          key: `backup-${country.toLowerCase()}`, name: `Backup ${country}`, service: 'Backup', headquarters: country, status: ProcessorStatus.ACTIVE,
          dataCategories: ['identity'], activities: ['europe-backup'], locations: [{ country }],
        })),
      }),
    );
  });

  it('measures a transfer from the regime\'s territory: from the UK and Switzerland, the EEA is adequate, not inside', async () => {
    const backups = async (filter: Record<string, unknown>) =>
      (await mapUnder({ activities: ['europe-backup'], ...filter })).map((flow) => `${flow.destination.code}: ${flow.thirdCountry ? lineOf(flow).split(': ')[1] : 'inside'}`);
    expect(await backups({})).toEqual(['CH: ADEQUACY_DECISION', 'DE: inside', 'GB: ADEQUACY_DECISION']);
    expect(await backups({ regime: 'UK_GDPR' })).toEqual(['CH: ADEQUACY_DECISION', 'DE: ADEQUACY_DECISION', 'GB: inside']);
    expect(await backups({ regime: 'SWISS_FADP' })).toEqual(['CH: inside', 'DE: ADEQUACY_DECISION', 'GB: ADEQUACY_DECISION']);
    expect(await backups({ thirdCountryOnly: true })).toEqual(['CH: ADEQUACY_DECISION', 'GB: ADEQUACY_DECISION']);
    expect(await backups({ thirdCountryOnly: true, regime: 'UK_GDPR' })).toEqual(['CH: ADEQUACY_DECISION', 'DE: ADEQUACY_DECISION']);
    expect(await backups({ thirdCountryOnly: true, regime: 'SWISS_FADP' })).toEqual(['DE: ADEQUACY_DECISION', 'GB: ADEQUACY_DECISION']);
    const gb = await person('GB', { activities: ['europe-backup'], thirdCountryOnly: true });
    expect(gb.flows.nodes.map((flow) => flow.destination.code)).toEqual(['CH', 'DE']);
  });

  it('groups the destinations inside the regime\'s territory as no transfer', async () => {
    const { data, errors } = await app.gql(
      `query($filter: DataFlowFilter) { dataMapGraph(filter: $filter, level: SUMMARY, groupProcessorsBy: SAFEGUARD) { nodes { id label } } }`,
      { filter: { activities: ['europe-backup'], regime: 'UK_GDPR' } },
      viewer,
    );
    expect(errors).toBeUndefined();
    expect(data!.dataMapGraph.nodes.filter((node: { id: string }) => node.id.startsWith('processor-group:'))).toEqual([
      { id: 'processor-group:ADEQUACY_DECISION', label: 'Adequacy decision (2 processors)' },
      { id: 'processor-group:UK', label: 'Within the UK (no transfer)' },
    ]);
  });
});
