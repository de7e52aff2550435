import type { LegalBasis } from '../processing-activity/legal-basis';
import type { TransferMechanism } from '../processor/transfer-mechanism';
import type { AdequacyScope } from '../country/country.entity';

/**
 * The SQL behind every flow question: one statement joins the map, whatever its size.
 *
 * A flow is (category, activity, processor, destination) where
 *  - the activity uses the category (the flow carries the activity's category, as the activity declares it),
 *  - the processor serves the activity, is ACTIVE, and is declared for that category or for a broader one
 *    (`contact` covers `contact.email`; key prefixes mirror the parent links, see `parentKeyOf`),
 *  - the destination is one of the processor's locations, or its headquarters when it records none, so that a
 *    processor with an incomplete record still shows where the data goes.
 * A processor declared only for a narrower category than the activity uses (`contact.email` for an activity on
 * `contact`) does not count: the map does not say which part of the broader data the activity hands over.
 *
 * Flow order is (activity, category, processor, destination): it follows the primary key of the activity's
 * category table, so a page past a cursor is read from that index in order and stops after `limit` rows.
 */

export interface FlowQueryFilter {
  categories?: string[] | null;
  processors?: string[] | null;
  purposes?: string[] | null;
  legalBases?: LegalBasis[] | null;
  destinations?: string[] | null;
  thirdCountryOnly?: boolean | null;
}

/** Where a flow sits in flow order; a cursor encodes it. */
export type FlowPosition = [activity: string, category: string, processor: string, destination: string];

export interface FlowQuery {
  filter?: FlowQueryFilter | null;
  /** Only flows after this position. */
  after?: FlowPosition | null;
  limit?: number;
  /** Adds, per flow, the collection points that feed its activity (for the profile rules). */
  withCollection?: boolean;
}

/** A row as the flow statement returns it (column aliases are camelCase). */
export interface FlowRow {
  categoryKey: string;
  activityKey: string;
  purposeKey: string;
  legalBasis: LegalBasis;
  requiredConsentKey: string | null;
  retentionKey: string | null;
  processorKey: string;
  destinationCode: string;
  mechanism: TransferMechanism | null;
  reference: string | null;
  dpfCertification: string | null;
  dpfReviewDue: string | null;
  inEEA: boolean;
  adequacy: AdequacyScope;
  adequacyNote: string | null;
  /** The processor is in its sub-processor notice period (announced, not yet in effect), by the database's clock. */
  pending: boolean;
  /** Only with `withCollection`: the collection points that feed the activity, in key order. */
  collectionPointKeys?: string[];
}

export interface Statement {
  sql: string;
  params: unknown[];
}

const DESTINATION = 'coalesce(l.country_code, p.headquarters_code)';

/** `covered` is `covering` itself or one of its descendants. */
const covers = (covering: string, covered: string) => `(${covered} = ${covering} or ${covered} like ${covering} || '.%')`;

// The activity's collection points; which of them collect the flow's category is a rule (`collectionOf`).
const COLLECTION_COLUMNS = `,
      array(
        select acp.collection_point_key from processing_activity_collection_points acp
        where acp.processing_activity_key = a.key order by 1
      ) as "collectionPointKeys"`;

/** The columns of a flow, besides its category (`ac.data_category_key`). */
function flowColumns(withCollection: boolean): string {
  return `a.key as "activityKey", a.purpose_key as "purposeKey", a.legal_basis as "legalBasis",
    a.required_consent_key as "requiredConsentKey", a.retention_key as "retentionKey",
    p.key as "processorKey", ${DESTINATION} as "destinationCode", l.mechanism, l.reference,
    l.dpf_certification as "dpfCertification", l.dpf_review_due as "dpfReviewDue",
    c.in_eea as "inEEA", c.adequacy, c.adequacy_note as "adequacyNote",
    coalesce(p.effective_from > now(), false) as "pending"${withCollection ? COLLECTION_COLUMNS : ''}`;
}

/** From an (activity, category) row `ac` to its ACTIVE processors declared for the category, at each destination. */
const FLOW_JOINS = `processing_activity a
  join processing_activity_processors ap on ap.processing_activity_key = a.key
  join processor p on p.key = ap.processor_key and p.status = 'ACTIVE'
  left join processing_location l on l.processor_key = p.key
  join country c on c.code = ${DESTINATION}`;

