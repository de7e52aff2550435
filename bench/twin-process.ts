/**
 * The hand-written twins of the read-path benchmark: bare `node:http`, one `pg` statement per request that builds
 * the whole answer as JSON in PostgreSQL (`json_agg`), and `JSON.stringify`. They answer the same data as the
 * GraphQL scenarios, as fast as a person writing SQL for each screen could; `/bare` answers fixed bytes, the
 * twin of the age gate. Paths: /a /b /c /d /udf /bare.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';

const LOCATIONS = `(select coalesce(json_agg(json_build_object('mechanism', l.mechanism, 'country', json_build_object('code', c.code, 'name', c.name))
    order by l.country_code collate "C"), '[]') from processing_location l join country c on c.code = l.country_code where l.processor_key = p.key)`;
const CATEGORIES = `(select coalesce(json_agg(json_build_object('key', d.key, 'name', d.name) order by d.key collate "C"), '[]')
    from processing_activity_data_categories ad join data_category d on d.key = ad.data_category_key where ad.processing_activity_key = a.key)`;

/** (a) and (b): processors, their locations and countries, their activities and the activities' categories. */
const PROCESSORS = `select coalesce(json_agg(x order by x.key), '[]') as nodes from (
  select p.key, p.name, ${LOCATIONS} as locations,
    (select coalesce(json_agg(json_build_object('key', a.key, 'name', a.name, 'dataCategories', ${CATEGORIES}) order by a.key collate "C"), '[]')
      from processing_activity_processors ap join processing_activity a on a.key = ap.processing_activity_key where ap.processor_key = p.key) as activities
  from processor p order by p.key limit $1) x`;

/** (c): activities, their processors with locations and countries, and their categories. */
const ACTIVITIES = `select coalesce(json_agg(x order by x.key), '[]') as nodes from (
  select a.key, a.name,
    (select coalesce(json_agg(json_build_object('key', p.key, 'name', p.name, 'locations', ${LOCATIONS}) order by p.key collate "C"), '[]')
      from processing_activity_processors ap join processor p on p.key = ap.processor_key where ap.processing_activity_key = a.key) as processors,
    ${CATEGORIES} as "dataCategories"
  from processing_activity a order by a.key limit $1) x`;

/**
 * The routes from the processor `p` at its location `l` down its chain of ACTIVE sub-processors (at most 5 deep),
 * each hop at one of its locations: the service's flows follow them, so the twin does too. `route` orders them as
 * the service does; `earlier_safe` is whether every hop before the last rests on the EEA or a mechanism.
 */
const ROUTES = `with recursive hop as (
    select p.key as pkey, p.name as pname, coalesce(l.country_code, p.headquarters_code) as dest, l.mechanism, p.key as route,
      true as earlier_safe, 1 as depth
    union all
    select s.key, s.name, coalesce(sl.country_code, s.headquarters_code), sl.mechanism, h.route || ':' || h.dest || '>' || s.key,
      h.earlier_safe and (hc.in_eea or h.mechanism is not null), h.depth + 1
    from hop h join processor s on s.engaged_by_key = h.pkey and s.status = 'ACTIVE'
      left join processing_location sl on sl.processor_key = s.key join country hc on hc.code = h.dest
    where h.depth < 5)
  select * from hop`;

/**
 * (d) and userDataFlow: a page of flows in flow order, joined per (activity, category) row so that the limit
 * stops the scan, with every related object built in SQL. `$2`/`$3` judge the rows for a person.
 */
