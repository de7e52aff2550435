import type { EntityManager } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import { badInput, ValidationFailed, type ValidationProblem } from '../common/errors';
import { jurisdictionInput } from '../age-policy/jurisdiction';
import type { AgeGateService } from '../age-gate/age-gate.service';
import { decodeCursor, pageWindow, toPage, type Page, type PageRequest } from '../common/connection';
import { Country } from '../country/country.entity';
import { Regime, REGIME_LAWS, regimeOfLocation } from '../country/regime';
import { DataCategory } from '../data-category/data-category.entity';
import type { Loaders } from '../db/loaders';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { Processor } from '../processor/processor.entity';
import {
  factsKey,
  flowGraph,
  judgeUnder,
  positionFromString,
  positionOf,
  positionToString,
  toDataFlow,
  type FlowGraph,
  type FlowJudging,
} from './data-flow.rules';
import { RequestJudging } from './regime-facts';
import {
  flowCountStatement,
  flowStatement,
  locationStatement,
  summaryStatement,
  verdictSummaryStatement,
  type LocationRow,
  type SummaryRow,
  type FlowPosition,
  type FlowQuery,
  type FlowQueryFilter,
  type FlowRow,
  type ProfileRule,
  type Statement,
  type VerdictSummaryRow,
} from './data-flow.sql';
import {
  ExclusionReason,
  type DataFlow,
  type DataFlowFilter,
  type DataMapGraph,
  GraphLevel,
  ProcessorGrouping,
  type ExcludedFlow,
  type SubjectProfileInput,
  type UserDataFlowSummary,
} from './data-flow.types';
import { toDot, toMermaid, type GraphNodeKind } from './graph-render';
import { judgeLocations, NO_SAFEGUARD, summaryDepth, summaryGraph, WITHIN_EEA, WITHIN_TERRITORY } from './data-flow.summary';
import { Purpose } from '../purpose/purpose.entity';
import { EvidenceStatus } from '../evidence/evidence.rules';
import { vendorsNotDeclared } from '../evidence/evidence.service';
import { withObservedVendors, type ObservedVendor } from './observed-vendors';
import { attachRelated, relatedColumns } from './flow-relations';
import type { Row } from '../db/rows';

/** The tables that inputs may name keys of, with the key column and how a message calls an entry. */
const KEYED_TABLES = {
  category: { table: 'data_category', column: 'key', label: 'data category' },
  processor: { table: 'processor', column: 'key', label: 'processor' },
  activity: { table: 'processing_activity', column: 'key', label: 'processing activity' },
  purpose: { table: 'purpose', column: 'key', label: 'purpose' },
  // A profile's regime follows from its country's EEA membership, read with the key check.
  country: { table: 'country', column: 'code', label: 'country', fact: 'in_eea' },
  collectionPoint: { table: 'collection_point', column: 'key', label: 'collection point' },
  consent: { table: 'consent', column: 'key', label: 'consent' },
} as const;

type KeyKind = keyof typeof KEYED_TABLES;

interface KeyCheck {
  kind: KeyKind;
  /** The input path of the list, such as `filter.categories`, or of the single value. */
  field: string;
  keys: readonly string[];
  single?: boolean;
}

/** A key an input names that exists, with its table's `fact` column where it has one (a country's EEA membership). */
interface KnownKey {
  check: number;
  key: string;
  fact: boolean | null;
}

/**
 * Checks every key an input names in one statement, and reports all the unknown ones together; returns the known
 * keys of the checks, in the order of `checks`.
 */
