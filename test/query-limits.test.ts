import { getIntrospectionQuery } from 'graphql';
import { loadConfig } from '../src/common/config';
import { QUERY_LIMITS } from '../src/server/query-limits';
import { authAs, startTestApp, TEST_JWT_SECRET, type TestApp } from './harness';
import { THOUSAND_PROCESSORS } from './larger-map';

let app: TestApp;
let asViewer: Record<string, string>;
beforeAll(async () => {
  [app, asViewer] = await Promise.all([startTestApp(), authAs('VIEWER')]);
});
afterAll(() => app.close());

/** The README's example queries and the dashboards' largest ones: the limits must let them through. */
const REAL_QUERIES: Record<string, string> = {
  'financial processors (README)': `{ processors(receives: "financial", status: ACTIVE) { nodes { key name } } }`,
  'where each processor processes data (README)': `{
    processors {
      nodes {
        key
        headquarters { code name }
        locations { country { code inEEA adequacy } mechanism reference }
      }
    }
  }`,
  'the record of processing (README)': `{
    processingActivities {
      nodes {
        key name legalBasis
        purpose { key name parent { key } }
        requiredConsent { key }
        dataCategories { key children { key } }
        processors { key }
        retention { duration startsAt until reason }
      }
    }
  }`,
  'a thousand processors with their relations (dashboard)': THOUSAND_PROCESSORS,

  'the category tree, four levels deep (dashboard)': `{
    dataCategories(rootsOnly: true, first: 100) {
      nodes { key name children { key name children { key name children { key name parent { key } } } } }
    }
  }`,
  'an overview with aliases (dashboard)': `{
    active: processors(status: ACTIVE) { totalCount }
    proposed: processors(status: PROPOSED) { totalCount }
    retired: processors(status: RETIRED) { totalCount }
    de: country(code: "DE") { name inEEA adequacy }
    us: country(code: "US") { name inEEA adequacy }
    eea: countries(inEEA: true) { totalCount }
    org: organization { name rightsResponseDays }
  }`,
};

describe('query limits', () => {
  it.each(Object.entries(REAL_QUERIES))('let a real query through: %s', async (_name, query) => {
    const response = await app.gql(query, {}, asViewer);
    expect(response.errors).toBeUndefined();
    expect(response.status).toBe(200);
  });

  const nested = (levels: number) => `{ dataCategories { nodes { ${'children { '.repeat(levels)}key${' }'.repeat(levels)} } } }`;
  const aliases = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: processor(key: "stripe") { key }`).join(' ')} }`;
  const abuse: [string, string, string][] = [
    ['deep nesting', nested(12), `Query depth limit of ${QUERY_LIMITS.maxDepth} exceeded, found 15.`],
    ['alias flooding', aliases(40), `Aliases limit of ${QUERY_LIMITS.maxAliases} exceeded, found 40.`],
    ['a costly query (the thousand processors twice)', THOUSAND_PROCESSORS.replace(/^\{([^]*)\}$/, '{ a: $1 b: $1 }'),
      `Query Cost limit of ${QUERY_LIMITS.maxCost} exceeded, found 404312.5.`],
    ['a huge first on a nested list', `{ processors(first: 1000000) { nodes { key activities { key } } } }`,
      `Query Cost limit of ${QUERY_LIMITS.maxCost} exceeded, found 15125000.`],
    ['a token flood', `{ processors { nodes { ${'key '.repeat(2500)} } } }`, `Syntax Error: Document contains more that ${QUERY_LIMITS.maxTokens} tokens. Parsing aborted.`],
    ['a directive flood', `{ processors { nodes { ${'key @include(if: true) '.repeat(30)} } } }`, `Directives limit of ${QUERY_LIMITS.maxDirectives} exceeded, found 30.`],
  ];

  it.each(abuse)('rejects %s with BAD_USER_INPUT and a message naming the limit', async (_name, query, message) => {
    const response = await app.gql(query, {}, asViewer);
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0].message).toBe(message);
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('rejects a first above 1000 with BAD_USER_INPUT', async () => {
    const response = await app.gql(`query($first: Int) { processors(first: $first) { nodes { key } } }`, { first: 1001 }, asViewer);
    expect(response.errors).toEqual([
      expect.objectContaining({ message: 'first must be between 1 and 1000; got 1001', extensions: { code: 'BAD_USER_INPUT', field: 'first', value: 1001 } }),
    ]);
  });

  it('counts a first passed as a variable in the cost', async () => {
    const response = await app.gql(`query($first: Int) { processors(first: $first) { nodes { key } } }`, { first: 100000 }, asViewer);
    expect([response.status, response.errors]).toEqual([
      400,
      [expect.objectContaining({ message: 'Query Cost limit of 300000 exceeded, found 725000.', extensions: { code: 'BAD_USER_INPUT', limit: 'maxCost', max: 300000 } })],
    ]);
  });

  it('does not suggest field names to a client that guesses', async () => {
    const response = await app.gql(`{ processors { nodes { kee } } }`, {}, asViewer);
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0].message).toBe('Cannot query field "kee" on type "Processor". [Suggestion hidden]?');
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('refuses batched requests', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asViewer },
      body: JSON.stringify([{ query: '{ processors { totalCount } }' }, { query: '{ processors { totalCount } }' }]),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Operation batching disabled.');
  });

  it('lets the explorer introspect the schema in development', async () => {
    const response = await app.gql(getIntrospectionQuery(), {}, asViewer);
    expect(response.errors).toBeUndefined();
    expect(response.data!.__schema.queryType.name).toBe('Query');
  });
});

