/**
 * Pure renderers that turn a data-map graph into Mermaid `flowchart` text and Graphviz DOT text.
 * Output is deterministic: nodes and edges keep the order they were given in.
 */

export type GraphNodeKind = 'CATEGORY' | 'ACTIVITY' | 'PURPOSE' | 'PROCESSOR' | 'PROCESSOR_GROUP' | 'COUNTRY';

/** `id` is the data map's own id, e.g. "category:contact.email", "processor:google-cloud", "country:US". */
export interface RenderNode {
  id: string;
  kind: GraphNodeKind;
  label: string;
}

/** `dashed` marks an edge that needs attention, e.g. a transfer without safeguards. */
export interface RenderEdge {
  from: string;
  to: string;
  label?: string | null;
  dashed?: boolean;
}

interface KindStyle {
  groupTitle: string;
  groupId: string;
  mermaidIdPrefix: string;
  mermaidShape: { open: string; close: string };
  dotAttributes: string;
}

// The same shape per kind in both formats, so the two drawings read alike.
const KIND_STYLES: Record<GraphNodeKind, KindStyle> = {
  CATEGORY: {
    groupTitle: 'Categories',
    groupId: 'group_categories',
    mermaidIdPrefix: 'cat',
    mermaidShape: { open: '[', close: ']' },
    dotAttributes: 'shape=box',
  },
  ACTIVITY: {
    groupTitle: 'Activities',
    groupId: 'group_activities',
    mermaidIdPrefix: 'act',
    mermaidShape: { open: '(', close: ')' },
    dotAttributes: 'shape=box, style=rounded',
  },
  PURPOSE: {
    groupTitle: 'Purposes',
    groupId: 'group_purposes',
    mermaidIdPrefix: 'purp',
    mermaidShape: { open: '(', close: ')' },
    dotAttributes: 'shape=box, style=rounded',
  },
  PROCESSOR: {
    groupTitle: 'Processors',
    groupId: 'group_processors',
    mermaidIdPrefix: 'proc',
    mermaidShape: { open: '[[', close: ']]' },
    dotAttributes: 'shape=component',
  },
  PROCESSOR_GROUP: {
    groupTitle: 'Processors',
    groupId: 'group_processor_groups',
    mermaidIdPrefix: 'procs',
    mermaidShape: { open: '[[', close: ']]' },
    dotAttributes: 'shape=component, peripheries=2',
  },
  COUNTRY: {
    groupTitle: 'Countries',
    groupId: 'group_countries',
    mermaidIdPrefix: 'ctry',
    mermaidShape: { open: '{{', close: '}}' },
    dotAttributes: 'shape=hexagon',
  },
};

// Left to right, the way personal data flows: what is collected, why, by whom, where to.
const KIND_ORDER: readonly GraphNodeKind[] = ['CATEGORY', 'ACTIVITY', 'PURPOSE', 'PROCESSOR', 'PROCESSOR_GROUP', 'COUNTRY'];

export function toMermaid(nodes: RenderNode[], edges: RenderEdge[]): string {
  assertConsistentGraph(nodes, edges);
  const mermaidIds = assignMermaidIds(nodes);
  const lines = ['flowchart LR'];

  for (const kind of KIND_ORDER) {
    const nodesOfKind = nodes.filter((node) => node.kind === kind);
    if (nodesOfKind.length === 0) continue;
    const style = KIND_STYLES[kind];
    lines.push(`  subgraph ${style.groupId}["${escapeMermaidText(style.groupTitle)}"]`);
    for (const node of nodesOfKind) {
      const { open, close } = style.mermaidShape;
      lines.push(`    ${mermaidIds.get(node.id)}${open}"${escapeMermaidText(nodeLabel(node))}"${close}`);
    }
    lines.push('  end');
  }

  for (const edge of edges) {
    const arrow = edge.dashed ? '-.->' : '-->';
    const label = edgeLabel(edge);
    const labelPart = label === undefined ? '' : `|"${escapeMermaidText(label)}"|`;
    lines.push(`  ${mermaidIds.get(edge.from)} ${arrow}${labelPart} ${mermaidIds.get(edge.to)}`);
  }

  // linkStyle addresses edges by position, which is the order they were written in above.
  const dashedPositions = edges.flatMap((edge, position) => (edge.dashed ? [position] : []));
  if (dashedPositions.length > 0) lines.push(`  linkStyle ${dashedPositions.join(',')} stroke:red`);

  return lines.join('\n') + '\n';
}

