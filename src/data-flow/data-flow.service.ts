import type { EntityManager } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import { badInput, ValidationFailed, type ValidationProblem } from '../common/errors';
import { decodeCursor, encodeCursor, pageSize } from '../common/connection';
import { Country } from '../country/country.entity';
import { DataCategory } from '../data-category/data-category.entity';
import type { Loaders } from '../db/loaders';
import { ProcessingActivity } from '../processing-activity/processing-activity.entity';
import { Processor } from '../processor/processor.entity';
import {
  collectionOf,
  flowGraph,
  type FlowGraph,
  judgeFlows,
  positionFromString,
  positionOf,
  positionToString,
  toDataFlow,
  type ProfileVerdict,
} from './data-flow.rules';
import {
  COLLECTION_POINTS_SQL,
  flowCountStatement,
  flowStatement,
  type CollectionPointRow,
  type FlowPosition,
  type FlowQuery,
  type FlowRow,
  type Statement,
} from './data-flow.sql';
import type { DataFlow, DataFlowConnection, DataFlowFilter, DataMapGraph, SubjectProfileInput } from './data-flow.types';
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

function decodePosition(after: string | null | undefined): FlowPosition | null {
  const text = decodeCursor<string>(after, 'string');
  if (text === null) return null;
  const position = positionFromString(text);
  if (!position) throw badInput(`after "${after}" is not a cursor this list issued`, { field: 'after', value: after });
  return position;
}

/** A page of flows in flow order, past an optional cursor: one statement (after the key check, when filtered). */
export async function pageOfFlows(
  em: EntityManager,
  rawFilter: DataFlowFilter | null | undefined,
  page: { first?: number | null; after?: string | null },
): Promise<DataFlowConnection> {
  const size = pageSize(page.first);
  const after = decodePosition(page.after);
  const filter = normaliseFilter(rawFilter);
  await assertKnownKeys(em, filterChecks(filter, 'filter'));
  const rows = await runFlowStatement(em, { filter, after, limit: size + 1 });
  const nodes = rows.slice(0, size).map(toDataFlow);
  const last = nodes[nodes.length - 1];
  return {
    nodes,
    filter,
    pageInfo: { hasNextPage: rows.length > size, endCursor: last ? encodeCursor(positionToString(positionOf(last))) : null },
  };
}

export async function countFlows(em: EntityManager, filter: DataFlowFilter | null): Promise<number> {
  const { sql, params } = flowCountStatement(filter);
  const [{ count }] = await em.getConnection().execute<{ count: number }[]>(sql, params);
  return count;
}

/** The part of a country input that names the country: "CA" of the subdivision "CA-QC". */
const COUNTRY_INPUT = /^([A-Za-z]{2})(?:-[A-Za-z0-9]{1,3})?$/;

export interface ProfileFlows extends ProfileVerdict<DataFlow> {
  countryCode: string;
}

/** Which flows carry one person's data, and why the others do not. The profile is input only: nothing is stored. */
export async function flowsForProfile(
  em: EntityManager,
  profile: SubjectProfileInput,
  rawFilter?: DataFlowFilter | null,
): Promise<ProfileFlows> {
  const country = COUNTRY_INPUT.exec(profile.country.trim());
  if (!country) {
    throw badInput(
      `profile.country: "${profile.country}" is not an ISO 3166-1 alpha-2 code such as "DE", or a subdivision such as "CA-QC"`,
      { field: 'profile.country', value: profile.country },
    );
  }
  const countryCode = country[1].toUpperCase();
  const filter = normaliseFilter(rawFilter);
  await assertKnownKeys(em, [
    { kind: 'country', field: 'profile.country', keys: [countryCode], single: true },
    { kind: 'collectionPoint', field: 'profile.collectionPoints', keys: profile.collectionPoints },
    { kind: 'consent', field: 'profile.consents', keys: profile.consents },
    ...filterChecks(filter, 'filter'),
  ]);
  const rows = await runFlowStatement(em, { filter, withCollection: true });
  const points = await em.getConnection().execute<CollectionPointRow[]>(COLLECTION_POINTS_SQL);
  const pointsByKey = new Map(points.map((point) => [point.key, point]));
  const verdict = judgeFlows(
    rows.map((row) => ({
      flow: toDataFlow(row),
      collection: {
        legalBasis: row.legalBasis,
        requiredConsentKey: row.requiredConsentKey,
        pending: row.pending,
        ...collectionOf(row.categoryKey, row.collectionPointKeys ?? [], pointsByKey),
      },
    })),
    profile,
  );
  return { ...verdict, countryCode };
}

/** The names of the graph's nodes, loaded in one batch per kind; a node whose entity is gone keeps its key. */
async function nameNodes(loaders: Loaders, nodes: FlowGraph['nodes']): Promise<FlowGraph['nodes']> {
  const loadersByKind: Record<GraphNodeKind, DataLoader<string, { name: string } | null>> = {
    CATEGORY: loaders.byKey(DataCategory),
    ACTIVITY: loaders.byKey(ProcessingActivity),
    PROCESSOR: loaders.byKey(Processor),
    COUNTRY: loaders.byKey(Country),
  };
  return Promise.all(
    nodes.map(async (node) => ({ ...node, label: (await loadersByKind[node.kind].load(node.key))?.name ?? node.key })),
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
