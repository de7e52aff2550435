import { utcDate } from '../common/calendar-date';
import { LegalBasis } from '../processing-activity/legal-basis';
import { CONTROLLER_TO_PROCESSOR, judgeTransfer } from '../processor/transfer-rules';
import { ExclusionReason, type DataFlow } from './data-flow.types';
import type { FlowPosition, FlowRow } from './data-flow.sql';
import type { GraphNodeKind, RenderEdge, RenderNode } from './graph-render';

/**
 * Turns a row of the flow statement into a flow, judging its transfer with the one Chapter V judgment on today's
 * date (UTC; the statement judges notice periods by the database's clock the same way), so a lapsed DPF
 * certification leaves the flow unsafeguarded. A row without a location is the processor's headquarters, judged
 * with no mechanism.
 */
export function toDataFlow(row: FlowRow): DataFlow {
  return judgedFlow(row, today());
}

/** Today's UTC date, worked out at most once a second: a page of flows judges every row on the same day. */
let todayCache = { at: 0, date: '' };
function today(): string {
  const now = Date.now();
  if (Math.abs(now - todayCache.at) >= 1000) todayCache = { at: now, date: utcDate(new Date(now)) };
  return todayCache.date;
}

/** `toDataFlow` on a given day (YYYY-MM-DD). */
export function judgedFlow(row: FlowRow, today: string): DataFlow {
  const judgment = judgeTransfer({
    ...CONTROLLER_TO_PROCESSOR,
    destination: { code: row.destinationCode, inEEA: row.inEEA, adequacy: row.adequacy, adequacyNote: row.adequacyNote },
    mechanism: row.mechanism,
    reference: row.reference,
    dpf: { certification: row.dpfCertification, reviewDue: row.dpfReviewDue },
    today,
  });
  const reference = row.reference?.trim() || null;
  return {
    categoryKey: row.categoryKey,
    activityKey: row.activityKey,
    purposeKey: row.purposeKey,
    processorKey: row.processorKey,
    destinationCode: row.destinationCode,
    retentionKey: row.retentionKey,
    legalBasis: row.legalBasis,
    thirdCountry: judgment.thirdCountry,
    // What the transfer rests on: none inside the EEA, an adequacy decision by default where it is full.
    mechanism: judgment.mechanism,
    reference: judgment.thirdCountry ? reference : null,
    safeguarded: judgment.safeguarded,
    transferProblem: judgment.flaw?.message ?? null,
    pending: row.pending,
  };
}

export function positionOf(flow: Pick<DataFlow, 'activityKey' | 'categoryKey' | 'processorKey' | 'destinationCode'>): FlowPosition {
  return [flow.activityKey, flow.categoryKey, flow.processorKey, flow.destinationCode];
}

/** Keys and country codes never hold a "|", so it separates the parts of a position unambiguously. */
const POSITION_SEPARATOR = '|';

export function positionToString(position: FlowPosition): string {
  return position.join(POSITION_SEPARATOR);
}

/** Null when the text is not a position this module wrote. */
export function positionFromString(text: string): FlowPosition | null {
  const parts = text.split(POSITION_SEPARATOR);
  return parts.length === 4 && parts.every((part) => part !== '') ? (parts as FlowPosition) : null;
}

/** One person, as far as the flow rules need them. */
export interface SubjectProfile {
  collectionPoints: readonly string[];
  consents: readonly string[];
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
 * recorded consent to ask for can never apply, so it also reads as CONSENT_NOT_GIVEN. A flow that would apply
 * but whose processor is still in its notice period does not carry the data yet.
 */
export function exclusionFor(flow: FlowCollection, profile: SubjectProfile): ExclusionReason | null {
  const collected = flow.collectedAutomatically || flow.collectedAt.some((point) => profile.collectionPoints.includes(point));
  if (!collected) return ExclusionReason.NOT_COLLECTED;
  if (flow.legalBasis === LegalBasis.CONSENT) {
    const granted = flow.requiredConsentKey !== null && profile.consents.includes(flow.requiredConsentKey);
    if (!granted) return ExclusionReason.CONSENT_NOT_GIVEN;
  }
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

export interface FlowGraph {
  /** Labelled with their keys; the caller names them. */
  nodes: (RenderNode & { key: string })[];
  edges: (RenderEdge & { safeguarded: boolean })[];
}

const nodeId = (kind: GraphNodeKind, key: string) => `${kind.toLowerCase()}:${key}`;

/**
 * The graph of a set of flows: each category, activity, processor and country once, and each edge once
 * (category -> activity, activity -> processor, processor -> country). Nodes come by kind, left to right, each
 * kind in key order; edges come in the order of the nodes they start from, then of those they point to, which
 * is also the order Graphviz keeps. A processor -> country edge is labelled with its mechanism, and drawn
 * dashed when the transfer is not safeguarded.
 */
export function flowGraph(flows: readonly DataFlow[]): FlowGraph {
  const keys: Record<GraphNodeKind, Set<string>> = {
    CATEGORY: new Set(),
    ACTIVITY: new Set(),
    PROCESSOR: new Set(),
    COUNTRY: new Set(),
  };
  const edges = new Map<string, FlowGraph['edges'][number]>();
  const addEdge = (from: string, to: string, label: string | null = null, safeguarded = true) => {
    const id = `${from} ${to}`;
    if (!edges.has(id)) edges.set(id, { from, to, label, dashed: !safeguarded, safeguarded });
  };
  for (const flow of flows) {
    keys.CATEGORY.add(flow.categoryKey);
    keys.ACTIVITY.add(flow.activityKey);
    keys.PROCESSOR.add(flow.processorKey);
    keys.COUNTRY.add(flow.destinationCode);
    const category = nodeId('CATEGORY', flow.categoryKey);
    const activity = nodeId('ACTIVITY', flow.activityKey);
    const processor = nodeId('PROCESSOR', flow.processorKey);
    addEdge(category, activity);
    addEdge(activity, processor);
    const transferLabel = flow.safeguarded ? flow.mechanism : 'no safeguard';
    addEdge(processor, nodeId('COUNTRY', flow.destinationCode), transferLabel, flow.safeguarded);
  }
  const kinds: GraphNodeKind[] = ['CATEGORY', 'ACTIVITY', 'PROCESSOR', 'COUNTRY'];
  const nodes = kinds.flatMap((kind) =>
    [...keys[kind]].sort().map((key) => ({ id: nodeId(kind, key), kind, key, label: key })),
  );
  const position = new Map(nodes.map((node, index) => [node.id, index]));
  const nodeOrder = (a: string, b: string) => position.get(a)! - position.get(b)!;
  const sortedEdges = [...edges.values()].sort((a, b) => nodeOrder(a.from, b.from) || nodeOrder(a.to, b.to));
  return { nodes, edges: sortedEdges };
}