export async function assertKnownKeys(em: EntityManager, checks: readonly KeyCheck[]): Promise<KnownKey[][]> {
  const wanted = checks.filter((check) => check.keys.length > 0);
  if (wanted.length === 0) return checks.map(() => []);
  const params: unknown[] = [];
  const selects = wanted.map((check, index) => {
    const entry: { table: string; column: string; fact?: string } = KEYED_TABLES[check.kind];
    params.push(check.keys);
    return `select ${index} as "check", ${entry.column} as "key", ${entry.fact ?? 'null::boolean'} as "fact" from ${entry.table} where ${entry.column} = any(array[?]::text[])`;
  });
  const rows = await em.getConnection().execute<KnownKey[]>(selects.join('\nunion all\n'), params, 'all', em.getTransactionContext());
  const known = wanted.map((_, index) => new Set(rows.filter((row) => row.check === index).map((row) => row.key)));
  const problems: ValidationProblem[] = wanted.flatMap((check, index) =>
    check.keys.flatMap((key, position) => {
      if (known[index].has(key)) return [];
      const field = check.single ? check.field : `${check.field}[${position}]`;
      return [{ field, value: key, message: `${field}: unknown ${KEYED_TABLES[check.kind].label} "${key}"` }];
    }),
  );
  if (problems.length > 0) throw new ValidationFailed(problems);
  return checks.map((check) => {
    const index = wanted.indexOf(check);
    return index < 0 ? [] : rows.filter((row) => row.check === index);
  });
}

/** Country codes are upper case (ISO 3166-1); a client may write them either way. */
function normaliseFilter(filter: DataFlowFilter | null | undefined): DataFlowFilter | null {
  if (!filter) return null;
  return { ...filter, destinations: filter.destinations?.map((code) => code.toUpperCase()) ?? null };
}

function filterChecks(filter: DataFlowFilter | null, field: string): KeyCheck[] {
  if (!filter) return [];
  return [
    { kind: 'category', field: `${field}.categories`, keys: filter.categories ?? [] },
    { kind: 'processor', field: `${field}.processors`, keys: filter.processors ?? [] },
    { kind: 'activity', field: `${field}.activities`, keys: filter.activities ?? [] },
    { kind: 'purpose', field: `${field}.purposes`, keys: filter.purposes ?? [] },
    { kind: 'country', field: `${field}.destinations`, keys: filter.destinations ?? [] },
  ];
}

async function runFlowStatement(em: EntityManager, query: FlowQuery): Promise<FlowRow[]> {
  const { sql, params }: Statement = flowStatement(query);
  return em.getConnection().execute<FlowRow[]>(sql, params, 'all', em.getTransactionContext());
}

function decodePosition(cursor: string | null | undefined, field: 'after' | 'before'): FlowPosition | null {
  const text = decodeCursor<string>(cursor, 'string', field);
  if (text === null) return null;
  const position = positionFromString(text);
  if (!position) throw badInput(`${field} "${cursor}" is not a cursor this list issued`, { field, value: cursor });
  return position;
}

/**
 * A page of flows in flow order, forwards from `after` or backwards from `before`, in one statement; the count
 * runs only when the client selects `totalCount`.
 */
async function flowPage<N>(
  em: EntityManager,
  loaders: Loaders,
  query: Pick<FlowQuery, 'filter' | 'profile' | 'verdict'>,
  judging: RequestJudging,
  page: PageRequest,
  toNode: (row: FlowRow, judging: FlowJudging) => N,
  flowOf: (node: N) => DataFlow,
): Promise<Page<N>> {
  const window = pageWindow(page, decodePosition);
  const related = relatedColumns(loaders, (column) => `f."${column}"`);
  const { rows, judged } = await judgedRows(judging, () =>
    runFlowStatement(em, { ...query, after: window.after, before: window.before, backward: window.backward, limit: window.size + 1, related }),
  );

  const count = async () => {
    const { sql, params } = flowCountStatement(query.filter, query.profile, query.verdict);
    const [{ count: total }] = await em.getConnection().execute<{ count: number }[]>(sql, params, 'all', em.getTransactionContext());
    return total;
  };
  const nodes = rows.map((row) => toNode(row, judged));
  attachRelated(loaders, related, rows as unknown as Row[], nodes.map(flowOf));
  return toPage(nodes, window.size, count, (node) => positionToString(positionOf(flowOf(node))), window);
}

