import { applyManifest } from '../src/manifest/manifest.service';
import { manifestSchema, type Manifest } from '../src/manifest/manifest.schema';
import { LegalBasis } from '../src/processing-activity/legal-basis';
import { ProcessorStatus } from '../src/processor/processor.entity';
import { RecipientRole } from '../src/processor/recipient-role';
import { TransferMechanism } from '../src/processor/transfer-mechanism';
import { GRAPHVIZ_READER, MERMAID_READER, parsed, readOne, type GraphvizReading, type MermaidReading } from './graph-readers';
import { keysOf, type GraphQLResponse, useTestApp } from './harness';

const { app, headers: viewer } = useTestApp('VIEWER');

const FLOW_FIELDS = 'activity { key } category { key } processor { key } destination { code } thirdCountry mechanism safeguarded';

interface FlowFields {
  activity: { key: string };
  category: { key: string };
  processor: { key: string };
  destination: { code: string };
  thirdCountry: boolean;
  mechanism: string | null;
  safeguarded: boolean;
}

/** A flow in one line: activity/category -> processor@country. */
const pathOf = (flow: FlowFields) => `${flow.activity.key}/${flow.category.key} -> ${flow.processor.key}@${flow.destination.code}`;

const USER_DATA_FLOW = `query($profile: SubjectProfileInput!, $filter: DataFlowFilter) {
  userDataFlow(profile: $profile, filter: $filter) {
    processors { key }
    country { code }
    flows(first: 1000) { totalCount nodes { ${FLOW_FIELDS} } }
    excluded(first: 1000) { totalCount nodes { reason flow { ${FLOW_FIELDS} } } }
  }
}`;

async function userDataFlow(profile: { country?: string; collectionPoints: string[]; consents: string[] }) {
  const { data, errors } = await app.gql(USER_DATA_FLOW, { profile: { country: 'DE', ...profile } }, viewer);
  expect(errors).toBeUndefined();
  const result = data!.userDataFlow;
  expect(result.flows.totalCount).toBe(result.flows.nodes.length);
  expect(result.excluded.totalCount).toBe(result.excluded.nodes.length);
  return {
    processors: keysOf(result.processors),
    flows: (result.flows.nodes as FlowFields[]).map(pathOf),
    excluded: (result.excluded.nodes as { reason: string; flow: FlowFields }[]).map(({ reason, flow }) => `${pathOf(flow)}: ${reason}`),
    raw: result,
  };
}

async function flowPaths(filter: Record<string, unknown> | null, first = 1000): Promise<string[]> {
  const { data, errors } = await app.gql(
    `query($filter: DataFlowFilter, $first: Int) { dataFlows(filter: $filter, first: $first) { totalCount nodes { ${FLOW_FIELDS} } } }`,
    { filter, first },
    viewer,
  );
  expect(errors).toBeUndefined();
  expect(data!.dataFlows.totalCount).toBe(data!.dataFlows.nodes.length);
  return data!.dataFlows.nodes.map(pathOf);
}

/** Every flow of the seeded map, in flow order (activity, category, processor, destination). */
const SEEDED_FLOWS = [
  // The advertising partners, a controller recipient (issue 18).
  'advertising/technical -> advertising-partners@US',
  'advertising/usage.website -> advertising-partners@US',
  'certificates/identity -> aws@US',
  'certificates/identity -> google-cloud@US',
  'certificates/usage -> aws@US',
  'certificates/usage -> google-cloud@US',
  'customer-support/contact -> intercom@US',
  // Intercom's own host, one hop further along its chain.
  'customer-support/contact -> intercom-aws@US',
  'customer-support/contact -> zendesk@US',
  'customer-support/identity -> intercom@US',
  // Intercom's own host, one hop further along its chain.
  'customer-support/identity -> intercom-aws@US',
  'customer-support/identity -> zendesk@US',
  'fraud-prevention/technical -> aws@US',
  'fraud-prevention/technical -> google-cloud@US',
  'learning-research/contact -> aws@US',
  'learning-research/contact -> google-cloud@US',
  'learning-research/usage -> aws@US',
  'learning-research/usage -> google-cloud@US',
  'marketing-communications/contact -> mailchimp@US',
  'marketing-communications/identity -> mailchimp@US',
  'platform-hosting/contact -> aws@US',
  'platform-hosting/contact -> google-cloud@US',
  'platform-hosting/identity -> aws@US',
  'platform-hosting/identity -> google-cloud@US',
  'platform-hosting/usage -> aws@US',
  'platform-hosting/usage -> google-cloud@US',
  'pre-sale-support/contact -> intercom@US',
  // Intercom's own host, one hop further along its chain.
  'pre-sale-support/contact -> intercom-aws@US',
  'pre-sale-support/contact -> zendesk@US',
  'pre-sale-support/identity -> intercom@US',
  // Intercom's own host, one hop further along its chain.
  'pre-sale-support/identity -> intercom-aws@US',
  'pre-sale-support/identity -> zendesk@US',
  'process-payments/contact -> paypal@US',
  'process-payments/contact -> stripe@US',
  'process-payments/financial -> paypal@US',
  'process-payments/financial -> stripe@US',
  'process-payments/identity -> paypal@US',
  'process-payments/identity -> stripe@US',
  'recommendations/usage -> aws@US',
  'recommendations/usage -> google-cloud@US',
  'service-communications/contact -> sendgrid@US',
  'service-communications/identity -> sendgrid@US',
  'tax-records/financial -> aws@US',
  'tax-records/financial -> google-cloud@US',
  'tax-records/identity -> aws@US',
  'tax-records/identity -> google-cloud@US',
  'usage-analytics/technical -> google-analytics@US',
  'usage-analytics/usage -> google-analytics@US',
  'website-delivery/technical -> aws@US',
  'website-delivery/technical -> google-cloud@US',
  'website-delivery/usage.website -> aws@US',
  'website-delivery/usage.website -> google-cloud@US',
];

