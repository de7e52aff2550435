import type { EntityClass } from '@mikro-orm/core';
import { Arg, Args, ClassType, Ctx, ID, Query, Resolver } from 'type-graphql';
import type DataLoader from 'dataloader';
import { paginateRows } from '../db/paginate';
import { referenceKey } from '../db/rows';
import type { RequestContext } from './context';
import { Connection, PageArgs } from './connection';
import type { RegistryEntity } from './registry.entity';

/**
 * The two read queries every registry entity has: one by key, and a connection of all in key order.
 * Domains with filters write their own list query and use this only for the single lookup.
 */
export function registryQueries<E extends RegistryEntity>(
  entity: ClassType<E> & EntityClass<E>,
  names: { one: string; many?: string; label: string },
): Function[] {
  @Resolver()
  class RegistryQueries {
    @Query(() => entity, { name: names.one, nullable: true, description: `One ${names.label} by key; null when absent.` })
    one(@Arg('key', () => ID) key: string, @Ctx() { loaders }: RequestContext) {
      return loaders.byKey(entity).load(key);
    }
  }

  if (!names.many) return [RegistryQueries];

  const EntityConnection = Connection(entity);

  @Resolver()
  class RegistryListQuery {
    @Query(() => EntityConnection, { name: names.many, description: `All ${names.label} entries, in key order.` })
    many(@Args() page: PageArgs, @Ctx() { loaders }: RequestContext) {
      return paginateRows(loaders, entity, {}, page);
    }
  }
  return [RegistryQueries, RegistryListQuery];
}

/**
 * Resolves a to-one reference through the request's loader; null stays null, synchronously. The parent may be a
 * plain row (the reference is a key) or an entity a mutation returned (the reference is an entity).
 */
export function loadReference<E extends object>(
  { loaders }: RequestContext,
  entity: EntityClass<E>,
  reference: unknown,
): ReturnType<DataLoader<string, E | null>['load']> | null {
  const key = referenceKey(loaders.em, reference);
  return key === null ? null : (loaders.byKey(entity).load(key) as Promise<E | null>);
}
