import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { decodeCursor, pageSize, toPage, type Page } from '../common/connection';

/** Keyset pagination over a string primary key, in key order: stable while rows are added or removed. */
export async function paginateByKey<E extends object>(
  em: EntityManager,
  entity: EntityClass<E>,
  where: FilterQuery<E>,
  page: { first?: number | null; after?: string | null },
  keyField: keyof E & string = 'key' as keyof E & string,
): Promise<Page<E>> {
  const size = pageSize(page.first);
  const after = decodeCursor<string>(page.after, 'string');
  const pageWhere = after === null ? where : ({ $and: [where, { [keyField]: { $gt: after } }] } as FilterQuery<E>);
  const rows = await em.find(entity, pageWhere, { orderBy: { [keyField]: 'asc' } as never, limit: size + 1 });
  const totalCount = await em.count(entity, where);
  return toPage(rows, size, totalCount, (row) => String(row[keyField]));
}
