import DataLoader from 'dataloader';
import { ReferenceKind, type EntityClass, type EntityProperty } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { asRows, jsonRow, propertiesFor, quoteIdentifier as q, readRows, selectList, tableShape, textArray, type Row, type TableShape } from './rows';
import type { SelectedFields } from './selection';

type Keyed = object;

/** Groups rows under the keys they belong to, in the order of `keys`; a key without rows gets an empty list. */
function group<R>(keys: readonly string[], rows: R[], keyOf: (row: R) => string): R[][] {
  const groups = new Map<string, R[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key)!);
}

const isText = (property: EntityProperty | undefined) => /text|char/i.test(String(property?.columnTypes?.[0] ?? property?.type ?? ''));

/**
 * `order by` of a relation's declared `orderBy` (keys throughout), comparing code points ("C" collation) so the
 * order is the same on every database whatever its locale.
 */
function orderBy(shape: TableShape, property: EntityProperty, em: EntityManager): string {
  const meta = em.getMetadata().get(shape.entity);
  const order = (property.orderBy ?? { [shape.primaryKey]: 'asc' }) as Record<string, string>;
  return Object.entries(order)
    .map(([field, direction]) => {
      const column = shape.columns.get(field)?.column ?? field;
      const target = meta.properties[field as never] as EntityProperty | undefined;
      const text = target?.kind === ReferenceKind.MANY_TO_ONE ? isText(target.targetMeta?.properties[target.targetMeta.primaryKeys[0] as never]) : isText(target);
      return `t.${q(column)}${text ? ' collate "C"' : ''} ${String(direction).toLowerCase() === 'desc' ? 'desc' : 'asc'}`;
    })
    .join(', ');
}

