import type { EntityManager } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import { badInput, ValidationFailed, type ValidationProblem } from '../common/errors';
import { jurisdictionInput } from '../age-policy/jurisdiction';
import { decodeCursor, pageWindow, toPage, type Page, type PageRequest } from '../common/connection';
import { Country } from '../country/country.entity';
import { DataCategory } from '../data-category/data-category.entity';
import type { Loaders } from '../db/loaders';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { Processor } from '../processor/processor.entity';
import { flowGraph, type FlowGraph, positionFromString, positionOf, positionToString, toDataFlow } from './data-flow.rules';
import {
  flowCountStatement,
  flowStatement,
  verdictSummaryStatement,
  type FlowPosition,
  type FlowQuery,
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
  type ExcludedFlow,
  type SubjectProfileInput,
  type UserDataFlowSummary,
} from './data-flow.types';
import { toDot, toMermaid, type GraphNodeKind } from './graph-render';

/** The tables that inputs may name keys of, with the key column and how a message calls an entry. */
const KEYED_TABLES = {
  category: { table: 'data_category', column: 'key', label: 'data category' },
  processor: { table: 'processor', column: 'key', label: 'processor' },
  purpose: { table: 'purpose', column: 'key', label: 'purpose' },
  country: { table: 'country', column: 'code', label: 'country' },
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

/** Checks every key an input names in one statement, and reports all the unknown ones together. */
async function assertKnownKeys(em: EntityManager, checks: readonly KeyCheck[]): Promise<void> {
  const wanted = checks.filter((check) => check.keys.length > 0);
  if (wanted.length === 0) return;
  const params: unknown[] = [];
  const selects = wanted.map((check, index) => {
    const { table, column } = KEYED_TABLES[check.kind];
    params.push(check.keys);
    return `select ${index} as "check", ${column} as "key" from ${table} where ${column} = any(array[?]::text[])`;
  });
  const rows = await em.getConnection().execute<{ check: number; key: string }[]>(selects.join('\nunion all\n'), params);
  const known = wanted.map((_, index) => new Set(rows.filter((row) => row.check === index).map((row) => row.key)));
  const problems: ValidationProblem[] = wanted.flatMap((check, index) =>
    check.keys.flatMap((key, position) => {
      if (known[index].has(key)) return [];
      const field = check.single ? check.field : `${check.field}[${position}]`;
      return [{ field, value: key, message: `${field}: unknown ${KEYED_TABLES[check.kind].label} "${key}"` }];
    }),
  );
  if (problems.length > 0) throw new ValidationFailed(problems);
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
    { kind: 'purpose', field: `${field}.purposes`, keys: filter.purposes ?? [] },
    { kind: 'country', field: `${field}.destinations`, keys: filter.destinations ?? [] },
  ];
}

async function runFlowStatement(em: EntityManager, query: FlowQuery): Promise<FlowRow[]> {
  const { sql, params }: Statement = flowStatement(query);
  return em.getConnection().execute<FlowRow[]>(sql, params);
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
  query: Pick<FlowQuery, 'filter' | 'profile' | 'verdict'>,
  page: PageRequest,
  toNode: (row: FlowRow) => N,
  flowOf: (node: N) => DataFlow,
): Promise<Page<N>> {
  const window = pageWindow(page, decodePosition);
  const rows = await runFlowStatement(em, { ...query, after: window.after, before: window.before, backward: window.backward, limit: window.size + 1 });
  const count = async () => {
    const { sql, params } = flowCountStatement(query.filter, query.profile, query.verdict);
    const [{ count: total }] = await em.getConnection().execute<{ count: number }[]>(sql, params);
    return total;
  };
  return toPage(rows.map(toNode), window.size, count, (node) => positionToString(positionOf(flowOf(node))), window);
}

/** A page of the map's flows (after the key check, when filtered). */
export async function pageOfFlows(
  em: EntityManager,
  rawFilter: DataFlowFilter | null | undefined,
  page: PageRequest,
): Promise<Page<DataFlow>> {
  const filter = normaliseFilter(rawFilter);
  await assertKnownKeys(em, filterChecks(filter, 'filter'));
  return flowPage(em, { filter }, page, toDataFlow, (flow) => flow);
}

/** One person's question, checked: the flows, the exclusions and the summary are read from it when selected. */
export interface ProfileFlows {
  countryCode: string;
  profile: ProfileRule;
  filter: DataFlowFilter | null;
  /** The aggregates, read once per answer however many fields need them. */
  summary(): Promise<UserDataFlowSummary>;
}

const REASON_ORDER: ExclusionReason[] = [
  ExclusionReason.NOT_COLLECTED,
  ExclusionReason.CONSENT_NOT_GIVEN,
  ExclusionReason.SUBPROCESSOR_NOTICE_PERIOD,
];

/**
 * Which flows carry one person's data, and why the others do not. The profile is input only: nothing is stored.
 * The rules run in SQL (see `REASON` in data-flow.sql.ts), so an answer costs what its pages cost.
 */
