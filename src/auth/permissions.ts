import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { deny, rule, shield, type IRule, type IRules } from 'graphql-shield';
import { forbidden, unauthenticated } from '../common/errors';
import { ACCESS, type AccessTable } from './access';
import { Role, type Viewer } from './viewer';

const ROOT_TYPES = ['Query', 'Mutation'] as const;

/** Who may read each field: `Type.field` → roles. Fields absent here are closed to everyone. */
export type FieldAccess = Map<string, readonly Role[]>;

const ROLE_ORDER: readonly Role[] = Object.values(Role);
/** Roles in the order of the Role enum, so that messages and rule names read the same whatever the table's order. */
const sorted = (roles: Iterable<Role>): Role[] => {
  const set = new Set(roles);
  return ROLE_ORDER.filter((role) => set.has(role));
};

/**
 * The roles that may reach each object type: the union of the roles of every operation whose result contains
 * it. Types take their rule from here, so a type that only an open operation returns is as open as that
 * operation, and a type no operation returns stays closed.
 */
function readersOfTypes(schema: GraphQLSchema, table: AccessTable): Map<string, Set<Role>> {
  const readers = new Map<string, Set<Role>>();
  const visit = (type: GraphQLNamedType, roles: readonly Role[]) => {
    const known = readers.get(type.name) ?? new Set<Role>();
    const added = roles.filter((role) => !known.has(role));
    if (added.length === 0 && readers.has(type.name)) return;
    readers.set(type.name, new Set([...known, ...added]));
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) visit(getNamedType(field.type), added);
    }
    if (isInterfaceType(type) || isUnionType(type)) {
      for (const possible of schema.getPossibleTypes(type)) visit(possible, added);
    }
  };
  for (const root of ROOT_TYPES) {
    const rootType = schema.getType(root);
    if (!isObjectType(rootType)) continue;
    const fields = rootType.getFields();
    for (const [name, roles] of Object.entries(table[root])) {
      // `node(id:)` returns any entity, but checks the roles of the type it finds (see `typeReaders`): it opens none.
      if (fields[name] && !isNodeLookup(fields[name].type)) visit(getNamedType(fields[name].type), roles);
    }
  }
  return readers;
}

/** A field that returns the `Node` interface (or a list of it): a lookup by global id. */
const isNodeLookup = (type: GraphQLOutputType) => {
  const named = getNamedType(type);
  return isInterfaceType(named) && named.name === 'Node';
};

const typeReaderCache = new WeakMap<GraphQLSchema, Map<string, Set<Role>>>();

/** The roles that may reach each object type through the operations of the access table (for `node(id:)`). */
export function typeReaders(schema: GraphQLSchema, table: AccessTable = ACCESS): ReadonlyMap<string, ReadonlySet<Role>> {
  let readers = table === ACCESS ? typeReaderCache.get(schema) : undefined;
  if (!readers) {
    readers = readersOfTypes(schema, table);
    if (table === ACCESS) typeReaderCache.set(schema, readers);
  }
  return readers;
}

const isRootType = (name: string): name is (typeof ROOT_TYPES)[number] => (ROOT_TYPES as readonly string[]).includes(name);

/**
 * Every field of the schema with the roles that may read it, from the access table: operations as listed,
 * the narrower fields of `Fields` as listed, and every other field of an object type as open as the type.
 */
export function fieldAccess(schema: GraphQLSchema, table: AccessTable = ACCESS): FieldAccess {
  const access: FieldAccess = new Map();
  const typeReaders = readersOfTypes(schema, table);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const listed: Record<string, readonly Role[]> = isRootType(type.name) ? table[type.name] : table.Fields[type.name] ?? {};
    const readers = isRootType(type.name) ? undefined : typeReaders.get(type.name);
    for (const field of Object.keys(type.getFields())) {
      const roles = listed[field] ?? (readers && [...readers]);
      if (roles) access.set(`${type.name}.${field}`, sorted(roles));
    }
  }
  return access;
}

/** The fields narrower than their type, as `Type.field`. */
const narrowerFields = (table: AccessTable): [string, string][] =>
  Object.entries(table.Fields).flatMap(([type, fields]) => Object.keys(fields).map((field): [string, string] => [type, field]));

/** Entries of the access table that name no field of the schema: typos, or operations since removed. */
export function unknownAccessEntries(schema: GraphQLSchema, table: AccessTable = ACCESS): string[] {
  const listed = [...ROOT_TYPES.flatMap((root) => Object.keys(table[root]).map((field) => [root, field])), ...narrowerFields(table)];
  return listed
    .filter(([type, field]) => {
      const found = schema.getType(type);
      return !isObjectType(found) || !found.getFields()[field];
    })
    .map(([type, field]) => `${type}.${field}`);
}

interface ShieldedContext {
  viewer: Viewer | null;
}

/**
 * One rule per set of roles, named after it: shield caches a rule's answer per request under its name
 * (`contextual`), so a list of a thousand items checks each set of roles once.
 */
