import type { LegalBasis } from '../processing-activity/legal-basis';
import type { TransferMechanism } from '../processor/transfer-mechanism';
import type { AdequacyScope } from '../country/country.entity';
import type { Regime } from '../country/regime';
import type { TiaOutcome } from '../processor/tia-outcome';
import { textArray } from '../db/rows';
import type { TiaFacts } from '../processor/transfer-rules';
import { MAX_CHAIN_DEPTH, type RecipientRole } from '../processor/recipient-role';
import type { RelatedColumn } from './flow-relations';

/**
 * The SQL behind every flow question: one statement joins the map, whatever its size.
 *
 * A flow is (category, activity, route, destination) where
 *  - the activity uses the category, and the recipient it engages directly serves the activity, is ACTIVE, and is
 *    declared for that category or a broader one (the flow carries the activity's category), or for narrower ones
 *    (each flow carries the recipient's narrower category: `usage.website` of an activity on `usage`); key prefixes
 *    mirror the parent links, see `parentKeyOf`,
 *  - the route starts at that recipient, at one of its locations (or its headquarters when it records none), and
 *    follows its chain of ACTIVE sub-processors, each at one of its locations (Art. 28(2),(4)): every hop is a
 *    transfer of its own, judged with its own parties. A sub-processor receives what its engager receives. The
 *    destination is where the data finally is. A retired engager takes its whole chain out of every flow.
 * The chains are expanded by a recursive query per recipient (`ROUTES`), bounded by MAX_CHAIN_DEPTH, so a
 * statement stays one statement however deep the chains are.
 *
 * Flow order is (activity, category, route, destination), and the flow's own category when it is narrower: it
 * follows the primary key of the activity's category table, so a page past a cursor is read from that index in
 * order and stops after `limit` rows. A route of one hop is the recipient's key, so such a flow's position is what
 * it was before chains.
 */

export interface FlowQueryFilter {
  categories?: string[] | null;
  processors?: string[] | null;
  activities?: string[] | null;
  purposes?: string[] | null;
  legalBases?: LegalBasis[] | null;
  destinations?: string[] | null;
  thirdCountryOnly?: boolean | null;
  /**
   * Where `thirdCountryOnly` is measured from: the territory of the regime the flows are judged under ("EEA", or the
   * codes of the countries where its law applies), or, for a person under none, their country. The EEA when absent.
   */
  territory?: 'EEA' | readonly string[] | null;
}

/**
 * Where a flow sits in flow order; a cursor encodes it. `category` is the activity's category the flow starts
 * from, `route` the recipients it passes (see `ROUTES`), `carried` the flow's own category when it is narrower.
 */
export type FlowPosition =
  | [activity: string, category: string, route: string, destination: string]
  | [activity: string, category: string, route: string, destination: string, carried: string];

/** One person's collection points and consents, for judging flows in SQL (see `exclusionFor`, the same rule). */
export interface ProfileRule {
  collectionPoints: readonly string[];
  consents: readonly string[];
  /** The bases whose activities need a parent's consent the person does not have (`basesNeedingParentalConsent`). */
  basesNeedingParentalConsent: readonly LegalBasis[];
}

/** Which judged flows to read: those that carry the person's data, or those excluded (for the given reasons). */
export type Verdict = { included: true } | { included: false; reasons?: readonly ExclusionReasonName[] | null };

export type ExclusionReasonName = 'NOT_COLLECTED' | 'CONSENT_NOT_GIVEN' | 'BELOW_DIGITAL_CONSENT_AGE' | 'SUBPROCESSOR_NOTICE_PERIOD';

export interface FlowQuery {
  filter?: FlowQueryFilter | null;
  /** Only flows after this position. */
  after?: FlowPosition | null;
  /** Only flows before this position. */
  before?: FlowPosition | null;
  /** Read from the end (for `last`): rows come in reverse flow order. */
  backward?: boolean;
  limit?: number;
  /** Judges each flow for this person: rows carry `reason`, and `verdict` picks which to read. */
  profile?: ProfileRule | null;
  verdict?: Verdict;
  /** A page's related rows, read after its limit (see `relatedColumns`); their SQL names a flow's key as `f."activityKey"`. */
  related?: readonly RelatedColumn[];
}

