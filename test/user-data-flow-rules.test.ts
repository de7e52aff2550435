import { basesNeedingParentalConsent } from '../src/age-gate/age';
import { collectionOf, exclusionFor, type CollectionPointFacts } from '../src/data-flow/data-flow.rules';
import { authAs, startTestApp, type TestApp } from './harness';

/**
 * userDataFlow judges flows in SQL; `exclusionFor` is the same rule as a pure function. Both must agree on every
 * flow of the seeded map, for many people.
 */
let app: TestApp;
let viewer: Record<string, string>;
beforeAll(async () => {
  app = await startTestApp({ clock: () => new Date('2026-06-15T12:00:00Z') });
  viewer = await authAs('VIEWER');
});
afterAll(() => app.close());

const FLOW = 'activity { key } category { key } processor { key } destination { code }';
type Flow = { activity: { key: string }; category: { key: string }; processor: { key: string }; destination: { code: string } };
const pathOf = (flow: Flow) => `${flow.activity.key}/${flow.category.key} -> ${flow.processor.key}@${flow.destination.code}`;

const PROFILES = [
  { collectionPoints: [], consents: [] },
  { collectionPoints: ['registration'], consents: [] },
  { collectionPoints: ['purchase'], consents: ['marketing-email'] },
  { collectionPoints: ['support', 'survey'], consents: ['performance-cookies'] },
  { collectionPoints: ['newsletter'], consents: ['marketing-email', 'functional-cookies'] },
  { collectionPoints: ['course-activity', 'registration'], consents: ['marketing-cookies'] },
  {
    collectionPoints: ['registration', 'purchase', 'support', 'newsletter', 'survey', 'course-activity', 'site-visit'],
    consents: ['marketing-email', 'performance-cookies', 'functional-cookies', 'marketing-cookies'],
  },
];

/**
 * People with a birth date (15 on the test's date), and the bases the age rule asks a parent for in their country:
 * the age policy's ages (DE 16, BE 13, CA-QC 14, IN 18), and every basis where the law reaches every activity.
 */
const EVERYONE = PROFILES[PROFILES.length - 1];
const CHILDREN = [
  { country: 'DE', digitalConsentAge: 16, everyActivity: false, parentalConsent: false },
  { country: 'DE', digitalConsentAge: 16, everyActivity: false, parentalConsent: true },
  { country: 'BE', digitalConsentAge: 13, everyActivity: false, parentalConsent: false },
  { country: 'CA-QC', digitalConsentAge: 14, everyActivity: true, parentalConsent: false },
  { country: 'IN', digitalConsentAge: 18, everyActivity: true, parentalConsent: false },
  { country: 'IN', digitalConsentAge: 18, everyActivity: true, parentalConsent: true },
].map(({ country, parentalConsent, ...rule }) => ({
  country,
  input: { ...EVERYONE, birthDate: '2011-01-01', parentalConsent },
  rule: { ...EVERYONE, basesNeedingParentalConsent: basesNeedingParentalConsent({ age: 15, parentalConsent, ...rule }) },
}));

it('excludes exactly the flows the pure rule excludes, for the same reasons, for every profile', async () => {
  const connection = app.em().getConnection();
  const points = await connection.execute<CollectionPointFacts[]>(`select cp.key, cp.automatic,
      coalesce(array_agg(cc.data_category_key) filter (where cc.data_category_key is not null), '{}') as categories
    from collection_point cp left join collection_point_categories cc on cc.collection_point_key = cp.key group by cp.key`);
  const pointsByKey = new Map(points.map((point) => [point.key, point]));
  const activities = await connection.execute<{ key: string; legalBasis: string; consent: string | null; points: string[] }[]>(`select a.key,
      a.legal_basis as "legalBasis", a.required_consent_key as consent,
      coalesce(array_agg(p.collection_point_key) filter (where p.collection_point_key is not null), '{}') as points
    from processing_activity a left join processing_activity_collection_points p on p.processing_activity_key = a.key group by a.key`);
  const activityByKey = new Map(activities.map((activity) => [activity.key, activity]));
  const all = (await app.gql(`{ dataFlows(first: 1000) { nodes { ${FLOW} } } }`, {}, viewer)).data!.dataFlows.nodes as Flow[];
  expect(all.length).toBeGreaterThan(10);

  const people = [...PROFILES.map((profile) => ({ country: 'DE', input: profile, rule: profile })), ...CHILDREN];
  expect(CHILDREN[4].rule.basesNeedingParentalConsent).toContain('CONTRACT');
  for (const { country, input, rule: profile } of people) {
    const { data, errors } = await app.gql(
      `query($profile: SubjectProfileInput!) { userDataFlow(profile: $profile) {
        flows(first: 1000) { nodes { ${FLOW} } } excluded(first: 1000) { nodes { reason flow { ${FLOW} } } } } }`,
      { profile: { country, ...input } },
      viewer,
    );
    expect(errors).toBeUndefined();
    const fromSql = new Map<string, string | null>([
      ...data!.userDataFlow.flows.nodes.map((flow: Flow) => [pathOf(flow), null] as const),
      ...data!.userDataFlow.excluded.nodes.map(({ reason, flow }: { reason: string; flow: Flow }) => [pathOf(flow), reason] as const),
    ]);
    const fromRule = new Map(
      all.map((flow) => {
        const activity = activityByKey.get(flow.activity.key)!;
        const collection = {
          legalBasis: activity.legalBasis as never,
          requiredConsentKey: activity.consent,
          ...collectionOf(flow.category.key, activity.points, pointsByKey),
        };
        return [pathOf(flow), exclusionFor(collection, profile)] as const;
      }),
    );
    expect({ profile, verdicts: Object.fromEntries(fromSql) }).toEqual({ profile, verdicts: Object.fromEntries(fromRule) });
  }
});
