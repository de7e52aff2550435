import { authAs, onPostgres, startTestApp, type TestApp } from './harness';

const REGISTER = `mutation ($input: RegisterProcessorInput!) { registerProcessor(input: $input) { key status } }`;
const input = {
  key: 'racing-processor',
  name: 'Racing Processor',
  service: 'Hosting',
  headquarters: 'DE',
  locations: [{ country: 'DE' }],
  dataCategories: ['usage'],
  activities: ['usage-analytics'],
};

// PGlite is a single session behind one connection, so it runs requests one at a time and cannot race them.
const onPostgresOnly = onPostgres ? describe : describe.skip;

onPostgresOnly('concurrent registrations of one key on PostgreSQL (skipped on PGlite, which serialises every request)', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await startTestApp();
    // A second service instance, with its own connection pool, on the same database.
    second = await startTestApp({ reset: false, seed: false });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('lets exactly one of 50 registrations through two instances succeed; every other answers CONFLICT, none 500', async () => {
    const headers = await authAs('ENGINEER');
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? first : second).gql(REGISTER, { input }, headers)),
    );
    expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const outcomes = responses.map((r) => (r.errors ? r.errors[0].extensions?.code : 'CREATED'));
    expect(outcomes.filter((o) => o === 'CREATED')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'CONFLICT')).toHaveLength(49);

    const connection = first.em().getConnection();
    const count = async (sql: string) => Number((await connection.execute(sql, [input.key]))[0].count);
    expect(await count('select count(*) from processor where key = ?')).toBe(1);
    expect(await count('select count(*) from processing_location where processor_key = ?')).toBe(1);
    expect(await count('select count(*) from audit_entry where entity_key = ?')).toBe(1);
  });
});
