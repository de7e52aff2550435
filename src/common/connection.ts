import { ClassType, Field, ObjectType, Int, ArgsType } from 'type-graphql';
import { badInput } from './errors';

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

@ObjectType({ description: 'Where a page of a connection starts and ends, and whether others come before or after it.' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item; pass it as `after` for the next page.' })
  endCursor!: string | null;

  @Field({
    description:
      'True when items come before this page. Paging forward, it is true whenever `after` was given (as GitHub and the Relay specification allow).',
  })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item; pass it as `before` for the previous page.' })
  startCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

/**
 * A page of a connection, as resolvers return it. `totalCount` and `edges` may be getters (see `toPage`): they
 * run only when the client selects the field, so an unselected count costs no statement.
 */
export interface Page<T> {
  nodes: T[];
  pageInfo: PageInfo;
  readonly totalCount: number | Promise<number>;
  readonly edges?: Edge<T>[];
}

const edgeTypes = new Map<Function, ClassType>();

/** The `<Type>Edge` of a node type: `cursor` and `node`, made once per type. */
export function EdgeOf<T extends object>(nodeType: ClassType<T>, name = `${nodeType.name}Edge`): ClassType<Edge<T>> {
  let edge = edgeTypes.get(nodeType);
  if (!edge) {
    @ObjectType(name, { description: `A ${nodeType.name} in a page, with its cursor.` })
    class EdgeClass implements Edge<T> {
      @Field({ description: 'Where this item sits: pass it as `after` or `before` to page from here.' })
      cursor!: string;

      @Field(() => nodeType, { description: 'The item.' })
      node!: T;
    }
    edgeTypes.set(nodeType, (edge = EdgeClass));
  }
  return edge as ClassType<Edge<T>>;
}

/**
 * Builds a connection type for one node type, as GitHub's API does: `nodes`, `edges { cursor node }`,
 * `pageInfo` and `totalCount`. A resolver returns a `Page` (see `toPage`).
 */
export function Connection<T extends object>(nodeType: ClassType<T>, name = `${nodeType.name}Connection`) {
  const EdgeType = EdgeOf(nodeType);

  @ObjectType(name, { description: `A page of ${nodeType.name} items.` })
  class ConnectionClass implements Page<T> {
    @Field(() => [nodeType], { description: 'The items of this page.' })
    nodes!: T[];

    @Field(() => [EdgeType], { description: 'The items of this page with their cursors.' })
    edges!: Edge<T>[];

    @Field(() => PageInfo, { description: 'Where this page starts and ends.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many items match, across all pages.' })
    totalCount!: number;
  }
  return ConnectionClass;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `How many items to return from the start (1 to ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the items after this cursor (a previous `endCursor`).' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `How many items to return from the end (1 to ${MAX_PAGE_SIZE}); pages backwards.` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the items before this cursor (a previous `startCursor`).' })
  before?: string | null;
}

/** The page size a client asked for, checked against the cap. */
export function pageSize(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`${field} must be between 1 and ${MAX_PAGE_SIZE}; got ${first}`, { field, value: first });
  }
  return first;
}

/** Which slice of a list a client asked for: `size` items forwards from `after`, or backwards from `before`. */
export interface PageWindow<P> {
  size: number;
  backward: boolean;
  after: P | null;
  before: P | null;
}

export interface PageRequest {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Reads `first`/`after`/`last`/`before`; `decode` turns a cursor into a position (or throws BAD_USER_INPUT). */
export function pageWindow<P>(page: PageRequest, decode: (cursor: string | null | undefined, field: 'after' | 'before') => P | null): PageWindow<P> {
  const hasLast = page.last !== null && page.last !== undefined;
  if (hasLast && page.first !== null && page.first !== undefined) {
    throw badInput('first and last cannot be combined: ask for the first items, or for the last ones', { field: 'last', value: page.last });
  }
  return {
    size: hasLast ? pageSize(page.last, 'last') : pageSize(page.first),
    backward: hasLast,
    after: decode(page.after, 'after'),
    before: decode(page.before, 'before'),
  };
}

/** Cursors are opaque to clients: base64url of the sort key of an item. */
export function encodeCursor(position: string | number): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T extends string | number>(
  cursor: string | null | undefined,
  kind: 'string' | 'number',
  field: 'after' | 'before' = 'after',
): T | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // No sort key holds a NUL character, which the database would refuse deep in a statement.
    if (typeof position === kind && !(typeof position === 'string' && position.includes('\u0000'))) return position as T;
  } catch {
    // fall through to the error below
  }
  throw badInput(`${field} "${cursor}" is not a cursor this list issued`, { field, value: cursor });
}

/** The position of a row in a list ordered by a time, then an id (the registers): "<ISO time>|<id>". */
export const timePositionOf = (at: Date, id: string) => `${at.toISOString()}|${id}`;

export function decodeTimePosition(cursor: string | null | undefined): { at: Date; id: string } | null {
  const text = decodeCursor<string>(cursor, 'string');
  if (text === null) return null;
  const [time, id] = text.split('|');
  const at = new Date(time);
  if (!id || Number.isNaN(at.getTime())) throw badInput(`after "${cursor}" is not a cursor this list issued`, { field: 'after', value: cursor });
  return { at, id };
}

/**
 * Builds a page from `size + 1` rows fetched past the cursor (in reading order: backwards for `last`): the extra
 * row only tells whether more follow. `window` defaults to a forward page without cursors.
 */
export function toPage<T>(
  rows: T[],
  size: number,
  totalCount: number | (() => number | Promise<number>),
  positionOf: (row: T) => string | number,
  window: Pick<PageWindow<unknown>, 'backward' | 'after' | 'before'> = { backward: false, after: null, before: null },
): Page<T> {
  const more = rows.length > size;
  const nodes = rows.slice(0, size);
  if (window.backward) nodes.reverse();
  const cursor = (row: T) => encodeCursor(positionOf(row));
  return {
    nodes,
    get totalCount() {
      return typeof totalCount === 'function' ? totalCount() : totalCount;
    },
    get edges() {
      return nodes.map((node) => ({ cursor: cursor(node), node }));
    },
    pageInfo: {
      hasNextPage: window.backward ? window.before !== null : more,
      hasPreviousPage: window.backward ? more : window.after !== null,
      startCursor: nodes.length === 0 ? null : cursor(nodes[0]),
      endCursor: nodes.length === 0 ? null : cursor(nodes[nodes.length - 1]),
    },
  };
}
