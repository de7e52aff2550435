import { Regime } from '../country/regime';
import type { TransferJudgment } from '../processor/transfer-rules';
import { GraphBuilder, judgeLocation, type FlowGraph } from './data-flow.rules';
import type { JudgedLocations, LocationRow, SummaryEdgeRow, SummaryRow } from './data-flow.sql';
import { GraphEdgeKind, ProcessorGrouping } from './data-flow.types';

/**
 * The SUMMARY level of the data-map graph: a picture of any size of map. Categories and purposes are cut to one
 * level below the filter's (the top level without one), processors are grouped by the country they process in
 * or by what their transfer rests on. Pure: the service reads the aggregates (`summaryStatement`) and names the nodes.
 */

/** The processor groups of the SAFEGUARD grouping besides the mechanisms themselves. */
export const WITHIN_EEA = 'EEA';
export const NO_SAFEGUARD = 'NO_SAFEGUARD';

/**
 * The SAFEGUARD group of the destinations inside the territory of the regime judged under, where nothing is
 * transferred: the EEA for the EU GDPR; the UK and Switzerland for theirs (from which the EEA is a transfer).
 */
export const WITHIN_TERRITORY: Readonly<Record<Regime, string>> = { EU_GDPR: WITHIN_EEA, UK_GDPR: 'UK', SWISS_FADP: 'CH' };

/** The group a processor's destination falls in, under `regime`. */
export function processorGroupOf(
  location: Pick<LocationRow, 'destinationCode'>,
  judgment: TransferJudgment,
  grouping: ProcessorGrouping,
  regime: Regime = Regime.EU_GDPR,
): string {
  if (grouping === ProcessorGrouping.COUNTRY) return location.destinationCode;
  if (!judgment.thirdCountry) return WITHIN_TERRITORY[regime];
  return judgment.safeguarded && judgment.mechanism ? judgment.mechanism : NO_SAFEGUARD;
}

/**
 * Every destination judged once, as the summary statement takes them (parallel arrays): under the EU GDPR by
 * default, or by `judge` under another regime.
 */
export function judgeLocations(
  rows: readonly LocationRow[],
  grouping: ProcessorGrouping,
  regime: Regime = Regime.EU_GDPR,
  judge: (row: LocationRow) => TransferJudgment = (row) => judgeLocation(row),
): JudgedLocations {
  const judged: JudgedLocations = { processors: [], destinations: [], groups: [], safeguarded: [] };
  for (const row of rows) {
    const judgment = judge(row);
    judged.processors.push(row.processorKey);
    judged.destinations.push(row.destinationCode);
    judged.groups.push(processorGroupOf(row, judgment, grouping, regime));
    judged.safeguarded.push(judgment.safeguarded);
  }
  return judged;
}

/** How many levels of a hierarchical key (`contact.email`: 2) the summary keeps: one below the shallowest filter key. */
export function summaryDepth(filterKeys: readonly string[] | null | undefined): number {
  if (!filterKeys || filterKeys.length === 0) return 1;
  return Math.min(...filterKeys.map((key) => key.split('.').length)) + 1;
}

const flowsLabel = (edge: SummaryEdgeRow) =>
  `${edge.flows.toLocaleString('en-US')} flow${edge.flows === 1 ? '' : 's'}` +
  (edge.unsafeguarded > 0 ? `, ${edge.unsafeguarded.toLocaleString('en-US')} without safeguard` : '');

/**
 * The summary graph of the aggregates: category -> purpose -> processor group, and, grouped by SAFEGUARD, group ->
 * country. Edges carry their flows; the transfer edges (into a country group, or into a country) are unsafeguarded
 * when any flow along them is. Labels are keys here: the service names the nodes.
 */
export function summaryGraph(row: SummaryRow, grouping: ProcessorGrouping): FlowGraph {
  const graph = new GraphBuilder();
  const byCountry = grouping === ProcessorGrouping.COUNTRY;
  for (const node of row.categories) graph.node('CATEGORY', node.key, node.flows, { count: node.members });
  for (const node of row.purposes) graph.node('PURPOSE', node.key, node.flows, { count: node.members });
  for (const node of row.groups) {
    graph.node('PROCESSOR_GROUP', node.key, node.flows, { count: node.members, filterField: byCountry ? 'destinations' : null });
  }
  if (!byCountry) for (const node of row.countries) graph.node('COUNTRY', node.key, node.flows, { count: node.members });
  const id = (kind: Parameters<GraphBuilder['node']>[0], key: string) => graph.node(kind, key, 0);
  for (const edge of row.categoryPurpose) {
    graph.edge(id('CATEGORY', edge.from), id('PURPOSE', edge.to), GraphEdgeKind.USED_BY, edge.flows, 0, flowsLabel({ ...edge, unsafeguarded: 0 }));
  }
  for (const edge of row.purposeGroup) {
    const unsafeguarded = byCountry ? edge.unsafeguarded : 0;
    graph.edge(id('PURPOSE', edge.from), id('PROCESSOR_GROUP', edge.to), GraphEdgeKind.PROCESSED_BY, edge.flows, unsafeguarded, flowsLabel({ ...edge, unsafeguarded }));
  }
  if (!byCountry) {
    for (const edge of row.groupCountry) {
      graph.edge(id('PROCESSOR_GROUP', edge.from), id('COUNTRY', edge.to), GraphEdgeKind.PROCESSED_IN, edge.flows, edge.unsafeguarded, flowsLabel(edge));
    }
  }
  return graph.build();
}