/** Where an ACTIVE processor processes data, with what the transfer judgment needs (see `toDataFlow`). */
export interface LocationRow {
  processorKey: string;
  destinationCode: string;
  /** The recipient's role, and its engager's (null when the organisation engaged it): the parties of the hop. */
  role?: RecipientRole;
  engagerRole?: RecipientRole | null;
  mechanism: TransferMechanism | null;
  reference: string | null;
  dpfCertification: string | null;
  dpfReviewDue: string | null;
  inEEA: boolean;
  adequacy: AdequacyScope;
  adequacyNote: string | null;
  /**
   * The latest transfer impact assessment of this destination under the EU GDPR (`EU_TIA`), as the driver gives
   * JSON (parsed, or its text); null when none is recorded. Other regimes read theirs with their facts.
   */
  tia?: TiaFacts | string | null;
}

/** A hop before the last one of a flow's route, as the flow statement gives it (see `ROUTES`). */
export interface EarlierHopRow extends Omit<LocationRow, 'processorKey' | 'destinationCode'> {
  from: string | null;
  to: string;
  destination: string;
}

/** A row as the flow statement returns it (column aliases are camelCase); its location columns are the last hop's. */
export interface FlowRow extends LocationRow {
  /** The category the flow carries: the activity's, or the recipient's narrower one. */
  categoryKey: string;
  /** The activity's category the flow starts from. */
  sourceCategoryKey?: string;
  /** The recipients the data passes, with where each one before the last holds it: `aws:US>aws-india`. */
  route?: string;
  /** The engager of the last recipient; null when the organisation engaged it. */
  engagerKey?: string | null;
  /** The hops before the last one, in order; null for a route of one hop. */
  earlier?: EarlierHopRow[] | string | null;
  activityKey: string;
  purposeKey: string;
  legalBasis: LegalBasis;
  requiredConsentKey: string | null;
  retentionKey: string | null;
  /** The processor, or this location of it, is in its notice period (announced, not yet in effect), by the database's clock. */
  pending: boolean;
  /** When the later of the two notices ends; null when neither has one. */
  effectiveFrom: Date | string | null;
  /** Only with a profile: why the flow does not carry the person's data, or null when it does. */
  reason?: ExclusionReasonName | null;
}

export interface Statement {
  sql: string;
  params: unknown[];
}


const DESTINATION = 'coalesce(l.country_code, p.headquarters_code)';

/** `covered` is `covering` itself or one of its descendants. */
const covers = (covering: string, covered: string) => `(${covered} = ${covering} or ${covered} like ${covering} || '.%')`;

/**
 * The processor `p`, or its location `l`, is in its notice period (announced, not yet in effect), by the database's
 * clock: a new recipient, or a new country of a current one. Along a chain, the latest notice of any hop counts.
 */
const EFFECTIVE_FROM = 'greatest(p.effective_from, l.effective_from)';
const PENDING = `coalesce(r.effective_from > now(), false)`;

/** What the judgment of a hop needs of its destination and safeguard, as JSON (an earlier hop of a route). */
const HOP_JSON = `jsonb_build_object('from', h.engager, 'to', h.processor, 'destination', h.destination, 'role', h.role,
      'engagerRole', h.engager_role, 'mechanism', h.mechanism, 'reference', h.reference,
      'dpfCertification', h.dpf_certification, 'dpfReviewDue', h.dpf_review_due,
      'inEEA', h.in_eea, 'adequacy', h.adequacy, 'adequacyNote', h.adequacy_note, 'tia', h.tia)`;

/**
 * The latest EU transfer impact assessment of a recipient's destination, as JSON (`TiaFacts`), or null: one probe
 * of its index per hop, so that a suspended transfer is unsafeguarded in flows as in findings and the record.
 */
const EU_TIA = (processor: string, country: string) => `(select jsonb_build_object('reference', t.reference, 'assessedAt', t.assessed_at, 'outcome', t.outcome)
      from transfer_impact_assessment t
      where t.processor_key = ${processor} and t.country_code = ${country} and t.regime = 'EU_GDPR'
      order by t.assessed_at desc, t.id desc limit 1)`;

/**
 * Every route from the recipient `p` at its location `l`, as the recursive CTE `name`: the first hop, then each
 * ACTIVE sub-processor at each of its locations, recursively, at most MAX_CHAIN_DEPTH hops (validation refuses
 * cycles and deeper chains; the bound keeps a bad row from looping). Columns describe the last hop; `first` is the
 * recipient the route starts from, `earlier` holds the hops before the last, `members` and `countries` every
 * recipient and country the route reaches; `in_eea`, `adequacy` and `adequacy_note` are the destination's, read
 * with each hop by its key (see `FLOW_COUNTRY`). `anchor` says where `p` and `l` come from: nothing (they are the
 * outer row's, in a lateral), or every ACTIVE recipient at each of its locations.
 */
