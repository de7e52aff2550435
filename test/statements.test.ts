import { applyManifest } from '../src/manifest/manifest.service';
import { authAs, startTestApp, type TestApp } from './harness';
import { copiesOfTheSeededShape } from './larger-map';

const NESTED_QUERY = `{
  processors(first: 1000) {
    totalCount
    nodes {
      key headquarters { code name }
      locations { mechanism country { code inEEA } }
      dataCategories { key parent { key } }
      activities { key purpose { key parent { key } } dataCategories { key parent { key } } }
    }
  }
}`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

it('sends as many SQL statements for a nested query on a map ten times larger as on the seeded map', async () => {
  const seeded = await app.countStatements(NESTED_QUERY, {}, await authAs('VIEWER'));
  expect(seeded.response.errors).toBeUndefined();
  expect(seeded.response.data!.processors.totalCount).toBe(9);

  await applyManifest(app.em(), copiesOfTheSeededShape(81));
  const larger = await app.countStatements(NESTED_QUERY, {}, await authAs('VIEWER'));
  expect(larger.response.errors).toBeUndefined();
  expect(larger.response.data!.processors.totalCount).toBe(90);
  const extra = larger.response.data!.processors.nodes.find((p: any) => p.key === 'extra-processor-7');
  expect(extra.locations).toEqual([{ mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', country: { code: 'US', inEEA: false } }]);
  expect(extra.dataCategories).toEqual([{ key: 'identity', parent: null }, { key: 'usage', parent: null }]);

  expect(larger.statements).toBe(seeded.statements);
  // The page, its count, and one statement per relation level and per entity type: nothing per row.
  expect(seeded.statements).toBe(9);
});
