import { ClassType, Field, ObjectType, Int, ArgsType } from 'type-graphql';
import { badInput } from './errors';

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

@ObjectType({ description: 'Where a page of a connection ends, and whether another follows.' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item; pass it as `after` for the next page.' })
  endCursor!: string | null;
}

export interface Page<T> {
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Builds a connection type (`nodes`, `pageInfo`, `totalCount`) for one node type, as GitHub's API does. */
export function Connection<T extends object>(nodeType: ClassType<T>, name = `${nodeType.name}Connection`) {
  @ObjectType(name, { description: `A page of ${nodeType.name} items.` })
  class ConnectionClass implements Page<T> {
    @Field(() => [nodeType], { description: 'The items of this page.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Where this page ends.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many items match, across all pages.' })
    totalCount!: number;
  }
  return ConnectionClass;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `How many items to return (1 to ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the items after this cursor (a previous `endCursor`).' })
  after?: string | null;
}

/** The page size a client asked for, checked against the cap. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}; got ${first}`, { field: 'first', value: first });
  }
  return first;
}

/** Cursors are opaque to clients: base64url of the sort key of the last item returned. */
export function encodeCursor(position: string | number): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T extends string | number>(cursor: string | null | undefined, kind: 'string' | 'number'): T | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof position === kind) return position as T;
  } catch {
    // fall through to the error below
  }
  throw badInput(`after "${cursor}" is not a cursor this list issued`, { field: 'after', value: cursor });
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

/** Builds a page from `size + 1` rows fetched past the cursor: the extra row only tells whether more follow. */
export function toPage<T>(rows: T[], size: number, totalCount: number, positionOf: (row: T) => string | number): Page<T> {
  const nodes = rows.slice(0, size);
  const last = nodes[nodes.length - 1];
  return {
    nodes,
    totalCount,
    pageInfo: { hasNextPage: rows.length > size, endCursor: last === undefined ? null : encodeCursor(positionOf(last)) },
  };
}
