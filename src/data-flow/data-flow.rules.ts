import { utcDate } from '../common/calendar-date';
import { timestampOf } from '../db/rows';
import { LegalBasis } from '../processing-activity/legal-basis';
import { Regime } from '../country/regime';
import { hopParties } from '../processor/recipient-role';
import { judgeTransfer, SCC_MODULES, type CountryStanding, type TiaFacts, type TransferFacts, type TransferJudgment } from '../processor/transfer-rules';
import { ExclusionReason, GraphEdgeKind, type DataFlow, type FilterField, type TransferHop } from './data-flow.types';
import type { EarlierHopRow, FlowPosition, FlowRow, LocationRow, RegimeFacts } from './data-flow.sql';
import type { GraphNodeKind, RenderEdge, RenderNode } from './graph-render';

/**
 * How the flows of one request are judged: under the regime of the person (or the one asked for), with that
 * regime's facts laid over the rows; or, for a person under none of the regimes, not at all.
 */
export interface FlowJudging {
  /** Null: the person is under none of the regimes, so no flow is a regulated transfer and none is judged. */
  regime: Regime | null;
  /** Under a regime other than the EU GDPR: its facts of each destination (`regimeFactsStatement`), by `factsKey`. */
  facts?: ReadonlyMap<string, RegimeFacts>;
  /** Under no regime: the person's country; a destination elsewhere is abroad (`thirdCountry`) but no regulated transfer. */
  home?: string | null;
}

/** Today's judging: the EU GDPR, with the facts the flow statement reads. */
export const EU_JUDGING: FlowJudging = { regime: Regime.EU_GDPR };

export const factsKey = (processorKey: string, destinationCode: string) => `${processorKey}|${destinationCode}`;

/**
 * Turns a row of the flow statement into a flow, judging its transfer with the one transfer judgment on today's
 * date (UTC; the statement judges notice periods by the database's clock the same way), so a lapsed DPF
 * certification leaves the flow unsafeguarded. A row without a location is the processor's headquarters, judged
 * with no mechanism.
 */
export function toDataFlow(row: FlowRow, judging: FlowJudging = EU_JUDGING): DataFlow {
  return judgedFlow(row, todayUtc(), judging);
}

/** Today's UTC date, worked out at most once a second: a page of flows judges every row on the same day. */
let todayCache = { at: 0, date: '' };
function todayUtc(): string {
  const now = Date.now();
  if (Math.abs(now - todayCache.at) >= 1000) todayCache = { at: now, date: utcDate(new Date(now)) };
  return todayCache.date;
}

/** The hops before the last one, as the driver gives them (parsed JSON, or its text). */
function earlierHops(row: Pick<FlowRow, 'earlier'>): EarlierHopRow[] {
  if (!row.earlier) return [];
  return typeof row.earlier === 'string' ? (JSON.parse(row.earlier) as EarlierHopRow[]) : row.earlier;
}

/** The (recipient, destination) of every hop of a row: what a regime's facts are read for. */
export function hopDestinations(row: Pick<LocationRow, 'processorKey' | 'destinationCode'> & Partial<Pick<FlowRow, 'earlier'>>): Pick<LocationRow, 'processorKey' | 'destinationCode'>[] {
  return [...earlierHops(row).map((hop) => ({ processorKey: hop.to, destinationCode: hop.destination })), row];
}

/** One hop, judged with its own parties by the one judgment, under the flow's regime (none: not judged). */
function judgedHop(hop: LocationRow, fromKey: string | null, today: string, judging: FlowJudging): { hop: TransferHop; judgment: TransferJudgment } {
  const parties = hopParties(hop.engagerRole ?? null, hop.role);
  let judgment: TransferJudgment;
  let recorded: string | null | undefined;
  if (judging.regime === null) {
    judgment = notRegulated(hop, judging.home);
  } else {
    const facts = transferFactsUnder(judging.regime, hop, judging.facts?.get(factsKey(hop.processorKey, hop.destinationCode)), today);
    judgment = judgeTransfer(facts);
    recorded = facts.reference;
  }
  const regulated = judging.regime !== null && judgment.thirdCountry;
  return {
    judgment,
    hop: {
      fromKey,
      toKey: hop.processorKey,
      destinationCode: hop.destinationCode,
      mechanism: judgment.mechanism,
      reference: regulated ? recorded?.trim() || null : null,
      safeguarded: judgment.safeguarded,
      transferProblem: judgment.flaw?.message ?? null,
      sccModule: regulated ? SCC_MODULES[parties.exporter][parties.importer].module : null,
      regulatedTransfer: regulated,
    },
  };
}

