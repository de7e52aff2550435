import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { jitGateway } from '../src/server/jit-executor';
import { statementCounter } from '../src/db/statement-counter';
import { authAs, startTestApp, type TestApp } from './harness';

/**
 * GRAPHQL_EXECUTOR=jit must answer exactly what graphql-js answers: data, errors (shield's denials, formatError's
 * codes, variable coercion), HTTP status, and the SQL sent (the loaders learn the selected fields from a plugin).
 */
describe('the graphql-jit executor answers as graphql-js does', () => {
  let js: TestApp;
  let jit: TestApp;

  beforeAll(async () => {
    js = await startTestApp({ config: { graphqlExecutor: 'graphql-js' } });
    jit = await startTestApp({ reset: false, seed: false, config: { graphqlExecutor: 'jit' } });
  });
  afterAll(async () => {
    await jit?.close();
    await js?.close();
  });

  const INTROSPECTION = `{ __schema { queryType { name } types { name kind fields { name type { name kind ofType { name } } } } } }`;
  const cases: [string, string, Record<string, unknown> | undefined, string | null][] = [
    ['a list with nested relations', `{ processors(first: 5) { nodes { key name locations { mechanism country { code name } } activities { key name dataCategories { key } } } } }`, undefined, 'VIEWER'],
    ['totalCount, which only a selecting operation counts', `{ processors(first: 2) { totalCount nodes { key } } }`, undefined, 'VIEWER'],
    ['a page without totalCount', `{ processors(first: 2) { nodes { key } pageInfo { hasNextPage endCursor } } }`, undefined, 'VIEWER'],
    ['an anonymous caller (UNAUTHENTICATED)', `{ processors { totalCount } }`, undefined, null],
    ['a role without the operation (FORBIDDEN)', `{ processors { totalCount } }`, undefined, 'SIGNUP_SERVICE'],
    ['a narrower field denied inside an allowed operation', `{ auditLog(first: 1) { nodes { operation } } }`, undefined, 'VIEWER'],
    ['fragments, aliases, __typename and @include', `query Q($with: Boolean!) { a: processors(first: 1) { ...p } b: processors(first: 2) { nodes { __typename key @include(if: $with) } } } fragment p on ProcessorConnection { nodes { key name } }`, { with: false }, 'VIEWER'],
    ['a bad variable', `query ($n: Int) { processors(first: $n) { totalCount } }`, { n: 'many' }, 'VIEWER'],
    ['a missing required variable', `query ($k: String!) { processor(key: $k) { key } }`, {}, 'VIEWER'],
    ['an out-of-range argument', `{ processors(first: 5000) { totalCount } }`, undefined, 'VIEWER'],
    ['a not-found lookup', `{ processor(key: "no-such-processor") { key } }`, undefined, 'VIEWER'],
    ['a query past the depth limit', `{ processors { nodes { activities { processors { activities { processors { activities { processors { activities { key } } } } } } } } } }`, undefined, 'VIEWER'],
    ['an unknown field', `{ processors { nodez { key } } }`, undefined, 'VIEWER'],
    ['introspection with a token', INTROSPECTION, undefined, 'VIEWER'],
    ['introspection without one', INTROSPECTION, undefined, null],
    ['a NUL character in a variable', `query ($k: String!) { processor(key: $k) { key } }`, { k: 'a\u0000' }, 'VIEWER'],
    ['an input the service refuses', `mutation ($input: RegisterProcessorInput!) { registerProcessor(input: $input) { key } }`, { input: { key: 'Bad Key', name: 'x', service: 'x', headquarters: 'DE', locations: [{ country: 'DE' }], dataCategories: [], activities: [] } }, 'ENGINEER'],
    ['a mutation without the role', `mutation ($input: RegisterProcessorInput!) { registerProcessor(input: $input) { key } }`, { input: { key: 'acme', name: 'x', service: 'x', headquarters: 'DE', locations: [{ country: 'DE' }], dataCategories: [], activities: [] } }, 'VIEWER'],
  ];

  it.each(cases)('%s', async (_what, query, variables, role) => {
    const headers = role ? await authAs(role as 'VIEWER') : {};
    const expected = await statementCounter.measure(() => js.gql(query, variables, headers));
    const actual = await statementCounter.measure(() => jit.gql(query, variables, headers));
    expect(actual.result).toEqual(expected.result);
    expect(actual.statements).toBe(expected.statements);
    // Again, from the cache of compiled operations.
    expect(await jit.gql(query, variables, headers)).toEqual(expected.result);
  });

  it('node(id:) resolves the interface to the entity’s type', async () => {
    const headers = await authAs('VIEWER');
    const { data } = await js.gql(`{ processors(first: 1) { nodes { id } } }`, {}, headers);
    const query = `query ($id: ID!) { node(id: $id) { __typename id ... on Processor { key name } } }`;
    const expected = await js.gql(query, { id: data!.processors.nodes[0].id }, headers);
    expect(expected.data!.node.__typename).toBe('Processor');
    expect(await jit.gql(query, { id: data!.processors.nodes[0].id }, headers)).toEqual(expected);
  });
});

describe('jitGateway', () => {
  it('keeps the most recently used compiled operations, up to its bound', async () => {
    const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { a: { type: GraphQLString, resolve: () => 'x' } } }) });
    const gateway = jitGateway(schema, 2);
    let executor: Awaited<ReturnType<typeof gateway.load>>['executor'];
    gateway.onSchemaLoadOrUpdate(() => {});
    ({ executor } = await gateway.load({ apollo: {} }));
    const run = (queryHash: string) => {
      const document = parse('{ a }');
      const operation = document.definitions[0] as never;
      return executor!({ document, operation, operationName: null, queryHash, request: {}, context: {} } as never);
    };
    expect(await run('one')).toEqual({ data: { a: 'x' } });
    await run('two');
    await run('one');
    await run('three');
    expect(gateway.cached).toBe(2);
    await gateway.stop();
    expect(gateway.cached).toBe(0);
  });
});