describe('list arguments', () => {
  const ids = (count: number) => Array.from({ length: count }, (_, i) => Buffer.from(`Country:${i}`).toString('base64url'));
  const aliased = (count: number, selection: string) =>
    `query ($ids: [ID!]!) { ${Array.from({ length: count }, (_, i) => `a${i}: nodes(ids: $ids) { ${selection} }`).join(' ')} }`;
  /** A processor with its relations, about 288 per item by the cost rule. */
  const PROCESSOR = `fragment P on Processor {
    key name service website headquarters { code name }
    locations { country { code name inEEA adequacy } mechanism reference }
    activities { key name legalBasis purpose { key name parent { key name } } dataCategories { key name children { key name } } retention { duration reason } }
    dataCategories { key name }
  }`;
  const tooLong = (items: number) => ({
    message: `nodes(ids:) holds ${items} items; a list argument holds at most 100 (ask for the rest in further requests)`,
    extensions: { code: 'BAD_USER_INPUT', field: 'ids', limit: 'maxListItems', max: 100 },
  });

  it('refuses the probe’s request (15 aliases of nodes with 40,000 ids, 843 KB) before it runs, and keeps serving', async () => {
    const query = aliased(15, 'id ... on Processor { key name }');
    const body = JSON.stringify({ query, variables: { ids: ids(40_000) } });
    expect(body.length).toBeGreaterThan(800_000);
    const response = await app.gql(query, { ids: ids(40_000) }, asViewer);
    expect([response.status, response.data, response.errors]).toEqual([400, undefined, [expect.objectContaining(tooLong(40_000))]]);
    const after = await app.gql(`{ nodes(ids: []) { id } processors { totalCount } }`, {}, asViewer);
    expect(after).toEqual({ status: 200, data: { nodes: [], processors: { totalCount: 11 } } });
  });

  it('caps ids at 100, given in the query or as a variable', async () => {
    const stripe = Buffer.from('Processor:stripe').toString('base64url');
    const literal = (count: number) => `{ nodes(ids: [${Array(count).fill(`"${stripe}"`).join(', ')}]) { ... on Processor { key } } }`;
    const hundred = await app.gql(literal(100), {}, asViewer);
    expect([hundred.errors, hundred.data!.nodes.length, hundred.data!.nodes[99]]).toEqual([undefined, 100, { key: 'stripe' }]);
    expect((await app.gql(literal(101), {}, asViewer)).errors).toEqual([expect.objectContaining(tooLong(101))]);
    expect((await app.gql(aliased(1, 'id'), { ids: ids(101) }, asViewer)).errors).toEqual([expect.objectContaining(tooLong(101))]);
    expect((await app.gql(aliased(1, 'id'), { ids: ids(100) }, asViewer)).data!.a0).toHaveLength(100);
  });

  it('multiplies the cost by the length of a list argument, alias by alias', async () => {
    const query = (count: number) => `${aliased(count, 'id ...P')} ${PROCESSOR}`;
    expect((await app.gql(query(1), { ids: ids(100) }, asViewer)).errors).toBeUndefined();
    expect((await app.gql(query(15), { ids: ids(10) }, asViewer)).errors).toBeUndefined();
    const response = await app.gql(query(15), { ids: ids(100) }, asViewer);
    expect([response.status, response.errors]).toEqual([
      400,
      [expect.objectContaining({ message: 'Query Cost limit of 300000 exceeded, found 431906.25.', extensions: { code: 'BAD_USER_INPUT', limit: 'maxCost', max: 300000 } })],
    ]);
  });
});

