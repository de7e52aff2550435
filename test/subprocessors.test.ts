import { request } from 'node:http';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { loadConfig } from '../src/common/config';
import { Processor } from '../src/processor/processor.entity';
import { authAs, startTestApp, type TestApp } from './harness';

const REGISTER = `mutation ($input: RegisterProcessorInput!) { registerProcessor(input: $input) { key } }`;
const APPROVE = `mutation ($key: ID!) { approveProcessor(key: $key) { key status effectiveFrom } }`;
const RETIRE = `mutation ($key: ID!) { retireProcessor(key: $key, reason: "Contract ended") { key status } }`;
const USER_FLOWS = `query ($profile: SubjectProfileInput!) { userDataFlow(profile: $profile) {
  processors { key } excluded(first: 1000) { nodes { reason flow { processor { key } pending } } }
  notice: excluded(reasons: [SUBPROCESSOR_NOTICE_PERIOD]) { totalCount }
  summary { excludedByReason { reason count } }
} }`;
const FLOWS = `{ dataFlows(filter: { processors: ["learnlytics"] }) { nodes { pending processor { key effectiveFrom } activity { key } } } }`;

const learnlytics = {
  key: 'learnlytics',
  name: 'Learnlytics <Analytics & Co>',
  service: 'Learning analytics',
  headquarters: 'IN',
  locations: [{ country: 'IN', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' }],
  dataCategories: ['usage'],
  activities: ['usage-analytics'],
  dpaReference: 'https://learnlytics.example/dpa',
};

async function fetchText(app: TestApp, path: string) {
  const response = await fetch(`${app.url}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

const atomParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['entry', 'link'].includes(name) });

describe('the public sub-processor list', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('serves the page, the JSON and the feed without a token', async () => {
    const page = await fetchText(app, '/subprocessors');
    expect([page.status, page.type]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.body).toContain('<td>Cloud hosting</td>');
    expect(page.body).toContain('STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 2)');

    const json = await fetch(`${app.url}/subprocessors.json`);
    expect(json.status).toBe(200);
    const list = (await json.json()) as any;
    expect(list.processors.map((p: { key: string }) => p.key)).toEqual([
      'advertising-partners', 'aws', 'google-analytics', 'google-cloud', 'intercom', 'intercom-aws', 'mailchimp', 'paypal', 'sendgrid', 'stripe', 'zendesk',
    ]);
    // Every recipient, with what it is and who engaged it: the advertising partners are controllers, Intercom's host its sub-processor.
    expect(list.processors.map((p: { key: string; role: string; engagedBy: string | null }) => [p.key, p.role, p.engagedBy]).filter(([, role, engagedBy]: string[]) => role !== 'PROCESSOR' || engagedBy)).toEqual([
      ['advertising-partners', 'INDEPENDENT_CONTROLLER', null],
      ['intercom-aws', 'PROCESSOR', 'intercom'],
    ]);
    expect(list.processors[1]).toEqual({
      key: 'aws',
      name: 'Amazon Web Services',
      legalName: 'Amazon Web Services, Inc.',
      service: 'Cloud hosting',
      website: 'https://aws.amazon.com',
      headquarters: 'US',
      role: 'PROCESSOR',
      engagedBy: null,
      locations: [
        { country: 'US', countryName: 'United States', inEEA: false, mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2', effectiveFrom: null, pending: false },
      ],
      addedAt: null,
      effectiveFrom: null,
      pending: false,
    });
    expect(list.changes).toEqual([]);

    const feed = await fetchText(app, '/subprocessors.atom');
    expect([feed.status, feed.type]).toEqual([200, 'application/atom+xml; charset=utf-8']);
    expect(XMLValidator.validate(feed.body)).toBe(true);
    expect(atomParser.parse(feed.body).feed).toMatchObject({
      '@xmlns': 'http://www.w3.org/2005/Atom',
      id: 'tag:pythonmaster.com,2024-01-15:subprocessors',
      title: 'PythonMaster: recipients of personal data',
    });
  });

  it('gets an Atom entry, with a stable id and escaped text, after an approval and after a retirement', async () => {
    const asOfficer = await authAs('PRIVACY_OFFICER');
    await app.gql(REGISTER, { input: learnlytics }, await authAs('ENGINEER'));
    const before = atomParser.parse((await fetchText(app, '/subprocessors.atom')).body).feed;
    expect(before.entry).toBeUndefined(); // a proposal is not a change of the list

    await app.gql(APPROVE, { key: 'learnlytics' }, asOfficer);
    const afterApproval = await fetchText(app, '/subprocessors.atom');
    expect(XMLValidator.validate(afterApproval.body)).toBe(true);
    const feed = atomParser.parse(afterApproval.body).feed;
    expect(feed.entry).toHaveLength(1);
    const [entry] = feed.entry;
    expect(entry).toMatchObject({
      id: expect.stringMatching(/^tag:pythonmaster\.com,2024-01-15:subprocessors\/change\/\d+$/),
      title: 'Added: Learnlytics <Analytics & Co> (Learning analytics)',
      category: { '@term': 'added' },
      summary: {
        '#text': expect.stringMatching(/^Learnlytics <Analytics & Co> is added as a recipient of personal data for Learning analytics, processing in IN; personal data flows to it from \d{4}-\d{2}-\d{2}\.$/),
        '@type': 'text',
      },
    });
    expect(afterApproval.body).toContain('Learnlytics &lt;Analytics &amp; Co&gt;');
    expect(feed.updated).toBe(entry.updated);

    await app.gql(RETIRE, { key: 'learnlytics' }, asOfficer);
    const retired = atomParser.parse((await fetchText(app, '/subprocessors.atom')).body).feed;
    expect(retired.entry.map((e: { title: string; id: string }) => e.title)).toEqual([
      'Retired: Learnlytics <Analytics & Co> (Learning analytics)',
      'Added: Learnlytics <Analytics & Co> (Learning analytics)',
    ]);
    expect(retired.entry[1].id).toBe(entry.id);

    const json = (await (await fetch(`${app.url}/subprocessors.json`)).json()) as any;
    expect(json.changes.map((c: { kind: string; processor: string }) => [c.kind, c.processor])).toEqual([
      ['RETIRED', 'learnlytics'],
      ['ADDED', 'learnlytics'],
    ]);
    expect(json.processors.map((p: { key: string }) => p.key)).not.toContain('learnlytics');
    const page = await fetchText(app, '/subprocessors');
    expect(page.body).toContain('Learnlytics &lt;Analytics &amp; Co&gt; is no longer a recipient');
  });
});

describe('SUBPROCESSOR_NOTICE_DAYS', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ config: { subprocessorNoticeDays: 30 } });
  });
  afterAll(() => app.close());

  it('announces an approved processor at once, and keeps it out of data flows, shown as pending, until effectiveFrom', async () => {
    const asOfficer = await authAs('PRIVACY_OFFICER');
    await app.gql(REGISTER, { input: learnlytics }, await authAs('ENGINEER'));
    const approvedAt = Date.now();
    const approval = await app.gql(APPROVE, { key: 'learnlytics' }, asOfficer);
    const effectiveFrom = new Date(approval.data!.approveProcessor.effectiveFrom).getTime();
    expect(effectiveFrom - approvedAt).toBeGreaterThanOrEqual(30 * 86_400_000 - 5_000);
    expect(effectiveFrom - approvedAt).toBeLessThanOrEqual(30 * 86_400_000 + 5_000);

    const list = (await (await fetch(`${app.url}/subprocessors.json`)).json()) as any;
    expect(list.noticeDays).toBe(30);
    expect(list.processors.find((p: { key: string }) => p.key === 'learnlytics')).toMatchObject({
      pending: true,
      effectiveFrom: approval.data!.approveProcessor.effectiveFrom,
    });
    expect(list.changes[0]).toMatchObject({ kind: 'ADDED', processor: 'learnlytics', effectiveFrom: approval.data!.approveProcessor.effectiveFrom });
    const page = (await fetchText(app, '/subprocessors')).body;
    expect(page).toContain(`<strong>from ${approval.data!.approveProcessor.effectiveFrom.slice(0, 10)}</strong>`);

    const asViewer = await authAs('VIEWER');
    const flows = await app.gql(FLOWS, {}, asViewer);
    expect(flows.data!.dataFlows.nodes.map((f: any) => [f.activity.key, f.processor.key, f.pending])).toEqual([
      ['usage-analytics', 'learnlytics', true],
    ]);
    const person = await app.gql(USER_FLOWS, { profile: { country: 'DE', collectionPoints: [], consents: ['performance-cookies'] } }, asViewer);
    expect(person.data!.userDataFlow.processors.map((p: { key: string }) => p.key)).not.toContain('learnlytics');
    expect(
      person.data!.userDataFlow.excluded.nodes.filter((e: any) => e.flow.processor.key === 'learnlytics').map((e: any) => [e.reason, e.flow.pending]),
    ).toEqual([['SUBPROCESSOR_NOTICE_PERIOD', true]]);
    // The SQL verdict: the reason filter and the summary count the notice period, after the other reasons.
    expect(person.data!.userDataFlow.notice.totalCount).toBe(1);
    expect(person.data!.userDataFlow.summary.excludedByReason.at(-1)).toEqual({ reason: 'SUBPROCESSOR_NOTICE_PERIOD', count: 1 });

    // Once the period has run (moved into the past here), the data flows.
    await app.em().nativeUpdate(Processor, { key: 'learnlytics' }, { effectiveFrom: new Date(Date.now() - 1000) });
    const later = await app.gql(USER_FLOWS, { profile: { country: 'DE', collectionPoints: [], consents: ['performance-cookies'] } }, asViewer);
    expect(later.data!.userDataFlow.processors.map((p: { key: string }) => p.key)).toContain('learnlytics');
    expect(later.data!.userDataFlow.notice.totalCount).toBe(0);
    expect((await app.gql(FLOWS, {}, asViewer)).data!.dataFlows.nodes.map((f: any) => f.pending)).toEqual([false]);
  });
});

describe('the list of recipients and the notice of changes (issue 20, point 10)', () => {
  let app: TestApp;
  let asOfficer: Record<string, string>;
  beforeAll(async () => {
    app = await startTestApp({ config: { subprocessorNoticeDays: 30 } });
    asOfficer = await authAs('PRIVACY_OFFICER', 'dpo@pythonmaster.com');
  });
  afterAll(() => app.close());

  it("is framed as the recipients of Art. 13(1)(e): it quotes the policy's promise and its contact, and invites no objection", async () => {
    const page = (await fetchText(app, '/subprocessors')).body;
    expect(page).toContain('<h1>PythonMaster: recipients of personal data</h1>');
    expect(page).toContain('Our privacy policy says: &ldquo;For material changes, we will provide additional notice via email or platform notification.&rdquo;');
    expect(page).toContain('Questions or concerns about these recipients: <a href="mailto:privacy@pythonmaster.com">privacy@pythonmaster.com</a>.');
    expect(page).not.toMatch(/object|28\(2\)|sub-processor/i);
    const json = (await (await fetch(`${app.url}/subprocessors.json`)).json()) as any;
    expect([json.contact, json.changeNotice]).toEqual(['privacy@pythonmaster.com', 'For material changes, we will provide additional notice via email or platform notification.']);
  });

  it('announces a sub-processor approved under an active engager as an entry that names the engager, in the JSON and the feed', async () => {
    const registered = await app.gql(REGISTER, { input: {
      key: 'intercom-mail', name: 'Mail relay (for Intercom)', service: 'Email delivery', headquarters: 'US', engagedBy: 'intercom',
      dataCategories: [], activities: [], dpaReference: "Intercom's sub-processor terms with the relay",
      locations: [{ country: 'US', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 3' }],
    } }, asOfficer);
    expect(registered.errors).toBeUndefined();
    const approval = await app.gql(APPROVE, { key: 'intercom-mail' }, asOfficer);
    expect(approval.errors).toBeUndefined();
    const from = approval.data!.approveProcessor.effectiveFrom as string;
    const json = (await (await fetch(`${app.url}/subprocessors.json`)).json()) as any;
    const summary = `Mail relay (for Intercom) is added as a recipient of personal data, engaged by Intercom for Email delivery, ` +
      `processing in US; personal data flows to it from ${from.slice(0, 10)}.`;
    expect(json.changes[0]).toMatchObject({
      kind: 'ADDED', processor: 'intercom-mail', engagedBy: { key: 'intercom', name: 'Intercom' }, countries: ['US'], effectiveFrom: from, summary,
    });
    const feed = atomParser.parse((await fetchText(app, '/subprocessors.atom')).body).feed;
    expect(feed.entry[0].summary['#text'] ?? feed.entry[0].summary).toBe(summary);
    await app.gql(`mutation { retireProcessor(key: "intercom-mail", reason: "Test entry") { key } }`, {}, asOfficer);
  });

  it('puts a new country of an active processor through the notice: an entry in the JSON and the feed, and "from <date>" in flows, the record of processing and a breach radius', async () => {
    const processor = await app.gql(`{ processor(key: "aws") { version } }`, {}, asOfficer);
    const before = Date.now();
    const update = await app.gql(
      `mutation ($version: Int!) { updateProcessor(key: "aws", expectedVersion: $version, input: { locations: [
        { country: "US", mechanism: STANDARD_CONTRACTUAL_CLAUSES, reference: "SCC 2021/914 module 2" },
        { country: "IN", mechanism: STANDARD_CONTRACTUAL_CLAUSES, reference: "SCC 2021/914 module 2" }
      ] }) { locations { country { code } effectiveFrom } } }`,
      { version: processor.data!.processor.version },
      asOfficer,
    );
    expect(update.errors).toBeUndefined();
    const locations = update.data!.updateProcessor.locations;
    expect(locations.find((l: any) => l.country.code === 'US').effectiveFrom).toBeNull();
    const from = locations.find((l: any) => l.country.code === 'IN').effectiveFrom as string;
    expect(new Date(from).getTime() - before).toBeGreaterThanOrEqual(30 * 86_400_000 - 5_000);
    const day = from.slice(0, 10);

    const json = (await (await fetch(`${app.url}/subprocessors.json`)).json()) as any;
    expect(json.changes[0]).toMatchObject({
      kind: 'COUNTRY_ADDED',
      processor: 'aws',
      countries: ['IN'],
      effectiveFrom: from,
      summary: `Amazon Web Services (Cloud hosting) will also process personal data in IN, from ${day}.`,
    });
    expect(json.processors.find((p: any) => p.key === 'aws').locations.find((l: any) => l.country === 'IN')).toMatchObject({ pending: true, effectiveFrom: from });
    const feed = atomParser.parse((await fetchText(app, '/subprocessors.atom')).body).feed;
    expect(feed.entry[0]).toMatchObject({ title: 'New country: Amazon Web Services (Cloud hosting), IN', category: { '@term': 'country-added' } });
    expect((await fetchText(app, '/subprocessors')).body).toContain(`India (from ${day})`);

    // The flows to IN are pending with their date; those to the US are current.
    const flows = await app.gql(`{ dataFlows(filter: { processors: ["aws"], destinations: ["IN"] }, first: 1) { nodes { pending effectiveFrom destination { code } } } }`, {}, asOfficer);
    expect(flows.data!.dataFlows.nodes).toEqual([{ pending: true, effectiveFrom: from, destination: { code: 'IN' } }]);

    // The record of processing shows the transfer "from <date>", not as current.
    const ropa = (await (await fetch(`${app.url}/ropa.json`, { headers: asOfficer })).json()) as any;
    const hosting = ropa.activities.find((a: any) => a.key === 'platform-hosting');
    expect(hosting.transfers.filter((t: any) => t.processor === 'Amazon Web Services').map((t: any) => [t.country, t.effectiveFrom ?? null])).toEqual([
      ['IN', day],
      ['US', null],
    ]);
    const markdown = await (await fetch(`${app.url}/ropa.md`, { headers: asOfficer })).text();
    expect(markdown).toContain(`IN: Amazon Web Services, STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 2) (from ${day}, not yet current)`);

    // A breach at aws reaches the people's data in the US; IN is scheduled, not affected.
    const breach = await app.gql(
      `mutation { reportBreach(input: { awareAt: "2020-01-01T00:00:00Z", description: "Bucket exposed", processors: ["aws"], risk: RISK, affectedResidence: ["FR"] }) {
        affected { countries { code } scheduled { processor { key } country { code } from } } } }`,
      {},
      asOfficer,
    );
    expect(breach.data!.reportBreach.affected).toEqual({ countries: [{ code: 'US' }], scheduled: [{ processor: { key: 'aws' }, country: { code: 'IN' }, from }] });
  });

  it('announces a new country that a privacy officer\'s manifest adds to an active processor', async () => {
    const manifest = `apiVersion: datamap/v1
processors:
  - key: stripe
    locations:
      - { country: US, mechanism: ADEQUACY_DECISION, reference: EU-US Data Privacy Framework, dpf: { certification: "https://www.dataprivacyframework.gov/participant/5780", reviewDue: "2030-01-01" } }
      - { country: IE }
`;
    const applied = await app.gql(`mutation ($m: String!) { applyManifest(manifest: $m) { applied } }`, { m: manifest }, asOfficer);
    expect(applied.errors).toBeUndefined();
    const json = (await (await fetch(`${app.url}/subprocessors.json`)).json()) as any;
    expect(json.changes[0]).toMatchObject({ kind: 'COUNTRY_ADDED', processor: 'stripe', countries: ['IE'] });
  });
});

describe("a processor's notices of change under its DPA (issue 20, point 10)", () => {
  let app: TestApp;
  let now = new Date('2027-05-01T12:00:00Z');
  let asOfficer: Record<string, string>;
  const RECORD = `mutation ($processor: ID!, $description: String!, $receivedAt: DateTime!, $objectionDeadline: DateTime!) {
    recordProcessorChangeNotice(processor: $processor, description: $description, receivedAt: $receivedAt, objectionDeadline: $objectionDeadline) {
      id description receivedAt objectionDeadline decision decidedAt decisionReason processor { key }
    }
  }`;
  const FINDINGS = `{ findings(rule: "processor-change-objection-due") { nodes { severity message entities { type key } } } }`;
  beforeAll(async () => {
    app = await startTestApp({ clock: () => now });
    asOfficer = await authAs('PRIVACY_OFFICER', 'dpo@pythonmaster.com');
  });
  afterAll(() => app.close());

  it('records the notice, flags it when the objection deadline is within 5 days and undecided, and records an objection or an acceptance once', async () => {
    const input = { processor: 'zendesk', description: 'New sub-processor: a translation service in Japan', receivedAt: '2027-05-01T09:00:00Z', objectionDeadline: '2027-05-31T23:59:59Z' };
    const recorded = await app.gql(RECORD, input, asOfficer);
    expect(recorded.errors).toBeUndefined();
    const notice = recorded.data!.recordProcessorChangeNotice;
    expect(notice).toMatchObject({ decision: null, processor: { key: 'zendesk' }, objectionDeadline: '2027-05-31T23:59:59.000Z' });
    const viewer = await authAs('VIEWER');
    expect((await app.gql(FINDINGS, {}, viewer)).data!.findings.nodes).toEqual([]);

    now = new Date('2027-05-27T00:00:00Z');
    expect((await app.gql(FINDINGS, {}, viewer)).data!.findings.nodes).toEqual([
      {
        severity: 'WARNING',
        message: `the change zendesk announced on 2027-05-01T09:00:00.000Z (notice ${notice.id}) can be objected to until 2027-05-31T23:59:59.000Z, within 5 days, and is undecided`,
        entities: [{ type: 'Processor', key: 'zendesk' }],
      },
    ]);
    const OBJECT = `mutation ($id: ID!, $reason: String!) { objectToProcessorChange(id: $id, reason: $reason) { decision decidedAt decisionReason } }`;
    expect((await app.gql(OBJECT, { id: notice.id, reason: 'Ask the DPO at dpo@zendesk.example' }, asOfficer)).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    const objected = await app.gql(OBJECT, { id: notice.id, reason: 'No transfer safeguard for Japan is named' }, asOfficer);
    expect(objected.data!.objectToProcessorChange).toEqual({ decision: 'OBJECTED', decidedAt: '2027-05-27T00:00:00.000Z', decisionReason: 'No transfer safeguard for Japan is named' });
    expect((await app.gql(FINDINGS, {}, viewer)).data!.findings.nodes).toEqual([]);
    const again = await app.gql(`mutation ($id: ID!) { acceptProcessorChange(id: $id) { decision } }`, { id: notice.id }, asOfficer);
    expect(again.errors![0].message).toBe(`id: the change notice "${notice.id}" was already OBJECTED (2027-05-27T00:00:00.000Z)`);

    // Past the deadline an objection is refused; acceptance is still recorded.
    const late = (await app.gql(RECORD, { ...input, objectionDeadline: '2027-05-20T00:00:00Z' }, asOfficer)).data!.recordProcessorChangeNotice;
    expect((await app.gql(FINDINGS, {}, viewer)).data!.findings.nodes[0].message).toContain('could be objected to until 2027-05-20T00:00:00.000Z, and no decision is recorded');
    expect((await app.gql(OBJECT, { id: late.id, reason: 'Too late' }, asOfficer)).errors![0].message).toContain('the objection period of change notice');
    const accepted = await app.gql(`mutation ($id: ID!) { acceptProcessorChange(id: $id) { decision } }`, { id: late.id }, asOfficer);
    expect(accepted.data!.acceptProcessorChange).toEqual({ decision: 'ACCEPTED' });
    const list = await app.gql(`{ processorChangeNotices(processor: "zendesk") { totalCount nodes { decision } } }`, {}, await authAs('AUDITOR'));
    expect(list.data!.processorChangeNotices).toEqual({ totalCount: 2, nodes: [{ decision: 'ACCEPTED' }, { decision: 'OBJECTED' }] });
  });

  it.each([
    ['an unknown processor', { processor: 'nope' }, 'processor: no processor has key "nope"'],
    ['a deadline before receipt', { objectionDeadline: '2027-04-01T00:00:00Z' }, 'objectionDeadline 2027-04-01T00:00:00.000Z is not after receivedAt 2027-05-01T09:00:00.000Z'],
    ['a description over 10,000 characters', { description: 'x'.repeat(10_001) }, 'description is 10001 characters long; at most 10000 are kept'],
  ])('refuses %s', async (_case, overrides, message) => {
    now = new Date('2027-05-01T12:00:00Z');
    const input = { processor: 'zendesk', description: 'A change', receivedAt: '2027-05-01T09:00:00Z', objectionDeadline: '2027-05-31T23:59:59Z', ...overrides };
    const response = await app.gql(RECORD, input, asOfficer);
    expect([response.errors![0].extensions!.code, response.errors![0].message]).toEqual(['BAD_USER_INPUT', message]);
  });
});

describe('links are absolute web URLs only (stored XSS on the public page)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const UPDATE = `mutation ($key: ID!, $version: Int!, $input: UpdateProcessorInput!) { updateProcessor(key: $key, expectedVersion: $version, input: $input) { key website } }`;
  const APPLY = `mutation ($manifest: String!) { applyManifest(manifest: $manifest) { applied } }`;
  const hostile = ['javascript:alert(document.domain)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', '//evil.example/x', 'https:evil.example', 'https://evil.example\\@good.example', ' javascript:alert(1)', 'ftp://files.example/dpa'];
  const refusal = (field: string, value: string) => `${field}: ${JSON.stringify(value.trim())} is not an absolute https: or http: URL (such as https://stripe.com)`;

  it.each(hostile)('refuses the website %j through registerProcessor, updateProcessor and a manifest', async (website) => {
    const asEngineer = await authAs('ENGINEER');
    const registered = await app.gql(REGISTER, { input: { ...learnlytics, key: 'xss-vendor', website } }, asEngineer);
    expect(registered.errors![0]).toMatchObject({ message: refusal('input.website', website), extensions: { code: 'BAD_USER_INPUT', field: 'input.website' } });

    const updated = await app.gql(UPDATE, { key: 'stripe', version: 1, input: { website } }, await authAs('PRIVACY_OFFICER'));
    expect(updated.errors![0]).toMatchObject({ message: refusal('input.website', website), extensions: { code: 'BAD_USER_INPUT' } });

    const manifest = `apiVersion: datamap/v1\nprocessors:\n  - { key: stripe, website: ${JSON.stringify(website)} }\n`;
    const applied = await app.gql(APPLY, { manifest }, await authAs('PRIVACY_OFFICER'));
    expect(applied.errors![0].extensions!.problems).toEqual([
      { path: 'processors[0].website', message: refusal('', website).slice(2), line: 3 },
    ]);
    expect((await app.em().findOneOrFail(Processor, 'stripe')).website).toBe('https://stripe.com');
  });

  it('checks a DPA reference and a DPF certification written as links, and keeps plain references', async () => {
    const asOfficer = await authAs('PRIVACY_OFFICER');
    const register = (changes: Record<string, unknown>) => app.gql(REGISTER, { input: { ...learnlytics, key: 'link-vendor', ...changes } }, asOfficer);
    expect((await register({ dpaReference: 'javascript:alert(1)' })).errors![0].message).toBe(refusal('input.dpaReference', 'javascript:alert(1)'));
    const certified = { locations: [{ country: 'DE', dpf: { certification: 'data:text/html,x', reviewDue: '2027-01-01' } }] };
    expect((await register(certified)).errors![0].message).toBe(
      'input.locations[0].dpf.certification: "data:text/html,x" is not a DPF certification: give its DPF List entry, https://www.dataprivacyframework.gov/participant/<id>, or that id',
    );
    const plain = await register({ dpaReference: 'DPA-2026 signed 2026-01-10', website: 'http://learnlytics.example/' });
    expect(plain.errors).toBeUndefined();
  });

  it('renders a stored website as a link only when it is a web URL', async () => {
    await app.em().nativeUpdate(Processor, { key: 'stripe' }, { website: 'javascript:alert(document.domain)' });
    await app.em().nativeUpdate(Processor, { key: 'paypal' }, { website: '//evil.example' });
    const page = (await fetchText(app, '/subprocessors')).body;
    expect(page).not.toContain('javascript:');
    expect(page).not.toContain('href="//evil.example"');
    expect(page).toMatch(/<tr id="stripe">\s*<td>Stripe<br>/);
    expect(page).toContain('<a href="https://aws.amazon.com" rel="noopener noreferrer">Amazon Web Services</a>');
  });
});

describe('links in the Atom feed', () => {
  const feedLinks = async (app: TestApp, host: string) => {
    const body = await new Promise<string>((resolve, reject) => {
      const url = new URL(`${app.url}/subprocessors.atom`);
      request({ host: url.hostname, port: url.port, path: url.pathname, headers: { host } }, (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve(text));
      }).on('error', reject).end();
    });
    return (atomParser.parse(body).feed.link as { '@href': string }[]).map((link) => link['@href']);
  };

  it('are relative without PUBLIC_URL, and never come from the Host header', async () => {
    const app = await startTestApp({ seed: false });
    try {
      expect(await feedLinks(app, 'evil.example')).toEqual(['/subprocessors.atom', '/subprocessors']);
    } finally {
      await app.close();
    }
  });

  it('start with PUBLIC_URL when it is set', async () => {
    const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://privacy.pythonmaster.com/' });
    expect(config.publicUrl).toBe('https://privacy.pythonmaster.com');
    const app = await startTestApp({ seed: false, config: { publicUrl: config.publicUrl } });
    try {
      expect(await feedLinks(app, 'evil.example')).toEqual(['https://privacy.pythonmaster.com/subprocessors.atom', 'https://privacy.pythonmaster.com/subprocessors']);
    } finally {
      await app.close();
    }
  });

  it.each(['javascript:alert(1)', 'privacy.pythonmaster.com', 'https://privacy.pythonmaster.com/?a=1'])('refuses PUBLIC_URL=%s at start', (value) => {
    expect(() => loadConfig({ NODE_ENV: 'test', PUBLIC_URL: value })).toThrow(`PUBLIC_URL="${value}" is not an absolute https: or http: URL`);
  });
});