export function toDot(nodes: RenderNode[], edges: RenderEdge[]): string {
  assertConsistentGraph(nodes, edges);
  const lines = ['digraph datamap {', '  rankdir=LR;'];

  for (const node of nodes) {
    const attributes = `label=${dotLabel(nodeLabel(node))}, ${KIND_STYLES[node.kind].dotAttributes}`;
    lines.push(`  ${dotString(node.id)} [${attributes}];`);
  }

  for (const edge of edges) {
    const attributes: string[] = [];
    const label = edgeLabel(edge);
    if (label !== undefined) attributes.push(`label=${dotLabel(label)}`);
    if (edge.dashed) attributes.push('style=dashed', 'color=red');
    const attributeList = attributes.length > 0 ? ` [${attributes.join(', ')}]` : '';
    lines.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)}${attributeList};`);
  }

  lines.push('}');
  return lines.join('\n') + '\n';
}

/**
 * Both formats would silently invent a node for an unknown edge end, and merge two nodes that
 * share an id, so a drawing that looks fine could hide a broken data map.
 */
function assertConsistentGraph(nodes: RenderNode[], edges: RenderEdge[]): void {
  const knownIds = new Set<string>();
  for (const node of nodes) {
    if (knownIds.has(node.id)) throw new Error(`Graph has two nodes with id "${node.id}"`);
    knownIds.add(node.id);
  }
  for (const edge of edges) {
    for (const end of [edge.from, edge.to]) {
      if (!knownIds.has(end)) throw new Error(`Edge ${edge.from} -> ${edge.to} refers to unknown node "${end}"`);
    }
  }
}

/**
 * Mermaid ids may only hold [A-Za-z0-9_]; the kind prefix keeps them clear of keywords such as
 * `end` and of leading digits. Ids that collapse to the same text get a counter, first come first
 * served, so the result depends only on the input.
 */
function assignMermaidIds(nodes: RenderNode[]): Map<string, string> {
  const mermaidIds = new Map<string, string>();
  const taken = new Set<string>();
  for (const node of nodes) {
    const base = `${KIND_STYLES[node.kind].mermaidIdPrefix}_${node.id.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let candidate = base;
    for (let counter = 2; taken.has(candidate); counter++) candidate = `${base}_${counter}`;
    taken.add(candidate);
    mermaidIds.set(node.id, candidate);
  }
  return mermaidIds;
}

// A blank label would leave an unidentifiable box, and Mermaid rejects an empty quoted label.
function nodeLabel(node: RenderNode): string {
  const label = singleLine(node.label);
  return label === '' ? singleLine(node.id) : label;
}

function edgeLabel(edge: RenderEdge): string | undefined {
  const label = singleLine(edge.label ?? '');
  return label === '' ? undefined : label;
}

// Both formats are written one statement per line; a line break inside a label would end it.
function singleLine(text: string): string {
  return text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
}

/**
 * Keeps letters, digits and plain punctuation readable and writes everything else as a Mermaid
 * entity code (`#34;`). That covers the quote that would end the string, `|` that ends an edge
 * label, `#` and `;` that form entity codes, `<`/`>`/`&` that Mermaid treats as HTML, `%` of
 * comments and the backtick that turns a label into Markdown.
 */
function escapeMermaidText(text: string): string {
  return Array.from(text, (char) =>
    /^[\p{L}\p{M}\p{N} .,:_\-/()'+*=!?@]$/u.test(char) ? char : `#${char.codePointAt(0)};`,
  ).join('');
}

// Graphviz expands HTML entities such as `&amp;` in labels (not in ids), so a literal `&` must be one.
function dotLabel(text: string): string {
  return dotString(text.replace(/&/g, '&amp;'));
}

// DOT quoted strings end at an unescaped quote, and in labels a backslash starts an escape such as
// \N or \l. Graphviz keeps the doubled backslash in a node's name, which stays unique all the same.
function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