function flowConditions(conditions: string[]): string {
  return [
    'a.key = ac.processing_activity_key',
    `exists (select 1 from processor_data_categories pd where pd.processor_key = p.key and ${covers('pd.data_category_key', 'ac.data_category_key')})`,
    ...conditions,
  ].join('\n  and ');
}

const ORDER = 'ac.processing_activity_key, ac.data_category_key, f."processorKey", f."destinationCode"';

/** Conditions for the filter; `?` placeholders, with an array parameter spread into `array[?]`. */
function filterConditions(filter: FlowQueryFilter | null | undefined, params: unknown[]): { rows: string[]; flows: string[] } {
  const conditions = { rows: [] as string[], flows: [] as string[] };
  const keyIn = (column: string, keys: string[]) => {
    params.push(keys);
    conditions.flows.push(`${column} = any(array[?]::text[])`);
  };
  // A key matches itself and its descendants, whose keys extend it after a dot.
  const keyUnder = (target: string[], column: string, keys: string[]) => {
    params.push(keys.flatMap((key) => [key, `${key}.%`]));
    target.push(`${column} like any(array[?]::text[])`);
  };
  if (!filter) return conditions;
  if (filter.categories) keyUnder(conditions.rows, 'data_category_key', filter.categories);
  if (filter.purposes) keyUnder(conditions.flows, 'a.purpose_key', filter.purposes);
  if (filter.processors) keyIn('p.key', filter.processors);
  if (filter.legalBases) keyIn('a.legal_basis::text', filter.legalBases);
  if (filter.destinations) keyIn(DESTINATION, filter.destinations);
  if (filter.thirdCountryOnly) conditions.flows.push('not c.in_eea');
  return conditions;
}

/**
 * One statement that answers a flow question: a page of flows, or all of them.
 *
 * For a page, the (activity, category) rows are read in index order from the cursor on, and the flows of each
 * row are joined to it one row at a time (`offset 0` keeps PostgreSQL from flattening the subqueries into one
 * hash join of the whole map); the limit then stops the scan after one page, so a page costs the same at the
 * start of the map and at its end. Without a limit, the planner is free to join the whole map at once.
 */
export function flowStatement({ filter, after, limit, withCollection = false }: FlowQuery): Statement {
  const params: unknown[] = [];
  const conditions = filterConditions(filter, params);
  if (limit === undefined) {
    // The whole answer: one join, in whatever order the planner likes best, sorted at the end.
    const sql = `select ac.data_category_key as "categoryKey", ${flowColumns(withCollection)}
from (select * from processing_activity_data_categories${where(conditions.rows)}) ac, ${FLOW_JOINS}
where ${flowConditions(conditions.flows)}
order by "activityKey", "categoryKey", "processorKey", "destinationCode"`;
    return { sql, params };
  }
  if (after) {
    params.push(after[0], after[1]);
    conditions.rows.push('(processing_activity_key, data_category_key) >= (?, ?)');
  }
  let sql = `select ac.data_category_key as "categoryKey", f.*
from (select * from processing_activity_data_categories${where(conditions.rows)} order by processing_activity_key, data_category_key offset 0) ac
cross join lateral (
  select ${flowColumns(withCollection)}
  from ${FLOW_JOINS}
  where ${flowConditions(conditions.flows)}
  offset 0
) f`;
  if (after) {
    params.push(...after);
    sql += `\nwhere (${ORDER}) > (?, ?, ?, ?)`;
  }
  params.push(limit);
  sql += `\norder by ${ORDER}\nlimit ?`;
  return { sql, params };
}

/** How many flows match the filter, in one statement. */
export function flowCountStatement(filter: FlowQueryFilter | null | undefined): Statement {
  const params: unknown[] = [];
  const conditions = filterConditions(filter, params);
  const sql = `select count(*)::int as "count"
from (select * from processing_activity_data_categories${where(conditions.rows)}) ac, ${FLOW_JOINS}
where ${flowConditions(conditions.flows)}`;
  return { sql, params };
}

const where = (conditions: string[]) => (conditions.length > 0 ? ` where ${conditions.join(' and ')}` : '');

/** What the profile rules need of every collection point: whether it is automatic, and what it collects. */
export interface CollectionPointRow {
  key: string;
  automatic: boolean;
  categories: string[];
}

export const COLLECTION_POINTS_SQL = `select cp.key, cp.automatic,
  coalesce(array_agg(cc.data_category_key order by cc.data_category_key) filter (where cc.data_category_key is not null), '{}') as categories
from collection_point cp left join collection_point_categories cc on cc.collection_point_key = cp.key
group by cp.key order by cp.key`;
