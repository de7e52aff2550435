import { authAs, startTestApp, type TestApp } from './harness';

/**
 * The map draws what the code calls but the registry lacks (issue 22): a vendor seen in a repository's evidence
 * with no ACTIVE processor is a PROCESSOR node of class `undeclared`, apart from every declared flow, joined by
 * dashed SENT_TO edges to the categories the code sends it.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const GRAPH = `query($filter: DataFlowFilter, $level: GraphLevel!) {
  dataMapGraph(filter: $filter, level: $level) {
    size { nodes edges flows }
    nodes { id kind key label flows classes filterField }
    edges { from to kind flows safeguarded classes }
    mermaid
  }
}`;

const RECONCILE = `mutation ($input: EvidenceInput!) { reconcileEvidence(input: $input) { vendors { vendor status } } }`;

async function graph(level: 'FULL' | 'SUMMARY', filter: Record<string, unknown> | null = null) {
  const { data, errors } = await app.gql(GRAPH, { level, filter }, await authAs('VIEWER'));
  expect(errors).toBeUndefined();
  return data!.dataMapGraph;
}

const apart = (g: any) => ({
  nodes: g.nodes.filter((n: any) => n.classes.includes('undeclared')),
  edges: g.edges.filter((e: any) => e.classes.includes('undeclared')),
});

describe('the data-map graph with evidence from code', () => {
  it('draws nothing apart before any evidence, then each undeclared vendor with the categories the code sends it', async () => {
    const before = await graph('FULL');
    expect(apart(before)).toEqual({ nodes: [], edges: [] });

    const reconciled = await app.gql(
      RECONCILE,
      {
        input: {
          repository: 'pythonmaster/web',
          items: [
            { ecosystem: 'npm', package: 'stripe', file: 'package.json', line: 14, tool: 'npm' },
            { vendor: 'Twilio', dataTypes: ['Telephone Number', 'Physical Address'], file: 'bearer.csv', line: 10, tool: 'bearer' },
            { vendor: 'Hotjar', dataTypes: ['Blood Type'], file: 'bearer.csv', line: 11, tool: 'bearer' },
          ],
        },
      },
      await authAs('ENGINEER'),
    );
    expect(reconciled.data!.reconcileEvidence.vendors).toEqual([
      { vendor: 'hotjar', status: 'UNDECLARED' },
      { vendor: 'stripe', status: 'DECLARED' },
      { vendor: 'twilio', status: 'UNDECLARED' },
    ]);

    const full = await graph('FULL');
    // Stripe is declared and stays one of the flows' processors; Twilio and Hotjar are drawn apart, after them.
    expect(apart(full).nodes).toEqual([
      { id: 'processor:hotjar', kind: 'PROCESSOR', key: 'hotjar', label: 'Hotjar', flows: 0, classes: ['undeclared'], filterField: null },
      { id: 'processor:twilio', kind: 'PROCESSOR', key: 'twilio', label: 'Twilio', flows: 0, classes: ['undeclared'], filterField: null },
    ]);
    // Contact data is a category of the map's flows; health is not (an Art. 9 category the map lacks): it gets a node of its own.
    expect(apart(full).edges).toEqual([
      { from: 'category:health', to: 'processor:hotjar', kind: 'SENT_TO', flows: 0, safeguarded: false, classes: ['undeclared'] },
      { from: 'category:contact', to: 'processor:twilio', kind: 'SENT_TO', flows: 0, safeguarded: false, classes: ['undeclared'] },
    ]);
    expect(full.nodes.find((n: any) => n.id === 'category:health')).toEqual({
      id: 'category:health', kind: 'CATEGORY', key: 'health', label: 'health', flows: 0, classes: [], filterField: 'categories',
    });
    expect(full.size).toEqual({ nodes: before.size.nodes + 3, edges: before.size.edges + 2, flows: before.size.flows });
    expect(full.mermaid).toContain('Twilio');

    const summary = await graph('SUMMARY');
    expect(apart(summary).edges.map((e: any) => [e.from, e.to])).toEqual([
      ['category:health', 'processor:hotjar'],
      ['category:contact', 'processor:twilio'],
    ]);
  });

  it('keeps an undeclared vendor under a filter on the categories the code sends it, and leaves it out of filters on declared flows', async () => {
    expect(apart(await graph('FULL', { categories: ['contact.phone'] })).nodes.map((n: any) => n.key)).toEqual(['twilio']);
    expect(apart(await graph('FULL', { categories: ['financial'] })).nodes).toEqual([]);
    expect(apart(await graph('FULL', { processors: ['stripe'] })).nodes).toEqual([]);
    expect(apart(await graph('FULL', { destinations: ['US'] })).nodes).toEqual([]);
  });

  it('marks a vendor whose processor awaits review', async () => {
    const registered = await app.gql(
      `mutation ($input: RegisterProcessorInput!) { registerProcessor(input: $input) { key status } }`,
      { input: { key: 'twilio', name: 'Twilio Inc.', service: 'SMS', headquarters: 'IE', dataCategories: ['contact.phone'], activities: [], locations: [] } },
      await authAs('ENGINEER'),
    );
    expect(registered.errors).toBeUndefined();
    const twilio = apart(await graph('FULL')).nodes.find((n: any) => n.key === 'twilio');
    expect(twilio.label).toBe('Twilio (awaiting review)');
  });
});
