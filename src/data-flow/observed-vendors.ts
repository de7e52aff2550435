import type { FlowGraph, MapNode } from './data-flow.rules';
import { nodeId } from './data-flow.rules';
import { GraphEdgeKind, type DataFlowFilter } from './data-flow.types';

/** A vendor the code calls (evidence from code) that the map does not declare: no ACTIVE processor. */
export interface ObservedVendor {
  /** The processor key the vendor maps to (the catalogue's), whether or not the registry holds it. */
  key: string;
  name: string;
  /** True when a processor of that key awaits review (PROPOSED): declared, not yet approved. */
  pendingReview: boolean;
  /** The categories of the data types the code sends it, in the map's taxonomy. */
  categories: string[];
}

/** Whether `key` is `ancestor` or one of its descendants (key prefixes mirror the parent links). */
const within = (key: string, ancestor: string) => key === ancestor || key.startsWith(`${ancestor}.`);

/**
 * Filters that speak of declared flows only (an activity, a purpose, a processor, a destination, a legal basis)
 * leave undeclared vendors out: nothing declared connects them. A category filter keeps those the code sends
 * data of that category (or a narrower or broader one).
 */
function observedWithin(vendor: ObservedVendor, filter: DataFlowFilter | null): string[] | null {
  if (!filter) return vendor.categories;
  const { categories, processors, activities, purposes, legalBases, destinations, thirdCountryOnly } = filter;
  if (processors || activities || purposes || legalBases || destinations || thirdCountryOnly) return null;
  if (!categories) return vendor.categories;
  const kept = vendor.categories.filter((key) => categories.some((wanted) => within(key, wanted) || within(wanted, key)));
  return kept.length > 0 ? kept : null;
}

/**
 * The graph with the vendors the code calls but the map does not declare, after everything declared: each a
 * PROCESSOR node of class `undeclared` (drawn apart and dashed), with a SENT_TO edge from each category the
 * code sends it, joined to the most specific category node the graph already has for it (or a node of its own).
 * Declared flows never pass through them: their flows are 0 and no filter field narrows the map to them.
 */
export function withObservedVendors(graph: FlowGraph, vendors: readonly ObservedVendor[], filter: DataFlowFilter | null): FlowGraph {
  const nodes = [...graph.nodes];
  const edges = [...graph.edges];
  const ids = new Set(nodes.map((node) => node.id));
  const categoryNodes = nodes.filter((node) => node.kind === 'CATEGORY');
  for (const vendor of vendors) {
    const categories = observedWithin(vendor, filter);
    if (categories === null) continue;
    const id = nodeId('PROCESSOR', vendor.key);
    if (ids.has(id)) continue;
    ids.add(id);
    nodes.push({
      id,
      kind: 'PROCESSOR',
      key: vendor.key,
      label: vendor.pendingReview ? `${vendor.name} (awaiting review)` : vendor.name,
      count: 1,
      flows: 0,
      classes: ['undeclared'],
      filterField: null,
    });
    for (const category of categories) {
      const holder = categoryNodes.filter((node) => within(category, node.key)).sort((a, b) => b.key.length - a.key.length)[0];
      let from = holder?.id;
      if (!from) {
        const node: MapNode = { id: nodeId('CATEGORY', category), kind: 'CATEGORY', key: category, label: category, count: 1, flows: 0, classes: [], filterField: 'categories' };
        nodes.push(node);
        categoryNodes.push(node);
        ids.add(node.id);
        from = node.id;
      }
      if (edges.some((edge) => edge.from === from && edge.to === id)) continue;
      edges.push({ from, to: id, kind: GraphEdgeKind.SENT_TO, label: null, dashed: true, safeguarded: false, flows: 0, classes: ['undeclared'] });
    }
  }
  return { nodes, edges };
}
