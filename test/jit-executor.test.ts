import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { readFileSync } from 'node:fs';
import { compileQuery } from 'graphql-jit';
import { BUNDLED_OPERATION_NAMES } from '../src/common/config';
import { projectPath } from '../src/common/project-path';
import { estimatedBytes, jitGateway } from '../src/server/jit-executor';
import { documentStore, HEAP_BYTES_PER_QUERY_CHAR } from '../src/server/sized-cache';
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
    // Seen once, the text runs with graphql-js; seen twice, it is compiled; then it runs from the cache.
    for (const run of ['interpreted', 'compiled', 'cached']) {
      const actual = await statementCounter.measure(() => jit.gql(query, variables, headers));
      expect([run, actual.result]).toEqual([run, expected.result]);
      expect([run, actual.statements]).toEqual([run, expected.statements]);
    }
  });

  it.each([
    ['two operations without operationName', `query A { processors { totalCount } } query B { countries { totalCount } }`, undefined],
    ['an operationName the text does not define', `query A { processors { totalCount } }`, 'Nope'],
  ])('answers %s as graphql-js does (BAD_USER_INPUT, its message)', async (_what, query, operationName) => {
    const headers = await authAs('VIEWER');
    const send = (app: TestApp) =>
      fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, operationName }) })
        .then(async (response) => ({ status: response.status, body: (await response.json()) as { errors: { message: string; extensions: { code: string } }[] } }));
    const expected = await send(js);
    expect(expected.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(expected.body.errors[0].message).toBe(
      operationName ? 'Unknown operation named "Nope".' : 'Must provide operation name if query contains multiple operations.',
    );
    for (let run = 0; run < 3; run++) expect(await send(jit)).toEqual(expected);
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
  const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { a: { type: GraphQLString, resolve: () => 'x' } } }) });
  const codeOf = (text: string) =>
    (compileQuery(schema, parse(text), undefined, { debug: true } as never) as { __DO_NOT_USE_THIS_OR_YOU_WILL_BE_FIRED_compilation: string })
      .__DO_NOT_USE_THIS_OR_YOU_WILL_BE_FIRED_compilation;
  async function gatewayWith(options: Parameters<typeof jitGateway>[1]) {
    const gateway = jitGateway(schema, options);
    gateway.onSchemaLoadOrUpdate(() => {});
    const { executor } = await gateway.load({ apollo: {} } as never);
    const run = (queryHash: string, text = '{ a }') => {
      const document = parse(text);
      const operation = document.definitions[0] as { name?: { value: string } };
      return executor!({ document, operation, operationName: operation.name?.value ?? null, queryHash, request: {}, context: {} } as never);
    };
    return { gateway, run };
  }

  it('compiles a text on its Nth run, and an operation the service’s clients send on its first', async () => {
    const { gateway, run } = await gatewayWith({ compileAfter: 3, compileAtOnce: ['MapGraph'] });
    for (const expected of [0, 0, 1, 1]) {
      expect(await run('one')).toEqual({ data: { a: 'x' } });
      expect(gateway.cached).toBe(expected);
    }
    expect(await run('two', 'query MapGraph { a }')).toEqual({ data: { a: 'x' } });
    expect(gateway.cached).toBe(2);
    expect(gateway.bytes).toBe(estimatedBytes(codeOf('{ a }')) + estimatedBytes(codeOf('query MapGraph { a }')));
  });

  it('keeps compiled operations up to its bound in bytes, the least recently used going first', async () => {
    const size = estimatedBytes(codeOf('{ a }'));
    const { gateway, run } = await gatewayWith({ compileAfter: 1, maxBytes: 2 * size + 1 });
    await run('one');
    await run('two');
    await run('one');
    await run('three');
    expect([gateway.cached, gateway.bytes]).toEqual([2, 2 * size]);
    // "two" went: run again, it is compiled again and "one" goes.
    await run('two');
    expect([gateway.cached, gateway.bytes]).toEqual([2, 2 * size]);
    await gateway.stop();
    expect([gateway.cached, gateway.bytes]).toEqual([0, 0]);
  });

  it('runs an operation larger than the whole cache without keeping it', async () => {
    const { gateway, run } = await gatewayWith({ compileAfter: 1, maxBytes: 10 });
    expect(await run('one')).toEqual({ data: { a: 'x' } });
    expect([gateway.cached, gateway.bytes]).toEqual([0, 0]);
  });
});

describe('the operations the service’s own clients send', () => {
  it('are all in BUNDLED_OPERATION_NAMES, and every name there is sent by one of them', () => {
    const sources = ['public/map.js', 'src/server/explorer.ts', 'src/cli/cli.ts'].map((file) => readFileSync(projectPath(file), 'utf8'));
    const sent = new Set(sources.flatMap((text) => [...text.matchAll(/\b(?:query|mutation)\s+([A-Z][A-Za-z0-9_]*)/g)].map((m) => m[1])));
    expect([...sent].sort()).toEqual([...BUNDLED_OPERATION_NAMES].sort());
    // The CLI names every operation it sends.
    expect(readFileSync(projectPath('src/cli/cli.ts'), 'utf8')).not.toMatch(/[`'"]\s*(query|mutation)?\s*[({]/);
  });
});

describe('the cache of parsed query texts', () => {
  it('keeps texts up to its bound in estimated heap, the least recently used going first', async () => {
    const text = (i: number) => `{ a${i}: processors { totalCount } }`;
    const size = text(1).length * HEAP_BYTES_PER_QUERY_CHAR;
    const store = documentStore(2 * size);
    for (const i of [1, 2]) await store.set(`k${i}`, parse(text(i)));
    await store.get('k1');
    await store.set('k3', parse(text(3)));
    expect(await Promise.all(['k1', 'k2', 'k3'].map(async (key) => Boolean(await store.get(key))))).toEqual([true, false, true]);
  });
});