describe('introspection', () => {
  const introspect = (target: TestApp, headers: Record<string, string> = asViewer) => target.gql(`{ __schema { queryType { name } } }`, {}, headers);

  it('needs a token', async () => {
    const response = await introspect(app, {});
    expect(response.status).toBe(401);
    expect(response.errors).toEqual([
      expect.objectContaining({
        message: 'Authentication required: introspection needs a token; send "Authorization: Bearer <token>"',
        extensions: { code: 'UNAUTHENTICATED' },
      }),
    ]);
  });

  it('is off in production', async () => {
    const production = await startTestApp({ seed: false, config: loadConfig({ NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET }) });
    try {
      const response = await introspect(production);
      expect(response.status).toBe(400);
      expect(response.data).toBeUndefined();
      expect(response.errors![0].message).toBe(
        'Introspection is off: INTROSPECTION=false (the default in production). Set INTROSPECTION=true to serve the schema to authenticated callers.',
      );
      expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect((await production.gql(`{ processors { totalCount } }`, {}, asViewer)).data).toEqual({ processors: { totalCount: 0 } });
    } finally {
      await production.close();
    }
  });

  it('is on in production when INTROSPECTION=true', async () => {
    const production = await startTestApp({
      seed: false,
      config: loadConfig({ NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET, INTROSPECTION: 'true' }),
    });
    try {
      const response = await introspect(production);
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await production.close();
    }
  });
});

describe('error details', () => {
  const failures = async (nodeEnv: 'development' | 'production' | 'test') => {
    const target = await startTestApp({ seed: false, config: { nodeEnv } });
    try {
      const badInput = await target.gql(`{ processors(first: 0) { totalCount } }`, {}, asViewer);
      await target.db.orm.close(true);
      const internal = await target.gql(`{ processors { totalCount } }`, {}, asViewer);
      return { badInput: badInput.errors![0], internal: internal.errors![0] };
    } finally {
      await target.close().catch(() => undefined);
    }
  };

  it.each(['production', 'test'] as const)('carry no stack trace and hide unexpected failures in %s', async (nodeEnv) => {
    const { badInput, internal } = await failures(nodeEnv);
    expect(badInput).toEqual(expect.objectContaining({ message: 'first must be between 1 and 1000; got 0', extensions: { code: 'BAD_USER_INPUT', field: 'first', value: 0 } }));
    expect(internal).toEqual({ message: 'Internal server error', locations: [{ line: 1, column: 3 }], path: ['processors'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('carry the stack trace and the real message in development', async () => {
    const { badInput, internal } = await failures('development');
    expect(badInput.extensions!.stacktrace).toEqual(expect.arrayContaining([expect.stringContaining('first must be between 1 and 1000')]));
    expect(internal.message).not.toBe('Internal server error');
    expect(internal.extensions!.stacktrace.length).toBeGreaterThan(1);
  });
});
