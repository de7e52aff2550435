import { startTestApp, type TestApp } from './harness';

/**
 * Every foreign-key column leads an index (issue 12): a loader's `where processor_key = any(...)` on a link table's
 * second column, or on a one-to-many's foreign key, otherwise reads the whole table once per batch.
 */
describe('indexes', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ seed: false });
  });
  afterAll(() => app.close());

  it('lead with every foreign-key column, the second column of every link table included', async () => {
    const unindexed = await app.em().getConnection().execute<{ table: string; column: string }[]>(
      `select c.conrelid::regclass::text as "table", a.attname as "column"
       from pg_constraint c
       join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
       where c.contype = 'f' and cardinality(c.conkey) = 1
         and not exists (select 1 from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1])
       order by 1, 2`,
    );
    expect(unindexed).toEqual([]);
    // The check sees link tables at all: the one of activities and processors has two foreign keys.
    const [{ count }] = await app.em().getConnection().execute<{ count: number }[]>(
      `select count(*)::int as "count" from pg_constraint where contype = 'f' and conrelid = 'processing_activity_processors'::regclass`,
    );
    expect(count).toBe(2);
  });
});
