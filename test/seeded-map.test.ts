import { authAs, keysOf, startTestApp, type TestApp } from './harness';

let app: TestApp;
let asViewer: Record<string, string>;
beforeAll(async () => {
  app = await startTestApp();
  asViewer = await authAs('VIEWER');
});
afterAll(() => app.close());

describe('the seeded PythonMaster map', () => {
  it('answers that exactly stripe and paypal receive financial data', async () => {
    const { data, errors } = await app.gql(`{ processors(receives: "financial", status: ACTIVE) { totalCount nodes { key } } }`, {}, asViewer);
    expect(errors).toBeUndefined();
    expect(data!.processors.totalCount).toBe(2);
    expect(keysOf(data!.processors.nodes)).toEqual(['paypal', 'stripe']);
  });

  it('counts a processor declared for a parent category as receiving its children', async () => {
    const { data } = await app.gql(`{ processors(receives: "financial.payment-card") { nodes { key } } }`, {}, asViewer);
    expect(keysOf(data!.processors.nodes)).toEqual(['paypal', 'stripe']);
  });

  it('holds the nine sub-processors of the policy, all active and all in the US', async () => {
    const { data } = await app.gql(`{ processors(first: 50) { totalCount nodes { key status headquarters { code } locations { country { code inEEA } } } } }`, {}, asViewer);
    expect(keysOf(data!.processors.nodes)).toEqual([
      'aws', 'google-analytics', 'google-cloud', 'intercom', 'mailchimp', 'paypal', 'sendgrid', 'stripe', 'zendesk',
    ]);
    for (const processor of data!.processors.nodes) {
      expect(processor.status).toBe('ACTIVE');
      expect(processor.locations).toEqual([{ country: { code: 'US', inEEA: false } }]);
    }
  });

  it('records the mechanism each processor relies on for its US location', async () => {
    const { data } = await app.gql(`{ processors(first: 50) { nodes { key locations { mechanism reference } } } }`, {}, asViewer);
    const mechanisms = Object.fromEntries(data!.processors.nodes.map((p: any) => [p.key, p.locations[0]]));
    expect(mechanisms).toEqual({
      stripe: { mechanism: 'ADEQUACY_DECISION', reference: 'EU-US Data Privacy Framework' },
      mailchimp: { mechanism: 'ADEQUACY_DECISION', reference: 'EU-US Data Privacy Framework' },
      paypal: { mechanism: 'BINDING_CORPORATE_RULES', reference: 'PayPal Binding Corporate Rules' },
      sendgrid: { mechanism: 'BINDING_CORPORATE_RULES', reference: 'Twilio Binding Corporate Rules' },
      zendesk: { mechanism: 'BINDING_CORPORATE_RULES', reference: 'Zendesk Binding Corporate Rules' },
      aws: { mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' },
      'google-cloud': { mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' },
      'google-analytics': { mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' },
      intercom: { mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' },
    });
  });

  it('links each processor to the activity, purpose and legal basis of the policy', async () => {
    const { data } = await app.gql(`{ processors(first: 50) { nodes { key dataCategories { key }
      activities { key legalBasis purpose { key } requiredConsent { key } collectionPoints { key } } } } }`, {}, asViewer);
    const byKey = Object.fromEntries(data!.processors.nodes.map((p: any) => [p.key, p]));
    const activityOf = (key: string) => byKey[key].activities.map((a: any) => [a.key, a.legalBasis, a.requiredConsent?.key ?? null]);
    expect(activityOf('stripe')).toEqual([['process-payments', 'CONTRACT', null]]);
    expect(activityOf('paypal')).toEqual([['process-payments', 'CONTRACT', null]]);
    expect(activityOf('sendgrid')).toEqual([['service-communications', 'CONTRACT', null]]);
    expect(activityOf('mailchimp')).toEqual([['marketing-communications', 'CONSENT', 'marketing-email']]);
    expect(activityOf('aws')).toEqual([['platform-hosting', 'CONTRACT', null]]);
    expect(activityOf('google-cloud')).toEqual([['platform-hosting', 'CONTRACT', null]]);
    expect(activityOf('google-analytics')).toEqual([['usage-analytics', 'CONSENT', 'performance-cookies']]);
    expect(activityOf('zendesk')).toEqual([['customer-support', 'CONTRACT', null]]);
    expect(activityOf('intercom')).toEqual([['customer-support', 'CONTRACT', null]]);
    expect(keysOf(byKey.stripe.dataCategories)).toEqual(['contact', 'financial', 'identity']);
    expect(keysOf(byKey.aws.dataCategories)).toEqual(['contact', 'identity', 'technical', 'usage']);
    expect(keysOf(byKey['google-analytics'].dataCategories)).toEqual(['technical', 'usage']);
    expect(keysOf(byKey['google-cloud'].activities[0].collectionPoints)).toEqual(['course-activity', 'registration', 'site-visit']);
  });

  it('keeps each retention period of the policy', async () => {
    const { data } = await app.gql(`{ retentionRules { nodes { key duration startsAt until } } }`, {}, asViewer);
    expect(data!.retentionRules.nodes).toEqual([
      { key: 'account-data', duration: 'P3Y', startsAt: 'ACCOUNT_CLOSURE', until: null },
      { key: 'analytics-data', duration: 'P2Y', startsAt: 'COLLECTION', until: null },
      { key: 'course-progress', duration: 'P7Y', startsAt: 'COLLECTION', until: null },
      { key: 'marketing-data', duration: 'P2Y', startsAt: 'LAST_ACTIVITY', until: 'UNSUBSCRIBE' },
      { key: 'payment-data', duration: 'P7Y', startsAt: 'TRANSACTION', until: null },
      { key: 'support-communications', duration: 'P3Y', startsAt: 'CASE_CLOSURE', until: null },
    ]);
  });

  it('has the five data types of the policy with their examples, and their children', async () => {
    const { data } = await app.gql(`{ dataCategories(rootsOnly: true) { nodes { key examples children { key parent { key } } } } }`, {}, asViewer);
    const roots = data!.dataCategories.nodes;
    expect(keysOf(roots)).toEqual(['contact', 'financial', 'identity', 'technical', 'usage']);
    expect(roots.find((c: any) => c.key === 'identity').examples).toEqual(['Name', 'username', 'title']);
    expect(roots.find((c: any) => c.key === 'contact').children).toEqual([
      { key: 'contact.address', parent: { key: 'contact' } },
      { key: 'contact.email', parent: { key: 'contact' } },
      { key: 'contact.phone', parent: { key: 'contact' } },
    ]);
  });

  it('has the seeded collection points, with site-visit the only automatic one', async () => {
    const { data } = await app.gql(`{ collectionPoints { nodes { key automatic } } }`, {}, asViewer);
    expect(data!.collectionPoints.nodes.filter((p: any) => p.automatic).map((p: any) => p.key)).toEqual(['site-visit']);
    expect(keysOf(data!.collectionPoints.nodes).sort()).toEqual(
      ['course-activity', 'newsletter', 'purchase', 'registration', 'site-visit', 'support', 'survey'],
    );
  });

  it('has the consents and cookie categories of the policy', async () => {
    const { data } = await app.gql(`{ consents { nodes { key } } cookieCategories { nodes { key duration consent { key } } } }`, {}, asViewer);
    expect(keysOf(data!.consents.nodes)).toEqual(['functional-cookies', 'marketing-cookies', 'marketing-email', 'performance-cookies']);
    expect(data!.cookieCategories.nodes).toEqual([
      { key: 'essential', duration: null, consent: null },
      { key: 'functional', duration: 'P1Y', consent: { key: 'functional-cookies' } },
      { key: 'marketing', duration: 'P1Y', consent: { key: 'marketing-cookies' } },
      { key: 'performance', duration: 'P2Y', consent: { key: 'performance-cookies' } },
    ]);
  });

  it('answers every rights request within 30 days, as the policy says', async () => {
    const { data } = await app.gql(`{ organization { name dpoEmail rightsResponseDays country { code } } dataSubjectRights { totalCount nodes { responseDays } } }`, {}, await authAs('AUDITOR'));
    expect(data!.organization).toEqual({ name: 'PythonMaster', dpoEmail: 'privacy@pythonmaster.com', rightsResponseDays: 30, country: { code: 'US' } });
    expect(data!.dataSubjectRights.totalCount).toBe(8);
    expect(new Set(data!.dataSubjectRights.nodes.map((r: any) => r.responseDays))).toEqual(new Set([30]));
  });

  it('knows each country with its EEA membership and adequacy', async () => {
    const { data } = await app.gql(`{ de: country(code: "DE") { name inEEA adequacy } us: country(code: "US") { inEEA adequacy adequacyNote }
      jp: country(code: "JP") { adequacy } in: country(code: "IN") { adequacy } xx: country(code: "XX") { name }
      eea: countries(inEEA: true) { totalCount } }`, {}, asViewer);
    expect(data).toEqual({
      de: { name: 'Germany', inEEA: true, adequacy: 'NONE' },
      us: { inEEA: false, adequacy: 'PARTIAL', adequacyNote: 'only organisations certified under the EU-US Data Privacy Framework (DPF)' },
      jp: { adequacy: 'FULL' },
      in: { adequacy: 'NONE' },
      xx: null,
      eea: { totalCount: 30 },
    });
  });
});

describe('lists', () => {
  it('walks a connection page by page with cursors', async () => {
    const first = await app.gql(`{ processors(first: 4) { totalCount pageInfo { hasNextPage endCursor } nodes { key } } }`, {}, asViewer);
    expect(keysOf(first.data!.processors.nodes)).toEqual(['aws', 'google-analytics', 'google-cloud', 'intercom']);
    expect(first.data!.processors.pageInfo.hasNextPage).toBe(true);
    const second = await app.gql(`query($after: String) { processors(first: 10, after: $after) { totalCount pageInfo { hasNextPage } nodes { key } } }`, {
      after: first.data!.processors.pageInfo.endCursor,
    }, asViewer);
    expect(keysOf(second.data!.processors.nodes)).toEqual(['mailchimp', 'paypal', 'sendgrid', 'stripe', 'zendesk']);
    expect(second.data!.processors.pageInfo.hasNextPage).toBe(false);
    expect(second.data!.processors.totalCount).toBe(9);
  });

  it('rejects a page size over the cap and a forged cursor as bad input', async () => {
    const big = await app.gql(`{ processors(first: 5000) { nodes { key } } }`, {}, asViewer);
    expect(big.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(big.errors![0].message).toBe('first must be between 1 and 1000; got 5000');
    const forged = await app.gql(`{ processors(after: "not-a-cursor") { nodes { key } } }`, {}, asViewer);
    expect(forged.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(forged.errors![0].message).toBe('after "not-a-cursor" is not a cursor this list issued');
  });

  it('answers null for a key that does not exist', async () => {
    const { data, errors } = await app.gql(`{ processor(key: "nope") { key } processingActivity(key: "process-payments") { key purpose { key parent { key } } } }`, {}, asViewer);
    expect(errors).toBeUndefined();
    expect(data).toEqual({ processor: null, processingActivity: { key: 'process-payments', purpose: { key: 'service-delivery.payments', parent: { key: 'service-delivery' } } } });
  });

  it('answers a malformed query with BAD_USER_INPUT, not a server error', async () => {
    const response = await app.gql(`{ processors { nodes { nope } } }`, {}, asViewer);
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });
});
