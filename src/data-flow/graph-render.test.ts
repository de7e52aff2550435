/**
 * The renderers are only useful if real tools accept their output, so these tests feed it to
 * Mermaid's own flowchart parser and to Graphviz itself, and compare what those read back with the
 * graph that went in (see test/graph-readers.ts).
 */
import {
  GRAPHVIZ_READER,
  MERMAID_READER,
  parsed,
  readAll,
  type GraphvizReading,
  type MermaidReading,
} from '../../test/graph-readers';
import { RenderEdge, RenderNode, toDot, toMermaid } from './graph-render';

const dataMapNodes: RenderNode[] = [
  { id: 'category:contact.email', kind: 'CATEGORY', label: 'Email address' },
  { id: 'category:payment.card', kind: 'CATEGORY', label: 'Payment card' },
  { id: 'activity:newsletter', kind: 'ACTIVITY', label: 'Newsletter' },
  { id: 'activity:billing', kind: 'ACTIVITY', label: 'Billing' },
  { id: 'processor:google-cloud', kind: 'PROCESSOR', label: 'Google Cloud' },
  { id: 'processor:stripe', kind: 'PROCESSOR', label: 'Stripe' },
  { id: 'country:IE', kind: 'COUNTRY', label: 'Ireland' },
  { id: 'country:US', kind: 'COUNTRY', label: 'United States' },
];

const dataMapEdges: RenderEdge[] = [
  { from: 'category:contact.email', to: 'activity:newsletter', label: 'collected at sign-up' },
  { from: 'category:payment.card', to: 'activity:billing' },
  { from: 'activity:newsletter', to: 'processor:google-cloud', label: null },
  { from: 'activity:billing', to: 'processor:stripe', label: 'Art. 6(1)(b)' },
  { from: 'processor:google-cloud', to: 'country:IE', label: 'hosting' },
  { from: 'processor:stripe', to: 'country:US', label: 'no safeguard', dashed: true },
];

// Labels and ids that break naive output: quotes, brackets, keywords, entity and comment syntax,
// HTML, Markdown, backslashes, line breaks and text outside ASCII.
const awkwardNodes: RenderNode[] = [
  { id: 'category:end', kind: 'CATEGORY', label: 'end' },
  { id: 'category:say "hi"', kind: 'CATEGORY', label: 'He said "hi" [to] {them} (ok)' },
  { id: 'category:a.b', kind: 'CATEGORY', label: 'a | b; c #1 #quot; &amp; 100% %% not a comment' },
  { id: 'category:a_b', kind: 'CATEGORY', label: '<b>bold?</b> <script>x</script> `markdown` **stars**' },
  { id: 'activity:subgraph', kind: 'ACTIVITY', label: 'subgraph\nclassDef :::style --> -.-> |pipe|' },
  { id: 'activity:graph', kind: 'ACTIVITY', label: '   ' },
  { id: 'processor:Zürich AG', kind: 'PROCESSOR', label: 'Zürich AG – Übersicht 日本語 🚀 €' },
  { id: 'processor:back\\slash', kind: 'PROCESSOR', label: 'C:\\data\\ end\\' },
  { id: 'country:1', kind: 'COUNTRY', label: 'click style linkStyle default' },
];

const awkwardEdges: RenderEdge[] = [
  { from: 'category:end', to: 'activity:subgraph', label: 'end' },
  { from: 'category:say "hi"', to: 'activity:subgraph', label: '"quoted" | piped |' },
  { from: 'category:a.b', to: 'activity:graph', label: '#35; [x] <y> a;b', dashed: true },
  { from: 'category:a_b', to: 'activity:graph', label: '' },
  { from: 'activity:subgraph', to: 'processor:Zürich AG', label: 'line\r\nbreak' },
  { from: 'activity:graph', to: 'processor:back\\slash', label: 'back\\slash "\\"' },
  { from: 'processor:Zürich AG', to: 'country:1', label: 'ü 🚀', dashed: true },
  { from: 'processor:back\\slash', to: 'processor:back\\slash', label: 'self' },
];

// What a viewer should see: line breaks become spaces, and a blank label falls back to the id.
const awkwardNodeLabelsShown = [
  'end',
  'He said "hi" [to] {them} (ok)',
  'a | b; c #1 #quot; &amp; 100% %% not a comment',
  '<b>bold?</b> <script>x</script> `markdown` **stars**',
  'subgraph classDef :::style --> -.-> |pipe|',
  'activity:graph',
  'Zürich AG – Übersicht 日本語 🚀 €',
  'C:\\data\\ end\\',
  'click style linkStyle default',
];
const awkwardEdgeLabelsShown = [
  'end',
  '"quoted" | piped |',
  '#35; [x] <y> a;b',
  '',
  'line break',
  'back\\slash "\\"',
  'ü 🚀',
  'self',
];

