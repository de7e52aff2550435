import { applyManifest } from '../src/manifest/manifest.service';
import { RightsRequest } from '../src/rights-request/rights-request.entity';
import { authAs, errorOf, keys, startTestApp, type TestApp } from './harness';
import { copiesOfTheSeededShape } from './larger-map';

/**
 * Issue 18, reproduction 4: a request's scope covers every activity the person's collection points and consents feed,
 * with or without a processor, what a withdrawn consent fed and is still kept, and what Art. 17(3) keeps from an
 * erasure.
 */
const CREATE = `mutation ($input: RightsRequestInput!) { createRightsRequest(input: $input) { id pastConsents } }`;
const SCOPE = `{ rightsRequests(first: 100) { nodes { id scope {
  processors { processor { key } }
  activities { activity { key } legalBasis categories { key } processors { key } withdrawnConsent { key } erasureException }
  recipientsToNotify { key }
  recipientCategories { key condition }
  copy { categories { key } purposes { key } recipients { key } retentionRules { key } }
} } } }`;

let app: TestApp;
let asOfficer: Record<string, string>;
const now = new Date('2027-03-01T12:00:00Z');
beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
  asOfficer = await authAs('PRIVACY_OFFICER', 'dpo@pythonmaster.com');
});
afterAll(() => app.close());

async function request(input: Record<string, unknown>) {
  const created = await app.gql(
    CREATE,
    { input: { right: 'access', receivedAt: '2027-02-25T10:00:00Z', jurisdiction: 'FR', subjectReference: 'user-77', collectionPoints: [], consents: [], ...input } },
    asOfficer,
  );
  expect(created.errors).toBeUndefined();
  return created.data!.createRightsRequest.id as string;
}

async function scopeOf(id: string) {
  const { data, errors } = await app.gql(SCOPE, {}, asOfficer);
  expect(errors).toBeUndefined();
  return data!.rightsRequests.nodes.find((node: { id: string }) => node.id === id).scope;
}

type Activity = { activity: { key: string }; legalBasis: string; categories: { key: string }[]; processors: { key: string }[]; withdrawnConsent: { key: string } | null; erasureException: string | null };
const activityRows = (scope: { activities: Activity[] }) =>
  scope.activities.map((a) => [a.activity.key, keys(a.categories), keys(a.processors), a.withdrawnConsent?.key ?? null, a.erasureException]);

describe('marketing cookies: the advertising activity, which no processor serves, and its partners', () => {
  it('puts `advertising` and the advertising partners in the access scope of a person who accepted marketing cookies', async () => {
    const scope = await scopeOf(await request({ consents: ['marketing-cookies'] }));
    expect(activityRows(scope)).toEqual([
      ['advertising', ['technical', 'usage.website'], [], null, null],
      ['fraud-prevention', ['technical'], ['aws', 'google-cloud'], null, null],
      ['website-delivery', ['technical', 'usage.website'], ['aws', 'google-cloud'], null, null],
    ]);
    expect(keys(scope.recipientCategories)).toEqual(['advertising-partners', 'business-transfer-acquirers', 'public-authorities']);
    expect(keys(scope.copy.purposes)).toEqual(['communication.advertising', 'security.fraud-prevention', 'service-delivery.platform']);
    expect(keys(scope.copy.retentionRules)).toEqual(['account-data', 'advertising-data']);
  });

  it('leaves them out for a visitor who did not accept them', async () => {
    const scope = await scopeOf(await request({ consents: ['performance-cookies'] }));
    expect(keys(scope.activities.map((a: Activity) => a.activity))).toEqual(['fraud-prevention', 'usage-analytics', 'website-delivery']);
    expect(keys(scope.recipientCategories)).toEqual(['business-transfer-acquirers', 'public-authorities']);
  });
});

