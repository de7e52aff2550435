/**
 * The synthetic map the benchmarks (and the big-map browser test) run on: by default 2,000 processors, 500
 * categories four levels deep and 20,000 activities, and chains of sub-processors below about a fifth of the
 * ACTIVE processors (`insertChains`). Deterministic: every run builds the same
 * map. Written with multi-row INSERTs outside the ORM, on an empty database.
 */
import type { Database } from '../src/db/database';
import { ensureCountries } from '../src/country/country.reference';
import { LegalBasis } from '../src/processing-activity/legal-basis';
import { ProcessorStatus } from '../src/processor/processor.entity';
import { TransferMechanism } from '../src/processor/transfer-mechanism';

/** The sizes of a synthetic map, as command-line flags of the suites that build one, with their defaults. */
export const MAP_SIZE_FLAGS = {
  processors: { default: 2000, help: 'processors in the synthetic map (80% ACTIVE)' },
  categories: { default: 500, help: 'data categories, in one tree' },
  depth: { default: 4, help: 'levels of the category tree' },
  activities: { default: 20000, help: 'processing activities (3 categories, 2 processors each)' },
};

export type MapSize = Record<keyof typeof MAP_SIZE_FLAGS, number>;

/** Inserts rows with multi-row INSERT statements, `batchSize` rows at a time, outside the ORM's unit of work. */
export async function bulkInsert(database: { db: Database }, table: string, rows: Record<string, unknown>[], batchSize = 1000): Promise<void> {
  const knex = database.db.orm.em.getKnex();
  for (let start = 0; start < rows.length; start += batchSize) {
    await knex.insert(rows.slice(start, start + batchSize)).into(table);
  }
}

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

export const pad = (n: number) => String(n).padStart(5, '0');

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

export async function generateMap(database: { db: Database }, size: Partial<MapSize>, log: (message: string) => void = () => {}) {
  const flags: MapSize = {
    processors: size.processors ?? MAP_SIZE_FLAGS.processors.default,
    categories: size.categories ?? MAP_SIZE_FLAGS.categories.default,
    depth: size.depth ?? MAP_SIZE_FLAGS.depth.default,
    activities: size.activities ?? MAP_SIZE_FLAGS.activities.default,
  };
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
  const processorRows = processors.map((key) => ({ key, name: `Processor ${key}`, service: 'Service', headquarters_code: rng.pick(['US', 'DE', 'IE', 'IN']), status: rng.pick(statuses) }));
  await bulkInsert(database, 'processor', processorRows);
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

  const subprocessors = await insertChains(database, processorRows.filter((p) => p.status === ProcessorStatus.ACTIVE).map((p) => p.key));

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
  log(`generated ${categories.length} categories, ${processors.length} processors (and ${subprocessors} sub-processors), ${activities.length} activities`);
  return { roots, processors, points: points.map((p) => p.key) };
}

/** Where sub-processors process: third countries, each hop processor to processor (SCC module 3). */
const SUBPROCESSOR_COUNTRIES = ['US', 'IN', 'US', 'CA'];
/** A chain is at most this many recipients deep: the organisation's processor and two levels of sub-processors. */
const CHAIN_DEPTH = 3;

/**
 * Chains of sub-processors (Art. 28(2),(4)): about 20% of the ACTIVE processors engage 1 to 3 sub-processors, and
 * about a fifth of those sub-processors engage 1 to 3 of their own, so a chain is at most CHAIN_DEPTH deep. Each
 * sub-processor is ACTIVE, with one location under SCC module 3 and no activities or categories of its own. A PRNG
 * of its own keeps the rest of the map what it was before chains. Returns how many sub-processors it made.
 */
async function insertChains(database: { db: Database }, activeProcessors: readonly string[]): Promise<number> {
  const rng = random(20261218);
  const rows: { key: string; name: string; service: string; headquarters_code: string; status: ProcessorStatus; engaged_by_key: string }[] = [];
  const engage = (engager: string, depth: number, share: number) => {
    if (depth > CHAIN_DEPTH || rng.next() >= share) return;
    const count = 1 + Math.floor(rng.next() * 3);
    for (let i = 0; i < count; i++) {
      const key = `sub-${pad(rows.length)}`;
      rows.push({ key, name: `Sub-processor ${key}`, service: 'Hosting', headquarters_code: rng.pick(SUBPROCESSOR_COUNTRIES), status: ProcessorStatus.ACTIVE, engaged_by_key: engager });
      engage(key, depth + 1, 0.2);
    }
  };
  for (const processor of activeProcessors) engage(processor, 2, 0.2);
  await bulkInsert(database, 'processor', rows);
  await bulkInsert(
    database,
    'processing_location',
    rows.map((row) => ({
      processor_key: row.key,
      country_code: row.headquarters_code,
      mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES,
      reference: 'SCC 2021/914 module 3',
    })),
  );
  return rows.length;
}