/** `toDataFlow` on a given day (YYYY-MM-DD). */
export function judgedFlow(row: FlowRow, today: string, judging: FlowJudging = EU_JUDGING): DataFlow {
  const earlier = earlierHops(row).map(
    (hop) => judgedHop({ ...hop, processorKey: hop.to, destinationCode: hop.destination }, hop.from, today, judging).hop,
  );
  const last = judgedHop(row, row.engagerKey ?? null, today, judging);
  const judgment = last.judgment;
  const path = [...earlier, last.hop];
  // The flow is safeguarded only when every hop is; the first problem along the route says why not.
  const flawed = path.find((hop) => !hop.safeguarded);
  const problem = flawed && flawed !== last.hop ? `hop ${path.indexOf(flawed) + 1} (${flawed.fromKey ?? 'the organisation'} → ${flawed.toKey} in ${flawed.destinationCode}): ${flawed.transferProblem}` : (flawed?.transferProblem ?? null);
  return {
    categoryKey: row.categoryKey,
    sourceCategoryKey: row.sourceCategoryKey ?? row.categoryKey,
    route: row.route ?? row.processorKey,
    path,
    activityKey: row.activityKey,
    purposeKey: row.purposeKey,
    processorKey: row.processorKey,
    destinationCode: row.destinationCode,
    retentionKey: row.retentionKey,
    legalBasis: row.legalBasis,
    thirdCountry: judgment.thirdCountry,
    regulatedTransfer: path.some((hop) => hop.regulatedTransfer),
    // What the last hop rests on: none inside the regime's territory, an adequacy decision by default where it is full.
    mechanism: judgment.mechanism,
    reference: last.hop.reference,
    safeguarded: flawed === undefined,
    transferProblem: problem,
    pending: row.pending,
    effectiveFrom: row.pending && row.effectiveFrom ? (row.effectiveFrom instanceof Date ? row.effectiveFrom : timestampOf(row.effectiveFrom)) : null,
  };
}

/**
 * A flow of a person under none of the regimes: none of their transfer rules applies (a US user's data handled by
 * a US controller is not transferred in the GDPR's sense), so nothing is judged. The destination is still abroad
 * when it is outside the person's country.
 */
function notRegulated(location: Pick<LocationRow, 'destinationCode'>, home: string | null | undefined): TransferJudgment {
  return { thirdCountry: home != null && location.destinationCode !== home, mechanism: null, safeguarded: true, flaw: null, cautions: [] };
}

/**
 * The transfer to a recipient's destination, judged under the EU GDPR on `today` (YYYY-MM-DD, UTC), with the hop's
 * own parties: the organisation or the engager, to a processor or a controller.
 */
export function judgeLocation(row: LocationRow, today: string = todayUtc()): TransferJudgment {
  return judgeTransfer(transferFactsUnder(Regime.EU_GDPR, row, undefined, today));
}

/**
 * The transfer to a recipient's destination under `regime`, on `today` (YYYY-MM-DD, UTC), or judged under no
 * regime when it is null (see `FlowJudging.home`). Under the EU GDPR the row's own facts are judged; under another
 * regime, its `facts` (the location's safeguard, the destination's adequacy and the latest assessment under it).
 */
export function judgeUnder(
  regime: Regime | null,
  location: LocationRow,
  facts: RegimeFacts | null | undefined,
  today: string = todayUtc(),
  home?: string | null,
): TransferJudgment {
  if (regime === null) return notRegulated(location, home);
  return judgeTransfer(transferFactsUnder(regime, location, facts, today));
}

/**
 * What the one transfer judgment is given for a processor's destination under `regime`. The EU GDPR reads the row
 * as the flow statement gives it (its safeguard on the location's own columns, the country's EU adequacy); another
 * regime reads its own safeguard, adequacy and assessment from `facts`, and a destination it has no facts of rests
 * on nothing and has no adequacy under it.
 */
