import { ReferenceKind, type EntityClass, type EntityMetadata, type EntityProperty } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The read path's view of a table: plain rows keyed by property name, never ORM entities.
 *
 * A row holds the entity's scalar properties under their property names and each to-one reference as the key
 * of the entity it points to (`processor.headquarters` is `"US"`), so reading one costs PostgreSQL's parse and
 * nothing else: no identity map, no collections, no change-set snapshot. Writes still go through MikroORM,
 * whose entities the same field resolvers accept (see `referenceKey`).
 */
export type Row = Record<string, unknown>;

export interface ColumnShape {
  property: string;
  column: string;
  /**
   * PostgreSQL's JSON renders the column as the driver reads it (text, booleans, 4-byte numbers, JSON, arrays);
   * otherwise `jsonRow` reads its text, as the driver does for timestamps, dates, 8-byte and exact numbers.
   */
  jsonNative: boolean;
}

/** Column types whose JSON rendering is what the driver gives for them. */
const JSON_NATIVE = /^(text|varchar|character varying|char|character|bool|boolean|int|int2|int4|integer|smallint|real|float4|float8|double|double precision|json|jsonb)\b|\[\]$/i;

export interface TableShape {
  entity: string;
  table: string;
  primaryKey: string;
  primaryColumn: string;
  /** Readable properties: scalars, enums, JSON and the join columns of to-one references. */
  columns: ReadonlyMap<string, ColumnShape>;
  /** To-many relations, which the loaders read; selecting one needs no column of the owner. */
  collections: ReadonlySet<string>;
  /**
   * The prototype of its rows when the entity computes fields in getters (`provenance`, `dpf`): a row reads them
   * as an entity would, from its own columns. Null when there are none.
   */
  rowPrototype: object | null;
  /** Properties stored as timestamps, which rows carry as Dates like the entities do. */
  timestamps: readonly string[];
}

/** The getters an entity class declares for computed fields (not MikroORM's own `__` helpers, not mapped properties). */
function computedGetters(meta: EntityMetadata): PropertyDescriptorMap {
  const getters: PropertyDescriptorMap = {};
  for (let proto = meta.class?.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (!descriptor.get || name.startsWith('_') || name in meta.properties || name in getters) continue;
      getters[name] = { get: descriptor.get, enumerable: false, configurable: true };
    }
  }
  return getters;
}

const shapes = new WeakMap<EntityMetadata, TableShape>();

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** The table of an entity, from MikroORM's metadata (so a new column is read as soon as it is mapped). */
export function tableShape(em: EntityManager, entity: EntityClass<object> | string): TableShape {
  const meta = em.getMetadata().get(typeof entity === 'string' ? entity : entity.name);
  let shape = shapes.get(meta);
  if (shape) return shape;
  const columns = new Map<string, ColumnShape>();
  const collections = new Set<string>();
  const timestamps: string[] = [];
  for (const property of meta.props as EntityProperty[]) {
    if (property.persist === false || property.formula || property.embedded) continue;
    if (property.kind === ReferenceKind.SCALAR || (property.kind === ReferenceKind.MANY_TO_ONE) || (property.kind === ReferenceKind.ONE_TO_ONE && property.owner)) {
      if (property.fieldNames?.length === 1) {
        const type = String(property.columnTypes?.[0] ?? property.type ?? '');
        // Enums are text in JSON as in the driver; to-one references carry their target's key type (text here).
        const jsonNative = property.kind !== ReferenceKind.SCALAR || property.enum === true || JSON_NATIVE.test(type);
        columns.set(property.name, { property: property.name, column: property.fieldNames[0], jsonNative });
      }
      if (property.kind === ReferenceKind.SCALAR && property.columnTypes?.some((type) => type.startsWith('timestamp'))) timestamps.push(property.name);
    } else if (property.kind === ReferenceKind.ONE_TO_MANY || property.kind === ReferenceKind.MANY_TO_MANY) {
      collections.add(property.name);
    }
  }
  const primaryKey = meta.primaryKeys[0];
  const getters = computedGetters(meta);
  shape = {
    entity: meta.className,
    table: meta.tableName,
    primaryKey,
    primaryColumn: columns.get(primaryKey)!.column,
    columns,
    collections,
    rowPrototype: Object.keys(getters).length > 0 ? Object.create(Object.prototype, getters) : null,
    timestamps,
  };
  shapes.set(meta, shape);
  return shape;
}