const routesCte = (name: string, anchor: string) => `${name} as (
    select p.key as first, p.key as processor, ${DESTINATION} as destination, p.role, null::text as engager, null::recipient_role as engager_role,
      l.mechanism, l.reference, l.dpf_certification, l.dpf_review_due, ${EFFECTIVE_FROM} as effective_from,
      p.key as route, null::jsonb as earlier, array[p.key] as members, array[${DESTINATION}] as countries, 1 as depth,
      ${EU_TIA('p.key', DESTINATION)} as tia, dc.in_eea, dc.adequacy, dc.adequacy_note
    ${anchor}
    union all
    select h.first, s.key, coalesce(sl.country_code, s.headquarters_code), s.role, h.processor, h.role,
      sl.mechanism, sl.reference, sl.dpf_certification, sl.dpf_review_due, greatest(h.effective_from, s.effective_from, sl.effective_from),
      h.route || ':' || h.destination || '>' || s.key, coalesce(h.earlier, '[]'::jsonb) || jsonb_build_array(${HOP_JSON}),
      h.members || s.key, h.countries || coalesce(sl.country_code, s.headquarters_code), h.depth + 1,
      ${EU_TIA('s.key', 'coalesce(sl.country_code, s.headquarters_code)')}, sc.in_eea, sc.adequacy, sc.adequacy_note
    from ${name} h
      join processor s on s.engaged_by_key = h.processor and s.status = 'ACTIVE'
      left join processing_location sl on sl.processor_key = s.key
      cross join lateral (select * from country where code = coalesce(sl.country_code, s.headquarters_code)) sc
    where h.depth < ${MAX_CHAIN_DEPTH}
  )`;

/** The routes of one recipient at one location, in a lateral: a page of flows expands only the rows it reads. */
const ROUTES = `with recursive ${routesCte('hop', `from country dc where dc.code = ${DESTINATION}`)}
  select * from hop`;

/**
 * The routes of every ACTIVE recipient at once, as the CTE `routes`: statements over the whole map expand each
 * chain once and join it by hash, where a lateral expansion per (activity, category) row would repeat it for every
 * row (the summary of the bench's 105,267 flows: 5.5 s against 4.2 s).
 */
const ROUTE_TABLE = routesCte(
  'routes',
  `from processor p
      left join processing_location l on l.processor_key = p.key
      join country dc on dc.code = ${DESTINATION}
    where p.status = 'ACTIVE'`,
);

/**
 * The destination of a route `r` as the country `c` the flow conditions and columns name: its facts travel with the
 * route, where joining the country table to each route cost a hash of all 249 countries per row of a page.
 */
const FLOW_COUNTRY = 'cross join lateral (select r.destination as code, r.in_eea, r.adequacy, r.adequacy_note) c';

/** A statement over the whole map, with the `routes` it joins (`flowsOf`) declared first. */
function withRoutes(sql: string): string {
  return sql.startsWith('with ') ? `with recursive ${ROUTE_TABLE},\n${sql.slice('with '.length)}` : `with recursive ${ROUTE_TABLE}\n${sql}`;
}

/**
 * The (activity, category) rows of `source` (aliased `ac` inside), each with every ACTIVE recipient the activity
 * engages (`processor_key`) and the category the flow to it carries (`category`): the row's own, when the recipient
 * is declared for it or a broader one; otherwise each narrower category the recipient is declared for. Every other
 * column of `source` (a person's `reason`) passes through. The recipients' declarations are joined to the rows and
 * picked by a window, not probed per row: over the whole bench map, 0.4 s against 1.3 s.
 */
const carriedRows = (source: string) => `select y.*, case when y.covering then y.data_category_key else y.declared end as category
  from (
    select x.*, bool_or(x.covering) over (partition by x.processing_activity_key, x.data_category_key, x.processor_key) as any_covering,
      row_number() over (partition by x.processing_activity_key, x.data_category_key, x.processor_key, x.covering order by x.declared) as nth
    from (
      select ac.*, p.key as processor_key, pd.data_category_key as declared, ${covers('pd.data_category_key', 'ac.data_category_key')} as covering
      from ${source} ac
        join processing_activity_processors ap on ap.processing_activity_key = ac.processing_activity_key
        join processor p on p.key = ap.processor_key and p.status = 'ACTIVE'
        join processor_data_categories pd on pd.processor_key = p.key
      where ${covers('pd.data_category_key', 'ac.data_category_key')} or pd.data_category_key like ac.data_category_key || '.%'
    ) x
  ) y
  -- One flow of the row's own category when any declaration covers it; else one per narrower declaration.
  where (y.covering and y.nth = 1) or not y.any_covering`;

