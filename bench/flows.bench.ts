/**
 * The data-flow benchmark: a synthetic map of the default size 2,000 processors, 500 categories four levels
 * deep and 20,000 activities, then dataFlows (first page, filtered, the whole map walked), userDataFlow and
 * dataMapGraph over HTTP, and the same flow question as one hand-written SQL query through `pg`.
 */
import { Client } from 'pg';
import { Role } from '../src/auth/viewer';
import { ensureCountries } from '../src/country/country.reference';
import { LegalBasis } from '../src/processing-activity/legal-basis';
import { ProcessorStatus } from '../src/processor/processor.entity';
import { TransferMechanism } from '../src/processor/transfer-mechanism';
import {
  bulkInsert,
  load,
  medianMs,
  peakRssMb,
  statementsOf,
  type BenchContext,
  type BenchDatabase,
  type BenchRow,
  type BenchSuite,
  type GraphQLRequest,
  type SuiteFlags,
} from './lib';

/** A small deterministic PRNG (mulberry32), so every run builds the same map. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const sample = <T>(items: readonly T[], count: number): T[] => {
    const chosen = new Set<T>();
    while (chosen.size < Math.min(count, items.length)) chosen.add(pick(items));
    return [...chosen];
  };
  return { next, pick, sample };
}

const pad = (n: number) => String(n).padStart(5, '0');

/**
 * Category keys of a tree `depth` levels deep with `total` nodes: a few roots, each level four times wider
 * than the one above, and the deepest level taking what remains. Keys extend their parent's key.
 */
function categoryTree(total: number, depth: number): { key: string; parent: string | null; level: number }[] {
  const roots = Math.max(1, Math.round(total / (1 + 4 + 16 + 64) / 1.25));
  const nodes: { key: string; parent: string | null; level: number }[] = [];
  let level = Array.from({ length: Math.min(roots, total) }, (_, i) => ({ key: `c${i}`, parent: null as string | null, level: 1 }));
  nodes.push(...level);
  for (let depthReached = 2; depthReached <= depth && nodes.length < total; depthReached++) {
    const wanted = depthReached === depth ? total - nodes.length : Math.min(level.length * 4, total - nodes.length);
    const next = Array.from({ length: wanted }, (_, i) => {
      const parent = level[i % level.length];
      return { key: `${parent.key}.c${Math.floor(i / level.length)}`, parent: parent.key, level: depthReached };
    });
    nodes.push(...next);
    level = next;
  }
  return nodes;
}