function flowPage(judged: boolean): string {
  const reason = `case when not exists (select 1 from processing_activity_collection_points acp
      join collection_point cp on cp.key = acp.collection_point_key
      join collection_point_categories cc on cc.collection_point_key = cp.key
      where acp.processing_activity_key = x.processing_activity_key and (cp.automatic or cp.key = any($2::text[]))
        and (x.data_category_key = cc.data_category_key or x.data_category_key like cc.data_category_key || '.%')) then 'NOT_COLLECTED'
    when xa.legal_basis = 'CONSENT' and (xa.required_consent_key is null or xa.required_consent_key <> all($3::text[])) then 'CONSENT_NOT_GIVEN' end`;
  const rows = judged
    ? `(select * from (select x.processing_activity_key, x.data_category_key, ${reason} as reason from processing_activity_data_categories x
        join processing_activity xa on xa.key = x.processing_activity_key where x.data_category_key like any($4::text[])
        order by 1, 2 offset 0) r where r.reason is null offset 0)`
    : `(select x.processing_activity_key, x.data_category_key from processing_activity_data_categories x order by 1, 2 offset 0)`;
  return `select coalesce(json_agg(json_build_object(
    'activity', json_build_object('key', f.akey, 'name', f.aname), 'category', json_build_object('key', d.key, 'name', d.name),
    'purpose', json_build_object('key', f.purpose_key), 'legalBasis', f.legal_basis, 'processor', json_build_object('key', f.pkey, 'name', f.pname),
    'destination', json_build_object('code', f.dest, 'inEEA', f.in_eea), 'thirdCountry', not f.in_eea, 'mechanism', f.mechanism,
    'safeguarded', f.earlier_safe and (f.in_eea or f.mechanism is not null), 'retention', case when f.retention_key is null then null else json_build_object('key', f.retention_key) end)
    order by f.akey, d.key, f.route, f.dest), '[]') as nodes
  from (select ac.data_category_key as ckey, g.* from ${rows} ac cross join lateral (
    select a.key as akey, a.name as aname, a.purpose_key, a.legal_basis, a.retention_key, r.pkey, r.pname, r.route,
      r.dest, r.mechanism, c.in_eea, r.earlier_safe
    from processing_activity a join processing_activity_processors ap on ap.processing_activity_key = a.key
    join processor p on p.key = ap.processor_key and p.status = 'ACTIVE' left join processing_location l on l.processor_key = p.key
    cross join lateral (${ROUTES}) r
    join country c on c.code = r.dest
    where a.key = ac.processing_activity_key and exists (select 1 from processor_data_categories pd where pd.processor_key = p.key
      and (ac.data_category_key = pd.data_category_key or ac.data_category_key like pd.data_category_key || '.%')) offset 0) g
    order by ac.processing_activity_key, ac.data_category_key, g.route, g.dest limit $1) f
  join data_category d on d.key = f.ckey`;
}

async function main() {
  const pool = new Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 16 });
  const bare = process.env.BARE_ANSWER ?? '{}';
  const profile = JSON.parse(process.env.TWIN_PROFILE ?? '{"collectionPoints":[],"consents":[],"categories":[]}');
  const routes: Record<string, () => Promise<unknown>> = {
    '/a': async () => ({ data: { processors: { nodes: (await pool.query(PROCESSORS, [100])).rows[0].nodes } } }),
    '/b': async () => ({ data: { processors: { nodes: (await pool.query(PROCESSORS, [1000])).rows[0].nodes } } }),
    '/c': async () => ({ data: { processingActivities: { nodes: (await pool.query(ACTIVITIES, [100])).rows[0].nodes } } }),
    '/d': async () => ({ data: { dataFlows: { nodes: (await pool.query(flowPage(false), [100])).rows[0].nodes } } }),
    '/udf': async () => {
      const under = profile.categories.flatMap((key: string) => [key, `${key}.%`]);
      const { rows } = await pool.query(flowPage(true), [100, profile.collectionPoints, profile.consents, under]);
      return { data: { userDataFlow: { flows: { nodes: rows[0].nodes } } } };
    },
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      if (req.url === '/bare') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(bare) });
        res.end(bare);
        return;
      }
      const route = routes[req.url ?? ''];
      try {
        const body = JSON.stringify(await route());
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    });
  });
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', (message: string) => {
    if (message === 'stop') {
      server.closeAllConnections();
      server.close();
      void pool.end().then(() => process.exit(0));
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