/** The columns of a flow. */
const FLOW_COLUMNS = `fc.category as "categoryKey", fc.data_category_key as "sourceCategoryKey",
    a.key as "activityKey", a.purpose_key as "purposeKey", a.legal_basis as "legalBasis",
    a.required_consent_key as "requiredConsentKey", a.retention_key as "retentionKey",
    r.processor as "processorKey", r.destination as "destinationCode", r.mechanism, r.reference,
    r.dpf_certification as "dpfCertification", r.dpf_review_due as "dpfReviewDue",
    c.in_eea as "inEEA", c.adequacy, c.adequacy_note as "adequacyNote",
    r.role, r.engager as "engagerKey", r.engager_role as "engagerRole", r.route, r.earlier, r.tia,
    ${PENDING} as "pending", r.effective_from as "effectiveFrom"`;

/**
 * The flows of the (activity, category) row `ac` of a page, one row at a time: its recipients and the categories
 * they carry (`fc`), and every route from each of their destinations, expanded here (`ROUTES`).
 */
const PAGE_ROW_FLOWS = `(${carriedRows('(select ac.processing_activity_key, ac.data_category_key)')}) fc
  join processing_activity a on a.key = fc.processing_activity_key
  join processor p on p.key = fc.processor_key
  left join processing_location l on l.processor_key = p.key
  cross join lateral (${ROUTES}) r
  ${FLOW_COUNTRY}`;

/** The flows of the rows `source` (a subquery), over the `routes` of a statement `withRoutes`. */
const flowsOf = (source: string) => `(${carriedRows(source)}) fc
  join processing_activity a on a.key = fc.processing_activity_key
  join processor p on p.key = fc.processor_key
  join routes r on r.first = p.key
  ${FLOW_COUNTRY}`;

function flowConditions(conditions: string[]): string {
  return conditions.length > 0 ? conditions.join('\n  and ') : 'true';
}

/**
 * Why an (activity, category) row `x` of activity `xa` does not reach the person: the rule of `exclusionFor`, in
 * SQL. Data that no collection point the person went through (nor an automatic one) collects for the activity
 * is NOT_COLLECTED; data collected for an activity on CONSENT the person did not grant is CONSENT_NOT_GIVEN; data
 * of a child for an activity whose basis needs a parent's consent they lack is BELOW_DIGITAL_CONSENT_AGE.
 * Three parameters: the person's collection points, their consents, and the bases needing a parent's consent.
 */
const REASON = `case
    when not exists (
      select 1 from processing_activity_collection_points acp
      join collection_point cp on cp.key = acp.collection_point_key
      join collection_point_categories cc on cc.collection_point_key = cp.key
      where acp.processing_activity_key = x.processing_activity_key
        and (cp.automatic or cp.key = any(?::text[]))
        and ${covers('cc.data_category_key', 'x.data_category_key')})
    then 'NOT_COLLECTED'
    when xa.legal_basis = 'CONSENT' and (xa.required_consent_key is null or xa.required_consent_key <> all(?::text[]))
    then 'CONSENT_NOT_GIVEN'
    when xa.legal_basis::text = any(?::text[])
    then 'BELOW_DIGITAL_CONSENT_AGE'
  end`;

/**
 * Why a flow does not reach the person, in the order of `exclusionFor`: the reason of its (activity, category)
 * row first (`row`: the flow's `fc`, or a page's `ac`); a flow that would apply but whose processor is still in its
 * notice period (`pending`, an SQL boolean) is SUBPROCESSOR_NOTICE_PERIOD.
 */
const flowReason = (pending: string, row = 'fc') => `coalesce(${row}.reason, case when ${pending} then 'SUBPROCESSOR_NOTICE_PERIOD' end)`;

/** SQL text with its parameters, in the order they appear. */
class Part {
  readonly conditions: string[] = [];
  readonly params: unknown[] = [];
  add(condition: string, ...params: unknown[]): void {
    this.conditions.push(condition);
    this.params.push(...params);
  }
}

/** The destination `c` is outside the territory (see `FlowQueryFilter.territory`). */
function outsideTerritory(part: Part, territory: FlowQueryFilter['territory']): void {
  if (!territory || territory === 'EEA') part.add('not c.in_eea');
  else part.add('c.code <> all(?::text[])', textArray(territory));
}

