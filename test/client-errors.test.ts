import { Writable } from 'node:stream';
import { encodeCursor } from '../src/common/connection';
import { createLogger } from '../src/server/logger';
import { authAs, startTestApp, type TestApp } from './harness';

/**
 * Issue 9: values the database cannot take (a NUL character, a 3,000-character key, a 400-digit cursor) came back
 * as INTERNAL_SERVER_ERROR and were logged as errors. They are the client's: BAD_USER_INPUT, and no error log.
 */
describe('client errors are the client’s', () => {
  let app: TestApp;
  const logs: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    const capture = new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    });
    app = await startTestApp({ logger: createLogger({ logLevel: 'info' }, capture) });
  });
  afterAll(() => app.close());
  afterEach(() => {
    expect(logs.filter((entry) => entry.level >= 50)).toEqual([]);
  });

  const REGISTER = `mutation ($input: RegisterProcessorInput!) { registerProcessor(input: $input) { key } }`;
  const processor = (changes: Record<string, unknown> = {}) => ({
    key: 'acme-cloud',
    name: 'Acme Cloud',
    service: 'Hosting',
    headquarters: 'DE',
    locations: [{ country: 'DE' }],
    dataCategories: ['contact'],
    activities: ['process-payments'],
    ...changes,
  });
  const register = async (changes: Record<string, unknown>) => app.gql(REGISTER, { input: processor(changes) }, await authAs('ENGINEER'));
  const codesOf = (response: { status: number; errors?: { extensions?: Record<string, any> }[] }) => ({
    status: response.status,
    codes: response.errors?.map((error) => error.extensions?.code),
  });

  it.each([
    ['a name', { name: 'Acme\u0000Cloud' }, 'input.name'],
    ['a location reference', { locations: [{ country: 'DE', reference: 'x\u0000' }] }, 'input.locations[0].reference'],
    ['a key in a list', { dataCategories: ['contact\u0000'] }, 'input.dataCategories[0]'],
  ])('refuses a NUL character in %s, naming the variable', async (_what, changes, field) => {
    const response = await register(changes);
    expect(codesOf(response)).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    expect(response.errors?.[0]).toMatchObject({
      message: `the variable ${field} contains a NUL character (\\u0000), which no text field accepts`,
      extensions: { field },
    });
  });

  it('refuses a NUL character written in the query, in a filter and in a key argument', async () => {
    for (const query of ['{ processor(key: "stripe\\u0000") { key } }', '{ dataFlows(filter: { destinations: ["U\\u0000S"] }) { totalCount } }']) {
      const response = await app.gql(query, {}, await authAs('VIEWER'));
      expect(codesOf(response)).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
      expect(response.errors?.[0].message).toBe('a string in the query contains a NUL character (\\u0000), which no text field accepts');
    }
    const filtered = await app.gql('query ($f: DataFlowFilter) { dataFlows(filter: $f) { totalCount } }', { f: { processors: ['stri\u0000pe'] } }, await authAs('VIEWER'));
    expect(filtered.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'f.processors[0]' } });
  });

  it.each([
    ['a 3,000-character key', { key: 'a'.repeat(3000) }, 'input.key', `input.key: "${'a'.repeat(20)}…" (3000 characters) is not a valid key: use at most 64 lowercase letters and digits, separated by "." or "-"`],
    ['a 65-character key', { key: 'a'.repeat(65) }, 'input.key', `input.key: "${'a'.repeat(20)}…" (65 characters) is not a valid key: use at most 64 lowercase letters and digits, separated by "." or "-"`],
    ['a name over 200 characters', { name: 'n'.repeat(201) }, 'input.name', 'input.name: is 201 characters long; at most 200 are allowed'],
    ['a description over 10,000 characters', { description: 'd'.repeat(10_001) }, 'input.description', 'input.description: is 10001 characters long; at most 10000 are allowed'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_what, changes, field, message) => {
    const response = await register(changes);
    expect(codesOf(response)).toEqual({ status: 200, codes: ['BAD_USER_INPUT'] });
    expect(response.errors?.[0]).toMatchObject({ message, extensions: { field } });
  });

  it('accepts a key of 64 characters, a name of 200 and a description of 10,000', async () => {
    const response = await register({ key: 'k'.repeat(64), name: 'n'.repeat(200), description: 'd'.repeat(10_000) });
    expect(response).toEqual({ status: 200, data: { registerProcessor: { key: 'k'.repeat(64) } } });
  });

  it('refuses an auditLog cursor of 400 digits, or of 19, as not issued by the list', async () => {
    for (const digits of ['9'.repeat(400), '9'.repeat(19)]) {
      const after = encodeCursor(digits);
      const response = await app.gql('query ($after: String) { auditLog(after: $after) { totalCount } }', { after }, await authAs('AUDITOR'));
      expect(codesOf(response)).toEqual({ status: 200, codes: ['BAD_USER_INPUT'] });
      expect(response.errors?.[0].message).toBe(`after "${after}" is not a cursor this list issued`);
    }
  });

  describe('requests a stranger may send (issue 23)', () => {
    const send = async (body: Record<string, unknown> | string) => {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await authAs('VIEWER')) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, ...((await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, any> }[] }) };
    };

    it.each([
      ['two operations without operationName', { query: 'query A { processors { totalCount } } query B { countries { totalCount } }' }, 'Must provide operation name if query contains multiple operations.'],
      ['an operationName the text does not define', { query: 'query A { processors { totalCount } }', operationName: 'Nope' }, 'Unknown operation named "Nope".'],
      ['a subscription', { query: 'subscription { x }' }, 'Schema is not configured to execute subscription operation.'],
    ])('answers %s with BAD_USER_INPUT in graphql-js’s words', async (_what, body, message) => {
      // Twice: the jit executor compiles a text on its second run.
      for (let run = 0; run < 2; run++) {
        const response = await send(body);
        expect(response.errors).toEqual([expect.objectContaining({ message, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
        expect(response.status).toBe(400);
      }
    });

    it('answers variables nested 5,000 levels deep with BAD_USER_INPUT in graphql-js’s words', async () => {
      // Written out as text: JSON.stringify itself cannot go 5,000 levels deep on the test's stack.
      const deep = `${'{"processors":'.repeat(5_000)}"x"${'}'.repeat(5_000)}`;
      const response = await send(`{"query":"query ($f: DataFlowFilter) { dataFlows(filter: $f) { totalCount } }","variables":{"f":${deep}}}`);
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0].message).toMatch(/^Variable "\$f" got invalid value /);
      expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      // A NUL within the depth the check reads is still named.
      let nested: unknown = 'a\u0000';
      for (let level = 0; level < 20; level++) nested = [nested];
      const nul = await send({ query: 'query ($f: DataFlowFilter) { dataFlows(filter: $f) { totalCount } }', variables: { f: { processors: nested } } });
      expect(nul.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `f.processors${'[0]'.repeat(20)}` });
    });
  });

  describe('values only the database sees as wrong (issue 23)', () => {
    it('names no SQL statement in the message', async () => {
      const response = await app.gql(
        'query ($from: LocalDate!, $to: LocalDate!) { ageGateStats(from: $from, to: $to) { totals { checks } } }',
        { from: '0000-01-01', to: '0000-01-02' },
        await authAs('PRIVACY_OFFICER'),
      );
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(response.errors![0].message).not.toMatch(/\b(select|insert|update|from|where)\b/i);
    });

    it('refuses a global id or a cursor that decodes to a NUL character', async () => {
      const id = Buffer.from('Processor:str\u0000ipe').toString('base64url');
      const node = await app.gql('query ($id: ID!) { node(id: $id) { id } }', { id }, await authAs('VIEWER'));
      expect(node.errors).toEqual([
        expect.objectContaining({
          message: `id: "${id}" is not an id this service issued: decoded, it holds a NUL character (\\u0000)`,
          extensions: { code: 'BAD_USER_INPUT', field: 'id', value: id },
        }),
      ]);
      const nodes = await app.gql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [id] }, await authAs('VIEWER'));
      expect(nodes.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'ids[0]', value: id });
      const cursor = Buffer.from(JSON.stringify('stri\u0000pe')).toString('base64url');
      for (const query of ['query ($c: String) { processors(after: $c) { totalCount } }', 'query ($c: String) { dataFlows(after: $c) { totalCount } }']) {
        const page = await app.gql(query, { c: cursor }, await authAs('VIEWER'));
        expect(page.errors).toEqual([expect.objectContaining({ message: `after "${cursor}" is not a cursor this list issued`, extensions: { code: 'BAD_USER_INPUT', field: 'after', value: cursor } })]);
      }
    });
  });

  it('refuses a subdivision ISO 3166-2 does not list wherever a jurisdiction is accepted: age gate, rights requests, age policy, profiles', async () => {
    const message = (field: string) =>
      `${field} "DE-XX" is not an ISO 3166-2 subdivision of DE (DE has 16, such as "DE-BB"); give the country alone, "DE", when the subdivision is not known`;
    const calls: [string, Record<string, unknown>, Parameters<typeof authAs>[0], string, string][] = [
      ['query ($input: AgeGateInput!) { ageGate(input: $input) { allowed } }', { input: { birthDate: '1990-01-01', country: 'DE-XX' } }, 'SIGNUP_SERVICE', 'input.country', 'country'],
      [
        'mutation ($input: RightsRequestInput!) { createRightsRequest(input: $input) { id } }',
        { input: { right: 'access', receivedAt: '2026-01-31T10:00:00Z', jurisdiction: 'DE-XX', subjectReference: 'user-1', collectionPoints: [], consents: [] } },
        'PRIVACY_OFFICER',
        'input.jurisdiction',
        'jurisdiction',
      ],
      ['mutation ($input: SetDigitalConsentAgeInput!) { setDigitalConsentAge(input: $input) { age } }', { input: { jurisdiction: 'DE-XX', age: 14, source: 'none' } }, 'PRIVACY_OFFICER', 'input.jurisdiction', 'jurisdiction'],
      ['query ($profile: SubjectProfileInput!) { userDataFlow(profile: $profile) { processors { key } } }', { profile: { country: 'DE-XX', collectionPoints: [], consents: [] } }, 'VIEWER', 'profile.country', 'country'],
    ];
    for (const [query, variables, role, field, name] of calls) {
      const response = await app.gql(query, variables, await authAs(role));
      expect([field, response.errors?.[0].message, response.errors?.[0].extensions]).toEqual([
        field,
        message(name),
        expect.objectContaining({ code: 'BAD_USER_INPUT', field, value: 'DE-XX' }),
      ]);
    }
    // A listed subdivision is accepted, and counts under its country.
    const listed = await app.gql('{ userDataFlow(profile: { country: "DE-BY", collectionPoints: [], consents: [] }) { processors { key } } }', {}, await authAs('VIEWER'));
    expect(listed.errors).toBeUndefined();
  });
});