function ruleFactory() {
  const rules = new Map<string, IRule>();
  return (roles: readonly Role[]): IRule => {
    const name = `roles:${sorted(roles).join(',')}`;
    let made = rules.get(name);
    if (!made) {
      const allowed = new Set<string>(roles);
      made = rule(name, { cache: 'contextual' })(
        (_parent: unknown, _args: unknown, { viewer }: ShieldedContext) => viewer !== null && viewer.roles.some((role) => allowed.has(role)),
      );
      rules.set(name, made);
    }
    return made;
  };
}

/** The error a denied field answers: UNAUTHENTICATED for an anonymous caller, FORBIDDEN for a token without the role. */
export function denial(access: FieldAccess, viewer: Viewer | null, info: Pick<GraphQLResolveInfo, 'parentType' | 'fieldName'>) {
  const field = `${info.parentType.name}.${info.fieldName}`;
  if (viewer === null) {
    return unauthenticated(`Authentication required: ${field} needs a token; send "Authorization: Bearer <token>"`, {
      http: { status: 401 },
    });
  }
  const roles = access.get(field);
  const granted = viewer.roles.length > 0 ? viewer.roles.join(', ') : 'no role';
  return forbidden(
    roles && roles.length > 0
      ? `Forbidden: ${field} is open to ${roles.join(', ')}; the token grants ${granted}`
      : `Forbidden: ${field} is open to no role (the access table has no entry for it)`,
    { field },
  );
}

/**
 * The shield rule tree generated from the access table. Every object type gets a rule, fields listed in the
 * table get theirs, and anything else falls back to deny.
 */
export function permissionsFor(schema: GraphQLSchema, access: FieldAccess = fieldAccess(schema)) {
  const rolesRule = ruleFactory();
  const tree: Record<string, Record<string, IRule>> = {};
  for (const [path, roles] of access) {
    const [type, field] = path.split('.');
    (tree[type] ??= {})[field] = rolesRule(roles);
  }
  return shield(tree as IRules, {
    fallbackRule: deny,
    allowExternalErrors: true,
    fallbackError: (_error, _parent, _args, ctx, info) => denial(access, (ctx as unknown as ShieldedContext).viewer, info),
  });
}

type FieldMiddleware = (
  resolve: (parent: unknown, args: unknown, ctx: unknown, info: GraphQLResolveInfo) => unknown,
  parent: unknown,
  args: unknown,
  ctx: ShieldedContext,
  info: GraphQLResolveInfo,
) => unknown;
type MiddlewareMap = Record<string, Record<string, FieldMiddleware>>;

/**
 * The check of a field that every caller who reaches it passes anyway: its roles are those of every operation
 * that returns its type. It runs synchronously (a set lookup), where shield's middleware costs several promises
 * per field: on a list of a thousand processors, shield on every field took 60% more time (`npm run bench`),
 * these guards an amount lost in the noise.
 */
function typeGuard(access: FieldAccess, path: string): FieldMiddleware {
  const allowed = new Set<string>(access.get(path) ?? []);
  return (resolve, parent, args, ctx, info) =>
    ctx.viewer !== null && ctx.viewer.roles.some((role) => allowed.has(role)) ? resolve(parent, args, ctx, info) : denial(access, ctx.viewer, info);
}

export interface ProtectOptions {
  /** Run every field's check through shield, not only operations and narrower fields (the bench compares both). */
  shieldEveryField?: boolean;
  table?: AccessTable;
}

/**
 * The schema with the access table enforced on every field of every object type. Shield, with its deny
 * fallback, checks the operations and the fields narrower than their type; every other field gets the
 * synchronous guard of its type, generated from the same table (a field of a type that no operation returns
 * is denied to everyone there too).
 */
export function protectSchema(schema: GraphQLSchema, { shieldEveryField = false, table = ACCESS }: ProtectOptions = {}): GraphQLSchema {
  const unknown = unknownAccessEntries(schema, table);
  if (unknown.length > 0) throw new Error(`The access table names fields the schema does not have: ${unknown.join(', ')}`);
  const access = fieldAccess(schema, table);
  const shielded = permissionsFor(schema, access).generate(schema) as MiddlewareMap;
  if (shieldEveryField) return applyMiddleware(schema, shielded);

  const narrower = new Set(narrowerFields(table).map(([type, field]) => `${type}.${field}`));
  const viaShield: MiddlewareMap = {};
  const viaGuard: MiddlewareMap = {};
  for (const [type, fields] of Object.entries(shielded)) {
    for (const [field, middleware] of Object.entries(fields)) {
      if (isRootType(type) || narrower.has(`${type}.${field}`)) (viaShield[type] ??= {})[field] = middleware;
      else (viaGuard[type] ??= {})[field] = typeGuard(access, `${type}.${field}`);
    }
  }
  return applyMiddleware(schema, viaShield, viaGuard);
}
