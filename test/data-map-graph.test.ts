import { applyManifest } from '../src/manifest/manifest.service';
import { TransferMechanism } from '../src/processor/transfer-mechanism';
import { useTestApp } from './harness';
import { copiesOfTheSeededShape } from './larger-map';

/**
 * dataMapGraph at the size of a real inventory: the SUMMARY level (checked against the flows themselves, counted
 * here by hand), the bound on Mermaid and DOT drawings, and the map page's search.
 */
const { app, headers: viewer } = useTestApp('VIEWER');

const GRAPH = `query($filter: DataFlowFilter, $level: GraphLevel!, $groupProcessorsBy: ProcessorGrouping) {
  dataMapGraph(filter: $filter, level: $level, groupProcessorsBy: $groupProcessorsBy) {
    level size { nodes edges flows }
    nodes { id kind key label count flows classes filterField }
    edges { from to kind label flows safeguarded classes }
  }
}`;

interface Graph {
  level: string;
  size: { nodes: number; edges: number; flows: number };
  nodes: { id: string; kind: string; key: string; label: string; count: number; flows: number; classes: string[]; filterField: string | null }[];
  edges: { from: string; to: string; kind: string; label: string | null; flows: number; safeguarded: boolean; classes: string[] }[];
}

async function graph(variables: { filter?: Record<string, unknown> | null; level: 'FULL' | 'SUMMARY'; groupProcessorsBy?: string }): Promise<Graph> {
  const { data, errors } = await app.gql(GRAPH, variables, viewer);
  expect(errors).toBeUndefined();
  return data!.dataMapGraph;
}

interface Flow {
  category: { key: string };
  activity: { key: string };
  purpose: { key: string };
  processor: { key: string };
  destination: { code: string };
  thirdCountry: boolean;
  mechanism: string | null;
  safeguarded: boolean;
  path: { from: { key: string } | null; to: { key: string } }[];
}

async function flows(filter: Record<string, unknown> | null): Promise<Flow[]> {
  const { data, errors } = await app.gql(
    `query($filter: DataFlowFilter) { dataFlows(filter: $filter, first: 1000) { totalCount nodes {
      category { key } activity { key } purpose { key } processor { key } destination { code } thirdCountry mechanism safeguarded
      path { from { key } to { key } } } } }`,
    { filter },
    viewer,
  );
  expect(errors).toBeUndefined();
  expect(data!.dataFlows.totalCount).toBe(data!.dataFlows.nodes.length);
  return data!.dataFlows.nodes;
}

/** The summary, counted by hand from the flows: what the one statement must agree with. */
function summaryOf(list: Flow[], grouping: 'COUNTRY' | 'SAFEGUARD', categoryDepth: number, purposeDepth: number) {
  const cut = (key: string, depth: number) => key.split('.').slice(0, depth).join('.');
  const groupOf = (flow: Flow) =>
    grouping === 'COUNTRY' ? flow.destination.code : !flow.thirdCountry ? 'EEA' : flow.safeguarded && flow.mechanism ? flow.mechanism : 'NO_SAFEGUARD';
  const nodes = new Map<string, { members: Set<string>; flows: number }>();
  const edges = new Map<string, { flows: number; unsafeguarded: number }>();
  const node = (id: string, member: string) => {
    const entry = nodes.get(id) ?? { members: new Set<string>(), flows: 0 };
    entry.members.add(member);
    entry.flows++;
    nodes.set(id, entry);
  };
  const edge = (from: string, to: string, unsafeguarded: boolean) => {
    const entry = edges.get(`${from} ${to}`) ?? { flows: 0, unsafeguarded: 0 };
    entry.flows++;
    if (unsafeguarded) entry.unsafeguarded++;
    edges.set(`${from} ${to}`, entry);
  };
  for (const flow of list) {
    const category = `category:${cut(flow.category.key, categoryDepth)}`;
    const purpose = `purpose:${cut(flow.purpose.key, purposeDepth)}`;
    const group = `processor-group:${groupOf(flow)}`;
    node(category, flow.category.key);
    node(purpose, flow.activity.key);
    node(group, flow.processor.key);
    edge(category, purpose, false);
    edge(purpose, group, grouping === 'COUNTRY' && !flow.safeguarded);
    if (grouping === 'SAFEGUARD') {
      node(`country:${flow.destination.code}`, flow.processor.key);
      edge(group, `country:${flow.destination.code}`, !flow.safeguarded);
    }
  }
  const distinct = (pick: (flow: Flow) => string) => new Set(list.map(pick)).size;
  return {
    nodes: [...nodes].map(([id, entry]) => [id, entry.members.size, entry.flows]).sort(),
    edges: [...edges].map(([id, entry]) => [id, entry.flows, entry.unsafeguarded === 0]).sort(),
    size: {
      nodes: distinct((f) => f.category.key) + distinct((f) => f.activity.key) + distinct((f) => f.processor.key) + distinct((f) => f.destination.code),
      // activity -> the recipient it engages, engager -> sub-processor (ENGAGES), recipient -> country.
      edges: distinct((f) => `${f.activity.key}|${f.category.key}`) + distinct((f) => `${f.activity.key}|${f.path[0].to.key}`) +
        new Set(list.flatMap((f) => f.path.filter((hop) => hop.from).map((hop) => `${hop.from!.key}|${hop.to.key}`))).size +
        distinct((f) => `${f.processor.key}|${f.destination.code}`),
      flows: list.length,
    },
  };
}