/** Conditions for the filter: those on the (activity, category) rows, and those on the flows. */
function filterParts(filter: FlowQueryFilter | null | undefined): { rows: Part; flows: Part } {
  const rows = new Part();
  const flows = new Part();
  if (!filter) return { rows, flows };
  // A key matches itself and its descendants, whose keys extend it after a dot.
  const under = (keys: string[]) => textArray(keys.flatMap((key) => [key, `${key}.%`]));
  if (filter.categories) {
    // A row on a broader category reaches a filtered one through a recipient declared for the narrower one.
    const ancestors = filter.categories.flatMap((key) => key.split('.').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('.')));
    rows.add('(x.data_category_key like any(?::text[]) or x.data_category_key = any(?::text[]))', under(filter.categories), textArray(ancestors));
    flows.add('fc.category like any(?::text[])', under(filter.categories));
  }
  if (filter.activities) rows.add('x.processing_activity_key = any(?::text[])', textArray(filter.activities));
  if (filter.purposes) flows.add('a.purpose_key like any(?::text[])', under(filter.purposes));
  // A processor matches every flow that passes it, along a chain too.
  if (filter.processors) flows.add('r.members && ?::text[]', textArray(filter.processors));
  if (filter.legalBases) flows.add('a.legal_basis::text = any(?::text[])', textArray(filter.legalBases));
  if (filter.destinations) flows.add('r.destination = any(?::text[])', textArray(filter.destinations));
  if (filter.thirdCountryOnly) outsideTerritory(flows, filter.territory);
  return { rows, flows };
}

/**
 * The (activity, category) rows `ac` that flows start from, with the person's exclusion reason when judged.
 * The reason depends on the activity and the category only, so it is computed once per row, not per flow.
 */
function activityCategoryRows(rows: Part, profile: ProfileRule | null | undefined, ordered: string | null): Statement {
  const judged = profile ? `, ${REASON} as reason` : '';
  const params = profile
    ? [textArray(profile.collectionPoints), textArray(profile.consents), textArray(profile.basesNeedingParentalConsent), ...rows.params]
    : rows.params;
  const where = rows.conditions.length > 0 ? ` where ${rows.conditions.join(' and ')}` : '';
  const join = profile ? ' join processing_activity xa on xa.key = x.processing_activity_key' : '';
  const order = ordered ? ` order by ${ordered} offset 0` : '';
  return { sql: `(select x.processing_activity_key, x.data_category_key${judged} from processing_activity_data_categories x${join}${where}${order})`, params };
}

/**
 * Every (activity, category) row of the map judged for one person, processors or not, as a subquery with columns
 * `processing_activity_key`, `data_category_key` and `reason` (null when the activity has the person's data): what a
 * rights request's scope starts from.
 */
export function judgedActivityCategories(profile: ProfileRule): Statement {
  return activityCategoryRows(new Part(), profile, null);
}

/** `reason` is the flow's reason (see `flowReason`). */
function verdictCondition(verdict: Verdict | undefined, part: Part, reason: string): void {
  if (!verdict) return;
  if (verdict.included) part.add(`${reason} is null`);
  else if (verdict.reasons) part.add(`${reason} = any(?::text[])`, textArray(verdict.reasons));
  else part.add(`${reason} is not null`);
}

/**
 * One statement that answers a flow question: a page of flows, or all of them.
 *
 * For a page, the (activity, category) rows are read in index order from the cursor on, and the flows of each
 * row are joined to it one row at a time (`offset 0` keeps PostgreSQL from flattening the subqueries into one
 * hash join of the whole map); the limit then stops the scan after one page, so a page costs the same at the
 * start of the map and at its end. Without a limit, the planner is free to join the whole map at once.
 */