/** A page of the map's flows (after the key check, when filtered). */
export async function pageOfFlows(
  em: EntityManager,
  loaders: Loaders,
  rawFilter: DataFlowFilter | null | undefined,
  page: PageRequest,
): Promise<Page<DataFlow>> {
  const filter = normaliseFilter(rawFilter);
  await assertKnownKeys(em, filterChecks(filter, 'filter'));
  const regime = regimeAsked(filter);
  return flowPage(em, loaders, { filter: underRegime(filter, regime) }, new RequestJudging(em, regime), page, toDataFlow, (flow) => flow);
}

/**
 * Rows of a list with their judging: the list joins the request's judging before its rows are read, and gives
 * their destinations (none when the read fails, so that no sibling list waits for it).
 */
async function judgedRows<R extends LocationRow>(judging: RequestJudging, read: () => Promise<R[]>): Promise<{ rows: R[]; judged: FlowJudging }> {
  const judge = judging.join();
  let rows: R[];
  try {
    rows = await read();
  } catch (error) {
    judge([]).catch(() => undefined);
    throw error;
  }
  return { rows, judged: await judge(rows) };
}

/** The regime a filter asks the map to be judged under: EU_GDPR when it names none. */
const regimeAsked = (filter: DataFlowFilter | null) => filter?.regime ?? Regime.EU_GDPR;

/** The filter as the flow statements read it: `thirdCountryOnly` measured from the regime's territory, or from `home`. */
function underRegime(filter: DataFlowFilter | null, regime: Regime | null, home?: string): FlowQueryFilter | null {
  if (!filter) return null;
  return { ...filter, territory: regime ? REGIME_LAWS[regime].territory : [home!] };
}



/** One person's question, checked: the flows, the exclusions and the summary are read from it when selected. */
export interface ProfileFlows {
  countryCode: string;
  /** The regime of the person's country, which judges their flows; null when none of the three applies. */
  regime: Regime | null;
  profile: ProfileRule;
  /** The filter as the flow statements read it, `thirdCountryOnly` measured from the person's regime (or country). */
  filter: FlowQueryFilter | null;
  /** How their flows are judged: one read of the regime's facts for all the lists of the answer. */
  judging: RequestJudging;
  /** The aggregates, read once per answer however many fields need them. */
  summary(): Promise<UserDataFlowSummary>;
}

const REASON_ORDER: ExclusionReason[] = [
  ExclusionReason.NOT_COLLECTED,
  ExclusionReason.CONSENT_NOT_GIVEN,
  ExclusionReason.BELOW_DIGITAL_CONSENT_AGE,
  ExclusionReason.SUBPROCESSOR_NOTICE_PERIOD,
];

/** Where a person's age is judged: the age gate's `childRule`, with its policy and clock. */
export type AgeRules = Pick<AgeGateService, 'childRule'>;

/**
 * Which flows carry one person's data, and why the others do not. The profile is input only: nothing is stored,
 * and a birth date lives only in this call's memory, as the age gate's does. The rules run in SQL (see `REASON` in
 * data-flow.sql.ts), so an answer costs what its pages cost. A profile with a birth date needs `ageRules`.
 */
