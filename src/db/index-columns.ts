import type { Migration } from '@mikro-orm/migrations';

/** A column to index, by table; the index is named `<table>_<column>_index`, as MikroORM names `index: true`. */
export type IndexedColumn = [table: string, column: string];

/** Adds to a migration the statements that create (`up`) or drop (`down`) one index per column. */
export function indexColumns(migration: Migration, columns: readonly IndexedColumn[], direction: 'up' | 'down'): void {
  for (const [table, column] of columns) {
    const name = `"${table}_${column}_index"`;
    migration.addSql(direction === 'up' ? `create index if not exists ${name} on "${table}" ("${column}");` : `drop index if exists ${name};`);
  }
}