describe('consents since withdrawn', () => {
  it('keeps what a withdrawn consent fed while its retention rule keeps it (analytics: 2 years from collection)', async () => {
    const id = await request({ right: 'erasure', consents: [], pastConsents: ['performance-cookies', 'marketing-cookies'] });
    const scope = await scopeOf(id);
    expect(activityRows(scope)).toEqual([
      ['advertising', ['technical', 'usage.website'], [], 'marketing-cookies', null],
      ['fraud-prevention', ['technical'], ['aws', 'google-cloud'], null, 'Art. 17(3)(e): legal claims, as far as their establishment, exercise or defence needs the data, for the period of the retention rule account-data'],
      ['usage-analytics', ['technical', 'usage'], ['google-analytics'], 'performance-cookies', null],
      ['website-delivery', ['technical', 'usage.website'], ['aws', 'google-cloud'], null, null],
    ]);
    expect(keys(scope.recipientsToNotify)).toEqual(['aws', 'google-analytics', 'google-cloud']);
    const stored = await app.em().findOneOrFail(RightsRequest, { id });
    expect(stored.pastConsents).toEqual(['marketing-cookies', 'performance-cookies']);
  });

  it('drops what ends with the withdrawal (marketing data is kept until the person unsubscribes)', async () => {
    const withdrawn = await scopeOf(await request({ collectionPoints: ['newsletter'], pastConsents: ['marketing-email'] }));
    const granted = await scopeOf(await request({ collectionPoints: ['newsletter'], consents: ['marketing-email'] }));
    expect(keys(withdrawn.activities.map((a: Activity) => a.activity))).not.toContain('marketing-communications');
    expect(keys(granted.activities.map((a: Activity) => a.activity))).toContain('marketing-communications');
    expect(keys(withdrawn.processors.map((p: { processor: { key: string } }) => p.processor))).not.toContain('mailchimp');
  });

  it('refuses a consent both granted and withdrawn, and an unknown one', async () => {
    const both = await app.gql(
      CREATE,
      { input: { right: 'access', receivedAt: '2027-02-25T10:00:00Z', jurisdiction: 'FR', subjectReference: 'user-78', collectionPoints: [], consents: ['marketing-email'], pastConsents: ['marketing-email'] } },
      asOfficer,
    );
    expect(errorOf(both)).toEqual(['BAD_USER_INPUT', 'input.pastConsents[0]: "marketing-email" is also in consents; a consent is either granted now or withdrawn']);
    const unknown = await app.gql(
      CREATE,
      { input: { right: 'access', receivedAt: '2027-02-25T10:00:00Z', jurisdiction: 'FR', subjectReference: 'user-78', collectionPoints: [], consents: [], pastConsents: ['sms'] } },
      asOfficer,
    );
    expect(errorOf(unknown)).toEqual(['BAD_USER_INPUT', 'input.pastConsents[0]: unknown consent "sms"']);
  });
});

describe('erasure and Art. 17(3)', () => {
  it('marks tax-records as kept under Art. 17(3)(b), and no exception on an access request', async () => {
    const erasure = await scopeOf(await request({ right: 'erasure', collectionPoints: ['purchase'] }));
    const tax = erasure.activities.find((a: Activity) => a.activity.key === 'tax-records');
    expect(tax).toMatchObject({
      legalBasis: 'LEGAL_OBLIGATION',
      erasureException:
        'Art. 17(3)(b): legal obligation (Council Directive 2006/112/EC (VAT Directive), Art. 369k (records of the non-Union one-stop-shop scheme))',
    });
    const payments = erasure.activities.find((a: Activity) => a.activity.key === 'process-payments');
    expect(payments.erasureException).toBeNull();
    const access = await scopeOf(await request({ collectionPoints: ['purchase'] }));
    expect(access.activities.map((a: Activity) => a.erasureException)).toEqual(access.activities.map(() => null));
  });
});

describe('statements', () => {
  it('sends as many statements for a scope on a map ten times larger as on the seeded map', async () => {
    const id = await request({ right: 'erasure', collectionPoints: ['purchase', 'registration'], consents: ['marketing-cookies'], pastConsents: ['performance-cookies'] });
    const activitiesOf = (response: { data?: Record<string, any> }) =>
      response.data!.rightsRequests.nodes.find((node: { id: string }) => node.id === id).scope.activities.length;
    const seeded = await app.countStatements(SCOPE, {}, asOfficer);
    expect(seeded.response.errors).toBeUndefined();
    await applyManifest(app.em(), copiesOfTheSeededShape(81));
    const larger = await app.countStatements(SCOPE, {}, asOfficer);
    expect(larger.response.errors).toBeUndefined();
    expect(activitiesOf(larger.response)).toBeGreaterThan(activitiesOf(seeded.response));
    expect(larger.statements).toBe(seeded.statements);
  });
});