const flowsOf = (prefix: string) => SEEDED_FLOWS.filter((flow) => flow.startsWith(prefix));

/**
 * The expected answer when the flows under each prefix (`activity/` or `activity/category`) are excluded for the
 * given reason and every other flow applies, both in flow order.
 */
function expectedVerdict(reasons: Record<string, string>) {
  const reasonOf = (flow: string) => Object.entries(reasons).find(([prefix]) => flow.startsWith(prefix))?.[1];
  return {
    flows: SEEDED_FLOWS.filter((flow) => !reasonOf(flow)),
    excluded: SEEDED_FLOWS.filter((flow) => reasonOf(flow)).map((flow) => `${flow}: ${reasonOf(flow)}`),
  };
}

const NOT_COLLECTED = 'NOT_COLLECTED';
const CONSENT_NOT_GIVEN = 'CONSENT_NOT_GIVEN';

describe('userDataFlow on the seeded map (every profile in DE)', () => {
  it('sends a registered user without consents to aws, google-cloud and sendgrid, and says why every other flow does not apply', async () => {
    const result = await userDataFlow({ collectionPoints: ['registration'], consents: [] });
    expect(result.processors).toEqual(['aws', 'google-cloud', 'sendgrid']);
    // Course activity is not yet collected: the platform's usage data is not, while the website's is, from every visitor.
    const expected = expectedVerdict({
      'advertising/': CONSENT_NOT_GIVEN,
      'certificates/usage': NOT_COLLECTED,
      'customer-support/': NOT_COLLECTED,
      'learning-research/': NOT_COLLECTED,
      'marketing-communications/': NOT_COLLECTED,
      'platform-hosting/usage': NOT_COLLECTED,
      'pre-sale-support/': NOT_COLLECTED,
      'process-payments/': NOT_COLLECTED,
      'recommendations/': NOT_COLLECTED,
      'tax-records/': NOT_COLLECTED,
      'usage-analytics/': CONSENT_NOT_GIVEN,
    });
    expect(result.flows).toEqual([
      ...flowsOf('certificates/identity'),
      ...flowsOf('fraud-prevention/'),
      ...flowsOf('platform-hosting/contact'),
      ...flowsOf('platform-hosting/identity'),
      ...flowsOf('service-communications/'),
      ...flowsOf('website-delivery/'),
    ]);
    expect(result.flows).toEqual(expected.flows);
    expect(result.excluded).toEqual(expected.excluded);
    expect(result.raw.country).toEqual({ code: 'DE' });
  });

  it('adds stripe and paypal, and the tax records, for a purchase', async () => {
    const result = await userDataFlow({ collectionPoints: ['registration', 'purchase'], consents: [] });
    expect(result.processors).toEqual(['aws', 'google-cloud', 'paypal', 'sendgrid', 'stripe']);
    expect(result.flows).toEqual([
      ...flowsOf('certificates/identity'),
      ...flowsOf('fraud-prevention/'),
      ...flowsOf('platform-hosting/contact'),
      ...flowsOf('platform-hosting/identity'),
      ...flowsOf('process-payments/'),
      ...flowsOf('service-communications/'),
      ...flowsOf('tax-records/'),
      ...flowsOf('website-delivery/'),
    ]);
    expect(result.excluded.filter((line) => line.includes('process-payments') || line.includes('tax-records'))).toEqual([]);
  });

  it('adds zendesk and intercom for a support request', async () => {
    const result = await userDataFlow({ collectionPoints: ['registration', 'purchase', 'support'], consents: [] });
    expect(result.processors).toEqual(['aws', 'google-cloud', 'intercom', 'intercom-aws', 'paypal', 'sendgrid', 'stripe', 'zendesk']);
    expect(result.excluded).toEqual(
      expectedVerdict({
        'advertising/': CONSENT_NOT_GIVEN,
        'certificates/usage': NOT_COLLECTED,
        'learning-research/': NOT_COLLECTED,
        'marketing-communications/': NOT_COLLECTED,
        'platform-hosting/usage': NOT_COLLECTED,
        'recommendations/': NOT_COLLECTED,
        'usage-analytics/': CONSENT_NOT_GIVEN,
      }).excluded,
    );
  });

  it('reaches mailchimp for a newsletter subscriber who consents to marketing email', async () => {
    const result = await userDataFlow({ collectionPoints: ['newsletter'], consents: ['marketing-email'] });
    expect(result.processors).toEqual(['aws', 'google-cloud', 'mailchimp']);
    expect(result.flows.filter((flow) => flow.includes('mailchimp'))).toEqual(flowsOf('marketing-communications/'));
  });

  it('leaves mailchimp out for a newsletter subscriber without that consent, excluded as CONSENT_NOT_GIVEN', async () => {
    const result = await userDataFlow({ collectionPoints: ['newsletter'], consents: [] });
    expect(result.processors).toEqual(['aws', 'google-cloud']);
    expect(result.excluded.filter((line) => line.includes('mailchimp'))).toEqual([
      'marketing-communications/contact -> mailchimp@US: CONSENT_NOT_GIVEN',
      'marketing-communications/identity -> mailchimp@US: CONSENT_NOT_GIVEN',
    ]);
  });

  it('does not reach mailchimp for a registered user who consents to marketing email but never subscribed', async () => {
    const result = await userDataFlow({ collectionPoints: ['registration'], consents: ['marketing-email'] });
    expect(result.processors).toEqual(['aws', 'google-cloud', 'sendgrid']);
    expect(result.excluded.filter((line) => line.includes('mailchimp'))).toEqual([
      'marketing-communications/contact -> mailchimp@US: NOT_COLLECTED',
      'marketing-communications/identity -> mailchimp@US: NOT_COLLECTED',
    ]);
  });

  it.each([
    [[], ['aws', 'google-analytics', 'google-cloud']],
    [['registration'], ['aws', 'google-analytics', 'google-cloud', 'sendgrid']],
    [['support', 'newsletter'], ['aws', 'google-analytics', 'google-cloud', 'intercom', 'intercom-aws', 'zendesk']],
  ])('includes google-analytics through the automatic site visit for anyone with performance cookies (collection points %j)', async (collectionPoints, processors) => {
    const result = await userDataFlow({ collectionPoints, consents: ['performance-cookies'] });
    expect(result.processors).toEqual(processors);
    expect(result.flows.filter((flow) => flow.includes('google-analytics'))).toEqual(flowsOf('usage-analytics/'));
    expect(result.excluded.filter((line) => line.includes('google-analytics'))).toEqual([]);
  });

  it('reports every seeded transfer as a safeguarded third-country transfer, with the mechanism of its processor', async () => {
    const result = await userDataFlow({
      collectionPoints: ['registration', 'purchase', 'support', 'newsletter', 'course-activity', 'survey'],
      consents: ['marketing-email', 'performance-cookies', 'marketing-cookies'],
    });
    expect(result.excluded).toEqual([]);
    expect(result.flows).toEqual(SEEDED_FLOWS);
    const transfers = Object.fromEntries(
      (result.raw.flows.nodes as FlowFields[]).map((flow) => [flow.processor.key, [flow.thirdCountry, flow.mechanism, flow.safeguarded]]),
    );
    expect(transfers).toEqual({
      'advertising-partners': [true, 'STANDARD_CONTRACTUAL_CLAUSES', true],
      aws: [true, 'STANDARD_CONTRACTUAL_CLAUSES', true],
      'google-analytics': [true, 'STANDARD_CONTRACTUAL_CLAUSES', true],
      'google-cloud': [true, 'STANDARD_CONTRACTUAL_CLAUSES', true],
      intercom: [true, 'STANDARD_CONTRACTUAL_CLAUSES', true],
      'intercom-aws': [true, 'STANDARD_CONTRACTUAL_CLAUSES', true],
      mailchimp: [true, 'STANDARD_CONTRACTUAL_CLAUSES', true],
      paypal: [true, 'STANDARD_CONTRACTUAL_CLAUSES', true],
      sendgrid: [true, 'STANDARD_CONTRACTUAL_CLAUSES', true],
      stripe: [true, 'STANDARD_CONTRACTUAL_CLAUSES', true],
      zendesk: [true, 'STANDARD_CONTRACTUAL_CLAUSES', true],
    });
  });

  it('accepts a subdivision as the country and answers with its country', async () => {
    const result = await userDataFlow({ country: 'CA-QC', collectionPoints: ['registration'], consents: [] });
    expect(result.raw.country).toEqual({ code: 'CA' });
    expect(result.processors).toEqual(['aws', 'google-cloud', 'sendgrid']);
  });

  it('narrows the answer with a filter', async () => {
    const { data } = await app.gql(
      USER_DATA_FLOW,
      { profile: { country: 'DE', collectionPoints: ['purchase'], consents: [] }, filter: { categories: ['financial'] } },
      viewer,
    );
    expect(data!.userDataFlow.flows.nodes.map(pathOf)).toEqual([...flowsOf('process-payments/financial'), ...flowsOf('tax-records/financial')]);
    expect(data!.userDataFlow.excluded.nodes).toEqual([]);
  });

  it('names every unknown key of the profile at once, as BAD_USER_INPUT', async () => {
    const { data, errors } = await app.gql(
      USER_DATA_FLOW,
      { profile: { country: 'XX', collectionPoints: ['registration', 'checkout'], consents: ['marketing-email', 'telepathy'] } },
      viewer,
    );
    expect(data).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(errors![0].message).toBe(
      'profile.country: unknown country "XX"; profile.collectionPoints[1]: unknown collection point "checkout"; ' +
        'profile.consents[1]: unknown consent "telepathy"',
    );
    expect(errors![0].extensions!.problems.map((p: { field: string }) => p.field)).toEqual([
      'profile.country',
      'profile.collectionPoints[1]',
      'profile.consents[1]',
    ]);
  });

  it('refuses a country that is not an ISO code, as BAD_USER_INPUT', async () => {
    const { errors } = await app.gql(USER_DATA_FLOW, { profile: { country: 'Germany', collectionPoints: [], consents: [] } }, viewer);
    expect(errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'profile.country', value: 'Germany' });
    // The same words as every other jurisdiction input (src/age-policy/jurisdiction.ts).
    expect(errors![0].message).toBe('country "Germany" is not an ISO 3166-1 alpha-2 country code such as "DE" or an ISO 3166-2 subdivision such as "CA-QC"');
  });
});