export function flowStatement({ filter, after, before, backward = false, limit, profile, verdict, related = [] }: FlowQuery): Statement {
  const { rows, flows } = filterParts(filter);
  if (limit === undefined) {
    // The whole answer: one join, in whatever order the planner likes best, sorted at the end.
    const judged = profile ? `, ${flowReason(PENDING)} as reason` : '';
    const source = activityCategoryRows(rows, profile, null);
    const outer = new Part();
    verdictCondition(verdict, outer, flowReason(PENDING));
    const sql = withRoutes(`select ${FLOW_COLUMNS}${judged}
from ${flowsOf(source.sql)}
where ${flowConditions([...flows.conditions, ...outer.conditions])}
order by "activityKey", "sourceCategoryKey", route, "destinationCode", "categoryKey"`);
    return { sql, params: [...source.params, ...flows.params, ...outer.params] };
  }
  const direction = backward ? 'desc' : 'asc';
  if (after) rows.add('(x.processing_activity_key, x.data_category_key) >= (?, ?)', after[0], after[1]);
  if (before) rows.add('(x.processing_activity_key, x.data_category_key) <= (?, ?)', before[0], before[1]);
  const source = activityCategoryRows(rows, profile, `x.processing_activity_key ${direction}, x.data_category_key ${direction}`);
  const judged = profile ? `, ${flowReason('f."pending"', 'ac')} as reason` : '';
  const outer = new Part();
  verdictCondition(verdict, outer, flowReason('f."pending"', 'ac'));
  const position = 'ac.processing_activity_key, ac.data_category_key, f.route, f."destinationCode", f."categoryKey"';
  if (after) outer.add(`(${position}) > (?, ?, ?, ?, ?)`, ...fullPosition(after));
  if (before) outer.add(`(${position}) < (?, ?, ?, ?, ?)`, ...fullPosition(before));
  const order = position.split(', ').map((column) => `${column} ${direction}`).join(', ');
  // PostgreSQL runs these subqueries of the select list after the limit, once per row of the page.
  const relatedRows = related.map(({ column, sql }) => `, ${sql} as "${column}"`).join('');
  const sql = `select f.*${judged}${relatedRows}
from ${source.sql} ac
cross join lateral (
  select ${FLOW_COLUMNS}
  from ${PAGE_ROW_FLOWS}
  where ${flowConditions(flows.conditions)}
  offset 0
) f${outer.conditions.length > 0 ? `\nwhere ${outer.conditions.join(' and ')}` : ''}
order by ${order}
limit ?`;
  return { sql, params: [...source.params, ...flows.params, ...outer.params, limit] };
}

/** A position with the category the flow carries: the row's own when the position leaves it out. */
const fullPosition = (position: FlowPosition) => (position.length === 5 ? position : [...position, position[1]]);

/** How many flows match the filter (and, judged for a person, the verdict), in one statement. */
export function flowCountStatement(filter: FlowQueryFilter | null | undefined, profile?: ProfileRule | null, verdict?: Verdict): Statement {
  const { rows, flows } = filterParts(filter);
  const source = activityCategoryRows(rows, profile, null);
  const outer = new Part();
  verdictCondition(verdict, outer, flowReason(PENDING));
  const sql = withRoutes(`select count(*)::int as "count"
from ${flowsOf(source.sql)}
where ${flowConditions([...flows.conditions, ...outer.conditions])}`);
  return { sql, params: [...source.params, ...flows.params, ...outer.params] };
}

/** Per exclusion reason (null: the flows that apply), how many flows, and which processors, countries and categories. */
export interface VerdictSummaryRow {
  reason: ExclusionReasonName | null;
  count: number;
  processors: string[];
  countries: string[];
  categories: string[];
}

/**
 * The aggregates of one person's judged flows, in one statement: the processors and countries are every recipient
 * and country along each route, sub-processors included.
 */
export function verdictSummaryStatement(filter: FlowQueryFilter | null | undefined, profile: ProfileRule): Statement {
  const { rows, flows } = filterParts(filter);
  const source = activityCategoryRows(rows, profile, null);
  const along = (column: string, reason: string) =>
    `(select array_agg(distinct m order by m) from f, unnest(f.${column}) m where f.reason is not distinct from ${reason})`;
  const sql = withRoutes(`with f as materialized (
  select ${flowReason(PENDING)} as reason, fc.category, r.members, r.countries
  from ${flowsOf(source.sql)}
  where ${flowConditions(flows.conditions)}
)
select g.reason, g.count, ${along('members', 'g.reason')} as processors, ${along('countries', 'g.reason')} as countries, g.categories
from (select reason, count(*)::int as "count", array_agg(distinct category order by category) as categories from f group by 1) g`);
  return { sql, params: [...source.params, ...flows.params] };
}


