import DataLoader from 'dataloader';
import type { EntityClass, EntityManager as CoreEntityManager } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

type Keyed = object;

function primaryKeyOf(em: CoreEntityManager, entity: EntityClass<Keyed>): string {
  return em.getMetadata().get(entity.name).primaryKeys[0];
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

  /** Loads entities by primary key; a missing key resolves to null. */
  byKey<E extends Keyed>(entity: EntityClass<E>): DataLoader<string, E | null> {
    return this.memo(`key:${entity.name}`, () => {
      const pk = primaryKeyOf(this.em, entity);
      return new DataLoader<string, E | null>(async (keys) => {
        const rows = await this.em.find(entity, { [pk]: { $in: [...keys] } } as never);
        const byKey = new Map(rows.map((row) => [String((row as Record<string, unknown>)[pk]), row]));
        return keys.map((key) => byKey.get(key) ?? null);
      });
    });
  }

  /**
   * Loads a to-many relation (one-to-many or many-to-many) of many owners at once, by owner key.
   * The relation's declared `orderBy` orders each list.
   */
  relation<O extends Keyed, T extends Keyed>(owner: EntityClass<O>, relation: keyof O & string): DataLoader<string, T[]> {
    return this.memo(`relation:${owner.name}.${relation}`, () => {
      const pk = primaryKeyOf(this.em, owner);
      return new DataLoader<string, T[]>(async (keys) => {
        const owners = await this.em.find(owner, { [pk]: { $in: [...keys] } } as never, {
          populate: [relation] as never[],
        });
        const byKey = new Map(
          owners.map((row) => {
            const record = row as Record<string, unknown>;
            const items = (record[relation] as { getItems(): T[] }).getItems();
            return [String(record[pk]), items];
          }),
        );
        return keys.map((key) => byKey.get(key) ?? []);
      });
    });
  }

  /** A loader of the caller's own design, kept for the request under `id`, for relations that need SQL of their own. */
  custom<K, V>(id: string, batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
    return this.memo(`custom:${id}`, () => new DataLoader<K, V>(batch));
  }
}
