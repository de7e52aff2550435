import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { decodeCursor, pageWindow, toPage, type Page, type PageRequest } from '../common/connection';
import type { Loaders } from './loaders';
import { quoteIdentifier as q, readRows, selectList, tableShape, type Row } from './rows';

/**
 * Keyset pagination over a string primary key, in key order: stable while rows are added or removed. Pages
 * forwards (`first`/`after`) or backwards (`last`/`before`).
 *
 * It reads plain rows (see `rows.ts`) with only the columns the operation selects, in one statement, and
 * counts only when the client selects `totalCount`. The filter is a MikroORM filter, which its query builder
 * turns into SQL (joining relations it names); the page then takes the matching keys, so a filter through a
 * many-to-many relation never repeats a row.
 */
export async function paginateRows<E extends object>(
  loaders: Loaders,
  entity: EntityClass<E>,
  where: FilterQuery<E>,
  page: PageRequest,
  keyField: keyof E & string = 'key' as keyof E & string,
): Promise<Page<E & Row>> {
  const { em } = loaders;
  const window = pageWindow(page, (cursor, field) => decodeCursor<string>(cursor, 'string', field));
  const shape = tableShape(em, entity as EntityClass<object>);
  const keyColumn = `t.${q(shape.columns.get(keyField)!.column)}`;
  const params: unknown[] = [];
  const conditions: string[] = [];
  const filtered = Object.keys(where as object).length > 0;
  if (filtered) {
    const matching = em.createQueryBuilder(entity, 'f').select(keyField).where(where).getKnexQuery().toSQL();
    conditions.push(`${keyColumn} in (${matching.sql})`);
    params.push(...matching.bindings);
  }
  const bounds = [
    ...(window.after === null ? [] : [[`${keyColumn} > ?`, window.after]]),
    ...(window.before === null ? [] : [[`${keyColumn} < ?`, window.before]]),
  ] as [string, string][];
  const whereSql = (extra: [string, string][]) => {
    const all = [...conditions, ...extra.map(([condition]) => condition)];
    return all.length > 0 ? ` where ${all.join(' and ')}` : '';
  };
  const from = `from ${q(shape.table)} t`;
  const countSql = `select count(*)::int as "count" ${from}${whereSql([])}`;
  // A selected count rides along with the page as a subquery PostgreSQL runs once: one round trip, not two.
  const counted = loaders.fields?.get(`${shape.entity}Connection`)?.has('totalCount') ?? false;
  // Its own alias `t` shadows the page's, so the same text serves both.
  const total = counted ? `, (${countSql}) as "__total"` : '';
  const rows = await readRows<E & Row & { __total?: number }>(
    em,
    `select ${selectList(shape, loaders.properties(shape, [keyField]))}${total} ${from}${whereSql(bounds)} order by ${keyColumn} ${window.backward ? 'desc' : 'asc'} limit ?`,
    [...(counted ? params : []), ...params, ...bounds.map(([, value]) => value), window.size + 1],
    shape,
  );
  const totalCount = async () => {
    if (rows.length > 0 && rows[0].__total !== undefined) return rows[0].__total;
    const [{ count }] = await readRows<{ count: number }>(em, countSql, params);
    return count;
  };
  return toPage(rows, window.size, totalCount, (row) => String(row[keyField]), window);
}

/**
 * The same, as ORM entities, for callers that need them (a field resolver written against the entity class).
 * Reads every column and hydrates; prefer `paginateRows` for anything a client lists.
 */
export async function paginateByKey<E extends object>(
  em: EntityManager,
  entity: EntityClass<E>,
  where: FilterQuery<E>,
  page: PageRequest,
  keyField: keyof E & string = 'key' as keyof E & string,
): Promise<Page<E>> {
  const window = pageWindow(page, (cursor, field) => decodeCursor<string>(cursor, 'string', field));
  const bounds = [
    ...(window.after === null ? [] : [{ [keyField]: { $gt: window.after } }]),
    ...(window.before === null ? [] : [{ [keyField]: { $lt: window.before } }]),
  ];
  const pageWhere = (bounds.length === 0 ? where : { $and: [where, ...bounds] }) as FilterQuery<E>;
  const rows = await em.find(entity, pageWhere, { orderBy: { [keyField]: window.backward ? 'desc' : 'asc' } as never, limit: window.size + 1 });
  return toPage(rows, window.size, () => em.count(entity, where), (row) => String(row[keyField]), window);
}
