import type { EntityManager } from '@mikro-orm/postgresql';
import { readTogether } from '../db/read-together';
import { readRows } from '../db/rows';
import type { ProcessorStatus } from '../processor/processor.entity';
import type { EvidenceRecord, MapView, MapProcessor } from './evidence.rules';
import type { VendorEntry } from './vendor-catalogue';

/** A stored evidence row, as plain data. */
export interface EvidenceRow {
  repository: string;
  commit: string | null;
  receivedAt: Date;
  submittedBy: string;
  itemsReceived: number;
  items: EvidenceRecord[];
  vendors: VendorEntry[];
}

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** The latest evidence of every repository, or of one: one statement. */
export async function selectEvidence(em: EntityManager, repository?: string): Promise<EvidenceRow[]> {
  const rows = await readRows<EvidenceRow & { items: unknown; vendors: unknown }>(
    em,
    `select "repository", "commit", "received_at" as "receivedAt", "submitted_by" as "submittedBy", "items_received" as "itemsReceived",
       "items", "vendors"
     from "evidence" ${repository === undefined ? '' : 'where "repository" = ?'} order by "repository" collate "C"`,
    repository === undefined ? [] : [repository],
  );
  return rows.map((row) => ({ ...row, receivedAt: new Date(row.receivedAt), items: json(row.items), vendors: json(row.vendors) }));
}

/** The catalogue entries registered through the API, in key order: one statement. */
export async function selectRegisteredVendors(em: EntityManager): Promise<VendorEntry[]> {
  const rows = await readRows<Omit<VendorEntry, 'origin'> & Record<'packages' | 'hosts' | 'aliases', unknown>>(
    em,
    `select "key", "name", "service", "processor", "packages", "hosts", "aliases", "source" from "vendor" order by "key" collate "C"`,
  );
  return rows.map((row) => ({
    ...row,
    packages: json(row.packages),
    hosts: json(row.hosts),
    aliases: json(row.aliases),
    origin: 'REGISTERED' as const,
  }));
}

/** What the judgment needs of the map: every processor with its status, engager and categories, and the category keys. Two statements. */
export async function selectMapView(em: EntityManager): Promise<MapView> {
  const [processors, categories] = await readTogether(em, [
    () => readRows<{ key: string; name: string; status: ProcessorStatus; engagedBy: string | null; dataCategories: string[] | string }>(
      em,
      `select p."key", p."name", p."status", p."engaged_by_key" as "engagedBy",
         coalesce(array_agg(c."data_category_key" order by c."data_category_key" collate "C") filter (where c."data_category_key" is not null), '{}') as "dataCategories"
       from "processor" p left join "processor_data_categories" c on c."processor_key" = p."key"
       group by p."key" order by p."key" collate "C"`,
    ),
    () => readRows<{ key: string }>(em, `select "key" from "data_category"`),
  ]);
  return {
    processors: new Map(
      processors.map((p): [string, MapProcessor] => [
        p.key,
        { key: p.key, name: p.name, status: p.status, engagedBy: p.engagedBy, dataCategories: Array.isArray(p.dataCategories) ? p.dataCategories : parseTextArray(p.dataCategories) },
      ]),
    ),
    categories: new Set(categories.map((c) => c.key)),
  };
}

/** A PostgreSQL text[] as a driver that does not parse arrays returns it: `{a,b}`. Keys never need quoting. */
function parseTextArray(value: string): string[] {
  const inner = value.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',').map((item) => item.replace(/^"|"$/g, '')) : [];
}