const answered = (graph: Graph) => ({
  nodes: graph.nodes.map((node) => [node.id, node.count, node.flows]).sort(),
  edges: graph.edges.map((edge) => [`${edge.from} ${edge.to}`, edge.flows, edge.safeguarded]).sort(),
  size: graph.size,
});

const SUMMARY_NAMES = `{ dataMapGraph(level: SUMMARY) { size { nodes } nodes { id label } edges { from to } } }`;
let seededSummaryStatements: number;

describe('dataMapGraph(level: SUMMARY) on the seeded map', () => {
  beforeAll(async () => {
    seededSummaryStatements = (await app.countStatements(SUMMARY_NAMES, {}, viewer)).statements;
  });

  it('draws the top categories, the top purposes and the processors by country, with counts and the size of the whole graph', async () => {
    const summary = await graph({ level: 'SUMMARY' });
    expect(summary.level).toBe('SUMMARY');
    expect(summary.nodes.map((node) => [node.id, node.label, node.count, node.classes, node.filterField])).toEqual([
      ['category:contact', 'Contact data', 1, [], 'categories'],
      ['category:financial', 'Financial data', 1, [], 'categories'],
      ['category:identity', 'Identity data', 1, [], 'categories'],
      ['category:technical', 'Technical data', 1, [], 'categories'],
      ['category:usage', 'Usage data (2 categories)', 2, ['group'], 'categories'],
      // Advertising (communication.advertising) reaches its recorded partners now, so it has flows.
      ['purpose:communication', 'Communication (3 activities)', 3, ['group'], 'purposes'],
      ['purpose:improvement', 'Improvement and analytics (2 activities)', 2, ['group'], 'purposes'],
      ['purpose:legal', 'Legal compliance', 1, [], 'purposes'],
      ['purpose:security', 'Security', 1, [], 'purposes'],
      ['purpose:service-delivery', 'Service delivery (7 activities)', 7, ['group'], 'purposes'],
      // The nine service providers, the advertising partners and Intercom's own host.
      ['processor-group:US', 'Processors in United States (11 processors)', 11, ['group'], 'destinations'],
    ]);
    // The seeded map is small: its whole graph is what the map page draws (test/data-flows.test.ts pins it).
    const full = await graph({ level: 'FULL' });
    // 46 direct flows, the advertising partners' two (technical, usage.website) and Intercom's host's four (identity
    // and contact for each support activity).
    expect(summary.size).toEqual({ nodes: full.nodes.length, edges: full.edges.length, flows: 52 });
    expect(full.size).toEqual(summary.size);
    expect(answered(summary)).toEqual(summaryOf(await flows(null), 'COUNTRY', 1, 1));
  });

  it('labels each edge with its flows, and groups by safeguard with the countries after the groups', async () => {
    const summary = await graph({ level: 'SUMMARY', groupProcessorsBy: 'SAFEGUARD' });
    // Intercom's host receives identity data for both support activities: two flows more than the ten direct ones.
    expect(summary.edges.find((edge) => edge.from === 'category:identity' && edge.to === 'purpose:service-delivery')).toEqual({
      from: 'category:identity', to: 'purpose:service-delivery', kind: 'USED_BY', label: '12 flows', flows: 12, safeguarded: true, classes: [],
    });
    expect(summary.nodes.filter((node) => node.kind === 'PROCESSOR_GROUP').map((node) => [node.key, node.label, node.filterField])).toEqual([
      ['STANDARD_CONTRACTUAL_CLAUSES', 'Standard contractual clauses (11 processors)', null],
    ]);
    expect(summary.nodes.filter((node) => node.kind === 'COUNTRY').map((node) => [node.id, node.label])).toEqual([['country:US', 'United States (11 processors)']]);
    expect(answered(summary)).toEqual(summaryOf(await flows(null), 'SAFEGUARD', 1, 1));
  });
});

