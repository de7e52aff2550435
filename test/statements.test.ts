import { applyManifest } from '../src/manifest/manifest.service';
import { authAs, startTestApp, type TestApp } from './harness';
import { chainsUnder, copiesOfTheSeededShape } from './larger-map';

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
  expect(seeded.response.data!.processors.totalCount).toBe(11);

  await applyManifest(app.em(), copiesOfTheSeededShape(81));
  const larger = await app.countStatements(NESTED_QUERY, {}, await authAs('VIEWER'));
  expect(larger.response.errors).toBeUndefined();
  expect(larger.response.data!.processors.totalCount).toBe(92);
  const extra = larger.response.data!.processors.nodes.find((p: any) => p.key === 'extra-processor-7');
  expect(extra.locations).toEqual([{ mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', country: { code: 'US', inEEA: false } }]);
  expect(extra.dataCategories).toEqual([{ key: 'identity', parent: null }, { key: 'usage', parent: null }]);

  expect(larger.statements).toBe(seeded.statements);
  // The page, its count, and one statement per relation level and per entity type: nothing per row.
  expect(seeded.statements).toBe(8);
});

// Separate requests: fields of one request resolve in parallel on a PostgreSQL pool, so whether a relation
// loader batches once or twice across them depends on timing, not on the size of the answer.
const FLOWS_WITH_PATHS = `{
  dataFlows(first: 100) {
    totalCount
    nodes { category { key } activity { key } processor { key headquarters { code } } destination { code }
      path { from { key } to { key role } destination { code inEEA } sccModule safeguarded } }
  }
}`;
const PERSON = 'userDataFlow(profile: { country: "DE", collectionPoints: ["registration", "purchase"], consents: [] })';
const PERSON_SUMMARY = `{ ${PERSON} { summary { countries { code } processors { key } } } }`;
const PERSON_WITH_PATHS = `{ ${PERSON} { flows(first: 100) { nodes { path { to { key } destination { code } } } } } }`;

it('sends as many SQL statements for flows and their paths with sub-processor chains three deep as with one hop of chain', async () => {
  const viewer = await authAs('VIEWER');
  // One hop of chain (the seeded intercom -> intercom-aws) against chains three deep under four more recipients.
  const count = async () => {
    const counted = [];
    for (const query of [FLOWS_WITH_PATHS, PERSON_SUMMARY, PERSON_WITH_PATHS]) counted.push(await app.countStatements(query, {}, viewer));
    return counted;
  };
  const [without, ...personWithout] = await count();
  expect([without, ...personWithout].map((counted) => counted.response.errors)).toEqual([undefined, undefined, undefined]);
  expect(without.response.data!.dataFlows.nodes.some((flow: any) => flow.path.length === 2)).toBe(true);

  await applyManifest(app.em(), chainsUnder(['aws', 'stripe', 'sendgrid', 'google-cloud']));
  const [chained, ...personChained] = await count();
  expect([chained, ...personChained].map((counted) => counted.response.errors)).toEqual([undefined, undefined, undefined]);
  const deepest = chained.response.data!.dataFlows.nodes.find((flow: any) => flow.path.length === 4);
  expect(deepest.path.map((hop: any) => [hop.from?.key ?? null, hop.to.key, hop.sccModule])).toEqual([
    [null, deepest.path[0].to.key, 2],
    [deepest.path[0].to.key, `${deepest.path[0].to.key}-sub-1`, 3],
    [`${deepest.path[0].to.key}-sub-1`, `${deepest.path[0].to.key}-sub-2`, 3],
    [`${deepest.path[0].to.key}-sub-2`, `${deepest.path[0].to.key}-sub-3`, 3],
  ]);
  expect(personChained[0].response.data!.userDataFlow.summary.countries).toEqual([{ code: 'IN' }, { code: 'US' }]);
  expect([chained, ...personChained].map((counted) => counted.statements)).toEqual([without, ...personWithout].map((counted) => counted.statements));
});

it('judges a GB person, and the map under UK_GDPR, in as many statements on a larger map: at most one more than under the EU GDPR', async () => {
  const person = (country: string) => `{ userDataFlow(profile: { country: "${country}", collectionPoints: ["registration"], consents: [] }) {
    regime summary { flowCount } flows(first: 1000) { nodes { processor { key } mechanism safeguarded } }
    excluded(first: 1000) { nodes { reason flow { processor { key } safeguarded } } } } }`;
  const queries = [
    person('GB'),
    person('DE'),
    '{ dataFlows(filter: { regime: UK_GDPR }, first: 1000) { totalCount nodes { processor { key } mechanism safeguarded } } }',
    '{ dataMapGraph(filter: { regime: SWISS_FADP }, level: SUMMARY, groupProcessorsBy: SAFEGUARD) { nodes { id } edges { from to } } }',
  ];
  const count = async () => {
    const counts: number[] = [];
    for (const query of queries) {
      const { response, statements } = await app.countStatements(query, {}, await authAs('VIEWER'));
      expect(response.errors).toBeUndefined();
      counts.push(statements);
    }
    return counts;
  };
  const before = await count();
  const flows = async () => (await app.gql(person('GB'), {}, await authAs('VIEWER'))).data!.userDataFlow.summary.flowCount;
  const fewer = await flows();
  await applyManifest(app.em(), copiesOfTheSeededShape(300));
  expect(await flows()).toBeGreaterThan(fewer + 200);
  expect(await count()).toEqual(before);
  // The regime's facts: one statement for the request, however many flows and lists it judges (the lists then
  // resume together, so their objects may load in fewer batches than under the EU GDPR).
  expect(before[0]).toBeLessThanOrEqual(before[1] + 1);
});
