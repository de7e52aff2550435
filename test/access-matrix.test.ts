import {
  getNamedType,
  isAbstractType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { ACCESS } from '../src/auth/access';
import { unknownAccessEntries } from '../src/auth/permissions';
import { Role } from '../src/auth/viewer';
import { buildDatamapSchema } from '../src/server/schema';
import { authAs, startTestApp, type GraphQLResponse, type TestApp } from './harness';

/**
 * Walks the built schema: every operation, asked by every role and by an anonymous caller, must answer as
 * the access table says. A new operation without an entry fails here.
 */

type Root = 'Query' | 'Mutation';
const ROLES = Object.values(Role);
const SAMPLE_SCALARS: Record<string, string> = { Int: '1', Float: '1', Boolean: 'true', DateTime: '"2026-01-01T00:00:00Z"', LocalDate: '"2026-01-01"', Date: '"2026-01-01"' };
const DENIAL_CODES = ['FORBIDDEN', 'UNAUTHENTICATED'];
const restrictedFields = new Set(Object.entries(ACCESS.Fields).flatMap(([type, fields]) => Object.keys(fields).map((f) => `${type}.${f}`)));

/** A literal the argument's type accepts, so that the request passes validation and reaches the access check. */
function sampleValue(type: GraphQLInputType): string {
  if (isNonNullType(type)) return sampleValue(type.ofType);
  if (isListType(type)) return `[${sampleValue(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    const required = Object.values(type.getFields()).filter((field) => isNonNullType(field.type));
    return `{ ${required.map((field) => `${field.name}: ${sampleValue(field.type)}`).join(', ')} }`;
  }
  return SAMPLE_SCALARS[type.name] ?? '"matrix"';
}

const requiredArgs = (args: readonly GraphQLArgument[]) => args.filter((arg) => isNonNullType(arg.type));

function argumentList(field: GraphQLField<unknown, unknown>): string {
  const args = requiredArgs(field.args);
  return args.length === 0 ? '' : `(${args.map((arg) => `${arg.name}: ${sampleValue(arg.type)}`).join(', ')})`;
}

/**
 * Every field the role may read, a few levels down (fields with required arguments and the narrower fields of
 * the access table left out): an allowed operation must serve the types it returns too.
 */
function selection(type: GraphQLObjectType, depth: number): string {
  const fields = Object.values(type.getFields()).filter(
    (field) => requiredArgs(field.args).length === 0 && !restrictedFields.has(`${type.name}.${field.name}`),
  );
  const parts = fields.flatMap((field) => {
    const named = getNamedType(field.type);
    if (isLeafType(named)) return [field.name];
    if (isObjectType(named) && depth > 0) return [`${field.name} ${selection(named, depth - 1)}`];
    return [];
  });
  return `{ __typename ${parts.join(' ')} }`;
}

function operationFor(root: Root, field: GraphQLField<unknown, unknown>): string {
  const named = getNamedType(field.type);
  // An interface (Node) needs a selection too; its type name is enough to reach the access check.
  const fields = isObjectType(named) ? ` ${selection(named, 2)}` : isAbstractType(named) ? ' { __typename }' : '';
  return `${root === 'Query' ? 'query' : 'mutation'} { ${field.name}${argumentList(field)}${fields} }`;
}

function rootFields(schema: GraphQLSchema, root: Root): GraphQLField<unknown, unknown>[] {
  const type = schema.getType(root);
  return isObjectType(type) ? Object.values(type.getFields()) : [];
}

const codesOf = (response: GraphQLResponse) => (response.errors ?? []).map((error) => error.extensions?.code);

let schema: GraphQLSchema;
let app: TestApp;
beforeAll(async () => {
  schema = await buildDatamapSchema();
  app = await startTestApp();
});
afterAll(() => app.close());

describe('the access table', () => {
  it('has an entry for every query and mutation of the schema', () => {
    const missing = (['Query', 'Mutation'] as const).flatMap((root) =>
      rootFields(schema, root).filter((field) => !(field.name in ACCESS[root])).map((field) => `${root}.${field.name}`),
    );
    expect(missing).toEqual([]);
  });

  it('names no field that the schema does not have', () => {
    expect(unknownAccessEntries(schema)).toEqual([]);
  });
});

describe('every operation, for every role and for an anonymous caller', () => {
  it.each(['Query', 'Mutation'] as const)('answers each %s field as the access table says', async (root) => {
    const outcomes: string[] = [];
    if (root === 'Query') expect(rootFields(schema, root).length).toBeGreaterThan(20);
    for (const field of rootFields(schema, root)) {
      const allowed = new Set<string>((ACCESS[root] as Record<string, readonly Role[]>)[field.name] ?? []);
      const operation = operationFor(root, field);
      for (const role of [...ROLES, 'anonymous' as const]) {
        const response = await app.gql(operation, {}, role === 'anonymous' ? {} : await authAs(role));
        const codes = codesOf(response);
        const denied = response.errors?.find((error) => DENIAL_CODES.includes(error.extensions?.code));
        let outcome: string;
        if (role === 'anonymous') {
          outcome = response.status === 401 && codes.length > 0 && codes.every((code) => code === 'UNAUTHENTICATED') ? 'UNAUTHENTICATED' : `got ${response.status} ${codes}`;
        } else if (allowed.has(role)) {
          const shapeError = response.errors?.find((error) => error.extensions?.reason);
          outcome = denied || shapeError ? `got ${denied?.message ?? shapeError?.message}` : 'allowed';
        } else {
          outcome = denied?.extensions?.code === 'FORBIDDEN' && denied.path?.[0] === field.name ? 'FORBIDDEN' : `got ${codes}`;
        }
        const expected = role === 'anonymous' ? 'UNAUTHENTICATED' : allowed.has(role) ? 'allowed' : 'FORBIDDEN';
        if (outcome !== expected) outcomes.push(`${root}.${field.name} as ${role}: expected ${expected}, ${outcome}`);
      }
    }
    expect(outcomes).toEqual([]);
  });
});

/** The queries from a root field to `Type.field`, shortest first, through fields that need no arguments. */
function* pathsTo(typeName: string, fieldName: string): Generator<string> {
  const queue: { type: GraphQLObjectType; wrap: (inner: string) => string }[] = rootFields(schema, 'Query')
    .filter((field) => requiredArgs(field.args).length === 0 && isObjectType(getNamedType(field.type)))
    .map((field) => ({ type: getNamedType(field.type) as GraphQLObjectType, wrap: (inner: string) => `{ ${field.name} ${inner} }` }));
  const seen = new Set<string>();
  while (queue.length > 0) {
    const { type, wrap } = queue.shift()!;
    if (type.name === typeName) {
      // A narrower field of an object type needs a selection of its own.
      const leaf = isLeafType(getNamedType(type.getFields()[fieldName]?.type));
      yield wrap(`{ __typename ${fieldName}${leaf ? '' : ' { __typename }'} }`);
      continue;
    }
    if (seen.has(type.name)) continue;
    seen.add(type.name);
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(getNullableType(field.type));
      if (requiredArgs(field.args).length === 0 && isObjectType(named)) {
        queue.push({ type: named, wrap: (inner) => wrap(`{ ${field.name} ${inner} }`) });
      }
    }
  }
}

/**
 * The shortest query that reaches `Type.field` on the seeded map: a path whose lists are empty there (evidence
 * no repository has sent) would never resolve the field, and so could not tell an open field from a closed one.
 */
async function pathTo(typeName: string, fieldName: string): Promise<string | undefined> {
  const everyone = await authAs('PRIVACY_OFFICER');
  for (const query of pathsTo(typeName, fieldName)) {
    if (JSON.stringify((await app.gql(query, {}, everyone)).data ?? {}).includes(`"${fieldName}":`)) return query;
  }
  return undefined;
}

describe('the fields narrower than their type', () => {
  it('answers each narrower field as the access table says, for every role that may read its type', async () => {
    const outcomes: string[] = [];
    for (const path of restrictedFields) {
      const [type, field] = path.split('.');
      const query = await pathTo(type, field);
      if (!query) {
        outcomes.push(`${path}: no query reaches it`);
        continue;
      }
      const allowed = new Set<string>((ACCESS.Fields as Record<string, Record<string, readonly Role[]>>)[type][field]);
      for (const role of ROLES) {
        const response = await app.gql(query, {}, await authAs(role));
        const denied = response.errors?.find((error) => DENIAL_CODES.includes(error.extensions?.code));
        if (denied && denied.path?.[denied.path.length - 1] !== field) continue; // its type is closed to this role
        const outcome = denied ? denied.extensions!.code : response.errors ? `got ${codesOf(response)}` : 'allowed';
        const expected = allowed.has(role) ? 'allowed' : 'FORBIDDEN';
        if (outcome !== expected) outcomes.push(`${path} as ${role}: expected ${expected}, ${outcome}`);
      }
    }
    expect(outcomes).toEqual([]);
  });

  it('shows the DPO contact and DPA references to privacy officers and auditors only', async () => {
    const query = `{ organization { name dpoName dpoEmail email } processor(key: "stripe") { key dpaReference } }`;
    for (const role of ['PRIVACY_OFFICER', 'AUDITOR'] as const) {
      const { data, errors } = await app.gql(query, {}, await authAs(role));
      expect(errors).toBeUndefined();
      expect(data!.organization).toEqual({ name: 'PythonMaster', dpoName: expect.any(String), dpoEmail: 'privacy@pythonmaster.com', email: expect.any(String) });
      expect(data!.processor).toEqual({ key: 'stripe', dpaReference: expect.any(String) });
    }
    for (const role of ['VIEWER', 'ENGINEER'] as const) {
      const { data, errors } = await app.gql(query, {}, await authAs(role));
      expect(data).toEqual({ organization: { name: 'PythonMaster', dpoName: null, dpoEmail: null, email: null }, processor: { key: 'stripe', dpaReference: null } });
      // Fields resolve concurrently, so errors arrive in no fixed order.
      expect(errors!.map((error) => [error.path!.join('.'), error.extensions!.code, error.message]).sort()).toEqual([
        ['organization.dpoEmail', 'FORBIDDEN', `Forbidden: Organization.dpoEmail is open to PRIVACY_OFFICER, AUDITOR; the token grants ${role}`],
        ['organization.dpoName', 'FORBIDDEN', `Forbidden: Organization.dpoName is open to PRIVACY_OFFICER, AUDITOR; the token grants ${role}`],
        ['organization.email', 'FORBIDDEN', `Forbidden: Organization.email is open to PRIVACY_OFFICER, AUDITOR; the token grants ${role}`],
        ['processor.dpaReference', 'FORBIDDEN', `Forbidden: Processor.dpaReference is open to PRIVACY_OFFICER, AUDITOR; the token grants ${role}`],
      ]);
    }
  });
});

describe('denials', () => {
  it('tell an anonymous caller to authenticate, with status 401', async () => {
    const response = await app.gql(`{ processors { totalCount } }`);
    expect(response.status).toBe(401);
    expect(response.data).toBeNull();
    expect(response.errors).toEqual([
      expect.objectContaining({
        message: 'Authentication required: Query.processors needs a token; send "Authorization: Bearer <token>"',
        extensions: { code: 'UNAUTHENTICATED' },
      }),
    ]);
  });

  it('tell a caller without the role which roles may, never a generic "Not Authorised!"', async () => {
    const response = await app.gql(`{ processors { totalCount } }`, {}, await authAs('SIGNUP_SERVICE'));
    expect(response.status).toBe(200);
    expect(response.errors).toEqual([
      expect.objectContaining({
        message: 'Forbidden: Query.processors is open to VIEWER, ENGINEER, PRIVACY_OFFICER, AUDITOR; the token grants SIGNUP_SERVICE',
        extensions: { code: 'FORBIDDEN', field: 'Query.processors' },
      }),
    ]);
  });

  it('keep the error a resolver throws, with its own code', async () => {
    const response = await app.gql(`{ processors(first: 5000) { totalCount } }`, {}, await authAs('VIEWER'));
    expect(response.errors).toEqual([expect.objectContaining({ message: 'first must be between 1 and 1000; got 5000', extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  });
});
