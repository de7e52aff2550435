import { applyManifest } from '../src/manifest/manifest.service';
import { manifestSchema, type Manifest } from '../src/manifest/manifest.schema';
import { LegalBasis } from '../src/processing-activity/legal-basis';
import { ProcessorStatus } from '../src/processor/processor.entity';
import { TransferMechanism } from '../src/processor/transfer-mechanism';
import { authAs, startTestApp, type TestApp } from './harness';

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

/** More processors and activities, shaped like the seeded ones: US-based, on top-level categories. */
function copiesOfTheSeededShape(copies: number): Manifest {
  const manifest = manifestSchema.parse({ apiVersion: 'datamap/v1' });
  for (let i = 0; i < copies; i++) {
    manifest.activities.push({
      key: `extra-activity-${i}`, name: `Extra activity ${i}`, purpose: 'service-delivery.platform', legalBasis: LegalBasis.CONTRACT,
      dataCategories: ['identity', 'usage'], subjectTypes: ['student'], collectionPoints: ['registration'], securityMeasures: [],
    });
    manifest.processors.push({
      key: `extra-processor-${i}`, name: `Extra ${i}`, service: 'Hosting', headquarters: 'US', status: ProcessorStatus.ACTIVE,
      dataCategories: ['identity', 'usage'], activities: [`extra-activity-${i}`],
      locations: [{ country: 'US', mechanism: TransferMechanism.STANDARD_CONTRACTUAL_CLAUSES, reference: 'SCC 2021/914 module 2' }],
    });
  }
  return manifest;
}

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