/** Every destination of every ACTIVE processor (within the filter's processors and destinations), in one statement. */
export function locationStatement(filter: FlowQueryFilter | null | undefined): Statement {
  const part = new Part();
  if (filter?.processors) part.add('p.key = any(?::text[])', textArray(filter.processors));
  if (filter?.destinations) part.add(`${DESTINATION} = any(?::text[])`, textArray(filter.destinations));
  if (filter?.thirdCountryOnly) outsideTerritory(part, filter.territory);
  const sql = `select p.key as "processorKey", ${DESTINATION} as "destinationCode", l.mechanism, l.reference,
    l.dpf_certification as "dpfCertification", l.dpf_review_due as "dpfReviewDue",
    c.in_eea as "inEEA", c.adequacy, c.adequacy_note as "adequacyNote", p.role, e.role as "engagerRole",
    ${EU_TIA('p.key', DESTINATION)} as tia
from processor p
  left join processor e on e.key = p.engaged_by_key
  left join processing_location l on l.processor_key = p.key
  join country c on c.code = ${DESTINATION}
where ${["p.status = 'ACTIVE'", ...part.conditions].join(' and ')}`;
  return { sql, params: part.params };
}

/** Where each processor's destination falls in the summary, and whether its transfer is safeguarded. */
export interface JudgedLocations {
  processors: string[];
  destinations: string[];
  groups: string[];
  safeguarded: boolean[];
}

/** A summary node: its key, how many entities it stands for, the flows through it and how many are unsafeguarded. */
export interface SummaryNodeRow {
  key: string;
  members: number;
  flows: number;
  unsafeguarded: number;
}

export interface SummaryEdgeRow {
  from: string;
  to: string;
  flows: number;
  unsafeguarded: number;
}

/** The aggregates of the SUMMARY level, and the size of the FULL graph, from one statement. */
export interface SummaryRow {
  categories: SummaryNodeRow[];
  purposes: SummaryNodeRow[];
  groups: SummaryNodeRow[];
  countries: SummaryNodeRow[];
  categoryPurpose: SummaryEdgeRow[];
  purposeGroup: SummaryEdgeRow[];
  groupCountry: SummaryEdgeRow[];
  size: { categories: number; activities: number; processors: number; countries: number; edges: number; flows: number };
}

/** A key cut to its first `depth` levels (`c0.c1.c2` at 2 is `c0.c1`); `depth` is a parameter. */
const keyAtDepth = (column: string) => `array_to_string((string_to_array(${column}, '.'))[1:?::int], '.')`;

/**
 * The SUMMARY level in one statement. The flows within the filter are joined once (as the flow statement does)
 * and kept (`f`); each part of the summary aggregates them: categories cut to `categoryDepth` levels, purposes to
 * `purposeDepth`, processors by the group their destination falls in (`judged`, computed by the one transfer
 * judgment), the edges between them with their flows, and the size of the FULL graph. The judgments join the
 * flows counted per purpose and destination (`pd`, a few thousand rows), not each flow. Distinct counts are taken
 * over distinct rows (a hash), not with count(distinct), which sorts the flows once per count.
 */