describe('dataFlows on the seeded map', () => {
  it('lists every path from category through activity to processor and country, in flow order', async () => {
    expect(await flowPaths(null)).toEqual(SEEDED_FLOWS);
  });

  it('carries the purpose, legal basis and retention rule of the activity', async () => {
    const { data } = await app.gql(
      `{ dataFlows(filter: { processors: ["mailchimp"] }, first: 1) { nodes { purpose { key } legalBasis retention { key duration } reference transferProblem } } }`,
      {},
      viewer,
    );
    expect(data!.dataFlows.nodes).toEqual([
      {
        purpose: { key: 'communication.marketing' },
        legalBasis: 'CONSENT',
        retention: { key: 'marketing-data', duration: 'P2Y' },
        reference: 'SCC 2021/914 module 2',
        transferProblem: null,
      },
    ]);
  });

  it('walks page by page with opaque cursors to exactly the full list', async () => {
    const walked: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { data, errors }: GraphQLResponse = await app.gql(
        `query($after: String) { dataFlows(first: 5, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${FLOW_FIELDS} } } }`,
        { after },
        viewer,
      );
      expect(errors).toBeUndefined();
      pages += 1;
      walked.push(...data!.dataFlows.nodes.map(pathOf));
      if (!data!.dataFlows.pageInfo.hasNextPage) break;
      after = data!.dataFlows.pageInfo.endCursor;
    }
    expect(pages).toBe(11);
    expect(walked).toEqual(SEEDED_FLOWS);
  });

  it.each([
    ['a category with its descendants', { categories: ['financial'] }, [...flowsOf('process-payments/financial'), ...flowsOf('tax-records/financial')]],
    ['a child category, when no activity declares it', { categories: ['financial.payment-card'] }, []],
    ['processors', { processors: ['aws', 'sendgrid'] }, SEEDED_FLOWS.filter((f) => /-> (aws|sendgrid)@/.test(f))],
    ['a purpose with its narrower purposes', { purposes: ['communication'] }, [...flowsOf('advertising/'), ...flowsOf('marketing-communications/'), ...flowsOf('service-communications/')]],
    ['legal bases', { legalBases: ['CONSENT'] }, [...flowsOf('advertising/'), ...flowsOf('marketing-communications/'), ...flowsOf('usage-analytics/')]],
    ['destinations, in any case', { destinations: ['us'] }, SEEDED_FLOWS],
    ['a destination no processor uses', { destinations: ['DE'] }, []],
    ['third countries only', { thirdCountryOnly: true }, SEEDED_FLOWS],
    ['an empty list, which matches nothing', { processors: [] }, []],
    ['several conditions at once', { categories: ['identity'], legalBases: ['CONTRACT'], processors: ['stripe', 'zendesk'] }, [
      'customer-support/identity -> zendesk@US',
      'process-payments/identity -> stripe@US',
    ]],
  ])('filters by %s', async (_name, filter, expected) => {
    expect(await flowPaths(filter)).toEqual(expected);
  });

  it('names every unknown key of the filter at once, as BAD_USER_INPUT', async () => {
    const { errors } = await app.gql(
      `{ dataFlows(filter: { categories: ["contact", "biometric"], processors: ["acme"], purposes: ["espionage"], destinations: ["ZZ"] }) { nodes { safeguarded } } }`,
      {},
      viewer,
    );
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(errors![0].message).toBe(
      'filter.categories[1]: unknown data category "biometric"; filter.processors[0]: unknown processor "acme"; ' +
        'filter.purposes[0]: unknown purpose "espionage"; filter.destinations[0]: unknown country "ZZ"',
    );
  });

  it.each([
    ['a cursor it did not issue', { after: 'bm90LWEtY3Vyc29y' }, /^after "bm90LWEtY3Vyc29y" is not a cursor this list issued$/],
    ['a cursor of another list', { after: Buffer.from(JSON.stringify('contact')).toString('base64url') }, /is not a cursor this list issued$/],
    ['a page size over the cap', { first: 1001 }, /^first must be between 1 and 1000; got 1001$/],
  ])('refuses %s as BAD_USER_INPUT', async (_name, args, message) => {
    const { errors } = await app.gql(`query($first: Int, $after: String) { dataFlows(first: $first, after: $after) { nodes { safeguarded } } }`, args, viewer);
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(errors![0].message).toMatch(message);
  });
});

