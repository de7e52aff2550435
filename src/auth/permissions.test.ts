import { buildSchema, graphql, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { protectSchema } from './permissions';
import { Role, type Viewer } from './viewer';

/** A small schema with every case: an open operation, one nobody listed, a narrower field, a type no operation returns. */
const schema = buildSchema(`
  type Query { vendors: [Vendor!]!  unlisted: String  log: Log }
  type Vendor { key: String!  contract: String  owner: Person }
  type Person { name: String! }
  type Log { entries: [String!]! }
  type Orphan { secret: String }
`);
const rootValue = {
  vendors: [{ key: 'acme', contract: 'DPA-1', owner: { name: 'Ada' } }],
  unlisted: 'should not leak',
  log: { entries: ['one'] },
};
const table = {
  Query: { vendors: [Role.VIEWER, Role.AUDITOR], log: [Role.AUDITOR] },
  Mutation: {},
  Fields: { Vendor: { contract: [Role.AUDITOR] } },
};

for (const [mode, protect] of [
  ['shield on operations and narrower fields, guards elsewhere', (s: GraphQLSchema) => protectSchema(s, { table })],
  ['shield on every field', (s: GraphQLSchema) => protectSchema(s, { table, shieldEveryField: true })],
] as const) {
  describe(`the generated permissions (${mode})`, () => {
    const protectedSchema = protect(schema);
    const run = async (source: string, viewer: Viewer | null) => {
      const result = await graphql({ schema: protectedSchema, source, rootValue, contextValue: { viewer } });
      return { data: result.data, errors: result.errors?.map((error) => [error.path?.join('.'), error.extensions.code, error.message]) };
    };
    const viewer = { subject: 'v', roles: [Role.VIEWER] };
    const auditor = { subject: 'a', roles: [Role.AUDITOR] };

    it('serves an operation and the types it returns to the roles listed', async () => {
      expect(await run('{ vendors { key owner { name } } }', viewer)).toEqual({ data: { vendors: [{ key: 'acme', owner: { name: 'Ada' } }] }, errors: undefined });
    });

    it('closes an operation nobody listed, to every role', async () => {
      expect(await run('{ unlisted }', auditor)).toEqual({
        data: { unlisted: null },
        errors: [['unlisted', 'FORBIDDEN', 'Forbidden: Query.unlisted is open to no role (the access table has no entry for it)']],
      });
    });

    it('narrows a listed field below its type', async () => {
      expect(await run('{ vendors { key contract } }', viewer)).toEqual({
        data: { vendors: [{ key: 'acme', contract: null }] },
        errors: [['vendors.0.contract', 'FORBIDDEN', 'Forbidden: Vendor.contract is open to AUDITOR; the token grants VIEWER']],
      });
      expect(await run('{ vendors { contract } }', auditor)).toEqual({ data: { vendors: [{ contract: 'DPA-1' }] }, errors: undefined });
    });

    it('opens a type only to the roles of the operations that return it', async () => {
      const logType = protectedSchema.getType('Log') as GraphQLObjectType;
      const entries = logType.getFields().entries.resolve!;
      const info = { parentType: logType, fieldName: 'entries' } as never;
      expect(await entries({ entries: ['one'] }, {}, { viewer: auditor }, info)).toEqual(['one']);
      expect(await entries({ entries: ['one'] }, {}, { viewer }, info)).toEqual(
        expect.objectContaining({ message: 'Forbidden: Log.entries is open to AUDITOR; the token grants VIEWER', extensions: { code: 'FORBIDDEN', field: 'Log.entries' } }),
      );
    });

    it('denies the fields of a type that no operation returns', async () => {
      const orphan = protectedSchema.getType('Orphan') as GraphQLObjectType;
      const secret = orphan.getFields().secret.resolve!;
      expect(await secret({ secret: 'x' }, {}, { viewer: auditor }, { parentType: orphan, fieldName: 'secret' } as never)).toEqual(
        expect.objectContaining({ message: 'Forbidden: Orphan.secret is open to no role (the access table has no entry for it)' }),
      );
    });

    it('asks an anonymous caller to authenticate', async () => {
      expect(await run('{ vendors { key } }', null)).toEqual({
        data: null,
        errors: [['vendors', 'UNAUTHENTICATED', 'Authentication required: Query.vendors needs a token; send "Authorization: Bearer <token>"']],
      });
    });
  });
}

it('refuses a table that names a field the schema does not have', () => {
  expect(() => protectSchema(schema, { table: { ...table, Query: { ...table.Query, vendor: [Role.VIEWER] } } })).toThrow(
    'The access table names fields the schema does not have: Query.vendor',
  );
});