export async function flowsForProfile(
  em: EntityManager,
  profile: SubjectProfileInput,
  rawFilter?: DataFlowFilter | null,
): Promise<ProfileFlows> {
  const countryCode = jurisdictionInput(profile.country, 'profile.country').country;
  const filter = normaliseFilter(rawFilter);
  await assertKnownKeys(em, [
    { kind: 'country', field: 'profile.country', keys: [countryCode], single: true },
    { kind: 'collectionPoint', field: 'profile.collectionPoints', keys: profile.collectionPoints },
    { kind: 'consent', field: 'profile.consents', keys: profile.consents },
    ...filterChecks(filter, 'filter'),
  ]);
  const rule: ProfileRule = { collectionPoints: profile.collectionPoints, consents: profile.consents };
  let summary: Promise<UserDataFlowSummary> | undefined;
  return {
    countryCode,
    profile: rule,
    filter,
    summary: () => (summary ??= summariseVerdict(em, filter, rule)),
  };
}

async function summariseVerdict(em: EntityManager, filter: DataFlowFilter | null, profile: ProfileRule): Promise<UserDataFlowSummary> {
  const { sql, params } = verdictSummaryStatement(filter, profile);
  const groups = await em.getConnection().execute<VerdictSummaryRow[]>(sql, params);
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
export function pageOfProfileFlows(em: EntityManager, question: ProfileFlows, page: PageRequest): Promise<Page<DataFlow>> {
  return flowPage(em, { filter: question.filter, profile: question.profile, verdict: { included: true } }, page, toDataFlow, (flow) => flow);
}

/** The flows of the map that do not carry the person's data, with the reason, a page at a time. */
export function pageOfExcludedFlows(
  em: EntityManager,
  question: ProfileFlows,
  reasons: ExclusionReason[] | null | undefined,
  page: PageRequest,
): Promise<Page<ExcludedFlow>> {
  return flowPage(
    em,
    { filter: question.filter, profile: question.profile, verdict: { included: false, reasons } },
    page,
    (row) => ({ flow: toDataFlow(row), reason: row.reason as ExclusionReason }),
    (excluded) => excluded.flow,
  );
}

/** Every flow matching the filter (after the key check), in flow order, in one statement. */
export async function allFlows(em: EntityManager, rawFilter: DataFlowFilter | null | undefined): Promise<DataFlow[]> {
  const filter = normaliseFilter(rawFilter);
  await assertKnownKeys(em, filterChecks(filter, 'filter'));
  return (await runFlowStatement(em, { filter })).map(toDataFlow);
}

/** One person's whole verdict, in flow order, in one statement: the flows that carry their data, and the others with the reason. */
export async function profileVerdict(em: EntityManager, question: ProfileFlows): Promise<{ flows: DataFlow[]; excluded: ExcludedFlow[] }> {
  const rows = await runFlowStatement(em, { filter: question.filter, profile: question.profile });
  const flows: DataFlow[] = [];
  const excluded: ExcludedFlow[] = [];
  for (const row of rows) {
    if (row.reason) excluded.push({ flow: toDataFlow(row), reason: row.reason as ExclusionReason });
    else flows.push(toDataFlow(row));
  }
  return { flows, excluded };
}

/** The names of the graph's nodes, loaded in one batch per kind; a node whose entity is gone keeps its key. */
async function nameNodes(loaders: Loaders, nodes: FlowGraph['nodes']): Promise<FlowGraph['nodes']> {
  const loadersByKind: Record<GraphNodeKind, DataLoader<string, { name?: unknown } | null>> = {
    CATEGORY: loaders.byKey(DataCategory, ['name']),
    ACTIVITY: loaders.byKey(ProcessingActivity, ['name']),
    PROCESSOR: loaders.byKey(Processor, ['name']),
    COUNTRY: loaders.byKey(Country, ['name']),
  };
  return Promise.all(
    nodes.map(async (node) => ({ ...node, label: String((await loadersByKind[node.kind].load(node.key))?.name ?? node.key) })),
  );
}

/** The flows matching the filter as a graph, with its Mermaid and DOT drawings. */
export async function dataMapGraph(em: EntityManager, loaders: Loaders, rawFilter: DataFlowFilter | null | undefined): Promise<DataMapGraph> {
  const filter = normaliseFilter(rawFilter);
  await assertKnownKeys(em, filterChecks(filter, 'filter'));
  const flows = (await runFlowStatement(em, { filter })).map(toDataFlow);
  const graph = flowGraph(flows);
  const nodes = await nameNodes(loaders, graph.nodes);
  return {
    nodes,
    edges: graph.edges.map(({ from, to, label, safeguarded }) => ({ from, to, label: label ?? null, safeguarded })),
    mermaid: toMermaid(nodes, graph.edges),
    dot: toDot(nodes, graph.edges),
  };
}
