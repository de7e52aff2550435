import { authAs, keysOf, startTestApp, type TestApp } from './harness';

let app: TestApp;
let asViewer: Record<string, string>;
beforeAll(async () => {
  app = await startTestApp();
  asViewer = await authAs('VIEWER');
});
afterAll(() => app.close());

describe('the seeded PythonMaster map', () => {
  it('answers that the payment processors and the hosts that keep tax records receive financial data', async () => {
    const { data, errors } = await app.gql(`{ processors(receives: "financial", status: ACTIVE) { totalCount nodes { key } } }`, {}, asViewer);
    expect(errors).toBeUndefined();
    expect(data!.processors.totalCount).toBe(4);
    expect(keysOf(data!.processors.nodes)).toEqual(['aws', 'google-cloud', 'paypal', 'stripe']);
  });

  it('counts a processor declared for a parent category as receiving its children', async () => {
    const { data } = await app.gql(`{ processors(receives: "financial.payment-card") { nodes { key } } }`, {}, asViewer);
    expect(keysOf(data!.processors.nodes)).toEqual(['aws', 'google-cloud', 'paypal', 'stripe']);
  });

  it('holds the nine sub-processors of the policy, the advertising partners and one sub-processor chain, all active and all in the US', async () => {
    const { data } = await app.gql(
      `{ processors(first: 50) { totalCount nodes { key status role engagedBy { key } headquarters { code } locations { country { code inEEA } } } } }`,
      {},
      asViewer,
    );
    expect(keysOf(data!.processors.nodes)).toEqual([
      'advertising-partners', 'aws', 'google-analytics', 'google-cloud', 'intercom', 'intercom-aws', 'mailchimp', 'paypal', 'sendgrid', 'stripe', 'zendesk',
    ]);
    const roles = Object.fromEntries(data!.processors.nodes.map((p: any) => [p.key, [p.role, p.engagedBy?.key ?? null]]));
    expect(roles['advertising-partners']).toEqual(['INDEPENDENT_CONTROLLER', null]);
    expect(roles['intercom-aws']).toEqual(['PROCESSOR', 'intercom']);
    expect(Object.values(roles).filter(([role, engager]) => role === 'PROCESSOR' && engager === null)).toHaveLength(9);
    for (const processor of data!.processors.nodes) {
      expect(processor.status).toBe('ACTIVE');
      expect(processor.locations).toEqual([{ country: { code: 'US', inEEA: false } }]);
    }
  });

  it('records the safeguard each processor relies on for its US location under each regime', async () => {
    const { data } = await app.gql(
      `{ processors(first: 50) { nodes { key locations { mechanism reference dpf { certification reviewDue } safeguards { regime mechanism reference dpf { certification } } } } } }`,
      {},
      asViewer,
    );
    const mechanisms = Object.fromEntries(data!.processors.nodes.map((p: any) => [p.key, p.locations[0]]));
    const eu = { regime: 'EU_GDPR', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2', dpf: null };
    const uk = { regime: 'UK_GDPR', mechanism: 'UK_ADDENDUM', reference: 'UK Addendum to SCC 2021/914 module 2', dpf: null };
    const swiss = { regime: 'SWISS_FADP', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2 with the Swiss adaptations (FADP)', dpf: null };
    const idta = { regime: 'UK_GDPR', mechanism: 'UK_IDTA', reference: 'ICO International Data Transfer Agreement (version A1.0), with Zendesk, Inc.', dpf: null };
    // Every vendor rests on SCC module 2 under the EU GDPR (no DPF List entry was verified; BCRs are the group's); its
    // own fields are that EU_GDPR safeguard. The UK and Swiss safeguards are those the map assumes, and some are missing.
    const scc = (...safeguards: object[]) => ({ mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2', dpf: null, safeguards: [eu, ...safeguards] });
    expect(mechanisms).toEqual({
      stripe: scc(uk, swiss),
      mailchimp: scc(uk, swiss),
      paypal: scc(),
      sendgrid: scc(),
      zendesk: scc(idta),
      aws: scc(uk, swiss),
      'google-cloud': scc(uk, swiss),
      'google-analytics': scc(),
      intercom: scc(swiss),
      // Controller to controller (module 1), and processor to processor along Intercom's chain (module 3).
      'advertising-partners': {
        mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 1', dpf: null,
        safeguards: [{ ...eu, reference: 'SCC 2021/914 module 1' }, { ...uk, reference: 'UK Addendum to SCC 2021/914 module 1' }, { ...swiss, reference: 'SCC 2021/914 module 1 with the Swiss adaptations (FADP)' }],
      },
      'intercom-aws': {
        mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 3', dpf: null,
        safeguards: [{ ...eu, reference: 'SCC 2021/914 module 3' }, { ...uk, reference: 'UK Addendum to SCC 2021/914 module 3' }, { ...swiss, reference: 'SCC 2021/914 module 3 with the Swiss adaptations (FADP)' }],
      },
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
    // Hosting serves every activity that stores data on it.
    const hosted = [
      ['certificates', 'CONTRACT', null],
      ['fraud-prevention', 'LEGITIMATE_INTERESTS', null],
      ['learning-research', 'LEGITIMATE_INTERESTS', null],
      ['platform-hosting', 'CONTRACT', null],
      ['recommendations', 'LEGITIMATE_INTERESTS', null],
      ['tax-records', 'LEGAL_OBLIGATION', null],
      ['website-delivery', 'LEGITIMATE_INTERESTS', null],
    ];
    expect(activityOf('aws')).toEqual(hosted);
    expect(activityOf('google-cloud')).toEqual(hosted);
    expect(activityOf('google-analytics')).toEqual([['usage-analytics', 'CONSENT', 'performance-cookies']]);
    // Questions before a purchase or registration rest on legitimate interests: the person has no contract yet.
    expect(activityOf('zendesk')).toEqual([['customer-support', 'CONTRACT', null], ['pre-sale-support', 'LEGITIMATE_INTERESTS', null]]);
    expect(activityOf('intercom')).toEqual([['customer-support', 'CONTRACT', null], ['pre-sale-support', 'LEGITIMATE_INTERESTS', null]]);
    expect(keysOf(byKey.stripe.dataCategories)).toEqual(['contact', 'financial', 'identity']);
    expect(keysOf(byKey.aws.dataCategories)).toEqual(['contact', 'financial', 'identity', 'technical', 'usage']);
    expect(keysOf(byKey['google-analytics'].dataCategories)).toEqual(['technical', 'usage']);
    // The platform is for account holders; the site's visitors are served by website-delivery.
    expect(keysOf(byKey['google-cloud'].activities[3].collectionPoints)).toEqual(['course-activity', 'registration']);
    expect(keysOf(byKey['google-cloud'].activities[6].collectionPoints)).toEqual(['site-visit']);
  });

  it('keeps each retention period of the policy', async () => {
    const { data } = await app.gql(`{ retentionRules { nodes { key duration startsAt until } } }`, {}, asViewer);
    expect(data!.retentionRules.nodes).toEqual([
      { key: 'account-data', duration: 'P3Y', startsAt: 'ACCOUNT_CLOSURE', until: null },
      { key: 'advertising-data', duration: 'P1Y', startsAt: 'COLLECTION', until: null },
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

  it('keeps the policy\'s 30 days as its promise, the GDPR\'s month plus two as the statute (immediate for consent and marketing), and no response time for a complaint', async () => {
    const { data } = await app.gql(
      `{ organization { name dpoEmail dpoDesignated representative { name } rightsResponseDays country { code } }
         dataSubjectRights { totalCount nodes { key article responseDays deadline extendableBy } } }`,
      {},
      await authAs('AUDITOR'),
    );
    expect(data!.organization).toEqual({
      name: 'PythonMaster', dpoEmail: 'privacy@pythonmaster.com', dpoDesignated: false, representative: null, rightsResponseDays: 30, country: { code: 'US' },
    });
    expect(data!.dataSubjectRights.totalCount).toBe(10);
    const statutory = { responseDays: 30, deadline: 'P1M', extendableBy: 'P2M' };
    expect(data!.dataSubjectRights.nodes).toEqual([
      { key: 'access', article: 'Art. 15', ...statutory },
      { key: 'complaint', article: 'Art. 77', responseDays: null, deadline: null, extendableBy: null },
      { key: 'erasure', article: 'Art. 17', ...statutory },
      { key: 'object-direct-marketing', article: 'Art. 21(2)-(3)', responseDays: 30, deadline: 'P0D', extendableBy: null },
      { key: 'objection', article: 'Art. 21(1)', ...statutory },
      { key: 'opt-out-sale-sharing', article: 'Cal. Civ. Code § 1798.120', responseDays: 30, deadline: null, extendableBy: null },
      { key: 'portability', article: 'Art. 20', ...statutory },
      { key: 'rectification', article: 'Art. 16', ...statutory },
      { key: 'restriction', article: 'Art. 18', ...statutory },
      { key: 'withdraw-consent', article: 'Art. 7(3)', responseDays: 30, deadline: 'P0D', extendableBy: null },
    ]);
  });

  it('tells fact from assumption: provenance on activities, processors and retention rules', async () => {
    const { data, errors } = await app.gql(
      `{ marketing: processingActivity(key: "marketing-communications") { provenance { source assumed } }
         hosting: processingActivity(key: "platform-hosting") { provenance { source assumed } }
         stripe: processor(key: "stripe") { provenance { source assumed } }
         retention: retentionRule(key: "payment-data") { provenance { source assumed } } }`,
      {},
      asViewer,
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      marketing: { provenance: { source: 'How We Use Your Information (Communication, "with your consent"); Your Rights and Choices', assumed: null } },
      hosting: {
        provenance: {
          source: "How We Use Your Information (Service Delivery); Children's Privacy",
          assumed:
            'legalBasis: the policy lists four bases (Legal Basis for Processing) but does not map them to activities; CONTRACT, for ' +
            'account holders only: visitors without an account have no contract, so serving the website to them is ' +
            'website-delivery, on legitimate interests (EDPB Guidelines 2/2019).',
        },
      },
      stripe: {
        provenance: {
          source: 'Information Sharing and Disclosure (Service Providers)',
          assumed: expect.stringContaining(
            'To rely on the DPF, look Stripe up on https://www.dataprivacyframework.gov/list and record ADEQUACY_DECISION with ' +
              'dpf.certification https://www.dataprivacyframework.gov/participant/<id>',
          ),
        },
      },
      retention: { provenance: { source: 'Data Retention', assumed: 'startsAt TRANSACTION: the policy says "for 7 years" without saying from when.' } },
    });
  });

  it('gives recommendations its own profiling activity, and marketing cookies an advertising activity with its recipients', async () => {
    const { data } = await app.gql(
      `{ recommendations: processingActivity(key: "recommendations") { purpose { key } legalBasis dpiaCriteria children }
         advertising: processingActivity(key: "advertising") { purpose { name } legalBasis requiredConsent { key } dpiaCriteria retention { key } }
         recipientCategories { nodes { key name condition activities } } }`,
      {},
      asViewer,
    );
    expect(data).toEqual({
      recommendations: { purpose: { key: 'service-delivery.recommendations' }, legalBasis: 'LEGITIMATE_INTERESTS', dpiaCriteria: ['PROFILING'], children: true },
      advertising: {
        purpose: { name: 'Deliver relevant advertisements' },
        legalBasis: 'CONSENT',
        requiredConsent: { key: 'marketing-cookies' },
        dpiaCriteria: ['SYSTEMATIC_MONITORING', 'PROFILING'],
        retention: { key: 'advertising-data' },
      },
      recipientCategories: {
        nodes: [
          { key: 'advertising-partners', name: 'Advertising partners', condition: 'when the person accepts marketing cookies', activities: ['advertising'] },
          { key: 'business-transfer-acquirers', name: 'Acquirers in a business transfer', condition: 'in a merger, acquisition or sale of assets, subject to the same privacy protections', activities: [] },
          { key: 'public-authorities', name: 'Public authorities', condition: 'where the law requires disclosure (legal process, government investigations)', activities: [] },
        ],
      },
    });
  });

  it('knows each country with its EEA membership and adequacy', async () => {
    const { data } = await app.gql(`{ de: country(code: "DE") { name inEEA adequacy } us: country(code: "US") { inEEA adequacy adequacyNote }
      jp: country(code: "JP") { adequacy } in: country(code: "IN") { adequacy } xx: country(code: "XX") { name }
      re: country(code: "RE") { inEEA memberState { code inEEA } } ax: country(code: "AX") { inEEA memberState { code } }
      eea: countries(inEEA: true) { totalCount } }`, {}, asViewer);
    expect(data).toEqual({
      de: { name: 'Germany', inEEA: true, adequacy: 'NONE' },
      us: {
        inEEA: false,
        adequacy: 'PARTIAL',
        adequacyNote: "Only organisations included in the 'Data Privacy Framework List' maintained by the US Department of Commerce (EU-US DPF), within their certified scope (HR / non-HR data).",
      },
      // Decision (EU) 2019/419 covers only business operators under the APPI (its Art. 1).
      jp: { adequacy: 'PARTIAL' },
      in: { adequacy: 'NONE' },
      xx: null,
      // The territories with codes of their own are in the EEA, under their member state (TFEU Art. 349, 355).
      re: { inEEA: true, memberState: { code: 'FR', inEEA: true } },
      ax: { inEEA: true, memberState: { code: 'FI' } },
      eea: { totalCount: 37 },
    });
  });
});

describe('lists', () => {
  it('walks a connection page by page with cursors', async () => {
    const first = await app.gql(`{ processors(first: 4) { totalCount pageInfo { hasNextPage endCursor } nodes { key } } }`, {}, asViewer);
    expect(keysOf(first.data!.processors.nodes)).toEqual(['advertising-partners', 'aws', 'google-analytics', 'google-cloud']);
    expect(first.data!.processors.pageInfo.hasNextPage).toBe(true);
    const second = await app.gql(`query($after: String) { processors(first: 10, after: $after) { totalCount pageInfo { hasNextPage } nodes { key } } }`, {
      after: first.data!.processors.pageInfo.endCursor,
    }, asViewer);
    expect(keysOf(second.data!.processors.nodes)).toEqual(['intercom', 'intercom-aws', 'mailchimp', 'paypal', 'sendgrid', 'stripe', 'zendesk']);
    expect(second.data!.processors.pageInfo.hasNextPage).toBe(false);
    expect(second.data!.processors.totalCount).toBe(11);
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