export function transferFactsUnder(regime: Regime, row: LocationRow, facts: RegimeFacts | null | undefined, today: string): TransferFacts {
  const country: CountryStanding = { code: row.destinationCode, inEEA: row.inEEA, adequacy: row.adequacy, adequacyNote: row.adequacyNote };
  // Named, not spread: spreading the parties into the facts took three quarters of the judgment of a page of flows.
  const { exporter, importer, regular } = hopParties(row.engagerRole ?? null, row.role);
  if (regime === Regime.EU_GDPR) {
    return {
      exporter,
      importer,
      regular,
      destination: country,
      mechanism: row.mechanism,
      reference: row.reference,
      dpf: { certification: row.dpfCertification, reviewDue: row.dpfReviewDue },
      today,
      tia: tiaOf(row),
    };
  }
  return {
    exporter,
    importer,
    regular,
    regime,
    destination: {
      ...country,
      regimes: facts?.adequacy ? { [regime]: { adequacy: facts.adequacy, note: facts.adequacyNote, since: facts.adequacySince } } : {},
    },
    mechanism: facts?.mechanism ?? null,
    reference: facts?.reference ?? null,
    dpf: { certification: facts?.dpfCertification ?? null, reviewDue: facts?.dpfReviewDue ?? null },
    today,
    tia: facts?.tiaOutcome ? { reference: facts.tiaReference!, assessedAt: facts.tiaAssessedAt!, outcome: facts.tiaOutcome } : null,
  };
}

/** The row's EU assessment, as the driver gives its JSON; undefined when the row was read without one. */
function tiaOf(row: LocationRow): TiaFacts | null | undefined {
  if (row.tia === undefined) return undefined;
  return typeof row.tia === 'string' ? (JSON.parse(row.tia) as TiaFacts) : row.tia;
}

/**
 * A flow's place in flow order. A flow that carries its activity's category through one recipient keeps the
 * position it had before chains (activity, category, processor, destination); a narrower category comes last.
 */
export function positionOf(flow: Pick<DataFlow, 'activityKey' | 'categoryKey' | 'processorKey' | 'destinationCode' | 'sourceCategoryKey' | 'route'>): FlowPosition {
  const source = flow.sourceCategoryKey ?? flow.categoryKey;
  const position: FlowPosition = [flow.activityKey, source, flow.route ?? flow.processorKey, flow.destinationCode];
  return source === flow.categoryKey ? position : [...position, flow.categoryKey];
}

/** Keys and country codes never hold a "|", so it separates the parts of a position unambiguously. */
const POSITION_SEPARATOR = '|';

export function positionToString(position: FlowPosition): string {
  return position.join(POSITION_SEPARATOR);
}

/** Null when the text is not a position this module wrote. */
export function positionFromString(text: string): FlowPosition | null {
  const parts = text.split(POSITION_SEPARATOR);
  return (parts.length === 4 || parts.length === 5) && parts.every((part) => part !== '') ? (parts as FlowPosition) : null;
}

/** One person, as far as the flow rules need them. */
export interface SubjectProfile {
  collectionPoints: readonly string[];
  consents: readonly string[];
  /** The bases whose activities need a parent's consent the person lacks (`basesNeedingParentalConsent`); none when absent. */
  basesNeedingParentalConsent?: readonly LegalBasis[];
}

/** A collection point as the profile rules see it. */
export interface CollectionPointFacts {
  key: string;
  automatic: boolean;
  /** The categories it collects; each also covers its descendants. */
  categories: readonly string[];
}

/** `covering` is `covered` itself or one of its ancestors: `contact` covers `contact.email`. */
export function coversCategory(covering: string, covered: string): boolean {
  return covered === covering || covered.startsWith(`${covering}.`);
}

/**
 * Which of an activity's collection points feed it with one category: those that collect the category or a
 * broader one. Unknown point keys are ignored (the map's foreign keys rule them out).
 */
export function collectionOf(
  categoryKey: string,
  activityPointKeys: readonly string[],
  points: ReadonlyMap<string, CollectionPointFacts>,
): Pick<FlowCollection, 'collectedAt' | 'collectedAutomatically'> {
  const feeding = activityPointKeys
    .map((key) => points.get(key))
    .filter((point): point is CollectionPointFacts => point !== undefined)
    .filter((point) => point.categories.some((collected) => coversCategory(collected, categoryKey)));
  return {
    collectedAt: feeding.filter((point) => !point.automatic).map((point) => point.key),
    collectedAutomatically: feeding.some((point) => point.automatic),
  };
}