export function summaryStatement(
  filter: FlowQueryFilter | null | undefined,
  judged: JudgedLocations,
  categoryDepth: number,
  purposeDepth: number,
): Statement {
  const { rows, flows } = filterParts(filter);
  const source = activityCategoryRows(rows, null, null);
  const json = (select: string) => `(select coalesce(json_agg(x), '[]'::json) from (${select}) x)`;
  // A node's members and flows: per (node, member) first, then per node.
  const nodes = (from: string, key: string, member: string, flowsOf: string, unsafeguardedOf: string) =>
    json(`select key, count(*)::int as members, sum(n)::int as flows, sum(u)::int as unsafeguarded
      from (select ${key} as key, ${member}, ${flowsOf} as n, ${unsafeguardedOf} as u from ${from} group by 1, 2) d
      group by key order by key`);
  const edges = (from: string, source: string, target: string, flowsOf: string, unsafeguardedOf: string) =>
    json(`select ${source} as "from", ${target} as "to", (${flowsOf})::int as flows, (${unsafeguardedOf})::int as unsafeguarded
      from ${from} group by 1, 2 order by 1, 2`);
  const distinct = (from: string, columns: string) => `(select count(*) from (select distinct ${columns} from ${from}) d)`;
  const judgedFlows = 'sum(n)';
  const unsafeguarded = 'coalesce(sum(n) filter (where not safeguarded), 0)';
  const sql = withRoutes(`with judged as (select * from unnest(?::text[], ?::text[], ?::text[], ?::boolean[]) as j(processor, destination, grp, safeguarded)),
f as materialized (
  select ${keyAtDepth('fc.category')} as cat, ${keyAtDepth('a.purpose_key')} as purpose,
    fc.category as category, a.key as activity, r.processor as processor, r.destination as destination,
    p.key as engaged, r.engager as engager
  from ${flowsOf(source.sql)}
  where ${flowConditions(flows.conditions)}
),
pd as materialized (
  select x.purpose, x.processor, x.destination, x.n, j.grp, j.safeguarded
  from (select purpose, processor, destination, count(*) as n from f group by 1, 2, 3) x
  join judged j using (processor, destination)
)
select ${nodes('f', 'cat', 'category', 'count(*)', '0')} as categories,
  ${nodes('f', 'purpose', 'activity', 'count(*)', '0')} as purposes,
  ${nodes('pd', 'grp', 'processor', judgedFlows, unsafeguarded)} as groups,
  ${nodes('pd', 'destination', 'processor', judgedFlows, unsafeguarded)} as countries,
  ${edges('f', 'cat', 'purpose', 'count(*)', '0')} as "categoryPurpose",
  ${edges('pd', 'purpose', 'grp', judgedFlows, unsafeguarded)} as "purposeGroup",
  ${edges('pd', 'grp', 'destination', judgedFlows, unsafeguarded)} as "groupCountry",
  json_build_object(
    'categories', ${distinct('f', 'category')}, 'activities', ${distinct('f', 'activity')},
    'processors', ${distinct('pd', 'processor')}, 'countries', ${distinct('pd', 'destination')},
    'edges', ${distinct('f', 'activity, category')} + ${distinct('f', 'activity, engaged')} + ${distinct('f where engager is not null', 'engager, processor')}
      + ${distinct('pd', 'processor, destination')},
    'flows', (select count(*) from f)) as size`);
  return {
    sql,
    params: [
      textArray(judged.processors), textArray(judged.destinations), textArray(judged.groups), textArray(judged.safeguarded),
      categoryDepth, purposeDepth,
      ...source.params, ...flows.params,
    ],
  };
}

/**
 * What a regime other than the EU GDPR says of the given destinations of processors, in one statement however many
 * flows name them: the location's safeguard under the regime (`location_safeguard`), the destination's adequacy on
 * the regime's list (`regime_adequacy`) and the latest transfer impact assessment under the regime. The flows are
 * read as for the EU GDPR and these facts laid over them (`judgeUnder`), so the flow statement stays the same for
 * every regime. A destination that is a processor's headquarters (it records no location) has no safeguard.
 */
export function regimeFactsStatement(regime: Regime, destinations: { processors: readonly string[]; countries: readonly string[] }): Statement {
  const sql = `select k.processor as "processorKey", k.country as "destinationCode",
    s.mechanism, s.reference, s.dpf_certification as "dpfCertification", s.dpf_review_due as "dpfReviewDue",
    ra.scope as "adequacy", ra.note as "adequacyNote", ra.since as "adequacySince",
    t.reference as "tiaReference", t.assessed_at as "tiaAssessedAt", t.outcome as "tiaOutcome"
from unnest(?::text[], ?::text[]) as k(processor, country)
  left join processing_location l on l.processor_key = k.processor and l.country_code = k.country
  left join location_safeguard s on s.location_id = l.id and s.regime = ?::regime
  left join regime_adequacy ra on ra.country_code = k.country and ra.regime = ?::regime
  left join lateral (
    select t.reference, t.assessed_at, t.outcome from transfer_impact_assessment t
    where t.processor_key = k.processor and t.country_code = k.country and t.regime = ?::regime
    order by t.assessed_at desc, t.id desc
    limit 1
  ) t on true`;
  return { sql, params: [textArray(destinations.processors), textArray(destinations.countries), regime, regime, regime] };
}

/**
 * One row of `regimeFactsStatement`: its `mechanism`, `reference` and DPF certification are the location's safeguard
 * under the regime, all null when it records none (or the processor has no location).
 */
export interface RegimeFacts
  extends Pick<LocationRow, 'processorKey' | 'destinationCode' | 'mechanism' | 'reference' | 'dpfCertification' | 'dpfReviewDue'> {
  /** The destination on the regime's adequacy list; null when the regime has not found it adequate. */
  adequacy: AdequacyScope | null;
  adequacyNote: string | null;
  /** YYYY-MM-DD from when the listing applies. */
  adequacySince: string | null;
  /** The latest transfer impact assessment of the location under the regime; all null when none is recorded. */
  tiaReference: string | null;
  tiaAssessedAt: string | null;
  tiaOutcome: TiaOutcome | null;
}