describe('dataMapGraph on the seeded map', () => {
  const GRAPH = `query($filter: DataFlowFilter) { dataMapGraph(filter: $filter) { nodes { id kind key label } edges { from to kind label safeguarded } mermaid dot } }`;

  it('draws the payment flows as nodes and edges that Mermaid and Graphviz read back', async () => {
    const { data, errors } = await app.gql(GRAPH, { filter: { processors: ['stripe', 'paypal'] } }, viewer);
    expect(errors).toBeUndefined();
    const graph = data!.dataMapGraph;
    expect(graph.nodes.map((node: { id: string; kind: string; label: string }) => [node.id, node.kind, node.label])).toEqual([
      ['category:contact', 'CATEGORY', 'Contact data'],
      ['category:financial', 'CATEGORY', 'Financial data'],
      ['category:identity', 'CATEGORY', 'Identity data'],
      ['activity:process-payments', 'ACTIVITY', 'Process payments'],
      ['processor:paypal', 'PROCESSOR', 'PayPal'],
      ['processor:stripe', 'PROCESSOR', 'Stripe'],
      ['country:US', 'COUNTRY', 'United States'],
    ]);
    const expectedEdges = [
      ['category:contact', 'activity:process-payments', null],
      ['category:financial', 'activity:process-payments', null],
      ['category:identity', 'activity:process-payments', null],
      ['activity:process-payments', 'processor:paypal', null],
      ['activity:process-payments', 'processor:stripe', null],
      ['processor:paypal', 'country:US', 'STANDARD_CONTRACTUAL_CLAUSES'],
      ['processor:stripe', 'country:US', 'STANDARD_CONTRACTUAL_CLAUSES'],
    ];
    expect(graph.edges.map((edge: { from: string; to: string; label: string | null }) => [edge.from, edge.to, edge.label])).toEqual(expectedEdges);

    const mermaid = parsed(await readOne<MermaidReading>(MERMAID_READER, graph.mermaid));
    expect(mermaid.nodes.map((node) => [node.id, node.label])).toEqual([
      ['cat_category_contact', 'Contact data'],
      ['cat_category_financial', 'Financial data'],
      ['cat_category_identity', 'Identity data'],
      ['act_activity_process_payments', 'Process payments'],
      ['proc_processor_paypal', 'PayPal'],
      ['proc_processor_stripe', 'Stripe'],
      ['ctry_country_US', 'United States'],
    ]);
    const mermaidIdOf = (id: string) => mermaid.nodes[graph.nodes.findIndex((node: { id: string }) => node.id === id)].id;
    expect(mermaid.edges.map((edge) => [edge.from, edge.to, edge.label])).toEqual(
      expectedEdges.map(([from, to, label]) => [mermaidIdOf(from!), mermaidIdOf(to!), label ?? '']),
    );

    const dot = parsed(await readOne<GraphvizReading>(GRAPHVIZ_READER, graph.dot));
    expect(dot.nodes.map((node) => node.name)).toEqual(graph.nodes.map((node: { id: string }) => node.id));
    expect(dot.edges.map((edge) => [edge.from, edge.to, edge.label])).toEqual(expectedEdges.map(([from, to, label]) => [from, to, label ?? '']));
  }, 30_000);

  it('draws the whole seeded map: 6 categories, 14 activities, 11 recipients, 1 country', async () => {
    const { data } = await app.gql(GRAPH, {}, viewer);
    const graph = data!.dataMapGraph;
    const countOf = (kind: string) => graph.nodes.filter((node: { kind: string }) => node.kind === kind).length;
    // The advertising activity reaches the advertising partners, a controller recipient; Intercom reaches its own host.
    // The website's usage data (usage.website) is a category of its own, for website-delivery and advertising.
    expect([countOf('CATEGORY'), countOf('ACTIVITY'), countOf('PROCESSOR'), countOf('COUNTRY')]).toEqual([6, 14, 11, 1]);
    // 28 distinct category -> activity pairs, 24 activity -> recipient pairs, 1 engager -> sub-processor hop, 11 recipient -> country transfers.
    expect(graph.edges).toHaveLength(64);
    expect(graph.edges.filter((edge: { kind: string }) => edge.kind === 'ENGAGES').map((edge: { from: string; to: string }) => [edge.from, edge.to])).toEqual([
      ['processor:intercom', 'processor:intercom-aws'],
    ]);
    const mermaid = parsed(await readOne<MermaidReading>(MERMAID_READER, graph.mermaid));
    expect(mermaid.nodes).toHaveLength(32);
    expect(mermaid.edges).toHaveLength(64);
  }, 30_000);
});

