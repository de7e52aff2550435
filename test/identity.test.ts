import { authAs, startTestApp, type GraphQLResponse, type TestApp } from './harness';

/** GitHub's identity and paging conventions: global ids, node(id:), edges, and paging both ways. */
let app: TestApp;
let viewer: Record<string, string>;
beforeAll(async () => {
  app = await startTestApp();
  viewer = await authAs('VIEWER');
});
afterAll(() => app.close());

describe('global ids', () => {
  it('gives every entity an opaque id that node(id:) fetches back, as the type it is', async () => {
    const { data, errors } = await app.gql(
      `{ processor(key: "stripe") { id key headquarters { id code } locations { id country { code } } activities { id key } } }`,
      {},
      viewer,
    );
    expect(errors).toBeUndefined();
    const stripe = data!.processor;
    expect(stripe.id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(stripe.id).not.toContain('stripe');
    const ids = [stripe.id, stripe.headquarters.id, stripe.locations[0].id, stripe.activities[0].id];
    const fetched = await app.gql(
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Processor { key name } ... on Country { code }
        ... on ProcessingLocation { country { code } } ... on ProcessingActivity { key } } }`,
      { ids },
      viewer,
    );
    expect(fetched.errors).toBeUndefined();
    expect(fetched.data!.nodes).toEqual([
      { __typename: 'Processor', id: stripe.id, key: 'stripe', name: 'Stripe' },
      { __typename: 'Country', id: stripe.headquarters.id, code: stripe.headquarters.code },
      { __typename: 'ProcessingLocation', id: stripe.locations[0].id, country: stripe.locations[0].country },
      { __typename: 'ProcessingActivity', id: stripe.activities[0].id, key: stripe.activities[0].key },
    ]);
  });

  it('answers null for an id that names nothing, and for text that is no id', async () => {
    const gone = Buffer.from('Processor:no-such-processor').toString('base64url');
    const { data, errors } = await app.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [gone, 'not an id', 'bWF0cml4'] }, viewer);
    expect(errors).toBeUndefined();
    expect(data!.nodes).toEqual([null, null, null]);
  });

  it('keeps the access rules of each type: the audit trail stays closed to a viewer, open to an auditor', async () => {
    await app.gql(`mutation { retireProcessor(key: "zendesk", reason: "replaced") { key } }`, {}, await authAs('PRIVACY_OFFICER'));
    const auditor = await authAs('AUDITOR');
    const { data } = await app.gql(`{ auditLog(first: 1) { nodes { id operation } } }`, {}, auditor);
    const entry = data!.auditLog.nodes[0];
    const asAuditor = await app.gql(`query($id: ID!) { node(id: $id) { id ... on AuditEntry { operation } } }`, { id: entry.id }, auditor);
    expect(asAuditor.errors).toBeUndefined();
    expect(asAuditor.data!.node).toEqual(entry);
    const asViewer = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: entry.id }, viewer);
    expect(asViewer.data!.node).toBeNull();
    expect(asViewer.errors!.map((error) => [error.extensions!.code, error.message])).toEqual([
      ['FORBIDDEN', 'Forbidden: AuditEntry is open to PRIVACY_OFFICER, AUDITOR; the token grants VIEWER'],
    ]);
    const anonymous = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: entry.id });
    expect(anonymous.status).toBe(401);
  });
});

describe('connections', () => {
  const page = (args: string) =>
    app.gql(`{ processors(${args}) { totalCount nodes { key } edges { cursor node { key } }
      pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } }`, {}, viewer);

  it('gives each node its cursor in edges, and the first and last cursor in pageInfo', async () => {
    const { data, errors } = await page('first: 3');
    expect(errors).toBeUndefined();
    const { nodes, edges, pageInfo, totalCount } = data!.processors;
    expect(totalCount).toBe(11); // the nine service providers, the advertising partners, Intercom's host
    expect(nodes.map((node: { key: string }) => node.key)).toEqual(['advertising-partners', 'aws', 'google-analytics']);
    expect(edges.map((edge: { node: { key: string } }) => edge.node.key)).toEqual(['advertising-partners', 'aws', 'google-analytics']);
    expect(pageInfo).toEqual({ startCursor: edges[0].cursor, endCursor: edges[2].cursor, hasNextPage: true, hasPreviousPage: false });
  });

  it('pages backwards with last and before to exactly the list read forwards', async () => {
    const all = (await page('first: 100')).data!.processors.nodes.map((node: { key: string }) => node.key);
    const backwards: string[] = [];
    let before: string | null = null;
    for (;;) {
      const response: GraphQLResponse = await page(`last: 4${before ? `, before: "${before}"` : ''}`);
      expect(response.errors).toBeUndefined();
      const { nodes, pageInfo } = response.data!.processors;
      backwards.unshift(...nodes.map((node: { key: string }) => node.key));
      expect(pageInfo.hasNextPage).toBe(before !== null);
      if (!pageInfo.hasPreviousPage) break;
      before = pageInfo.startCursor;
    }
    expect(backwards).toEqual(all);
  });

  it('answers the items between two cursors', async () => {
    const { edges } = (await page('first: 5')).data!.processors;
    const { data } = await page(`first: 10, after: "${edges[0].cursor}", before: "${edges[4].cursor}"`);
    expect(data!.processors.nodes.map((node: { key: string }) => node.key)).toEqual(edges.slice(1, 4).map((edge: { node: { key: string } }) => edge.node.key));
  });

  it('refuses first with last, and a before cursor it did not issue, as BAD_USER_INPUT', async () => {
    const both = await page('first: 2, last: 2');
    expect(both.errors!.map((error) => [error.extensions!.code, error.message])).toEqual([
      ['BAD_USER_INPUT', 'first and last cannot be combined: ask for the first items, or for the last ones'],
    ]);
    const foreign = await page('last: 2, before: "nonsense"');
    expect(foreign.errors!.map((error) => [error.extensions!.code, error.message])).toEqual([
      ['BAD_USER_INPUT', 'before "nonsense" is not a cursor this list issued'],
    ]);
  });

  it('pages data flows backwards too', async () => {
    const flows = (args: string) =>
      app.gql(`{ dataFlows(${args}) { edges { cursor node { activity { key } category { key } processor { key } destination { code } } }
        pageInfo { hasNextPage hasPreviousPage startCursor } } }`, {}, viewer);
    const forwards = (await flows('first: 1000')).data!.dataFlows.edges;
    const lastThree = (await flows('last: 3')).data!.dataFlows;
    expect(lastThree.edges).toEqual(forwards.slice(-3));
    expect(lastThree.pageInfo.hasPreviousPage).toBe(true);
    const before = (await flows(`last: 2, before: "${lastThree.pageInfo.startCursor}"`)).data!.dataFlows;
    expect(before.edges).toEqual(forwards.slice(-5, -3));
    expect(before.pageInfo.hasNextPage).toBe(true);
  });
});

describe('userDataFlow pages', () => {
  const PROFILE = { country: 'DE', collectionPoints: ['registration', 'purchase'], consents: [] };
  const QUERY = `query($profile: SubjectProfileInput!, $first: Int, $after: String, $reasons: [ExclusionReason!]) {
    userDataFlow(profile: $profile) {
      flows(first: $first, after: $after) { totalCount nodes { activity { key } category { key } processor { key } } pageInfo { hasNextPage endCursor } }
      excluded(first: 1000, reasons: $reasons) { totalCount nodes { reason } }
      summary { flowCount excludedCount excludedByReason { reason count } processors { key } countries { code } categories { key } }
      processors { key }
    }
  }`;

  it('walks the flows page by page to the same list as one page, and counts them', async () => {
    const whole = (await app.gql(QUERY, { profile: PROFILE, first: 1000 }, viewer)).data!.userDataFlow;
    const walked: unknown[] = [];
    let after: string | null = null;
    for (;;) {
      const response: GraphQLResponse = await app.gql(QUERY, { profile: PROFILE, first: 2, after }, viewer);
      expect(response.errors).toBeUndefined();
      const flows = response.data!.userDataFlow.flows;
      expect(flows.totalCount).toBe(whole.flows.totalCount);
      walked.push(...flows.nodes);
      if (!flows.pageInfo.hasNextPage) break;
      after = flows.pageInfo.endCursor;
    }
    expect(walked).toEqual(whole.flows.nodes);
  });

  it('sums the answer from aggregates: counts by reason, and the processors, countries and categories reached', async () => {
    const { data, errors } = await app.gql(QUERY, { profile: PROFILE, first: 1000 }, viewer);
    expect(errors).toBeUndefined();
    const answer = data!.userDataFlow;
    const { summary } = answer;
    expect(summary.flowCount).toBe(answer.flows.totalCount);
    expect(summary.excludedCount).toBe(answer.excluded.totalCount);
    const byReason = answer.excluded.nodes.reduce((counts: Record<string, number>, { reason }: { reason: string }) => ({ ...counts, [reason]: (counts[reason] ?? 0) + 1 }), {});
    expect(summary.excludedByReason).toEqual(
      ['NOT_COLLECTED', 'CONSENT_NOT_GIVEN'].filter((reason) => byReason[reason]).map((reason) => ({ reason, count: byReason[reason] })),
    );
    const reached = [...new Set(answer.flows.nodes.map((flow: { processor: { key: string } }) => flow.processor.key))].sort();
    expect(summary.processors.map((p: { key: string }) => p.key)).toEqual(reached);
    expect(answer.processors).toEqual(summary.processors);
    expect(summary.countries).toEqual([{ code: 'US' }]);
    const categories = [...new Set(answer.flows.nodes.map((flow: { category: { key: string } }) => flow.category.key))].sort();
    expect(summary.categories.map((c: { key: string }) => c.key)).toEqual(categories);
    expect(categories).toEqual(expect.arrayContaining(['financial', 'identity']));
  });

  it('lists only the exclusions of the reasons asked for', async () => {
    const { data } = await app.gql(QUERY, { profile: { ...PROFILE, collectionPoints: ['newsletter'] }, first: 1, reasons: ['CONSENT_NOT_GIVEN'] }, viewer);
    const excluded = data!.userDataFlow.excluded;
    expect(excluded.nodes.length).toBeGreaterThan(0);
    expect(new Set(excluded.nodes.map((node: { reason: string }) => node.reason))).toEqual(new Set(['CONSENT_NOT_GIVEN']));
    expect(excluded.totalCount).toBe(excluded.nodes.length);
  });
});