export async function flowsForProfile(
  em: EntityManager,
  profile: SubjectProfileInput,
  rawFilter?: DataFlowFilter | null,
  ageRules?: AgeRules,
): Promise<ProfileFlows> {
  const jurisdiction = jurisdictionInput(profile.country, 'profile.country');
  const countryCode = jurisdiction.country;
  const filter = normaliseFilter(rawFilter);
  const [[country]] = await assertKnownKeys(em, [
    { kind: 'country', field: 'profile.country', keys: [countryCode], single: true },
    { kind: 'collectionPoint', field: 'profile.collectionPoints', keys: profile.collectionPoints },
    { kind: 'consent', field: 'profile.consents', keys: profile.consents },
    ...filterChecks(filter, 'filter'),
  ]);
  const regime = regimeOfLocation({ code: jurisdiction.code, inEEA: country.fact === true });
  if (filter?.regime != null && filter.regime !== regime) {
    throw badInput(
      `filter.regime: ${profile.country} is ${regime ? `under ${regime}` : 'under none of the regimes'}, which decides how this person's ` +
        `flows are judged; leave filter.regime out`,
      { field: 'filter.regime', value: filter.regime },
    );
  }
  let basesNeedingParentalConsent: ProfileRule['basesNeedingParentalConsent'] = [];
  if (profile.birthDate != null) {
    if (!ageRules) throw new Error('flowsForProfile: a profile with a birth date needs the age rules');
    const person = { birthDate: profile.birthDate, timeZone: profile.timeZone, jurisdiction, parentalConsent: profile.parentalConsent ?? false };
    basesNeedingParentalConsent = (await ageRules.childRule(em, person, 'profile')).bases;
  }
  const rule: ProfileRule = { collectionPoints: profile.collectionPoints, consents: profile.consents, basesNeedingParentalConsent };
  const queryFilter = underRegime(filter, regime, countryCode);
  let summary: Promise<UserDataFlowSummary> | undefined;
  return {
    countryCode,
    regime,
    profile: rule,
    filter: queryFilter,
    judging: new RequestJudging(em, regime, countryCode),
    summary: () => (summary ??= summariseVerdict(em, queryFilter, rule)),
  };
}

async function summariseVerdict(em: EntityManager, filter: FlowQueryFilter | null, profile: ProfileRule): Promise<UserDataFlowSummary> {
  const { sql, params } = verdictSummaryStatement(filter, profile);
  const groups = await em.getConnection().execute<VerdictSummaryRow[]>(sql, params, 'all', em.getTransactionContext());
  const included = groups.find((group) => group.reason === null);
  const excluded = REASON_ORDER.flatMap((reason) => {
    const group = groups.find((row) => row.reason === reason);
    return group ? [{ reason, count: group.count }] : [];
  });
  return {
    flowCount: included?.count ?? 0,
    excludedCount: excluded.reduce((sum, group) => sum + group.count, 0),
    excludedByReason: excluded,
    processorKeys: included?.processors ?? [],
    countryCodes: included?.countries ?? [],
    categoryKeys: included?.categories ?? [],
  };
}

/** The person's flows that carry their data, a page at a time. */
export function pageOfProfileFlows(em: EntityManager, loaders: Loaders, question: ProfileFlows, page: PageRequest): Promise<Page<DataFlow>> {
  return flowPage(em, loaders, { filter: question.filter, profile: question.profile, verdict: { included: true } }, question.judging, page, toDataFlow, (flow) => flow);
}

/** The flows of the map that do not carry the person's data, with the reason, a page at a time. */
export function pageOfExcludedFlows(
  em: EntityManager,
  loaders: Loaders,
  question: ProfileFlows,
  reasons: ExclusionReason[] | null | undefined,
  page: PageRequest,
): Promise<Page<ExcludedFlow>> {
  return flowPage(
    em,
    loaders,
    { filter: question.filter, profile: question.profile, verdict: { included: false, reasons } },
    question.judging,
    page,
    (row, judging) => ({ flow: toDataFlow(row, judging), reason: row.reason as ExclusionReason }),
    (excluded) => excluded.flow,
  );
}

/** Every flow matching the filter (after the key check), in flow order, in one statement. */
export async function allFlows(em: EntityManager, rawFilter: DataFlowFilter | null | undefined): Promise<DataFlow[]> {
  const filter = normaliseFilter(rawFilter);
  await assertKnownKeys(em, filterChecks(filter, 'filter'));
  const regime = regimeAsked(filter);
  const { rows, judged } = await judgedRows(new RequestJudging(em, regime), () => runFlowStatement(em, { filter: underRegime(filter, regime) }));
  return rows.map((row) => toDataFlow(row, judged));
}