describe('toMermaid', () => {
  const mermaidTexts = {
    dataMap: toMermaid(dataMapNodes, dataMapEdges),
    awkward: toMermaid(awkwardNodes, awkwardEdges),
    empty: toMermaid([], []),
    // Known-bad texts prove that the parser really runs and can reject.
    danglingArrow: 'flowchart LR\n  A -->\n',
    unescapedQuote: 'flowchart LR\n  A["say "hi" now"] --> B\n',
    unescapedPipe: 'flowchart LR\n  A -->|a | b| B\n',
    bareEndKeyword: 'flowchart LR\n  A --> end\n',
  };
  let readings: Record<keyof typeof mermaidTexts, MermaidReading>;

  beforeAll(() => {
    readings = readAll<keyof typeof mermaidTexts, MermaidReading>(MERMAID_READER, mermaidTexts);
  }, 30_000);

  it('writes a flowchart with one subgraph per kind present and one arrow line per edge', () => {
    const text = mermaidTexts.dataMap;
    const lines = text.split('\n');

    expect(lines[0]).toBe('flowchart LR');
    expect(lines.filter((line) => /^ {2}subgraph /.test(line))).toEqual([
      '  subgraph group_categories["Categories"]',
      '  subgraph group_activities["Activities"]',
      '  subgraph group_processors["Processors"]',
      '  subgraph group_countries["Countries"]',
    ]);
    expect(lines.filter((line) => line.includes(' -->'))).toHaveLength(5);
    expect(lines.filter((line) => line.includes(' -.->'))).toHaveLength(1);
    expect(text).toContain('    cat_category_contact_email["Email address"]\n');
    expect(text).toContain('    act_activity_newsletter("Newsletter")\n');
    expect(text).toContain('    proc_processor_google_cloud[["Google Cloud"]]\n');
    expect(text).toContain('    ctry_country_US{{"United States"}}\n');
    expect(text).toContain('  cat_category_contact_email -->|"collected at sign-up"| act_activity_newsletter\n');
    expect(text).toContain('  cat_category_payment_card --> act_activity_billing\n');
    expect(text).toContain('  proc_processor_stripe -.->|"no safeguard"| ctry_country_US\n');
    expect(text).toContain('  linkStyle 5 stroke:red\n');
  });

  it('writes awkward characters as Mermaid entity codes', () => {
    const text = toMermaid([{ id: 'category:x', kind: 'CATEGORY', label: 'a "b" | #1; <c> [d] `e`' }], []);

    expect(text).toContain('    cat_category_x["a #34;b#34; #124; #35;1#59; #60;c#62; #91;d#93; #96;e#96;"]\n');
  });

  it('gives every node its own safe Mermaid id, even when ids only differ in unsafe characters', () => {
    const ids = [...mermaidTexts.awkward.matchAll(/^ {4}(\S+?)[[({]/gm)].map((match) => match[1]);

    expect(ids).toEqual([
      'cat_category_end',
      'cat_category_say__hi_',
      'cat_category_a_b',
      'cat_category_a_b_2',
      'act_activity_subgraph',
      'act_activity_graph',
      'proc_processor_Z_rich_AG',
      'proc_processor_back_slash',
      'ctry_country_1',
    ]);
  });

  it('is deterministic and keeps the given order', () => {
    const reversedEdges = [...dataMapEdges].reverse();

    expect(toMermaid(dataMapNodes, dataMapEdges)).toBe(mermaidTexts.dataMap);
    const edgeLines = toMermaid(dataMapNodes, reversedEdges)
      .split('\n')
      .filter((line) => line.includes('->'));
    expect(edgeLines[0]).toBe('  proc_processor_stripe -.->|"no safeguard"| ctry_country_US');
    expect(toMermaid(dataMapNodes, reversedEdges)).toContain('  linkStyle 0 stroke:red\n');
  });

  it("is accepted by Mermaid's parser, which reads back the nodes, groups and edges", () => {
    const reading = parsed(readings.dataMap);
    const mermaidIdOf = new Map(reading.nodes.map((node) => [node.label, node.id]));
    const idOf = (label: string) => mermaidIdOf.get(label);

    expect(reading.nodes.map((node) => node.label)).toEqual(dataMapNodes.map((node) => node.label));
    expect(reading.nodes.map((node) => node.shape)).toEqual([
      'square',
      'square',
      'round',
      'round',
      'subroutine',
      'subroutine',
      'hexagon',
      'hexagon',
    ]);
    expect(reading.groups.map((group) => group.title).sort()).toEqual(
      ['Activities', 'Categories', 'Countries', 'Processors'].sort(),
    );
    const categories = reading.groups.find((group) => group.title === 'Categories');
    expect(categories?.nodeIds.slice().sort()).toEqual([idOf('Email address'), idOf('Payment card')].sort());

    const labelOf = new Map(dataMapNodes.map((node) => [node.id, node.label]));
    expect(reading.edges.map((edge) => [edge.from, edge.to, edge.label, edge.stroke])).toEqual(
      dataMapEdges.map((edge) => [
        idOf(labelOf.get(edge.from) ?? ''),
        idOf(labelOf.get(edge.to) ?? ''),
        edge.label ?? '',
        edge.dashed ? 'dotted' : 'normal',
      ]),
    );
    expect(reading.edges[5].style).toContain('stroke:red');
    expect(reading.edges[4].style).not.toContain('stroke:red');
  });

  it("is accepted by Mermaid's parser with awkward labels and ids, which read back unchanged", () => {
    const reading = parsed(readings.awkward);

    expect(reading.nodes.map((node) => node.label)).toEqual(awkwardNodeLabelsShown);
    expect(reading.edges.map((edge) => edge.label)).toEqual(awkwardEdgeLabelsShown);
    expect(reading.edges.map((edge) => edge.stroke)).toEqual(
      awkwardEdges.map((edge) => (edge.dashed ? 'dotted' : 'normal')),
    );
    const nodeIds = reading.nodes.map((node) => node.id);
    expect(new Set(nodeIds).size).toBe(awkwardNodes.length);
    expect(reading.edges.map((edge) => [nodeIds.indexOf(edge.from), nodeIds.indexOf(edge.to)])).toEqual(
      awkwardEdges.map((edge) => [
        awkwardNodes.findIndex((node) => node.id === edge.from),
        awkwardNodes.findIndex((node) => node.id === edge.to),
      ]),
    );
    const processors = reading.groups.find((group) => group.title === 'Processors');
    expect(processors?.nodeIds.slice().sort()).toEqual(['proc_processor_Z_rich_AG', 'proc_processor_back_slash']);
  });

  it("is accepted by Mermaid's parser for an empty graph", () => {
    expect(mermaidTexts.empty).toBe('flowchart LR\n');
    expect(parsed(readings.empty).nodes).toEqual([]);
  });

  it("rejects broken text with Mermaid's parser, so the checks above can fail", () => {
    expect(readings.danglingArrow).toMatchObject({ ok: false, error: expect.stringMatching(/Parse error/) });
    expect(readings.unescapedQuote).toMatchObject({ ok: false, error: expect.stringMatching(/Parse error/) });
    expect(readings.unescapedPipe).toMatchObject({ ok: false, error: expect.stringMatching(/Parse error/) });
    expect(readings.bareEndKeyword).toMatchObject({ ok: false, error: expect.stringMatching(/Parse error/) });
  });
});

describe('toDot', () => {
  const dotTexts = {
    dataMap: toDot(dataMapNodes, dataMapEdges),
    awkward: toDot(awkwardNodes, awkwardEdges),
    empty: toDot([], []),
    // Known-bad texts prove that Graphviz really runs and can reject.
    danglingArrow: 'digraph datamap { a -> }',
    unescapedBackslash: 'digraph datamap { "a" [label="C:\\data\\"]; }',
  };
  let readings: Record<keyof typeof dotTexts, GraphvizReading>;

  beforeAll(() => {
    readings = readAll<keyof typeof dotTexts, GraphvizReading>(GRAPHVIZ_READER, dotTexts);
  }, 30_000);

  it('writes a left-to-right digraph with one statement per node and per edge', () => {
    const text = dotTexts.dataMap;

    expect(text.startsWith('digraph datamap {\n  rankdir=LR;\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('  "category:contact.email" [label="Email address", shape=box];\n');
    expect(text).toContain('  "activity:newsletter" [label="Newsletter", shape=box, style=rounded];\n');
    expect(text).toContain('  "processor:google-cloud" [label="Google Cloud", shape=component];\n');
    expect(text).toContain('  "country:US" [label="United States", shape=hexagon];\n');
    expect(text).toContain('  "category:payment.card" -> "activity:billing";\n');
    expect(text).toContain(
      '  "processor:stripe" -> "country:US" [label="no safeguard", style=dashed, color=red];\n',
    );
    expect(text.split('\n').filter((line) => line.includes(' -> '))).toHaveLength(dataMapEdges.length);
  });

  it('escapes quotes and backslashes in ids and labels, and ampersands in labels', () => {
    const text = toDot([{ id: 'category:a\\"b&c', kind: 'CATEGORY', label: 'say "hi" \\N &amp;' }], []);

    expect(text).toContain('  "category:a\\\\\\"b&c" [label="say \\"hi\\" \\\\N &amp;amp;", shape=box];\n');
  });

  it('is deterministic and keeps the given order', () => {
    expect(toDot(dataMapNodes, dataMapEdges)).toBe(dotTexts.dataMap);
    const reversedNodeLines = toDot([...dataMapNodes].reverse(), [])
      .split('\n')
      .filter((line) => line.includes('[label='));
    expect(reversedNodeLines[0]).toBe('  "country:US" [label="United States", shape=hexagon];');
  });

  it('is laid out by Graphviz, which reads back the nodes and edges', () => {
    const reading = parsed(readings.dataMap);

    expect(reading.graphName).toBe('datamap');
    expect(reading.rankdir).toBe('LR');
    expect(reading.nodes.map((node) => [node.name, node.label])).toEqual(
      dataMapNodes.map((node) => [node.id, node.label]),
    );
    const expectedShape: Record<string, string> = { CATEGORY: 'box', ACTIVITY: 'box', PROCESSOR: 'component', COUNTRY: 'hexagon' };
    expect(reading.nodes.map((node) => node.shape)).toEqual(
      dataMapNodes.map((node) => expectedShape[node.kind]),
    );
    expect(reading.nodes.filter((node) => node.style === 'rounded').map((node) => node.name)).toEqual(
      dataMapNodes.filter((node) => node.kind === 'ACTIVITY').map((node) => node.id),
    );
    expect(reading.edges).toEqual(
      dataMapEdges.map((edge) => ({
        from: edge.from,
        to: edge.to,
        label: edge.label ?? '',
        ...(edge.dashed ? { style: 'dashed', color: 'red' } : {}),
      })),
    );
  });

  it('is laid out by Graphviz with awkward labels and ids, which read back unchanged', () => {
    const reading = parsed(readings.awkward);

    expect(reading.nodes.map((node) => node.label)).toEqual(awkwardNodeLabelsShown);
    expect(reading.edges.map((edge) => edge.label)).toEqual(awkwardEdgeLabelsShown);
    expect(reading.edges.map((edge) => edge.style === 'dashed')).toEqual(
      awkwardEdges.map((edge) => edge.dashed === true),
    );
    // Graphviz keeps the backslash escape in a node's name, so compare positions rather than names.
    const names = reading.nodes.map((node) => node.name);
    expect(new Set(names).size).toBe(awkwardNodes.length);
    expect(names.slice(0, 3)).toEqual(['category:end', 'category:say "hi"', 'category:a.b']);
    expect(reading.edges.map((edge) => [names.indexOf(edge.from), names.indexOf(edge.to)])).toEqual(
      awkwardEdges.map((edge) => [
        awkwardNodes.findIndex((node) => node.id === edge.from),
        awkwardNodes.findIndex((node) => node.id === edge.to),
      ]),
    );
  });

  it('is laid out by Graphviz for an empty graph', () => {
    expect(dotTexts.empty).toBe('digraph datamap {\n  rankdir=LR;\n}\n');
    expect(parsed(readings.empty).nodes).toEqual([]);
  });

  it('rejects broken text with Graphviz, so the checks above can fail', () => {
    expect(readings.danglingArrow).toMatchObject({ ok: false, error: expect.stringMatching(/syntax error/) });
    expect(readings.unescapedBackslash).toMatchObject({ ok: false, error: expect.stringMatching(/syntax error/) });
  });
});

describe.each([
  ['toMermaid', toMermaid],
  ['toDot', toDot],
])('%s refuses a graph it would draw misleadingly', (_name, render) => {
  it('throws on an edge to an unknown node', () => {
    expect(() => render(dataMapNodes, [{ from: 'category:contact.email', to: 'processor:ghost' }])).toThrow(
      'unknown node "processor:ghost"',
    );
  });

  it('throws on two nodes with the same id', () => {
    expect(() => render([...dataMapNodes, { id: 'country:US', kind: 'COUNTRY', label: 'USA' }], [])).toThrow(
      'two nodes with id "country:US"',
    );
  });
});