// Destinations and the mechanisms recorded for them; a few transfers lack a valid safeguard on purpose.
const LOCATIONS: { country: string; mechanism: TransferMechanism | null; reference: string | null }[] = [
  { country: 'DE', mechanism: null, reference: null },
  { country: 'IE', mechanism: null, reference: null },
  { country: 'FR', mechanism: null, reference: null },
  { country: 'US', mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 2' },
  { country: 'US', mechanism: TransferMechanism.ADEQUACY_DECISION, reference: 'EU-US Data Privacy Framework' },
  { country: 'US', mechanism: TransferMechanism.ADEQUACY_DECISION, reference: null },
  { country: 'CH', mechanism: TransferMechanism.ADEQUACY_DECISION, reference: null },
  { country: 'IN', mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 2' },
  { country: 'IN', mechanism: null, reference: null },
];

const LEGAL_BASES = [LegalBasis.CONTRACT, LegalBasis.CONTRACT, LegalBasis.LEGITIMATE_INTERESTS, LegalBasis.LEGAL_OBLIGATION, LegalBasis.CONSENT];
const CONSENTS = ['marketing-email', 'performance-cookies', 'functional-cookies', 'marketing-cookies'];

export async function generateMap(database: BenchDatabase, flags: SuiteFlags, log: (message: string) => void) {
  const rng = random(20261129);
  await ensureCountries(database.db.orm.em.fork());

  const categories = categoryTree(flags.categories, flags.depth);
  await bulkInsert(
    database,
    'data_category',
    categories.map((c) => ({ key: c.key, name: `Category ${c.key}`, parent_key: c.parent, examples: JSON.stringify([]) })),
  );
  const broad = categories.filter((c) => c.level <= 2).map((c) => c.key);
  const roots = categories.filter((c) => c.level === 1).map((c) => c.key);
  const narrow = categories.filter((c) => c.level >= 2).map((c) => c.key);

  const purposes = ['service', 'communication', 'improvement', 'security', 'legal'].flatMap((root) => [
    { key: root, name: root, parent_key: null },
    ...[1, 2, 3].map((n) => ({ key: `${root}.p${n}`, name: `${root} ${n}`, parent_key: root })),
  ]);
  await bulkInsert(database, 'purpose', purposes);
  const leafPurposes = purposes.filter((p) => p.parent_key).map((p) => p.key);

  await bulkInsert(database, 'consent', CONSENTS.map((key) => ({ key, name: key })));
  const retention = ['r1', 'r2', 'r3', 'r4', 'r5'];
  await bulkInsert(database, 'retention_rule', retention.map((key, i) => ({ key, name: key, duration: `P${i + 1}Y`, starts_at: 'COLLECTION', reason: 'benchmark' })));

  const points = Array.from({ length: 20 }, (_, i) => ({ key: `point-${i}`, name: `Collection point ${i}`, automatic: i === 0 }));
  await bulkInsert(database, 'collection_point', points);
  await bulkInsert(
    database,
    'collection_point_categories',
    points.flatMap((point) => rng.sample(broad, 4).map((category) => ({ collection_point_key: point.key, data_category_key: category }))),
  );

  const processors = Array.from({ length: flags.processors }, (_, i) => `processor-${pad(i)}`);
  const statuses = [...Array(8).fill(ProcessorStatus.ACTIVE), ProcessorStatus.PROPOSED, ProcessorStatus.RETIRED];
  await bulkInsert(
    database,
    'processor',
    processors.map((key) => ({ key, name: `Processor ${key}`, service: 'Service', headquarters_code: rng.pick(['US', 'DE', 'IE', 'IN']), status: rng.pick(statuses) })),
  );
  await bulkInsert(
    database,
    'processing_location',
    processors.flatMap((key) => {
      const chosen = rng.sample(LOCATIONS, rng.next() < 0.5 ? 1 : 2);
      const byCountry = new Map(chosen.map((location) => [location.country, location]));
      return [...byCountry.values()].map((l) => ({ processor_key: key, country_code: l.country, mechanism: l.mechanism, reference: l.reference }));
    }),
  );
  await bulkInsert(
    database,
    'processor_data_categories',
    processors.flatMap((key) =>
      [...new Set([...rng.sample(roots, 2), ...rng.sample(broad, 2)])].map((category) => ({ processor_key: key, data_category_key: category })),
    ),
  );

  const activities = Array.from({ length: flags.activities }, (_, i) => {
    const legalBasis = rng.pick(LEGAL_BASES);
    return {
      key: `activity-${pad(i)}`,
      name: `Activity ${i}`,
      purpose_key: rng.pick(leafPurposes),
      legal_basis: legalBasis,
      required_consent_key: legalBasis === LegalBasis.CONSENT ? rng.pick(CONSENTS) : null,
      retention_key: rng.next() < 0.9 ? rng.pick(retention) : null,
    };
  });
  await bulkInsert(database, 'processing_activity', activities);
  const activityRows = (build: (key: string) => Record<string, unknown>[]) => activities.flatMap((a) => build(a.key));
  await bulkInsert(
    database,
    'processing_activity_data_categories',
    activityRows((key) => rng.sample(narrow, 3).map((category) => ({ processing_activity_key: key, data_category_key: category }))),
  );
  await bulkInsert(
    database,
    'processing_activity_processors',
    activityRows((key) => rng.sample(processors, 2).map((processor) => ({ processing_activity_key: key, processor_key: processor }))),
  );
  await bulkInsert(
    database,
    'processing_activity_collection_points',
    activityRows((key) => rng.sample(points, 2).map((point) => ({ processing_activity_key: key, collection_point_key: point.key }))),
  );
  // Fresh statistics and visibility maps, as a database that has lived a while would have.
  await database.db.orm.em.getConnection().execute('vacuum analyze');
  log(`generated ${categories.length} categories, ${processors.length} processors, ${activities.length} activities`);
  return { roots, processors, points: points.map((p) => p.key) };
}

/** The flow question, hand-written: every flow of the map with its transfer facts, in one statement. */
const RAW_FLOWS_SQL = `
select ac.processing_activity_key, ac.data_category_key, a.purpose_key, a.legal_basis, a.retention_key,
       p.key, coalesce(l.country_code, p.headquarters_code) as destination, l.mechanism, l.reference, c.in_eea, c.adequacy
from processing_activity_data_categories ac
join processing_activity a on a.key = ac.processing_activity_key
join processing_activity_processors ap on ap.processing_activity_key = ac.processing_activity_key
join processor p on p.key = ap.processor_key and p.status = 'ACTIVE'
left join processing_location l on l.processor_key = p.key
join country c on c.code = coalesce(l.country_code, p.headquarters_code)
where exists (select 1 from processor_data_categories pd where pd.processor_key = p.key
              and (ac.data_category_key = pd.data_category_key or ac.data_category_key like pd.data_category_key || '.%'))`;

const FLOW_SELECTION = `activity { key name } category { key name } purpose { key } legalBasis processor { key name }
  destination { code inEEA } thirdCountry mechanism safeguarded retention { key }`;

const DATA_FLOWS = `query($filter: DataFlowFilter, $first: Int, $after: String) {
  dataFlows(filter: $filter, first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${FLOW_SELECTION} } }
}`;

interface FlowPageData {
  dataFlows: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: unknown[] };
}

export const flowsBench: BenchSuite = {
  name: 'flows',
  description: 'dataFlows, userDataFlow and dataMapGraph on a synthetic map',
  roles: [Role.VIEWER],
  flags: {
    processors: { default: 2000, help: 'processors in the synthetic map (80% ACTIVE)' },
    categories: { default: 500, help: 'data categories, in one tree' },
    depth: { default: 4, help: 'levels of the category tree' },
    activities: { default: 20000, help: 'processing activities (3 categories, 2 processors each)' },
    'page-size': { default: 1000, help: 'page size of the full-map walk' },
  },

  async prepare(database, flags, log) {
    const started = performance.now();
    await generateMap(database, flags, log);
    const [{ flows }] = await database.db.orm.em.getConnection().execute<{ flows: number }[]>(`select count(*)::int as flows from (${RAW_FLOWS_SQL}) f`);
    return { flows, generateSeconds: Math.round((performance.now() - started) / 100) / 10 };
  },

  async run({ database, server, load: loadOptions, flags, log }: BenchContext) {
    const rows: BenchRow[] = [];
    const row = (scenario: string, values: Omit<BenchRow, 'suite' | 'scenario' | 'peakRssMb'>) =>
      rows.push({ suite: 'flows', scenario, ...values, peakRssMb: peakRssMb() });

    const measure = async (scenario: string, requests: GraphQLRequest[], heavy = false) => {
      for (const request of requests) await server.gql(request);
      const statements = await statementsOf(server, requests[0]);
      log(`load: ${scenario}`);
      const count = heavy ? Math.max(loadOptions.connections, Math.round(loadOptions.requests / 4)) : loadOptions.requests;
      const result = await load(server, requests, { ...loadOptions, requests: count });
      row(scenario, { ...result, statementsPerRequest: statements });
    };

    const roots = (await server.gql<{ dataCategories: { nodes: { key: string }[] } }>({
      query: '{ dataCategories(rootsOnly: true, first: 1000) { nodes { key } } }',
    })).dataCategories.nodes.map((node) => node.key);

    await measure('dataFlows first page (100)', [{ query: DATA_FLOWS, variables: { first: 100 } }]);
    await measure('dataFlows filtered (1 root category, third countries, 100)', [
      { query: DATA_FLOWS, variables: { first: 100, filter: { categories: [roots[0]], thirdCountryOnly: true } } },
    ]);

    // The whole map, page after page, by one client: the figure to compare with the raw SQL lower bound.
    log('walking every page of dataFlows');
    const pages: GraphQLRequest[] = [];
    let walkedFlows = 0;
    let after: string | null = null;
    const walkStarted = performance.now();
    for (;;) {
      const request: GraphQLRequest = { query: DATA_FLOWS, variables: { first: flags['page-size'], after } };
      pages.push(request);
      const page: FlowPageData = await server.gql<FlowPageData>(request);
      walkedFlows += page.dataFlows.nodes.length;
      if (!page.dataFlows.pageInfo.hasNextPage) break;
      after = page.dataFlows.pageInfo.endCursor;
    }
    const walkMs = performance.now() - walkStarted;
    const statementsPerPage = await statementsOf(server, pages[Math.floor(pages.length / 2)]);
    row(`dataFlows full walk (${pages.length} pages of ${flags['page-size']})`, {
      requests: pages.length,
      p50Ms: null,
      p99Ms: null,
      requestsPerSecond: null,
      statementsPerRequest: statementsPerPage,
      note: `${walkedFlows} flows in ${(walkMs / 1000).toFixed(2)} s, one client`,
    });

    const client = new Client({ connectionString: database.url });
    await client.connect();
    let rawRows = 0;
    const rawMs = await medianMs(3, async () => {
      rawRows = (await client.query(RAW_FLOWS_SQL)).rowCount ?? 0;
    });
    await client.end();
    row('raw SQL: every flow in one query (pg)', {
      requests: 3,
      p50Ms: rawMs,
      p99Ms: null,
      requestsPerSecond: null,
      statementsPerRequest: 1,
      note: `${rawRows} rows; full walk / raw = ${(walkMs / rawMs).toFixed(2)}x`,
    });

    const profile = { country: 'DE', collectionPoints: ['point-1', 'point-2', 'point-3'], consents: ['marketing-email', 'performance-cookies'] };
    await measure(
      'userDataFlow, first pages of 100 (3 collection points, 2 consents, 1 level-2 category)',
      [
        {
          query: `query($profile: SubjectProfileInput!, $filter: DataFlowFilter) { userDataFlow(profile: $profile, filter: $filter) {
            processors { key } flows(first: 100) { nodes { ${FLOW_SELECTION} } }
            excluded(first: 100) { nodes { reason flow { activity { key } processor { key } } } } } }`,
          variables: { profile, filter: { categories: [`${roots[0]}.c0`] } },
        },
      ],
      true,
    );
    // Twenty processors spread over the registry (ACTIVE or not: the others simply draw nothing).
    const graphCount = Math.min(20, flags.processors);
    const graphProcessors = Array.from({ length: graphCount }, (_, i) => `processor-${pad(Math.floor((i * flags.processors) / graphCount))}`);
    await measure(`dataMapGraph (${graphCount} processors)`, [
      {
        query: `query($filter: DataFlowFilter) { dataMapGraph(filter: $filter) { nodes { id label } edges { from to label } mermaid dot } }`,
        variables: { filter: { processors: graphProcessors } },
      },
    ], true);

    return {
      rows,
      facts: { walkedFlows, walkMs: Math.round(walkMs), rawSqlMs: Math.round(rawMs), walkToRawRatio: Number((walkMs / rawMs).toFixed(2)) },
    };
  },
};