/**
 * The request's DataLoaders over plain rows (see `rows.ts`). There is one loader per entity (by primary key)
 * and one per relation, made on first use and kept for the request, so every relation in a query costs one
 * statement however many rows it returns. Each reads only the columns the operation selects on its type.
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();
  /** What the operation selects on each type; set once it is known (without it, loaders read every column). */
  fields: SelectedFields | undefined;

  /** @param unitOfWork the request's entity manager, made when a loader first needs it */
  constructor(private readonly unitOfWork: () => EntityManager) {}

  get em(): EntityManager {
    return this.unitOfWork();
  }

  private memo<K, V>(id: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(id);
    if (!loader) this.loaders.set(id, (loader = make() as DataLoader<unknown, unknown>));
    return loader as DataLoader<K, V>;
  }

  /** The properties this operation reads of an entity, plus `also` (properties a resolver needs besides). */
  properties(shape: TableShape, also: readonly string[] = []): string[] {
    return propertiesFor(shape, this.fields?.get(shape.entity), also);
  }

  /**
   * Loads rows by primary key; a missing key resolves to null. `also` names properties a caller reads besides
   * what the operation selects (such as `name` for labels), in a loader of their own.
   */
  byKey<E extends Keyed = Keyed>(entity: EntityClass<E> | string, also: readonly string[] = []): DataLoader<string, (E & Row) | null> {
    const shape = tableShape(this.em, entity as EntityClass<object>);
    return this.memo(`key:${shape.entity}:${also.join(',')}`, () => {
      const sql = `select ${selectList(shape, this.properties(shape, also))} from ${q(shape.table)} t where t.${q(shape.primaryColumn)}::text = any(?::text[])`;
      return new DataLoader<string, (E & Row) | null>(async (keys) => {
        const rows = await readRows<E & Row>(this.em, sql, [textArray(keys)], shape);
        const byKey = new Map(rows.map((row) => [String(row[shape.primaryKey]), row]));
        return keys.map((key) => byKey.get(key) ?? null);
      });
    }) as DataLoader<string, (E & Row) | null>;
  }

  /**
   * Loads a to-many relation (one-to-many or many-to-many) of many owners at once, by owner key, in the
   * relation's declared order, in one statement: many-to-many links are joined to their targets in SQL. The
   * targets also fill the by-key loader of their type, so a later lookup of one costs nothing.
   */
  relation<O extends Keyed, T extends Keyed = Row>(owner: EntityClass<O>, relation: keyof O & string): DataLoader<string, (T & Row)[]> {
    return this.memo(`relation:${owner.name}.${relation}`, () => {
      const property = this.em.getMetadata().get(owner.name).properties[relation as never] as EntityProperty;
      const target = tableShape(this.em, property.targetMeta!.className);
      const order = orderBy(target, property, this.em);
      const primed = this.byKey(target.entity);
      const prime = (row: Row) => primed.prime(String(row[target.primaryKey]), row as never);
      if (property.kind === ReferenceKind.ONE_TO_MANY) {
        const foreignKey = property.mappedBy;
        const sql = `select ${selectList(target, this.properties(target, [foreignKey]))} from ${q(target.table)} t
          where t.${q(target.columns.get(foreignKey)!.column)}::text = any(?::text[]) order by ${order}`;
        return new DataLoader<string, (T & Row)[]>(async (keys) => {
          const rows = await readRows<T & Row>(this.em, sql, [textArray(keys)], target);
          rows.forEach(prime);
          return group(keys, rows, (row) => String(row[foreignKey]));
        });
      }
      const owning = property.owner ? property : (property.targetMeta!.properties[property.mappedBy as never] as EntityProperty);
      const [ownerColumn, targetColumn] = property.owner
        ? [owning.joinColumns[0], owning.inverseJoinColumns[0]]
        : [owning.inverseJoinColumns[0], owning.joinColumns[0]];
      const sql = `select l.${q(ownerColumn)} as "__owner", ${selectList(target, this.properties(target))}
        from ${q(owning.pivotTable)} l join ${q(target.table)} t on t.${q(target.primaryColumn)} = l.${q(targetColumn)}
        where l.${q(ownerColumn)}::text = any(?::text[]) order by ${order}`;
      return new DataLoader<string, (T & Row)[]>(async (keys) => {
        const rows = await readRows<T & Row & { __owner: string }>(this.em, sql, [textArray(keys)], target);
        // A target linked to many owners comes once per link; every owner gets the same object.
        const shared = new Map<string, T & Row>();
        const links = rows.map((row) => {
          const key = String(row[target.primaryKey]);
          let item = shared.get(key);
          if (!item) {
            shared.set(key, (item = row));
            prime(row);
          }
          return { owner: String(row.__owner), item };
        });
        return group(keys, links, (link) => link.owner).map((items) => items.map((link) => link.item));
      });
    });
  }

  /**
   * A scalar subquery giving, as JSON, the row of `entity` whose key is `keyExpression` with what the by-key loader
   * would read of it: a statement that already holds the key adds it to its rows, and `primeFromJson` hands them
   * to the loader, which then reads nothing.
   */
  rowJson(entity: EntityClass<Keyed>, keyExpression: string): string {
    const shape = tableShape(this.em, entity);
    return `(select ${jsonRow(shape, this.properties(shape))} from ${q(shape.table)} t where t.${q(shape.primaryColumn)} = ${keyExpression})`;
  }

  /**
   * The rows of `rowJson` as the driver parsed them, made rows of their entity (see `asRows`), in order (null stays
   * null); each is handed to the by-key loader, so a later lookup of one costs no statement.
   */
  primeFromJson<E extends Keyed>(entity: EntityClass<E>, rows: readonly (Row | null | undefined)[]): ((E & Row) | null)[] {
    const shape = tableShape(this.em, entity);
    const loader = this.byKey(entity);
    return rows.map((row) => {
      if (row == null) return null;
      const [made] = asRows([row], shape);
      loader.prime(String(made[shape.primaryKey]), made as E & Row);
      return made as E & Row;
    });
  }

  /** A loader of the caller's own design, kept for the request under `id`, for relations that need SQL of their own. */
  custom<K, V>(id: string, batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
    return this.memo(`custom:${id}`, () => new DataLoader<K, V>(batch));
  }
}
