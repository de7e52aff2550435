import DataLoader from 'dataloader';
import { helper, ReferenceKind, type EntityClass, type EntityManager as CoreEntityManager, type EntityProperty } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

type Keyed = object;

function primaryKeyOf(em: CoreEntityManager, entity: EntityClass<Keyed>): string {
  return em.getMetadata().get(entity.name).primaryKeys[0];
}

/** Groups rows under the keys they belong to, in the order of `keys`; a key without rows gets an empty list. */
function group<R>(keys: readonly string[], rows: R[], keyOf: (row: R) => string): R[][] {
  const groups = new Map<string, R[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key)!);
}

/** Sorts by the relation's declared `orderBy` field (keys throughout), comparing code points as SQL's "C" collation does. */
function orderOf<T>(property: EntityProperty, primaryKey: string): (a: T, b: T) => number {
  const [field, direction] = Object.entries((property.orderBy ?? { [primaryKey]: 'asc' }) as Record<string, string>)[0];
  const sign = String(direction).toLowerCase() === 'desc' ? -1 : 1;
  const value = (row: T) => String((row as Record<string, unknown>)[field]);
  return (a, b) => sign * (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0);
}

/**
 * The request's DataLoaders. There is one loader per entity (by primary key) and one per relation, made on
 * first use and kept for the request, so every relation in a query costs a fixed number of statements
 * however many rows it returns.
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  constructor(private readonly em: EntityManager) {}

  private memo<K, V>(id: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(id);
    if (!loader) this.loaders.set(id, (loader = make() as DataLoader<unknown, unknown>));
    return loader as DataLoader<K, V>;
  }

  /**
   * Loads entities by primary key; a missing key resolves to null. Entities the request already loaded (a page
   * of a list, say) come from the unit of work's identity map rather than from another query.
   */
  byKey<E extends Keyed>(entity: EntityClass<E>): DataLoader<string, E | null> {
    return this.memo(`key:${entity.name}`, () => {
      const pk = primaryKeyOf(this.em, entity);
      const unitOfWork = this.em.getUnitOfWork();
      const loaded = (key: string) => {
        const found = unitOfWork.getById<E>(entity.name, key as never);
        return found && helper(found).__initialized ? found : undefined;
      };
      return new DataLoader<string, E | null>(async (keys) => {
        const missing = keys.filter((key) => !loaded(key));
        if (missing.length > 0) await this.em.find(entity, { [pk]: { $in: missing } } as never);
        return keys.map((key) => loaded(key) ?? null);
      });
    });
  }

  /**
   * Loads a to-many relation (one-to-many or many-to-many) of many owners at once, by owner key, in the
   * relation's declared order. Many-to-many links are read from the pivot table alone and their targets come
   * through `byKey`, so each target is hydrated once however many owners share it: re-loading the owners with
   * their joined collections costs far more in hydration than in SQL.
   */
  relation<O extends Keyed, T extends Keyed>(owner: EntityClass<O>, relation: keyof O & string): DataLoader<string, T[]> {
    return this.memo(`relation:${owner.name}.${relation}`, () => {
      const property = this.em.getMetadata().get(owner.name).properties[relation as never] as EntityProperty;
      const target = property.targetMeta!.class as EntityClass<T>;
      const order = orderOf<T>(property, primaryKeyOf(this.em, target));
      if (property.kind === ReferenceKind.ONE_TO_MANY) {
        return new DataLoader<string, T[]>(async (keys) => {
          const rows = await this.em.find(target, { [property.mappedBy]: { $in: [...keys] } } as never, { orderBy: property.orderBy as never });
          return group(keys, rows, (row) => String(helper((row as Record<string, object>)[property.mappedBy]).getPrimaryKey()));
        });
      }
      const owning = property.owner ? property : (property.targetMeta!.properties[property.mappedBy as never] as EntityProperty);
      const [ownerColumn, targetColumn] = property.owner
        ? [owning.joinColumns[0], owning.inverseJoinColumns[0]]
        : [owning.inverseJoinColumns[0], owning.joinColumns[0]];
      return new DataLoader<string, T[]>(async (keys) => {
        const links: Record<string, string>[] = await this.em
          .getKnex()
          .select({ owner: ownerColumn, target: targetColumn })
          .from(owning.pivotTable)
          .whereIn(ownerColumn, [...keys]);
        const targets = await this.byKey(target).loadMany(links.map((link) => link.target));
        const pairs = links.flatMap((link, i) => {
          const found = targets[i];
          return found && !(found instanceof Error) ? [{ owner: link.owner, item: found as T }] : [];
        });
        return group(keys, pairs, (pair) => pair.owner).map((items) => items.map((pair) => pair.item).sort(order));
      });
    });
  }

  /** A loader of the caller's own design, kept for the request under `id`, for relations that need SQL of their own. */
  custom<K, V>(id: string, batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
    return this.memo(`custom:${id}`, () => new DataLoader<K, V>(batch));
  }
}