/** One person's whole verdict, in flow order, in one statement: the flows that carry their data, and the others with the reason. */
export async function profileVerdict(em: EntityManager, question: ProfileFlows): Promise<{ flows: DataFlow[]; excluded: ExcludedFlow[] }> {
  const { rows, judged } = await judgedRows(question.judging, () => runFlowStatement(em, { filter: question.filter, profile: question.profile }));
  const flows: DataFlow[] = [];
  const excluded: ExcludedFlow[] = [];
  for (const row of rows) {
    if (row.reason) excluded.push({ flow: toDataFlow(row, judged), reason: row.reason as ExclusionReason });
    else flows.push(toDataFlow(row, judged));
  }
  return { flows, excluded };
}

const PLURALS: Partial<Record<GraphNodeKind, string>> = { CATEGORY: 'categories', PURPOSE: 'activities', PROCESSOR_GROUP: 'processors', COUNTRY: 'processors' };

/** How a SUMMARY group of processors reads: by its country ("Processors in India"), or by what its transfers rest on. */
function groupLabel(key: string, countryName: string | null): string {
  if (countryName !== null) return `Processors in ${countryName}`;
  if (key === WITHIN_EEA) return 'Within the EEA (no transfer)';
  if (key === WITHIN_TERRITORY.UK_GDPR) return 'Within the UK (no transfer)';
  if (key === WITHIN_TERRITORY.SWISS_FADP) return 'Within Switzerland (no transfer)';
  if (key === NO_SAFEGUARD) return 'No safeguard';
  return key.charAt(0) + key.slice(1).toLowerCase().replaceAll('_', ' ');
}

/**
 * The names of the graph's nodes, loaded in one batch per kind; a node whose entity is gone keeps its key. A
 * node that stands for several entities (SUMMARY) says how many.
 */
async function nameNodes(loaders: Loaders, nodes: FlowGraph['nodes'], grouping: ProcessorGrouping): Promise<FlowGraph['nodes']> {
  const loadersByKind: Record<GraphNodeKind, DataLoader<string, { name?: unknown } | null> | null> = {
    CATEGORY: loaders.byKey(DataCategory, ['name']),
    ACTIVITY: loaders.byKey(ProcessingActivity, ['name']),
    PURPOSE: loaders.byKey(Purpose, ['name']),
    PROCESSOR: loaders.byKey(Processor, ['name']),
    PROCESSOR_GROUP: grouping === ProcessorGrouping.COUNTRY ? loaders.byKey(Country, ['name']) : null,
    COUNTRY: loaders.byKey(Country, ['name']),
  };
  return Promise.all(
    nodes.map(async (node) => {
      // Vendors drawn apart are named by the evidence's catalogue, not the registry.
      if (node.classes.includes('undeclared')) return node;
      const loader = loadersByKind[node.kind];
      const name = loader ? String((await loader.load(node.key))?.name ?? node.key) : null;
      let label = node.kind === 'PROCESSOR_GROUP' ? groupLabel(node.key, name) : (name ?? node.key);
      if (node.count > 1) label += ` (${node.count.toLocaleString('en-US')} ${PLURALS[node.kind] ?? 'entries'})`;
      return { ...node, label };
    }),
  );
}

/** What `dataMapGraph` is asked for besides the filter. */
export interface GraphRequest {
  level?: GraphLevel | null;
  groupProcessorsBy?: ProcessorGrouping | null;
}

