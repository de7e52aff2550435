import { Arg, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { typeReaders } from '../auth/permissions';
import { tableShape } from '../db/rows';
import type { RequestContext } from './context';
import { badInput, forbidden } from './errors';
import { fromGlobalId, markNodeType, Node, toGlobalId } from './node';

/** The types `node` may fetch: those that implement Node and that the ORM maps. */
function fetchable(info: GraphQLResolveInfo, typeName: string): boolean {
  const type = info.schema.getType(typeName);
  const node = info.schema.getType('Node');
  return type !== undefined && node !== undefined && info.schema.isSubType(node as never, type as never);
}

@Resolver(() => Node)
export class NodeResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id: the same entity always has the same id. Fetch it with `node(id:)`.' })
  id(@Root() entity: Record<string, unknown>, @Info() info: GraphQLResolveInfo, @Ctx() { em }: RequestContext): string {
    const typeName = info.parentType.name;
    return toGlobalId(typeName, entity[tableShape(em, typeName).primaryKey]);
  }

  @Query(() => Node, {
    nullable: true,
    description: 'Any entity by its global `id`; null when the id names nothing. Each type keeps its own access rules.',
  })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo) {
    return fetchNode(ctx, info, id);
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: 'Entities by global id (at most 100 ids), in the order asked; null for an id that names nothing.',
  })
  nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo) {
    return Promise.all(ids.map((id, i) => fetchNode(ctx, info, id, `ids[${i}]`)));
  }
}

/**
 * One entity by global id, under the access rules of its type: a caller who may not reach the type through any
 * query gets FORBIDDEN, as they would from that query.
 */
async function fetchNode({ loaders, viewer }: RequestContext, info: GraphQLResolveInfo, id: string, field = 'id'): Promise<object | null> {
  const named = fromGlobalId(id);
  if (named?.key.includes('\u0000')) {
    throw badInput(`${field}: "${id}" is not an id this service issued: decoded, it holds a NUL character (\\u0000)`, { field, value: id });
  }
  if (!named || !fetchable(info, named.typeName)) return null;
  const readers = typeReaders(info.schema).get(named.typeName) ?? new Set();
  if (!viewer || !viewer.roles.some((role) => readers.has(role))) {
    const open = [...readers].join(', ') || 'no role';
    throw forbidden(`Forbidden: ${named.typeName} is open to ${open}; the token grants ${viewer?.roles.join(', ') || 'no role'}`, {
      field: `Query.${info.fieldName}`,
    });
  }
  const row = await loaders.byKey(named.typeName).load(named.key);
  return row ? markNodeType(row, named.typeName) : null;
}
