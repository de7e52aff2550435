import { AuditEntry } from '../src/audit/audit-entry.entity';
import { Evidence } from '../src/evidence/evidence.entity';
import { authAs, errorOf, startTestApp, type TestApp } from './harness';

const RECONCILE = `mutation ($input: EvidenceInput!) {
  reconcileEvidence(input: $input) {
    repository commit submittedBy itemsReceived itemsIgnored
    vendors {
      vendor name processorKey status repositories processor { key status }
      items { repository commit matchedBy ecosystem package host dataTypes file line tool toolVersion }
      dataTypes { dataType tool categoryKey inMap declared category { key } }
    }
    findings { severity rule message entities { type key } fix }
  }
}`;

const SEEN = `query ($repository: String!) {
  evidence(repository: $repository) { commit vendors { vendor status processor { key status } } findings { rule } }
}`;

const FINDINGS = `query ($rule: String) { findings(rule: $rule, first: 1000) { nodes { severity rule message entities { type key } } } }`;

/** The example of the issue: the web app's manifest names stripe, twilio and a package that is no vendor. */
const stripeAndTwilio = {
  repository: 'pythonmaster/web',
  commit: 'a1b2c3d',
  items: [
    { ecosystem: 'npm', package: 'stripe', file: 'package.json', line: 14, tool: 'npm' },
    { ecosystem: 'npm', package: 'twilio', file: 'package.json', line: 15, tool: 'npm' },
    { ecosystem: 'npm', package: 'left-pad', file: 'package.json', line: 16, tool: 'npm' },
  ],
};