/** What decides whether a flow carries one person's data. */
export interface FlowCollection {
  legalBasis: LegalBasis;
  requiredConsentKey: string | null;
  /** The non-automatic collection points that feed the flow's activity with the flow's category. */
  collectedAt: readonly string[];
  /** True when an automatic collection point (such as `site-visit`) feeds it, for everyone. */
  collectedAutomatically: boolean;
  /** True while the flow's processor is in its sub-processor notice period. */
  pending?: boolean;
}

/**
 * Null when the flow carries the person's data; otherwise why not. Data that is never collected from the person
 * cannot flow whatever they consented to, so NOT_COLLECTED comes first. An activity on CONSENT without a
 * recorded consent to ask for can never apply, so it also reads as CONSENT_NOT_GIVEN. A child's data without the
 * parent's consent their jurisdiction asks for that activity's basis is BELOW_DIGITAL_CONSENT_AGE (see
 * `basesNeedingParentalConsent`). A flow that would apply but whose processor is still in its notice period does not
 * carry the data yet.
 */
export function exclusionFor(flow: FlowCollection, profile: SubjectProfile): ExclusionReason | null {
  const collected = flow.collectedAutomatically || flow.collectedAt.some((point) => profile.collectionPoints.includes(point));
  if (!collected) return ExclusionReason.NOT_COLLECTED;
  if (flow.legalBasis === LegalBasis.CONSENT) {
    const granted = flow.requiredConsentKey !== null && profile.consents.includes(flow.requiredConsentKey);
    if (!granted) return ExclusionReason.CONSENT_NOT_GIVEN;
  }
  if (profile.basesNeedingParentalConsent?.includes(flow.legalBasis)) return ExclusionReason.BELOW_DIGITAL_CONSENT_AGE;
  if (flow.pending) return ExclusionReason.SUBPROCESSOR_NOTICE_PERIOD;
  return null;
}

export interface ProfileVerdict<F> {
  flows: F[];
  excluded: { flow: F; reason: ExclusionReason }[];
  /** The distinct processors of `flows`, in key order. */
  processorKeys: string[];
}

/** Splits the flows of the map into those that carry the person's data and those that do not, keeping their order. */
export function judgeFlows<F extends { processorKey: string }>(
  flows: readonly { flow: F; collection: FlowCollection }[],
  profile: SubjectProfile,
): ProfileVerdict<F> {
  const verdict: ProfileVerdict<F> = { flows: [], excluded: [], processorKeys: [] };
  for (const { flow, collection } of flows) {
    const reason = exclusionFor(collection, profile);
    if (reason === null) verdict.flows.push(flow);
    else verdict.excluded.push({ flow, reason });
  }
  verdict.processorKeys = [...new Set(verdict.flows.map((flow) => flow.processorKey))].sort();
  return verdict;
}

/** A node of a data-map graph, as the API gives it (names filled in by the service). */
export interface MapNode extends RenderNode {
  key: string;
  count: number;
  flows: number;
  classes: string[];
  filterField: FilterField | null;
}

/** An edge of a data-map graph, as the API gives it. */
export interface MapEdge extends RenderEdge {
  label: string | null;
  kind: GraphEdgeKind;
  safeguarded: boolean;
  flows: number;
  classes: string[];
}

export interface FlowGraph {
  /** Labelled with their keys; the caller names them. */
  nodes: MapNode[];
  edges: MapEdge[];
}

export const nodeId = (kind: GraphNodeKind, key: string) => `${kind.toLowerCase().replace('_', '-')}:${key}`;

/** The filter field that narrows the map to one node of each kind (a PROCESSOR_GROUP's depends on the grouping). */
export const FILTER_FIELDS: Record<Exclude<GraphNodeKind, 'PROCESSOR_GROUP'>, FilterField> = {
  CATEGORY: 'categories',
  ACTIVITY: 'activities',
  PURPOSE: 'purposes',
  PROCESSOR: 'processors',
  COUNTRY: 'destinations',
};

/** Kinds left to right, the way personal data flows: what is collected, why, by whom, where to. */
export const KIND_ORDER: readonly GraphNodeKind[] = ['CATEGORY', 'ACTIVITY', 'PURPOSE', 'PROCESSOR', 'PROCESSOR_GROUP', 'COUNTRY'];

const RECIPIENT_KINDS: ReadonlySet<GraphNodeKind> = new Set(['PROCESSOR', 'PROCESSOR_GROUP']);