describe('dataMapGraph on a larger map with edge cases', () => {
  beforeAll(async () => {
    // Two hundred copies of the seeded shape, and a processor whose transfer has no safeguard.
    await applyManifest(app.em(), copiesOfTheSeededShape(200));
    const shape = copiesOfTheSeededShape(1);
    await applyManifest(app.em(), {
      ...shape,
      activities: [],
      processors: [{
        ...shape.processors[0], key: 'bare-vendor', name: 'Bare vendor', headquarters: 'IN', activities: ['usage-analytics'], dataCategories: ['usage'],
        locations: [{ country: 'IN', mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 2' }],
      }],
    });
    // The registry refuses a transfer without a safeguard, but a map may still hold one (written before a rule, or by hand).
    await app.em().getConnection().execute(`update processing_location set mechanism = null, reference = null where processor_key = 'bare-vendor'`);
  }, 120_000);

  it.each([
    ['the whole map, by country', null, 'COUNTRY', 1, 1],
    ['the whole map, by safeguard', null, 'SAFEGUARD', 1, 1],
    ['one category, one level down', { categories: ['usage'] }, 'COUNTRY', 2, 1],
    ['a purpose and third countries', { purposes: ['improvement'], thirdCountryOnly: true }, 'SAFEGUARD', 1, 2],
    ['one activity', { activities: ['usage-analytics'] }, 'COUNTRY', 1, 1],
  ] as const)('agrees with the flows counted one by one: %s', async (_name, filter, grouping, categoryDepth, purposeDepth) => {
    const summary = await graph({ filter, level: 'SUMMARY', groupProcessorsBy: grouping });
    const list = await flows(filter);
    expect(answered(summary)).toEqual(summaryOf(list, grouping, categoryDepth, purposeDepth));
    const full = await graph({ filter, level: 'FULL' });
    expect(summary.size).toEqual({ nodes: full.nodes.length, edges: full.edges.length, flows: list.length });
  });

  it('marks the group that receives a transfer without a safeguard, and the edge into it', async () => {
    const summary = await graph({ level: 'SUMMARY' });
    expect(summary.nodes.find((node) => node.id === 'processor-group:IN')).toMatchObject({ label: 'Processors in India', count: 1, classes: ['unsafeguarded'] });
    expect(summary.edges.filter((edge) => !edge.safeguarded)).toEqual([
      { from: 'purpose:improvement', to: 'processor-group:IN', kind: 'PROCESSED_BY', label: '1 flow, 1 without safeguard', flows: 1, safeguarded: false, classes: ['unsafeguarded'] },
    ]);
  });

  it('sends as many statements for the summary whatever the size of the map', async () => {
    const { response, statements } = await app.countStatements(SUMMARY_NAMES, {}, viewer);
    expect(response.errors).toBeUndefined();
    expect(statements).toBe(seededSummaryStatements);
    // The evidence from code (none here), the destinations to judge, the summary, then the names: one batch per
    // kind (category, purpose, country).
    expect(statements).toBe(6);
  });

  it('refuses a Mermaid drawing past 500 edges, saying how to narrow it, and draws the summary or a filtered part', async () => {
    const { data, errors } = await app.gql('{ dataMapGraph { mermaid } }', {}, viewer);
    expect(data).toBeNull();
    // The seed's recipients add three nodes (the advertising partners, Intercom's host, the advertising purpose) and
    // six edges (two categories into advertising, advertising to its partners, Intercom ENGAGES its host, and each
    // new recipient to the US).
    expect(errors).toEqual([
      expect.objectContaining({
        message: 'dataMapGraph.mermaid: the graph has 434 nodes and 866 edges, more than the 500 edges a Mermaid drawing is given; ' +
          'narrow it with `filter` (categories, activities, purposes, processors, destinations, legalBases, thirdCountryOnly), or ask `level: SUMMARY`',
        path: ['dataMapGraph', 'mermaid'],
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'mermaid', value: 866, limit: 500 }),
      }),
    ]);
    const dot = await app.gql('{ dataMapGraph { dot } }', {}, viewer);
    expect(dot.errors).toBeUndefined();
    expect(dot.data!.dataMapGraph.dot).toMatch(/^digraph datamap \{/);
    const summary = await app.gql('{ dataMapGraph(level: SUMMARY) { mermaid dot } }', {}, viewer);
    expect(summary.errors).toBeUndefined();
    expect(summary.data!.dataMapGraph.mermaid).toContain('subgraph group_processor_groups["Processors"]');
    const part = await app.gql('{ dataMapGraph(filter: { processors: ["stripe"] }) { mermaid } }', {}, viewer);
    expect(part.errors).toBeUndefined();
  });

  it('refuses a DOT drawing past 2,000 edges', async () => {
    await applyManifest(app.em(), copiesOfTheSeededShape(500));
    const { errors } = await app.gql('{ dataMapGraph { nodes { id } dot } }', {}, viewer);
    expect(errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^dataMapGraph\.dot: the graph has 1,\d{3} nodes and 2,\d{3} edges, more than the 2,000 edges a DOT drawing is given; narrow it/),
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'dot', limit: 2000 }),
      }),
    ]);
  }, 120_000);
});

