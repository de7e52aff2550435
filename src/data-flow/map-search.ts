import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../common/errors';
import { FILTER_FIELDS } from './data-flow.rules';
import type { MapSearchHit } from './data-flow.types';

/** What a search looks through, in the order its hits come when they match equally well. */
const SEARCHED = [
  { kind: 'CATEGORY', table: 'data_category', key: 'key', where: 'true' },
  { kind: 'PURPOSE', table: 'purpose', key: 'key', where: 'true' },
  { kind: 'ACTIVITY', table: 'processing_activity', key: 'key', where: 'true' },
  // The map draws ACTIVE processors only: another one would narrow it to nothing.
  { kind: 'PROCESSOR', table: 'processor', key: 'key', where: "status = 'ACTIVE'" },
  { kind: 'COUNTRY', table: 'country', key: 'code', where: 'true' },
] as const;

export const SEARCH_LIMITS = { text: 100, first: 50 } as const;

/** `%`, `_` and the escape character itself match literally. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/**
 * Categories, purposes, activities, ACTIVE processors and countries whose key or name contains the text (any
 * case), names that start with it first, in one statement: what the map page's search box offers.
 */
export async function searchMap(em: EntityManager, rawText: string, first: number): Promise<MapSearchHit[]> {
  const text = rawText.trim();
  if (text.length === 0 || text.length > SEARCH_LIMITS.text) {
    throw badInput(`text: "${rawText}" must hold 1 to ${SEARCH_LIMITS.text} characters besides spaces`, { field: 'text', value: rawText });
  }
  if (!Number.isInteger(first) || first < 1 || first > SEARCH_LIMITS.first) {
    throw badInput(`first: ${first} must be from 1 to ${SEARCH_LIMITS.first}`, { field: 'first', value: first });
  }
  const contains = `%${likeLiteral(text)}%`;
  const starts = `${likeLiteral(text)}%`;
  const params: unknown[] = [];
  const parts = SEARCHED.map(({ kind, table, key, where }, rank) => {
    params.push(starts, contains, contains, first);
    return `(select '${kind}' as kind, ${rank} as rank, ${key} as key, name as label, name ilike ? as "startsWith"
      from ${table} where ${where} and (name ilike ? or ${key} ilike ?) order by 5 desc, name, ${key} limit ?)`;
  });
  params.push(first);
  const rows = await em.getConnection().execute<{ kind: keyof typeof FILTER_FIELDS; key: string; label: string }[]>(
    `select kind, key, label from (${parts.join('\nunion all\n')}) hits order by "startsWith" desc, rank, label, key limit ?`,
    params,
  );
  return rows.map((row) => ({ kind: row.kind, key: row.key, label: row.label, filterField: FILTER_FIELDS[row.kind] }));
}