/** Counts flows on nodes and edges as they are added, and orders the graph: nodes by kind then key, edges by their ends. */
export class GraphBuilder {
  private readonly nodes = new Map<string, MapNode>();
  private readonly edges = new Map<string, MapEdge>();

  node(kind: GraphNodeKind, key: string, flows: number, extra: Partial<Pick<MapNode, 'count' | 'filterField' | 'label'>> = {}): string {
    const id = nodeId(kind, key);
    const node = this.nodes.get(id);
    if (node) node.flows += flows;
    else {
      const filterField = extra.filterField !== undefined ? extra.filterField : kind === 'PROCESSOR_GROUP' ? null : FILTER_FIELDS[kind];
      this.nodes.set(id, { id, kind, key, label: extra.label ?? key, count: extra.count ?? 1, flows, classes: [], filterField });
    }
    return id;
  }

  /** `unsafeguarded`: how many of the `flows` are transfers without a safeguard. */
  edge(from: string, to: string, kind: GraphEdgeKind, flows: number, unsafeguarded = 0, label: string | null = null): void {
    const id = `${from} ${to}`;
    let edge = this.edges.get(id);
    if (!edge) {
      edge = { from, to, kind, label, dashed: false, safeguarded: true, flows: 0, classes: [] };
      this.edges.set(id, edge);
    }
    edge.flows += flows;
    if (unsafeguarded > 0) this.markUnsafeguarded(edge);
  }

  private markUnsafeguarded(edge: MapEdge): void {
    if (!edge.safeguarded) return;
    edge.safeguarded = false;
    edge.dashed = true;
    edge.classes.push('unsafeguarded');
    // The recipient is what needs attention: the processor (or group) at either end of the transfer.
    for (const id of [edge.from, edge.to]) {
      const node = this.nodes.get(id);
      if (node && RECIPIENT_KINDS.has(node.kind) && !node.classes.includes('unsafeguarded')) node.classes.push('unsafeguarded');
    }
  }

  build(): FlowGraph {
    const order = (kind: GraphNodeKind) => KIND_ORDER.indexOf(kind);
    const nodes = [...this.nodes.values()].sort((a, b) => order(a.kind) - order(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const node of nodes) if (node.count > 1) node.classes.unshift('group');
    const position = new Map(nodes.map((node, index) => [node.id, index]));
    const nodeOrder = (a: string, b: string) => position.get(a)! - position.get(b)!;
    const edges = [...this.edges.values()].sort((a, b) => nodeOrder(a.from, b.from) || nodeOrder(a.to, b.to));
    return { nodes, edges };
  }
}

/**
 * The graph of a set of flows: each category, activity, processor and country once, and each edge once
 * (category -> activity, activity -> the recipient it engages, engager -> sub-processor along a chain (ENGAGES),
 * each recipient of a hop -> the country of that hop), with the flows along it. Nodes come by
 * kind, left to right, each kind in key order; edges come in the order of the nodes they start from, then of those
 * they point to, which is also the order Graphviz keeps. A processor -> country edge is labelled with its
 * mechanism, and drawn dashed when the transfer is not safeguarded.
 */
export function flowGraph(flows: readonly DataFlow[]): FlowGraph {
  const graph = new GraphBuilder();
  for (const flow of flows) {
    const category = graph.node('CATEGORY', flow.categoryKey, 1);
    const activity = graph.node('ACTIVITY', flow.activityKey, 1);
    graph.edge(category, activity, GraphEdgeKind.USED_BY, 1);
    const hops = flow.path.length > 0 ? flow.path : [{ fromKey: null, toKey: flow.processorKey, destinationCode: flow.destinationCode, safeguarded: flow.safeguarded, mechanism: flow.mechanism }];
    for (const hop of hops) {
      const processor = graph.node('PROCESSOR', hop.toKey, 1);
      const country = graph.node('COUNTRY', hop.destinationCode, 1);
      if (hop.fromKey === null) graph.edge(activity, processor, GraphEdgeKind.PROCESSED_BY, 1);
      else graph.edge(nodeId('PROCESSOR', hop.fromKey), processor, GraphEdgeKind.ENGAGES, 1);
      graph.edge(processor, country, GraphEdgeKind.PROCESSED_IN, 1, hop.safeguarded ? 0 : 1, hop.safeguarded ? hop.mechanism : 'no safeguard');
    }
  }
  return graph.build();
}