describe('DataFlowFilter.activities', () => {
  it('narrows the flows to the activities named, and names an unknown one', async () => {
    const list = await flows({ activities: ['certificates'] });
    expect(new Set(list.map((flow) => flow.activity.key))).toEqual(new Set(['certificates']));
    expect(list.length).toBeGreaterThan(0);
    const { errors } = await app.gql('{ dataFlows(filter: { activities: ["certificates", "no-such-activity"] }) { totalCount } }', {}, viewer);
    expect(errors).toEqual([
      expect.objectContaining({
        message: 'filter.activities[1]: unknown processing activity "no-such-activity"',
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'filter.activities[1]', value: 'no-such-activity' }),
      }),
    ]);
  });
});

describe('dataMapSearch', () => {
  const search = async (text: string, first?: number) => app.gql('query($text: String!, $first: Int) { dataMapSearch(text: $text, first: $first) { kind key label filterField } }', { text, first }, viewer);

  it('finds categories, purposes, activities, ACTIVE processors and countries by key or name, names that start with the text first', async () => {
    const { data } = await search('pay');
    expect(data!.dataMapSearch).toEqual([
      { kind: 'CATEGORY', key: 'financial.payment-card', label: 'Payment card details', filterField: 'categories' },
      { kind: 'PROCESSOR', key: 'paypal', label: 'PayPal', filterField: 'processors' },
      { kind: 'PURPOSE', key: 'legal.tax-records', label: 'Keep payment records for tax and accounting', filterField: 'purposes' },
      { kind: 'PURPOSE', key: 'service-delivery.payments', label: 'Process payments and manage the account', filterField: 'purposes' },
      { kind: 'ACTIVITY', key: 'tax-records', label: 'Keep payment records for tax and accounting', filterField: 'activities' },
      { kind: 'ACTIVITY', key: 'process-payments', label: 'Process payments', filterField: 'activities' },
    ]);
    // A processor not ACTIVE is not on the map, so not found; a country by its code.
    expect((await search('Extra 199')).data!.dataMapSearch).toEqual([
      { kind: 'PROCESSOR', key: 'extra-processor-199', label: 'Extra 199', filterField: 'processors' },
    ]);
    await app.em().getConnection().execute(`update processor set status = 'PROPOSED' where key = 'extra-processor-199'`);
    expect((await search('Extra 199')).data!.dataMapSearch).toEqual([]);
    expect((await search('IN')).data!.dataMapSearch).toContainEqual({ kind: 'COUNTRY', key: 'IN', label: 'India', filterField: 'destinations' });
  });

  it('takes % and _ literally, and stops at `first`', async () => {
    expect((await search('%')).data!.dataMapSearch).toEqual([]);
    expect((await search('_')).data!.dataMapSearch).toEqual([]);
    expect((await search('a', 3)).data!.dataMapSearch).toHaveLength(3);
  });

  it.each([
    ['', 20, 'text: "" must hold 1 to 100 characters besides spaces', 'text'],
    ['x'.repeat(101), 20, `text: "${'x'.repeat(101)}" must hold 1 to 100 characters besides spaces`, 'text'],
    ['stripe', 0, 'first: 0 must be from 1 to 50', 'first'],
    ['stripe', 51, 'first: 51 must be from 1 to 50', 'first'],
  ])('refuses text %j with first %i', async (text, first, message, field) => {
    const { errors } = await search(text, first);
    expect(errors).toEqual([expect.objectContaining({ message, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) })]);
  });
});
