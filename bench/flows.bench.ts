/**
 * The data-flow benchmark: a synthetic map of the default size 2,000 processors, 500 categories four levels
 * deep and 20,000 activities, then dataFlows (first page, filtered, the whole map walked), userDataFlow and
 * dataMapGraph over HTTP, and the same flow question as one hand-written SQL query through `pg`.
 */
import { Client } from 'pg';
import { Role } from '../src/auth/viewer';
import {
  load,
  medianMs,
  peakRssMb,
  statementsOf,
  type BenchContext,
  type BenchRow,
  type BenchSuite,
  type GraphQLRequest,
} from './lib';
import { generateMap, MAP_SIZE_FLAGS, pad } from './synthetic-map';

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
    ...MAP_SIZE_FLAGS,
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
    // The same page judged under the UK GDPR: the regime's facts are one more statement, laid over the same rows.
    await measure('dataFlows first page (100), UK_GDPR', [{ query: DATA_FLOWS, variables: { first: 100, filter: { regime: 'UK_GDPR' } } }]);
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

    // A person in DE (EU GDPR, as the flow statement reads it) and the same person in GB (UK GDPR, its facts laid over the rows).
    for (const [country, label] of [['DE', ''], ['GB', ', GB (UK_GDPR)']]) {
      const profile = { country, collectionPoints: ['point-1', 'point-2', 'point-3'], consents: ['marketing-email', 'performance-cookies'] };
      await measure(
        `userDataFlow, first pages of 100 (3 collection points, 2 consents, 1 level-2 category)${label}`,
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
    }
    // Ten processors spread over the registry (ACTIVE or not: the others simply draw nothing): about 420 edges, which
    // Mermaid still draws (twenty made 840, past its 500).
    const graphCount = Math.min(10, flags.processors);
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