/**
 * Additions to the seeded map that exercise the rules the seed does not: a child category on an activity,
 * a processor in the EEA, one without locations, one declared only for a narrower category, one PROPOSED,
 * and (written below, past the manifest's own checks) a transfer without a valid safeguard.
 */
function edgeCases(): Manifest {
  return manifestSchema.parse({
    apiVersion: 'datamap/v1',
    activities: [
      {
        key: 'email-digest', name: 'Weekly email digest', purpose: 'communication.service-updates', legalBasis: LegalBasis.CONTRACT,
        dataCategories: ['contact.email', 'usage.website'], subjectTypes: ['student'], collectionPoints: ['registration'], securityMeasures: [],
      children: false, dpiaCriteria: [],
      },
    ],
    processors: [
      {
        key: 'eu-mailer', name: 'EU Mailer', service: 'Email', headquarters: 'DE', status: ProcessorStatus.ACTIVE,
        dataCategories: ['contact'], activities: ['email-digest'], locations: [{ country: 'DE' }],
      },
      {
        key: 'swiss-stats', name: 'Swiss Stats', service: 'Analytics', headquarters: 'CH', status: ProcessorStatus.ACTIVE,
        dataCategories: ['usage'], activities: ['email-digest'], locations: [],
      },
      {
        key: 'us-stats', name: 'US Stats', service: 'Analytics', headquarters: 'US', status: ProcessorStatus.ACTIVE,
        dataCategories: ['usage.website'], activities: ['email-digest'],
        locations: [{ country: 'US', mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 2' }],
      },
      {
        key: 'narrow-mailer', name: 'Narrow Mailer', service: 'Email', headquarters: 'DE', status: ProcessorStatus.ACTIVE,
        dataCategories: ['contact.email'], activities: ['service-communications'], locations: [{ country: 'DE' }],
      },
      {
        key: 'proposed-mailer', name: 'Proposed Mailer', service: 'Email', headquarters: 'DE', status: ProcessorStatus.PROPOSED,
        dataCategories: ['contact'], activities: ['email-digest'], locations: [{ country: 'DE' }],
      },
    ],
  });
}

/** More processors and activities shaped like the seeded ones, to show the statement count does not grow. */
function copiesOfTheSeededShape(copies: number): Manifest {
  const manifest = manifestSchema.parse({ apiVersion: 'datamap/v1' });
  for (let i = 0; i < copies; i++) {
    manifest.activities.push({
      key: `extra-activity-${i}`, name: `Extra activity ${i}`, purpose: 'service-delivery.platform', legalBasis: LegalBasis.CONTRACT,
      dataCategories: ['identity', 'usage.website'], subjectTypes: ['student'], collectionPoints: ['registration'], securityMeasures: [],
      children: false, dpiaCriteria: [],
      retention: 'account-data',
    });
    manifest.processors.push({
      key: `extra-processor-${i}`, name: `Extra ${i}`, service: 'Hosting', headquarters: 'US', status: ProcessorStatus.ACTIVE, role: RecipientRole.PROCESSOR,
      dataCategories: ['identity', 'usage'], activities: [`extra-activity-${i}`],
      locations: [
        { country: 'US', mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 2' },
        { country: 'IE' },
      ],
    });
  }
  return manifest;
}

describe('flows on a map with edge cases', () => {
  const NESTED_FLOWS = `{ dataFlows(first: 1000) { totalCount nodes {
    category { key name parent { key } } activity { key name } purpose { key } legalBasis
    processor { key name headquarters { code } } destination { code inEEA } retention { key }
    thirdCountry mechanism safeguarded } } }`;
  const NESTED_PROFILE = `{ userDataFlow(profile: { country: "DE", collectionPoints: ["registration"], consents: ["marketing-email"] }) {
    processors { key } flows(first: 1000) { nodes { category { key } processor { key } destination { code } } }
    excluded(first: 1000) { nodes { reason flow { activity { key } processor { key } } } } } }`;
  const FULL_GRAPH = `{ dataMapGraph { nodes { id label } edges { from to label } mermaid dot } }`;
  let seededStatements: number[];

  beforeAll(async () => {
    seededStatements = [];
    for (const query of [NESTED_FLOWS, NESTED_PROFILE, FULL_GRAPH]) {
      const { response, statements } = await app.countStatements(query, {}, viewer);
      expect(response.errors).toBeUndefined();
      seededStatements.push(statements);
    }
    await applyManifest(app.em(), edgeCases());
    // The manifest refuses a US adequacy claim without a DPF certification, but a map may still hold one (written
    // before the rule, or by hand): the flows must show it as not safeguarded.
    await app.em().getConnection().execute(
      `update processing_location set mechanism = 'ADEQUACY_DECISION', reference = null where processor_key = 'us-stats'`,
    );
  });

  it('carries an activity\'s child category to a processor declared for its parent, inside the EEA without a mechanism', async () => {
    const { data } = await app.gql(`{ dataFlows(filter: { processors: ["eu-mailer"] }) { nodes { ${FLOW_FIELDS} transferProblem } } }`, {}, viewer);
    expect(data!.dataFlows.nodes).toEqual([
      {
        activity: { key: 'email-digest' }, category: { key: 'contact.email' }, processor: { key: 'eu-mailer' }, destination: { code: 'DE' },
        thirdCountry: false, mechanism: null, safeguarded: true, transferProblem: null,
      },
    ]);
  });

  it('lists the flows of the new activity: none to a PROPOSED processor, and to its headquarters for a processor without locations', async () => {
    expect(await flowPaths({ categories: ['contact', 'usage'], purposes: ['communication.service-updates'] })).toEqual([
      'email-digest/contact.email -> eu-mailer@DE',
      'email-digest/usage.website -> swiss-stats@CH',
      'email-digest/usage.website -> us-stats@US',
      // A recipient declared for a narrower category receives that category (issue 18, reproduction 1).
      'service-communications/contact.email -> narrow-mailer@DE',
      'service-communications/contact -> sendgrid@US',
    ]);
  });

  it('sends a processor declared only for a narrower category that narrower category, not nothing (issue 18, reproduction 1)', async () => {
    expect(await flowPaths({ processors: ['narrow-mailer'] })).toEqual(['service-communications/contact.email -> narrow-mailer@DE']);
    const result = await userDataFlow({ collectionPoints: ['registration'], consents: [] });
    expect(result.flows).toContain('service-communications/contact.email -> narrow-mailer@DE');
    const { data } = await app.gql(
      `{ userDataFlow(profile: { country: "DE", collectionPoints: ["registration"], consents: [] }, filter: { processors: ["narrow-mailer"] }) { summary { categories { key } processors { key } } } }`,
      {},
      viewer,
    );
    expect(data!.userDataFlow.summary).toEqual({ categories: [{ key: 'contact.email' }], processors: [{ key: 'narrow-mailer' }] });
  });

  it('pins mechanism and safeguard of each new transfer: adequacy by default for CH, none in the EEA, and a flawed US claim', async () => {
    const { data } = await app.gql(
      `{ dataFlows(filter: { processors: ["eu-mailer", "swiss-stats", "us-stats"] }) { nodes { processor { key } thirdCountry mechanism safeguarded transferProblem } } }`,
      {},
      viewer,
    );
    const transfers = data!.dataFlows.nodes.map((flow: { processor: { key: string } }) => ({ ...flow, processor: flow.processor.key }));
    expect(transfers).toEqual([
      { processor: 'eu-mailer', thirdCountry: false, mechanism: null, safeguarded: true, transferProblem: null },
      { processor: 'swiss-stats', thirdCountry: true, mechanism: 'ADEQUACY_DECISION', safeguarded: true, transferProblem: null },
      {
        processor: 'us-stats', thirdCountry: true, mechanism: 'ADEQUACY_DECISION', safeguarded: false,
        transferProblem: expect.stringMatching(/^the DPF certification is required: ADEQUACY_DECISION for US covers only organisations certified/),
      },
    ]);
    expect(await flowPaths({ thirdCountryOnly: true, processors: ['eu-mailer', 'swiss-stats', 'us-stats'] })).toEqual([
      'email-digest/usage.website -> swiss-stats@CH',
      'email-digest/usage.website -> us-stats@US',
    ]);
    expect(await flowPaths({ categories: ['contact.email'] })).toEqual([
      'email-digest/contact.email -> eu-mailer@DE',
      'service-communications/contact.email -> narrow-mailer@DE',
    ]);
  });

  it('collects a child category at a collection point that collects its parent, and nothing it does not collect', async () => {
    const result = await userDataFlow({ collectionPoints: ['registration'], consents: [] });
    expect(result.processors).toEqual(['aws', 'eu-mailer', 'google-cloud', 'narrow-mailer', 'sendgrid']);
    expect(result.flows.filter((flow) => flow.startsWith('email-digest/'))).toEqual(['email-digest/contact.email -> eu-mailer@DE']);
    // Registration collects identity and contact, not usage: the digest's website usage is never collected.
    expect(result.excluded.filter((line) => line.startsWith('email-digest/'))).toEqual([
      'email-digest/usage.website -> swiss-stats@CH: NOT_COLLECTED',
      'email-digest/usage.website -> us-stats@US: NOT_COLLECTED',
    ]);
    const withoutRegistration = await userDataFlow({ collectionPoints: ['support'], consents: [] });
    expect(withoutRegistration.excluded.filter((line) => line.startsWith('email-digest/'))).toEqual([
      'email-digest/contact.email -> eu-mailer@DE: NOT_COLLECTED',
      'email-digest/usage.website -> swiss-stats@CH: NOT_COLLECTED',
      'email-digest/usage.website -> us-stats@US: NOT_COLLECTED',
    ]);
  });

  it('draws a transfer without safeguard dotted in red, and Mermaid reads it back so', async () => {
    const { data } = await app.gql(`{ dataMapGraph(filter: { processors: ["us-stats"] }) { edges { from to label safeguarded } mermaid } }`, {}, viewer);
    expect(data!.dataMapGraph.edges).toEqual([
      { from: 'category:usage.website', to: 'activity:email-digest', label: null, safeguarded: true },
      { from: 'activity:email-digest', to: 'processor:us-stats', label: null, safeguarded: true },
      { from: 'processor:us-stats', to: 'country:US', label: 'no safeguard', safeguarded: false },
    ]);
    const mermaid = parsed(await readOne<MermaidReading>(MERMAID_READER, data!.dataMapGraph.mermaid));
    expect(mermaid.edges.map((edge) => [edge.from, edge.to, edge.label, edge.stroke])).toEqual([
      ['cat_category_usage_website', 'act_activity_email_digest', '', 'normal'],
      ['act_activity_email_digest', 'proc_processor_us_stats', '', 'normal'],
      ['proc_processor_us_stats', 'ctry_country_US', 'no safeguard', 'dotted'],
    ]);
    expect(mermaid.edges[2].style).toContain('stroke:red');
  }, 30_000);

  it('sends no more statements for dataFlows, userDataFlow and dataMapGraph on a map fifty times larger', async () => {
    await applyManifest(app.em(), copiesOfTheSeededShape(50));
    const larger: number[] = [];
    for (const query of [NESTED_FLOWS, NESTED_PROFILE, FULL_GRAPH]) {
      const { response, statements } = await app.countStatements(query, {}, viewer);
      expect(response.errors).toBeUndefined();
      larger.push(statements);
    }
    const { data } = await app.gql(`{ dataFlows { totalCount } }`, {}, viewer);
    // Each extra activity: identity and usage.website, to one processor in the US and in IE.
    expect(data!.dataFlows.totalCount).toBe(SEEDED_FLOWS.length + 4 + 50 * 2 * 2);
    // dataFlows: the page (which reads the activity, category, purpose, processor, country and retention rule of
    // each flow with it, and hands them to the loaders, where the categories' parents and the processors'
    // headquarters are found) and its count. userDataFlow: the key check, a page of flows and one of exclusions
    // (each judged in SQL, each with its flows' objects), the summary, and one batch for the summary's processors
    // unless a page handed them over first (on a PostgreSQL pool the fields resolve in parallel, so either can come
    // first). dataMapGraph without a filter: the evidence from code (none here), the flows, then one batch per node kind.
    const bounds = [2, 5, 6];
    for (const counts of [seededStatements, larger]) {
      counts.forEach((count, query) => expect(count).toBeLessThanOrEqual(bounds[query]));
    }
    expect(seededStatements[0]).toBe(2);
    expect(seededStatements[2]).toBe(6);
    expect(larger[2]).toBe(6);
  });
});