describe('reconcileEvidence on the seeded map', () => {
  let app: TestApp;
  let engineer: Record<string, string>;
  let officer: Record<string, string>;
  beforeAll(async () => {
    app = await startTestApp();
    engineer = await authAs('ENGINEER', 'ci@pythonmaster.com');
    officer = await authAs('PRIVACY_OFFICER', 'dpo@pythonmaster.com');
  });
  afterAll(() => app.close());

  it('reports stripe DECLARED and twilio UNDECLARED with an undeclared-recipient ERROR; an unknown package is no vendor', async () => {
    const { data, errors } = await app.gql(RECONCILE, { input: stripeAndTwilio }, engineer);
    expect(errors).toBeUndefined();
    const report = data!.reconcileEvidence;
    expect(report).toMatchObject({ repository: 'pythonmaster/web', commit: 'a1b2c3d', submittedBy: 'ci@pythonmaster.com', itemsReceived: 3, itemsIgnored: 1 });
    expect(report.vendors.map((v: any) => [v.vendor, v.status, v.processorKey, v.processor])).toEqual([
      ['stripe', 'DECLARED', 'stripe', { key: 'stripe', status: 'ACTIVE' }],
      ['twilio', 'UNDECLARED', 'twilio', null],
    ]);
    expect(report.vendors[1].items).toEqual([
      {
        repository: 'pythonmaster/web',
        commit: 'a1b2c3d',
        matchedBy: 'package',
        ecosystem: 'npm',
        package: 'twilio',
        host: null,
        dataTypes: [],
        file: 'package.json',
        line: 15,
        tool: 'npm',
        toolVersion: null,
      },
    ]);
    expect(report.findings).toEqual([
      {
        severity: 'ERROR',
        rule: 'undeclared-recipient',
        message:
          'the code calls Twilio (npm package twilio in pythonmaster/web (package.json:15)), but no processor "twilio" is registered: ' +
          'the map does not declare this recipient (GDPR Art. 28(2), Art. 30(1)(d))',
        entities: [{ type: 'Vendor', key: 'twilio' }],
        fix:
          'register twilio (registerProcessor, or a manifest) and have a PRIVACY_OFFICER approve it, or remove the dependency; if Twilio ' +
          'is covered by another processor, map it there (processor: <key> in datamap.vendors.yaml or registerVendor)',
      },
    ]);

    const all = (await app.gql(FINDINGS, {}, engineer)).data!.findings.nodes;
    expect(all.filter((f: any) => f.rule === 'undeclared-recipient').map((f: any) => f.entities)).toEqual([[{ type: 'Vendor', key: 'twilio' }]]);
    // Every other ACTIVE processor is unobserved now that a repository has sent evidence.
    expect(all.filter((f: any) => f.rule === 'unobserved-processor').map((f: any) => [f.severity, f.entities[0].key])).toEqual(
      // The advertising partners are a direct recipient no code shows; Intercom's host is reached by Intercom, not by
      // the organisation's code, so it is not unobserved.
      ['advertising-partners', 'aws', 'google-analytics', 'google-cloud', 'intercom', 'mailchimp', 'paypal', 'sendgrid', 'zendesk'].map((key) => ['INFO', key]),
    );
  });

  it('registering twilio makes it PENDING_REVIEW, still an ERROR; approving it clears the finding', async () => {
    const registered = await app.gql(
      `mutation ($input: RegisterProcessorInput!) { registerProcessor(input: $input) { key status } }`,
      {
        input: {
          key: 'twilio',
          name: 'Twilio',
          service: 'SMS verification codes',
          headquarters: 'US',
          locations: [{ country: 'US', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' }],
          dataCategories: ['contact.phone'],
          activities: ['service-communications'],
          dpaReference: 'https://www.twilio.com/legal/data-protection-addendum',
        },
      },
      engineer,
    );
    expect(registered.errors).toBeUndefined();
    const pending = (await app.gql(SEEN, { repository: 'pythonmaster/web' }, engineer)).data!.evidence;
    expect(pending.vendors.map((v: any) => [v.vendor, v.status, v.processor])).toEqual([
      ['stripe', 'DECLARED', { key: 'stripe', status: 'ACTIVE' }],
      ['twilio', 'PENDING_REVIEW', { key: 'twilio', status: 'PROPOSED' }],
    ]);
    expect(pending.findings).toEqual([{ rule: 'undeclared-recipient' }]);

    const approved = await app.gql(`mutation { approveProcessor(key: "twilio", note: "SMS codes") { status } }`, {}, officer);
    expect(approved.errors).toBeUndefined();
    const declared = (await app.gql(SEEN, { repository: 'pythonmaster/web' }, engineer)).data!.evidence;
    expect(declared.vendors.map((v: any) => v.status)).toEqual(['DECLARED', 'DECLARED']);
    expect(declared.findings).toEqual([]);
    expect((await app.gql(FINDINGS, { rule: 'undeclared-recipient' }, engineer)).data!.findings.nodes).toEqual([]);
  });

  it('judges each data type a scanner reports against the categories the processor is declared for', async () => {
    const { data, errors } = await app.gql(
      RECONCILE,
      {
        input: {
          repository: 'pythonmaster/billing',
          items: [
            { vendor: 'Stripe', dataTypes: ['Email Address', 'Credit Card Number', 'Blood Type', 'Unknown', 'Shoe Size'], file: 'bearer.csv', line: 9, tool: 'bearer' },
            { vendor: 'Twilio', dataTypes: ['Telephone Number', 'Physical Address'], file: 'bearer.csv', line: 10, tool: 'bearer' },
          ],
        },
      },
      engineer,
    );
    expect(errors).toBeUndefined();
    const [stripe, twilio] = data!.reconcileEvidence.vendors;
    expect(stripe.dataTypes).toEqual([
      { dataType: 'Email Address', tool: 'bearer', categoryKey: 'contact.email', inMap: true, declared: true, category: { key: 'contact.email' } },
      { dataType: 'Credit Card Number', tool: 'bearer', categoryKey: 'financial.payment-card', inMap: true, declared: true, category: { key: 'financial.payment-card' } },
      { dataType: 'Blood Type', tool: 'bearer', categoryKey: 'health', inMap: false, declared: false, category: null },
      { dataType: 'Shoe Size', tool: 'bearer', categoryKey: null, inMap: false, declared: null, category: null },
    ]);
    expect(twilio.dataTypes.map((t: any) => [t.dataType, t.categoryKey, t.declared])).toEqual([
      ['Telephone Number', 'contact.phone', true],
      ['Physical Address', 'contact.address', false],
    ]);
    expect(data!.reconcileEvidence.findings.map((f: any) => [f.severity, f.rule, f.entities.map((e: any) => `${e.type}:${e.key}`).join(' ')])).toEqual([
      ['WARNING', 'undeclared-category', 'Processor:stripe DataCategory:health Vendor:stripe'],
      ['WARNING', 'undeclared-category', 'Processor:twilio DataCategory:contact.address Vendor:twilio'],
    ]);
    expect(data!.reconcileEvidence.findings[1].message).toBe(
      'the code sends Physical Address to Twilio (contact.address), but processor "twilio" is declared for contact.phone only',
    );
  });

  it("replaces a repository's previous evidence, audited with what changed", async () => {
    const second = await app.gql(RECONCILE, { input: { ...stripeAndTwilio, commit: 'e4f5a6b', items: stripeAndTwilio.items.slice(0, 1) } }, engineer);
    expect(second.data!.reconcileEvidence.vendors.map((v: any) => v.vendor)).toEqual(['stripe']);
    expect(await app.em().count(Evidence, { repository: 'pythonmaster/web' })).toBe(1);
    const audits = await app.em().find(AuditEntry, { entityType: 'Evidence', entityKey: 'pythonmaster/web' }, { orderBy: { id: 'asc' } });
    expect(audits.map((a) => [a.operation, a.actor, a.before, a.after])).toEqual([
      ['reconcileEvidence', 'ci@pythonmaster.com', null, { commit: 'a1b2c3d', items: 2, vendors: ['stripe', 'twilio'] }],
      ['reconcileEvidence', 'ci@pythonmaster.com', { commit: 'a1b2c3d', items: 2, vendors: ['stripe', 'twilio'] }, { commit: 'e4f5a6b', items: 1, vendors: ['stripe'] }],
    ]);
  });

  it('lists the vendors every repository calls, by status, for the map', async () => {
    const { data } = await app.gql(`{ observedVendors { vendor status repositories } undeclared: observedVendors(status: UNDECLARED) { vendor } }`, {}, engineer);
    expect(data!.observedVendors).toEqual([
      { vendor: 'stripe', status: 'DECLARED', repositories: ['pythonmaster/billing', 'pythonmaster/web'] },
      { vendor: 'twilio', status: 'DECLARED', repositories: ['pythonmaster/billing'] },
    ]);
    expect(data!.undeclared).toEqual([]);
  });

  it('refuses more than 10,000 items, and malformed items all at once, storing nothing', async () => {
    const before = await app.em().count(AuditEntry);
    const tooMany = await app.gql(RECONCILE, { input: { repository: 'big', items: Array.from({ length: 10_001 }, (_, i) => ({ package: `p${i}` })) } }, engineer);
    expect(errorOf(tooMany)).toEqual([
      'BAD_USER_INPUT',
      'input.items has 10001 items; at most 10000 are taken in one request: send only the items that identify a vendor ' +
        '(npm run datamap -- evidence does), or split a monorepo into one repository per service',
    ]);
    const malformed = await app.gql(
      RECONCILE,
      { input: { repository: 'pythonmaster/web', items: [{ package: 'stripe' }, { file: 'x.js', line: 0 }, { ecosystem: 'cargo', package: 'serde' }] } },
      engineer,
    );
    expect(malformed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(malformed.errors?.[0].extensions?.problems.map((p: any) => p.message)).toEqual([
      'input.items[1]: needs a package, a host or a vendor to identify what the code calls',
      'input.items[1].line: a line number starts at 1 (got 0)',
      'input.items[2].ecosystem: "cargo" is not one of npm, pypi, go, maven, rubygems, nuget',
    ]);
    expect(await app.em().count(AuditEntry)).toBe(before);
    expect(await app.em().count(Evidence, { repository: 'big' })).toBe(0);
  });

  it('is for engineers and privacy officers; every reader may read the evidence', async () => {
    for (const role of ['VIEWER', 'AUDITOR', 'SIGNUP_SERVICE'] as const) {
      expect(errorOf(await app.gql(RECONCILE, { input: stripeAndTwilio }, await authAs(role)))[0]).toBe('FORBIDDEN');
    }
    expect((await app.gql(SEEN, { repository: 'pythonmaster/web' }, await authAs('VIEWER'))).data!.evidence.commit).toBe('e4f5a6b');
    expect((await app.gql(SEEN, { repository: 'nobody/nothing' }, await authAs('VIEWER'))).data!.evidence).toBeNull();
  });
});

describe('the vendor catalogue through the API', () => {
  let app: TestApp;
  let engineer: Record<string, string>;
  beforeAll(async () => {
    app = await startTestApp();
    engineer = await authAs('ENGINEER', 'ci@pythonmaster.com');
  });
  afterAll(() => app.close());

  it('serves the bundled catalogue: the 9 seeded processors and more than 40 other vendors, each with its source', async () => {
    const { data } = await app.gql(`{ vendors { key processorKey source origin processor { key } } }`, {}, await authAs('VIEWER'));
    expect(data!.vendors.length).toBeGreaterThanOrEqual(49);
    expect(data!.vendors.every((v: any) => v.origin === 'REFERENCE' && /^https:\/\//.test(v.source))).toBe(true);
    expect(data!.vendors.filter((v: any) => v.processor).map((v: any) => v.key)).toEqual([
      'aws', 'google-analytics', 'google-cloud', 'intercom', 'mailchimp', 'paypal', 'sendgrid', 'stripe', 'zendesk',
    ]);
  });

  it('registers a vendor, whose package then counts as evidence, and removes it again', async () => {
    const registered = await app.gql(
      `mutation ($input: VendorInput!) { registerVendor(input: $input) { key processorKey origin packages { ecosystem name } hosts } }`,
      { input: { key: 'learnlytics', name: 'Learnlytics', processor: 'learnlytics', packages: [{ ecosystem: 'pypi', name: 'Learnlytics_Client' }], hosts: ['api.learnlytics.example'] } },
      engineer,
    );
    expect(registered.data!.registerVendor).toEqual({
      key: 'learnlytics',
      processorKey: 'learnlytics',
      origin: 'REGISTERED',
      packages: [{ ecosystem: 'pypi', name: 'Learnlytics_Client' }],
      hosts: ['api.learnlytics.example'],
    });
    const report = await app.gql(
      RECONCILE,
      { input: { repository: 'pythonmaster/ml', items: [{ ecosystem: 'pypi', package: 'learnlytics-client' }, { host: 'eu.api.learnlytics.example' }] } },
      engineer,
    );
    expect(report.data!.reconcileEvidence.vendors.map((v: any) => [v.vendor, v.status, v.items.map((i: any) => i.matchedBy)])).toEqual([
      ['learnlytics', 'UNDECLARED', ['package', 'host']],
    ]);
    expect((await app.gql(`mutation { removeVendor(key: "learnlytics") { key } }`, {}, engineer)).data!.removeVendor).toBeNull();
    expect(errorOf(await app.gql(`mutation { removeVendor(key: "stripe") { key } }`, {}, engineer))).toEqual([
      'NOT_FOUND',
      'no vendor "stripe" was registered through the API; bundled entries cannot be removed, only replaced (registerVendor)',
    ]);
  });

  it("keeps a repository's own catalogue entries with its evidence, and refuses a malformed one", async () => {
    const report = await app.gql(
      RECONCILE,
      {
        input: {
          repository: 'pythonmaster/web',
          items: [{ ecosystem: 'npm', package: '@acme/tutor-sdk' }],
          vendors: [{ key: 'acme-tutor', name: 'Acme Tutor', processor: 'stripe', packages: [{ ecosystem: 'npm', name: '@acme/*' }] }],
        },
      },
      engineer,
    );
    expect(report.data!.reconcileEvidence.vendors.map((v: any) => [v.vendor, v.processorKey, v.status])).toEqual([['acme-tutor', 'stripe', 'DECLARED']]);
    const bad = await app.gql(
      RECONCILE,
      { input: { repository: 'pythonmaster/web', items: [], vendors: [{ key: 'Acme', name: 'Acme', packages: [{ ecosystem: 'crates', name: 'acme' }], hosts: ['not a host'] }] } },
      engineer,
    );
    expect(bad.errors?.[0].extensions?.problems.map((p: any) => p.message)).toEqual([
      'input.vendors[0].packages[0].ecosystem: "crates" is not one of npm, pypi, go, maven, rubygems, nuget',
      'input.vendors[0].key: must be a lowercase slug of letters and digits, separated by "." or "-"',
      'input.vendors[0].hosts[0]: must be a domain name such as api.stripe.com',
    ]);
  });
});

describe('reading evidence', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const OBSERVED = `{ observedVendors { vendor processor { key name headquarters { code } } dataTypes { dataType category { key name } } } }`;

  it('sends as many statements for twenty repositories and every vendor as for one repository and two', async () => {
    const engineer = await authAs('ENGINEER');
    const send = (repository: string, vendors: string[]) =>
      app.gql(RECONCILE, { input: { repository, items: vendors.map((vendor) => ({ vendor, dataTypes: ['Email Address', 'IP address'], tool: 'bearer' })) } }, engineer);
    await send('one', ['Stripe', 'Twilio']);
    const small = await app.countStatements(OBSERVED, {}, engineer);
    expect(small.response.data!.observedVendors).toHaveLength(2);

    const every = (await app.gql(`{ vendors { name } }`, {}, engineer)).data!.vendors.map((v: any) => v.name);
    for (let i = 0; i < 20; i++) expect((await send(`repository-${i}`, every)).errors).toBeUndefined();
    const large = await app.countStatements(OBSERVED, {}, engineer);
    expect(large.response.data!.observedVendors.length).toBeGreaterThan(60);
    expect(large.response.data!.observedVendors.find((v: any) => v.vendor === 'stripe').processor).toEqual({ key: 'stripe', name: 'Stripe', headquarters: { code: 'US' } });
    expect(large.statements).toBe(small.statements);
    // Evidence, registered vendors, processors with their categories, category keys; then one per type loaded.
    expect(small.statements).toBe(7);
  });
});
