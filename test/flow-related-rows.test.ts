import { applyManifest } from '../src/manifest/manifest.service';
import { authAs, startTestApp, type TestApp } from './harness';
import { copiesOfTheSeededShape } from './larger-map';

/**
 * Issue 18: a page of flows reads the objects its fields name (activity, category, purpose, processor, destination,
 * retention) in its own statement and hands them to the request's loaders, where it took one statement per type.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const RELATED = {
  activity: { type: 'ProcessingActivity', query: 'processingActivity', argument: 'key', id: 'key' },
  category: { type: 'DataCategory', query: 'dataCategory', argument: 'key', id: 'key' },
  purpose: { type: 'Purpose', query: 'purpose', argument: 'key', id: 'key' },
  processor: { type: 'Processor', query: 'processor', argument: 'key', id: 'key' },
  destination: { type: 'Country', query: 'country', argument: 'code', id: 'code' },
  retention: { type: 'RetentionRule', query: 'retentionRule', argument: 'key', id: 'key' },
} as const;

interface IntrospectedType {
  name: string;
  fields: { name: string; args: { type: { kind: string } }[]; type: { kind: string; ofType: { kind: string; ofType: { kind: string; ofType: { kind: string } | null } | null } | null } }[];
}

/** Every field of a type that is a scalar or an enum (a list of them too) and needs no argument: all it reads from its row. */
async function leafFields(typeName: string): Promise<string[]> {
  const answer = await app.gql<{ __type: IntrospectedType }>(
    `query($name: String!) { __type(name: $name) { name fields { name args { type { kind } } type { kind ofType { kind ofType { kind ofType { kind } } } } } } }`,
    { name: typeName },
    await authAs('PRIVACY_OFFICER'),
  );
  const leaf = (type: { kind: string; ofType?: unknown } | null | undefined): boolean => {
    if (!type) return false;
    if (type.kind === 'SCALAR' || type.kind === 'ENUM') return true;
    return (type.kind === 'NON_NULL' || type.kind === 'LIST') && leaf(type.ofType as { kind: string; ofType?: unknown });
  };
  return answer.data!.__type.fields.filter((field) => field.args.every((arg) => arg.type.kind !== 'NON_NULL') && leaf(field.type)).map((field) => field.name);
}

const PAGE = `{ dataFlows(first: 100) { nodes { legalBasis activity { key name } category { key name } purpose { key name }
  processor { key name role } destination { code name inEEA } retention { key } } } }`;

it('reads a page of flows and every object its fields name in one statement, on the seeded map and on one ten times larger', async () => {
  const viewer = await authAs('VIEWER');
  const seeded = await app.countStatements(PAGE, {}, viewer);
  expect(seeded.response.errors).toBeUndefined();
  expect(seeded.response.data!.dataFlows.nodes.length).toBeGreaterThan(20);
  expect(seeded.statements).toBe(1);

  await applyManifest(app.em(), copiesOfTheSeededShape(40));
  const larger = await app.countStatements(PAGE, {}, viewer);
  expect(larger.response.errors).toBeUndefined();
  expect(larger.response.data!.dataFlows.nodes).toHaveLength(100);
  expect(larger.statements).toBe(1);
});

it('hands over each object with every field exactly as its own query reads it (timestamps, dates, enums, JSON, lists)', async () => {
  const officer = await authAs('PRIVACY_OFFICER');
  const selections = Object.fromEntries(
    await Promise.all(Object.entries(RELATED).map(async ([field, related]) => [field, (await leafFields(related.type)).join(' ')] as const)),
  );
  expect(selections.processor.split(' ')).toEqual(expect.arrayContaining(['createdAt', 'effectiveFrom', 'version', 'role']));
  const page = await app.gql(
    `{ dataFlows(first: 200) { nodes { ${Object.keys(RELATED).map((field) => `${field} { ${selections[field]} }`).join(' ')} } } }`,
    {},
    officer,
  );
  expect(page.errors).toBeUndefined();
  const nodes: Record<string, Record<string, unknown> | null>[] = page.data!.dataFlows.nodes;

  let compared = 0;
  for (const [field, related] of Object.entries(RELATED)) {
    const objects = new Map(nodes.flatMap((node) => (node[field] ? [[String(node[field]![related.id]), node[field]!] as const] : [])));
    expect(objects.size).toBeGreaterThan(0);
    for (const [id, object] of objects) {
      const own = await app.gql(`query($id: ID!) { ${related.query}(${related.argument}: $id) { ${selections[field]} } }`, { id }, officer);
      expect(own.errors).toBeUndefined();
      expect(object).toEqual(own.data![related.query]);
      compared++;
    }
  }
  // The seeded map's processors, their countries, activities, categories, purposes and retention rules.
  expect(compared).toBeGreaterThan(30);
});