/**
 * The properties to read for a selection: the primary key, and each selected field that is a column. A field
 * the shape does not know (a computed field resolver another module added) may read any property of its
 * parent, so it reads them all: a field nobody compiled keeps working, only less narrowly.
 */
export function propertiesFor(shape: TableShape, fields: ReadonlySet<string> | undefined, also: readonly string[] = []): string[] {
  if (!fields) return [...shape.columns.keys()];
  const wanted = new Set<string>([shape.primaryKey, ...also]);
  for (const field of fields) {
    if (shape.columns.has(field)) wanted.add(field);
    else if (field === '__typename' || field === 'id' || shape.collections.has(field)) continue;
    else return [...shape.columns.keys()];
  }
  return [...wanted].filter((property) => shape.columns.has(property));
}

/** `select` list that names each column by its property, so rows need no mapping in JavaScript. */
export function selectList(shape: TableShape, properties: readonly string[], alias = 't'): string {
  return properties.map((property) => `${alias}.${quote(shape.columns.get(property)!.column)} as ${quote(property)}`).join(', ');
}

/**
 * A row of the shape as one JSON object, with the same properties and values as `selectList` gives it through the
 * driver (after `asRows`): for a statement that joins the row anyway to hand it over whole (see `Loaders.rowJson`).
 */
export function jsonRow(shape: TableShape, properties: readonly string[], alias = 't'): string {
  const pairs = properties.map((property) => {
    const column = shape.columns.get(property)!;
    const value = `${alias}.${quote(column.column)}`;
    return `'${property}', ${column.jsonNative ? value : `${value}::text`}`;
  });
  return `json_build_object(${pairs.join(', ')})`;
}

/**
 * A PostgreSQL array literal of keys, bound as ONE parameter (`= any(?::text[])`): a batch of two thousand keys
 * is one placeholder, not two thousand laid out by the query builder.
 */
export function textArray(values: readonly unknown[]): string {
  return `{${values.map((value) => `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

export { quote as quoteIdentifier };

/**
 * A timestamp as PostgreSQL writes it in text ("2027-05-10 12:00:00+00", "0050-01-31 00:00:00+00"), as a Date.
 * `new Date()` does not read that form reliably (it takes the year 0050 for 1950); its ISO 8601 twin it does.
 */
export function timestampOf(text: string): Date {
  return new Date(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
}

/**
 * Runs one read statement through the ORM's connection (counted, logged, in the request's transaction if any).
 * Rows of `shape` get its computed fields (see `rowPrototype`), and its timestamps as Dates.
 */
export async function readRows<R = Row>(em: EntityManager, sql: string, params: unknown[] = [], shape?: TableShape): Promise<R[]> {
  return asRows(await em.getConnection().execute<R[]>(sql, params, 'all', em.getTransactionContext()), shape);
}

/** Rows as the driver gives them, made rows of `shape`: its computed fields (see `rowPrototype`), its timestamps as Dates. */
export function asRows<R = Row>(rows: R[], shape?: TableShape): R[] {
  const prototype = shape?.rowPrototype;
  if (prototype) for (const row of rows) Object.setPrototypeOf(row, prototype);
  for (const property of shape?.timestamps ?? []) {
    for (const row of rows as Row[]) if (typeof row[property] === 'string') row[property] = timestampOf(row[property] as string);
  }
  return rows;
}

/**
 * The key a to-one reference points to, whether the parent is a plain row (the key itself) or an ORM entity
 * returned by a mutation (a reference entity, read through its primary key).
 */
export function referenceKey(em: EntityManager, reference: unknown): string | null {
  if (reference === null || reference === undefined) return null;
  if (typeof reference !== 'object') return String(reference);
  const meta = em.getMetadata().find((reference as object).constructor.name);
  const key = meta ? (reference as Row)[meta.primaryKeys[0]] : undefined;
  return key === undefined ? null : String(key);
}
