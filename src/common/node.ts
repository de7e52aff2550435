import { Field, ID, InterfaceType } from 'type-graphql';

/** Rows the read path returns carry no class; `node` records which type it fetched each one as. */
const fetchedAs = new WeakMap<object, string>();

export function markNodeType<T extends object>(value: T, typeName: string): T {
  fetchedAs.set(value, typeName);
  return value;
}

/** The type of a value `node(id:)` returned: the one it was fetched as, else its class. */
export const resolveNodeType = (value: object): string => fetchedAs.get(value) ?? value.constructor.name;

/**
 * GitHub's identity convention: every entity has an opaque global `id`, so client caches (Apollo Client, Relay)
 * need no rule per type. `key`/`code` stay the human keys that inputs use.
 */
@InterfaceType('Node', {
  description: 'An object with an opaque global id, which `node(id:)` and `nodes(ids:)` fetch.',
  resolveType: resolveNodeType,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id: the same entity always has the same id. Fetch it with `node(id:)`.' })
  id!: string;
}

const GLOBAL_ID = /^([A-Za-z][A-Za-z0-9]*):(.+)$/s;

/** The global id of an entity of a type, from its primary key: base64url of `Type:key`. */
export function toGlobalId(typeName: string, key: unknown): string {
  return Buffer.from(`${typeName}:${String(key)}`).toString('base64url');
}

/** The type and key a global id names; null when the text is not an id this service issued. */
export function fromGlobalId(id: string): { typeName: string; key: string } | null {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const match = GLOBAL_ID.exec(Buffer.from(id, 'base64url').toString('utf8'));
  return match ? { typeName: match[1], key: match[2] } : null;
}