/** The flows matching the filter as a graph: every node (FULL), or the SUMMARY that any size of map can be drawn as. */
export async function dataMapGraph(
  em: EntityManager,
  loaders: Loaders,
  rawFilter: DataFlowFilter | null | undefined,
  { level = GraphLevel.FULL, groupProcessorsBy = ProcessorGrouping.COUNTRY }: GraphRequest = {},
): Promise<DataMapGraph> {
  const filter = normaliseFilter(rawFilter);
  const grouping = groupProcessorsBy ?? ProcessorGrouping.COUNTRY;
  await assertKnownKeys(em, filterChecks(filter, 'filter'));
  const observed = await observedVendorsOf(em);
  const regime = regimeAsked(filter);
  const queryFilter = underRegime(filter, regime);
  if (level === GraphLevel.SUMMARY) {
    const located = locationStatement(queryFilter);
    const { rows: locations, judged: judging } = await judgedRows(new RequestJudging(em, regime), () =>
      em.getConnection().execute<LocationRow[]>(located.sql, located.params),
    );
    const judged = judgeLocations(locations, grouping, regime, (row) =>
      judgeUnder(regime, row, judging.facts?.get(factsKey(row.processorKey, row.destinationCode))),
    );
    const { sql, params } = summaryStatement(queryFilter, judged, summaryDepth(filter?.categories), summaryDepth(filter?.purposes));
    const [row] = await em.getConnection().execute<SummaryRow[]>(sql, params);
    const summary = summaryGraph(row, grouping);
    const graph = withObservedVendors(summary, observed, filter);
    const { size } = row;
    const apart = { nodes: graph.nodes.length - summary.nodes.length, edges: graph.edges.length - summary.edges.length };
    return {
      level: GraphLevel.SUMMARY,
      nodes: await nameNodes(loaders, graph.nodes, grouping),
      edges: graph.edges,
      size: { nodes: size.categories + size.activities + size.processors + size.countries + apart.nodes, edges: size.edges + apart.edges, flows: size.flows },
    };
  }
  const { rows, judged } = await judgedRows(new RequestJudging(em, regime), () => runFlowStatement(em, { filter: queryFilter }));
  const flows = rows.map((row) => toDataFlow(row, judged));
  const graph = withObservedVendors(flowGraph(flows), observed, filter);
  return {
    level: GraphLevel.FULL,
    nodes: await nameNodes(loaders, graph.nodes, grouping),
    edges: graph.edges,
    size: { nodes: graph.nodes.length, edges: graph.edges.length, flows: flows.length },
  };
}

/** The vendors the code calls that the map does not declare, as the graph draws them apart. */
async function observedVendorsOf(em: EntityManager): Promise<ObservedVendor[]> {
  return (await vendorsNotDeclared(em)).map((vendor) => ({
    key: vendor.processorKey,
    name: vendor.name,
    pendingReview: vendor.status === EvidenceStatus.PENDING_REVIEW,
    categories: [...new Set(vendor.dataTypes.flatMap((type) => (type.categoryKey ? [type.categoryKey] : [])))].sort(),
  }));
}

/** The most edges a drawing holds: Mermaid's own default `maxEdges`, past which mermaid.render refuses the text. */
export const DRAWING_LIMITS = { mermaid: 500, dot: 2000 } as const;

/** The graph as Mermaid or DOT text; BAD_USER_INPUT, saying how to narrow it, when it is too large to draw. */
export function drawGraph(graph: Pick<DataMapGraph, 'nodes' | 'edges' | 'level'>, format: keyof typeof DRAWING_LIMITS): string {
  const limit = DRAWING_LIMITS[format];
  if (graph.edges.length > limit) {
    const narrow = graph.level === GraphLevel.SUMMARY
      ? 'narrow it with `filter` (categories, activities, purposes, processors, destinations, legalBases, thirdCountryOnly)'
      : 'narrow it with `filter` (categories, activities, purposes, processors, destinations, legalBases, thirdCountryOnly), or ask `level: SUMMARY`';
    throw badInput(
      `dataMapGraph.${format}: the graph has ${graph.nodes.length.toLocaleString('en-US')} nodes and ` +
        `${graph.edges.length.toLocaleString('en-US')} edges, more than the ${limit.toLocaleString('en-US')} edges a ${format === 'mermaid' ? 'Mermaid' : 'DOT'} ` +
        `drawing is given; ${narrow}`,
      { field: format, value: graph.edges.length, limit },
    );
  }
  return format === 'mermaid' ? toMermaid(graph.nodes, graph.edges) : toDot(graph.nodes, graph.edges);
}
