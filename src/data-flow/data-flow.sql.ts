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
  /** Adds, per flow, the collection points that feed its activity with its category (for the profile rules). */
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
  inEEA: boolean;
  adequacy: AdequacyScope;
  adequacyNote: string | null;
  /** Only with `withCollection`: keys of the non-automatic collection points that collect the flow's data. */
  collectedAt?: string[];
  /** Only with `withCollection`: true when an automatic collection point collects it, for everyone. */
  collectedAutomatically?: boolean;
}

export interface Statement {
  sql: string;
  params: unknown[];
}

const DESTINATION = 'coalesce(l.country_code, p.headquarters_code)';

/** `covered` is `covering` itself or one of its descendants. */
const covers = (covering: string, covered: string) => `(${covered} = ${covering} or ${covered} like ${covering} || '.%')`;

const FROM = `
from processing_activity_data_categories ac
join processing_activity a on a.key = ac.processing_activity_key
join processing_activity_processors ap on ap.processing_activity_key = ac.processing_activity_key
join processor p on p.key = ap.processor_key and p.status = 'ACTIVE'
left join processing_location l on l.processor_key = p.key
join country c on c.code = ${DESTINATION}
where exists (
  select 1 from processor_data_categories pd
  where pd.processor_key = p.key and ${covers('pd.data_category_key', 'ac.data_category_key')}
)`;

const COLUMNS = `
  ac.data_category_key as "categoryKey", a.key as "activityKey", a.purpose_key as "purposeKey",
  a.legal_basis as "legalBasis", a.required_consent_key as "requiredConsentKey", a.retention_key as "retentionKey",
  p.key as "processorKey", ${DESTINATION} as "destinationCode", l.mechanism, l.reference,
  c.in_eea as "inEEA", c.adequacy, c.adequacy_note as "adequacyNote"`;

const COLLECTION_COLUMNS = `,
  array(
    select distinct cp.key from processing_activity_collection_points acp
    join collection_point cp on cp.key = acp.collection_point_key and not cp.automatic
    join collection_point_categories cc on cc.collection_point_key = cp.key
    where acp.processing_activity_key = a.key and ${covers('cc.data_category_key', 'ac.data_category_key')}
    order by cp.key
  ) as "collectedAt",
  exists (
    select 1 from processing_activity_collection_points acp
    join collection_point cp on cp.key = acp.collection_point_key and cp.automatic
    join collection_point_categories cc on cc.collection_point_key = cp.key
    where acp.processing_activity_key = a.key and ${covers('cc.data_category_key', 'ac.data_category_key')}
  ) as "collectedAutomatically"`;

const ORDER = `ac.processing_activity_key, ac.data_category_key, p.key, ${DESTINATION}`;

/** Conditions for the filter; `?` placeholders, with an array parameter spread into `array[?]`. */
function filterConditions(filter: FlowQueryFilter | null | undefined, params: unknown[]): string[] {
  const conditions: string[] = [];
  const keyIn = (column: string, keys: string[]) => {
    params.push(keys);
    conditions.push(`${column} = any(array[?]::text[])`);
  };
  // A key matches itself and its descendants, whose keys extend it after a dot.
  const keyUnder = (column: string, keys: string[]) => {
    params.push(keys.flatMap((key) => [key, `${key}.%`]));
    conditions.push(`${column} like any(array[?]::text[])`);
  };
  if (!filter) return conditions;
  if (filter.categories) keyUnder('ac.data_category_key', filter.categories);
  if (filter.purposes) keyUnder('a.purpose_key', filter.purposes);
  if (filter.processors) keyIn('p.key', filter.processors);
  if (filter.legalBases) keyIn('a.legal_basis::text', filter.legalBases);
  if (filter.destinations) keyIn(DESTINATION, filter.destinations);
  if (filter.thirdCountryOnly) conditions.push('not c.in_eea');
  return conditions;
}

/** One statement that answers a flow question: a page of flows, or all of them. */
export function flowStatement({ filter, after, limit, withCollection }: FlowQuery): Statement {
  const params: unknown[] = [];
  const conditions = filterConditions(filter, params);
  if (after) {
    params.push(...after);
    conditions.push(`(${ORDER}) > (?, ?, ?, ?)`);
  }
  let sql = `select ${COLUMNS}${withCollection ? COLLECTION_COLUMNS : ''}${FROM}`;
  sql += conditions.map((condition) => `\n  and ${condition}`).join('');
  sql += `\norder by ${ORDER}`;
  if (limit !== undefined) {
    params.push(limit);
    sql += '\nlimit ?';
  }
  return { sql, params };
}

/** How many flows match the filter, in one statement. */
export function flowCountStatement(filter: FlowQueryFilter | null | undefined): Statement {
  const params: unknown[] = [];
  const conditions = filterConditions(filter, params);
  const sql = `select count(*)::int as "count"${FROM}${conditions.map((condition) => `\n  and ${condition}`).join('')}`;
  return { sql, params };
}
