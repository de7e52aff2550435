import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { AuditEntry } from '../src/audit/audit-entry.entity';
import { runCli } from '../src/cli/cli';
import { RULES } from '../src/findings/findings.rules';
import { projectPath } from '../src/common/project-path';
import { ensureCountries } from '../src/country/country.reference';
import { DataCategory } from '../src/data-category/data-category.entity';
import { Processor } from '../src/processor/processor.entity';
import { entriesOf, startTestApp, tokenFor, type TestApp } from './harness';

const dir = mkdtempSync(join(tmpdir(), 'datamap-cli-'));

const INDIA = projectPath('examples', 'processor-india-scc.yaml');

/** Runs a command as a function against the test database, capturing what it prints. */
async function datamap(app: TestApp | null, args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env,
    cwd: dir,
    connect: async () => {
      if (!app) throw new Error('this command must not connect to a database');
      return { ...app.db, close: async () => undefined };
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

/** What applying examples/processor-india-scc.yaml prints: the new processor and every field it sets (a field left empty sets nothing). */
const LEARNLYTICS_FIELDS = [
  '+ processors/learnlytics',
  '    name: "Learnlytics"',
  '    description: "Analyses course interaction to recommend the next lesson."',
  '    source: "Information Sharing and Disclosure (Service Providers, \\"Analytics providers\\")"',
  '    assumed: "the policy names analytics providers as a category only; the vendor and its contract are the engineering team\'s proposal."',
  '    legalName: "Learnlytics Private Limited"',
  '    service: "Learning analytics"',
  '    website: "https://learnlytics.example.in"',
  '    headquarters: "IN"',
  '    dpaReference: "https://learnlytics.example.in/legal/dpa-2026"',
  '    status: "PROPOSED"',
  '    dataCategories: ["usage.course-interaction","usage.performance"]',
  '    activities: ["certificates"]',
  '    locations: [{"country":"DE","mechanism":null,"reference":null,"dpf":null,"safeguards":[]},' +
    '{"country":"IN","mechanism":"STANDARD_CONTRACTUAL_CLAUSES","reference":"SCC 2021/914 module 2 (controller to processor), signed 2026-11-02","dpf":null,' +
    '"safeguards":[{"regime":"UK_GDPR","mechanism":"UK_ADDENDUM","reference":"UK Addendum to SCC 2021/914 module 2, signed 2026-11-02","dpf":null},' +
    '{"regime":"SWISS_FADP","mechanism":"STANDARD_CONTRACTUAL_CLAUSES","reference":"SCC 2021/914 module 2 with the Swiss adaptations (FADP), signed 2026-11-02","dpf":null}]}]',
  // The example names no role: a recipient is a processor unless it says otherwise, and the plan shows it.
  '    role: "PROCESSOR"',
].join('\n');

describe('the datamap CLI on the seeded map', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('shows every field the India example\'s new processor would set in a dry run, its PROPOSED status included, and writes nothing', async () => {
    const dryRun = await datamap(app, ['apply', INDIA, '--dry-run']);
    expect(dryRun).toEqual({ code: 0, out: `${LEARNLYTICS_FIELDS}\n1 added, 0 changed, 0 unchanged (dry run: nothing was written)`, err: '' });
    expect(await app.em().count(Processor, { key: 'learnlytics' })).toBe(0);
  });

  it('applies the India example as PROPOSED, audited as the CLI user, and a second apply changes nothing', async () => {
    const first = await datamap(app, ['apply', INDIA], { DATAMAP_ACTOR: 'ci:pull-request-42' });
    expect(first).toEqual({ code: 0, out: `${LEARNLYTICS_FIELDS}\n1 added, 0 changed, 0 unchanged`, err: '' });
    const processor = await app.em().findOneOrFail(Processor, 'learnlytics', { populate: ['locations'] });
    expect(processor.status).toBe('PROPOSED');
    expect(processor.locations.getItems().map((l) => [l.country.code, l.mechanism])).toEqual([['DE', null], ['IN', 'STANDARD_CONTRACTUAL_CLAUSES']]);
    const [entry] = await app.em().find(AuditEntry, { entityKey: 'learnlytics' });
    expect(entry).toMatchObject({ actor: 'ci:pull-request-42', operation: 'applyManifest', entityType: 'Processor', before: null });

    expect((await datamap(app, ['apply', INDIA])).out).toBe('0 added, 0 changed, 1 unchanged');
  });

  it('prints a dry run diff and writes nothing', async () => {
    const manifest = file('rename.yaml', readFileSync(INDIA, 'utf8').replace('name: Learnlytics', 'name: Learnlytics India'));
    const result = await datamap(app, ['apply', manifest, '--dry-run']);
    expect(result.out.split('\n')).toEqual([
      '~ processors/learnlytics',
      '    name: "Learnlytics" -> "Learnlytics India"',
      '0 added, 1 changed, 0 unchanged (dry run: nothing was written)',
    ]);
    expect((await app.em().findOneOrFail(Processor, 'learnlytics')).name).toBe('Learnlytics');
  });

  it('moves a processor to its next version when a manifest changes only its links', async () => {
    const manifest = file('relink.yaml', readFileSync(INDIA, 'utf8').replace('activities: [certificates]', 'activities: [certificates, platform-hosting]'));
    expect((await datamap(app, ['apply', manifest])).out.split('\n')).toEqual([
      '~ processors/learnlytics',
      '    activities: ["certificates"] -> ["certificates","platform-hosting"]',
      '0 added, 1 changed, 0 unchanged',
    ]);
    expect((await app.em().findOneOrFail(Processor, 'learnlytics')).version).toBe(2);
    expect((await datamap(app, ['apply', INDIA])).out.split('\n')).toEqual([
      '~ processors/learnlytics',
      '    activities: ["certificates","platform-hosting"] -> ["certificates"]',
      '0 added, 1 changed, 0 unchanged',
    ]);
  });

  it('refuses a manifest with every problem listed by file, line and path, and changes nothing', async () => {
    const manifest = file('broken.yaml', `apiVersion: datamap/v1
processors:
  - key: broken-one
    name: Broken
    service: Hosting
    headquarters: IN
    activities: [certificates, mining]
    dataCategories: [usage, health]
    locations:
      - country: IN
        mechanism: ADEQUACY_DECISION
      - country: ZZ
`);
    const audits = await app.em().count(AuditEntry);
    const result = await datamap(app, ['apply', manifest]);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err.split('\n')).toEqual([
      'broken.yaml: 4 problems; nothing was changed',
      'broken.yaml:8: processors[0].dataCategories[1]: unknown data category "health"',
      'broken.yaml:7: processors[0].activities[1]: unknown processing activity "mining"',
      'broken.yaml:11: processors[0].locations[0].mechanism: ADEQUACY_DECISION is not available for IN (India), which has no ' +
        'adequacy decision; use an Art. 46 safeguard (STANDARD_CONTRACTUAL_CLAUSES, BINDING_CORPORATE_RULES, CODE_OF_CONDUCT, ' +
        'CERTIFICATION) or an Art. 49 derogation',
      'broken.yaml:12: processors[0].locations[1].country: unknown country "ZZ": use an ISO 3166-1 alpha-2 code such as "DE"',
    ]);
    expect(await app.em().count(Processor, { key: 'broken-one' })).toBe(0);
    expect(await app.em().count(AuditEntry)).toBe(audits);
  });

  it('reports a shape error with its line', async () => {
    const manifest = file('shape.yaml', 'apiVersion: datamap/v1\nprocessors:\n  - key: Bad_Key\n    name: x\n');
    const result = await datamap(app, ['apply', manifest]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('shape.yaml:3: processors[0].key: must be a lowercase slug of letters and digits, separated by "." or "-"');
  });

  it('lints the map: the seeded warnings, each with its reason, and the INFO for the processor awaiting review, exit 0 without errors', async () => {
    const result = await datamap(app, ['lint']);
    expect(result.code).toBe(0);
    const dpia = (key: string, criteria: string) => [
      `WARNING dpia-indicated  [ProcessingActivity ${key}]`,
      `        ${key} meets ${criteria.split(', ').length} WP248 criteria (${criteria}; it processes children's data): processing likely to result in a high risk, for which Art. 35(1) requires a data protection impact assessment`,
      `        fix: carry out a DPIA for ${key} and record its reference (dpia), or correct the criteria recorded`,
    ];
    const lines = result.out.split('\n');
    // Each finding is three lines: severity, rule and entities; the message; the fix.
    expect(lines.filter((line) => !line.startsWith(' '))).toEqual([
      'WARNING activity-without-retention  [ProcessingActivity learning-research]',
      'WARNING activity-without-retention  [ProcessingActivity website-delivery]',
      ...['advertising', 'certificates', 'fraud-prevention', 'recommendations', 'usage-analytics'].map((key) => `WARNING dpia-indicated  [ProcessingActivity ${key}]`),
      ...['google-analytics', 'google-analytics', 'intercom', 'paypal', 'paypal', 'sendgrid', 'sendgrid', 'zendesk'].map(
        (key) => `WARNING regime-safeguard-missing  [Processor ${key}, Country US]`,
      ),
      'WARNING representative-not-recorded  [Organization pythonmaster]',
      'WARNING representative-not-recorded  [Organization pythonmaster, Country GB]',
      'WARNING representative-not-recorded  [Organization pythonmaster, Country CH]',
      // The advertising partners and Intercom's host transfer to the US under SCCs under each of three regimes.
      ...['advertising-partners', 'advertising-partners', 'advertising-partners'].map((key) => `WARNING tia-missing  [Processor ${key}, Country US]`),
      ...['aws', 'aws', 'aws', 'google-analytics', 'google-cloud', 'google-cloud', 'google-cloud', 'intercom', 'intercom'].map((key) => `WARNING tia-missing  [Processor ${key}, Country US]`),
      ...['intercom-aws', 'intercom-aws', 'intercom-aws'].map((key) => `WARNING tia-missing  [Processor ${key}, Country US]`),
      'WARNING tia-missing  [Processor learnlytics, Country IN]',
      'WARNING tia-missing  [Processor learnlytics, Country IN]',
      'WARNING tia-missing  [Processor learnlytics, Country IN]',
      ...['mailchimp', 'mailchimp', 'mailchimp', 'paypal', 'sendgrid', 'stripe', 'stripe', 'stripe', 'zendesk', 'zendesk'].map((key) => `WARNING tia-missing  [Processor ${key}, Country US]`),
      'INFO    processor-awaiting-review  [Processor learnlytics]',
      `0 errors, 46 warnings, 1 info (${Object.keys(RULES).length} rules)`,
    ]);
    const finding = (header: string) => lines.slice(lines.indexOf(header), lines.indexOf(header) + 3);
    expect(finding('WARNING activity-without-retention  [ProcessingActivity learning-research]')).toEqual([
      'WARNING activity-without-retention  [ProcessingActivity learning-research]',
      '        learning-research has no retention rule: the record of processing cannot say how long its data is kept',
      '        fix: give learning-research a retention rule (retention: <key of a retention rule>)',
    ]);
    expect(finding('WARNING dpia-indicated  [ProcessingActivity certificates]')).toEqual(dpia('certificates', 'VULNERABLE_SUBJECTS, PROFILING'));
    expect(finding('WARNING representative-not-recorded  [Organization pythonmaster]')).toEqual([
      'WARNING representative-not-recorded  [Organization pythonmaster]',
      '        pythonmaster is established in US (United States), outside the Union, and offers its services to people in the Union (Art. 3(2)(a)), but no representative in the Union is recorded (Art. 27(1)); the record of processing must name it (Art. 30(1)(a))',
      '        fix: designate a representative in a member state where the people whose data is processed are, and record it (organization.representative); or record why Art. 27(2) exempts the processing',
    ]);
    expect(finding('INFO    processor-awaiting-review  [Processor learnlytics]')).toEqual([
      'INFO    processor-awaiting-review  [Processor learnlytics]',
      '        learnlytics is PROPOSED and receives no data until a privacy officer approves it',
      '        fix: a PRIVACY_OFFICER approves it (approveProcessor) or rejects it (rejectProcessor)',
    ]);
  });

  it('exits 1 from lint when a finding is an ERROR, and gives JSON on request', async () => {
    // Approved with its DPA (an approval refuses an ERROR finding), then the DPA reference is cleared.
    const manifest = file('no-dpa.yaml', `apiVersion: datamap/v1
processors:
  - { key: no-dpa, name: No DPA, service: Hosting, headquarters: DE, dpaReference: DPA-1, status: ACTIVE, activities: [certificates], dataCategories: [usage], locations: [{ country: DE }] }
`);
    expect((await datamap(app, ['apply', manifest])).code).toBe(0);
    expect((await datamap(app, ['apply', file('dpa-cleared.yaml', 'apiVersion: datamap/v1\nprocessors:\n  - { key: no-dpa, dpaReference: null }\n')])).code).toBe(0);
    const result = await datamap(app, ['lint', '--format', 'json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)[0]).toMatchObject({ severity: 'ERROR', rule: 'active-processor-without-dpa', entities: [{ type: 'Processor', key: 'no-dpa' }] });
  });

  it('writes the record of processing as JSON, CSV and Markdown', async () => {
    const json = JSON.parse((await datamap(app, ['ropa', '--format', 'json'])).out);
    expect(json.controller.legalName).toBe('PythonMaster');
    expect(json.representative).toBeNull();
    expect(json.dataProtectionContact).toEqual({
      label: 'Privacy contact (not a data protection officer designated under Art. 37)',
      name: 'Privacy Officer',
      email: 'privacy@pythonmaster.com',
    });
    expect(json.activities).toHaveLength(14);

    expect((await datamap(app, ['ropa', '--format', 'csv', '--out', 'ropa.csv'])).err).toBe('wrote the record of processing to ropa.csv');
    const rows: string[][] = parseCsv(readFileSync(join(dir, 'ropa.csv'), 'utf8'), { bom: true });
    expect(rows.slice(1).map((row) => row[0])).toContain('Process payments');

    expect((await datamap(app, ['ropa', '--format', 'md'])).out.split('\n')[0]).toBe('# Record of processing activities (GDPR Art. 30(1))');
    expect((await datamap(app, ['ropa', '--format', 'pdf'])).code).toBe(2);

    // Per regime: the UK record names the UK representative, and judges each transfer with its UK safeguard.
    const uk = (await datamap(app, ['ropa', '--format', 'md', '--regime', 'UK_GDPR'])).out.split('\n');
    expect(uk.slice(0, 4)).toEqual([
      '# Record of processing activities (UK GDPR Art. 30(1))',
      '',
      '- **Controller:** PythonMaster, 123 Education Street, Tech City, TC 12345, United States, privacy@pythonmaster.com, +1 (555) 123-4567',
      '- **Representative in the United Kingdom (UK GDPR Art. 27):** NOT RECORDED',
    ]);
    const ukJson = JSON.parse((await datamap(app, ['ropa', '--format', 'json', '--regime', 'UK_GDPR'])).out);
    const payments = ukJson.activities.find((a: { key: string }) => a.key === 'process-payments').transfers;
    expect(payments.map((t: { processor: string; mechanism: string | null; safeguarded: boolean }) => [t.processor, t.mechanism, t.safeguarded])).toEqual([
      ['PayPal', null, false],
      ['Stripe', 'UK_ADDENDUM', true],
    ]);
    expect((await datamap(app, ['ropa', '--format', 'md', '--regime', 'SWISS_FADP'])).out.split('\n')[0]).toBe('# Record of processing activities (FADP Art. 12)');
    expect((await datamap(app, ['ropa', '--format', 'md', '--regime', 'CH']))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^datamap ropa: --regime must be one of EU_GDPR, UK_GDPR, SWISS_FADP, not CH/),
    });
  });

  it('imports the Fides taxonomy under fides. keys, without touching the map’s own keys, idempotently', async () => {
    const contactBefore = await app.em().findOneOrFail(DataCategory, 'contact');
    const first = await datamap(app, ['import', 'fides-taxonomy']);
    expect(first.out).toBe('Fides taxonomy © Ethyca, CC BY 4.0: 156 added, 0 changed, 0 unchanged');
    const email = await app.em().findOneOrFail(DataCategory, 'fides.user.contact.email', { populate: ['parent'] });
    expect([email.name, email.parent!.key]).toEqual(['User Contact Email', 'fides.user.contact']);
    expect(await app.em().findOneOrFail(DataCategory, 'contact')).toMatchObject({ name: contactBefore.name, description: contactBefore.description });
    expect((await datamap(app, ['import', 'fides-taxonomy'])).out).toBe('Fides taxonomy © Ethyca, CC BY 4.0: 0 added, 0 changed, 156 unchanged');
  });

  it('answers usage errors with exit 2', async () => {
    expect((await datamap(app, ['frobnicate'])).code).toBe(2);
    expect((await datamap(app, ['apply'])).err).toMatch(/^datamap apply: expected one manifest file/);
    expect((await datamap(app, ['import', 'tcf'])).code).toBe(2);
    const noTaxonomy = await datamap(app, ['import', 'fides-taxonomy', '.']);
    expect([noTaxonomy.code, noTaxonomy.err.split('\n')[0]]).toEqual([
      2,
      "datamap import: . lacks data_categories.json, data_uses.json, data_subjects.json (fideslang's data_files)",
    ]);
  });
});

describe('datamap validate, without a database', () => {
  it('accepts the India example, whose activity the seeded map defines', async () => {
    expect(await datamap(null, ['validate', INDIA])).toEqual({
      code: 0,
      out: `${INDIA} is valid (0 activities, 1 processors, 0 dataCategories, 0 purposes)`,
      err: '',
    });
  });

  it('lists every problem: unknown references and unreachable transfer mechanisms', async () => {
    const manifest = file('pr.yaml', `apiVersion: datamap/v1
activities:
  - { key: profiling, name: Profiling, purpose: nowhere, legalBasis: CONSENT }
processors:
  - key: us-host
    name: US Host
    service: Hosting
    headquarters: US
    activities: [profiling]
    locations:
      - country: US
        mechanism: ADEQUACY_DECISION
        reference: adequate
`);
    const result = await datamap(null, ['validate', manifest]);
    expect(result.code).toBe(1);
    expect(result.err.split('\n').slice(1).map((line) => line.split(': ').slice(0, 2).join(': '))).toEqual([
      'pr.yaml:3: activities[0].purpose',
      'pr.yaml:11: processors[0].locations[0].dpf.certification',
    ]);
  });

  it('refuses misspelt fields inside an entry, with the field meant', async () => {
    const manifest = file('typo.yaml', `apiVersion: datamap/v1
processors:
  - key: stripe
    dpaRefernce: https://stripe.com/legal/dpa-2026
    locatons: []
`);
    const result = await datamap(null, ['validate', manifest]);
    expect(result).toEqual({
      code: 1,
      out: '',
      err: [
        'typo.yaml: 2 problems; nothing was changed',
        'typo.yaml:4: processors[0].dpaRefernce: unknown field; did you mean dpaReference?',
        'typo.yaml:5: processors[0].locatons: unknown field; did you mean locations?',
      ].join('\n'),
    });
  });

  it('judges a processor without locations at its headquarters', async () => {
    const manifest = file('hq.yaml', `apiVersion: datamap/v1
processors:
  - { key: hq-only, name: HQ Only, service: Analytics, headquarters: IN, activities: [certificates], dataCategories: [usage] }
`);
    const result = await datamap(null, ['validate', manifest]);
    expect(result.code).toBe(1);
    expect(result.err.split('\n').slice(1)).toEqual([
      'hq.yaml:3: processors[0].locations: no processing location is recorded, so the processor is judged at its headquarters ' +
        'IN (India): a mechanism is required for IN (India), which has no adequacy decision; use an Art. 46 safeguard ' +
        '(STANDARD_CONTRACTUAL_CLAUSES, BINDING_CORPORATE_RULES, CODE_OF_CONDUCT, CERTIFICATION) or an Art. 49 derogation ' +
        '(DEROGATION_EXPLICIT_CONSENT, DEROGATION_CONTRACT); add a location for IN with its transfer mechanism',
    ]);
  });

  it('accepts a location in an EEA territory: RE is France for the GDPR', async () => {
    const manifest = file('reunion.yaml', `apiVersion: datamap/v1
processors:
  - { key: reunion-host, name: Reunion Host, service: Hosting, headquarters: RE, activities: [certificates], dataCategories: [usage], locations: [{ country: RE }] }
`);
    expect((await datamap(null, ['validate', manifest])).code).toBe(0);
  });

  it('checks against another base map when asked', async () => {
    const base = file('empty-base.yaml', 'apiVersion: datamap/v1\n');
    const result = await datamap(null, ['validate', INDIA, '--against', base]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('processors[0].activities[0]: unknown processing activity "certificates"');
  });
});

describe('the manifest round trip', () => {
  it('exports the seeded map, applies it to an empty database, and exports the same manifest again', async () => {
    const seeded = await startTestApp();
    const first = await datamap(seeded, ['export', '--out', 'map.yaml']);
    expect(first).toEqual({ code: 0, out: '', err: 'wrote the map to map.yaml' });
    await seeded.close();

    const empty = await startTestApp({ seed: false });
    try {
      await ensureCountries(empty.em());
      expect(await empty.em().count(Processor)).toBe(0);
      // No map, no record: an empty record would read as "no processing".
      expect(await datamap(empty, ['ropa', '--format', 'csv'])).toEqual({
        code: 1,
        out: '',
        err: 'datamap ropa: the database holds no data map (no organization, no processing activities): apply one first, such as `npm run datamap -- apply seeds/pythonmaster.yaml`',
      });
      const applied = await datamap(empty, ['apply', 'map.yaml']);
      const entries = entriesOf(parseYaml(readFileSync(join(dir, 'map.yaml'), 'utf8')));
      expect(applied.out.split('\n').filter((line) => line.startsWith('+ '))).toHaveLength(entries);
      expect(applied.out).toMatch(new RegExp(`^([+] .*\\n( {4}.*\\n)*)+${entries} added, 0 changed, 0 unchanged$`));
      const again = await datamap(empty, ['export']);
      const exported = readFileSync(join(dir, 'map.yaml'), 'utf8');
      expect(`${again.out}\n`).toBe(exported);
      expect(parseYaml(exported).processors).toHaveLength(11); // with the advertising partners and Intercom's host
    } finally {
      await empty.close();
    }
  });
});

describe('the CLI against a running service over HTTP', () => {
  let app: TestApp;
  let env: Record<string, string>;
  beforeAll(async () => {
    app = await startTestApp();
    env = { DATAMAP_URL: app.url, DATAMAP_TOKEN: await tokenFor('PRIVACY_OFFICER', 'dpo@pythonmaster.com') };
  });
  afterAll(() => app.close());

  /** No database: every command must go through the service. */
  const overHttp = (args: string[], extra: Record<string, string> = {}) => datamap(null, args, { ...env, ...extra });

  it('prints every field a dry run would change, writes nothing, then applies it audited as the token’s subject', async () => {
    const manifest = file('stripe-dpa.yaml', 'apiVersion: datamap/v1\nprocessors:\n  - { key: stripe, dpaReference: https://stripe.com/legal/dpa-2026, website: null }\n');
    const lines = [
      '~ processors/stripe',
      '    website: "https://stripe.com" -> null',
      '    dpaReference: "https://stripe.com/legal/dpa" -> "https://stripe.com/legal/dpa-2026"',
    ];
    expect(await overHttp(['apply', manifest, '--dry-run'])).toEqual({
      code: 0,
      out: [...lines, '0 added, 1 changed, 0 unchanged (dry run: nothing was written)'].join('\n'),
      err: '',
    });
    expect((await app.em().findOneOrFail(Processor, 'stripe')).website).toBe('https://stripe.com');
    expect((await overHttp(['apply', manifest])).out).toBe([...lines, '0 added, 1 changed, 0 unchanged'].join('\n'));
    const stripe = await app.em().findOneOrFail(Processor, 'stripe', { populate: ['locations'] });
    expect([stripe.website, stripe.dpaReference, stripe.locations.length]).toEqual([null, 'https://stripe.com/legal/dpa-2026', 1]);
    const [entry] = await app.em().find(AuditEntry, { entityKey: 'stripe', operation: 'applyManifest' });
    expect([entry.actor, entry.roles]).toEqual(['dpo@pythonmaster.com', ['PRIVACY_OFFICER']]);
  });

  it('reports the service’s problems with the file’s lines, and --url overrides DATAMAP_URL', async () => {
    const manifest = file('http-broken.yaml', 'apiVersion: datamap/v1\nprocessors:\n  - key: stripe\n    activities: [mining]\n');
    const result = await overHttp(['apply', manifest, '--url', `${app.url}/graphql`], { DATAMAP_URL: 'http://127.0.0.1:9/nowhere' });
    expect(result).toEqual({
      code: 1,
      out: '',
      err: 'http-broken.yaml: 1 problem; nothing was changed\nhttp-broken.yaml:4: processors[0].activities[0]: unknown processing activity "mining"',
    });
  });

  it('applies as an engineer: a new processor enters PROPOSED, and a status change is refused', async () => {
    const engineer = { DATAMAP_TOKEN: await tokenFor('ENGINEER', 'engineer@pythonmaster.com') };
    const added = await overHttp(['apply', INDIA], engineer);
    // The plan over HTTP is the engineer's: the DPA reference they may not read shows as restricted.
    expect(added.out).toBe(`${LEARNLYTICS_FIELDS.replace('"https://learnlytics.example.in/legal/dpa-2026"', '"[restricted]"')}\n1 added, 0 changed, 0 unchanged`);
    const approve = file('approve.yaml', 'apiVersion: datamap/v1\nprocessors:\n  - { key: learnlytics, status: ACTIVE }\n');
    const refused = await overHttp(['apply', approve], engineer);
    expect(refused.code).toBe(1);
    expect(refused.err.split('\n')[1]).toMatch(/^approve.yaml:3: processors\[0\].status: only a PRIVACY_OFFICER may change a processor's status/);
    expect((await app.em().findOneOrFail(Processor, 'learnlytics')).status).toBe('PROPOSED');
  });

  it('exports the map, and applying the export back changes nothing', async () => {
    const exported = await overHttp(['export', '--out', 'http-map.yaml']);
    expect(exported).toEqual({ code: 0, out: '', err: 'wrote the map to http-map.yaml' });
    expect(parseYaml(readFileSync(join(dir, 'http-map.yaml'), 'utf8')).processors).toHaveLength(12); // and learnlytics
    const entries = entriesOf(parseYaml(readFileSync(join(dir, 'http-map.yaml'), 'utf8')));
    expect((await overHttp(['apply', 'http-map.yaml'])).out).toBe(`0 added, 0 changed, ${entries} unchanged`);
  });

  it('lints through the findings query, and writes the record of processing through /ropa.*', async () => {
    const lint = await overHttp(['lint']);
    expect([lint.code, lint.out.split('\n').at(-1)]).toEqual([0, `0 errors, 46 warnings, 1 info (${Object.keys(RULES).length} rules)`]);
    const rules: string[] = JSON.parse((await overHttp(['lint', '--format', 'json'])).out).map((f: { rule: string }) => f.rule);
    expect([...new Set(rules)]).toEqual([
      'activity-without-retention',
      'dpia-indicated',
      'regime-safeguard-missing',
      'representative-not-recorded',
      'tia-missing',
      'processor-awaiting-review',
    ]);
    expect(JSON.parse((await overHttp(['ropa', '--format', 'json'])).out).activities).toHaveLength(14);
    expect((await overHttp(['ropa', '--format', 'md', '--regime', 'UK_GDPR'])).out.split('\n')[0]).toBe('# Record of processing activities (UK GDPR Art. 30(1))');
    expect((await overHttp(['ropa', '--format', 'md'])).out.split('\n')[0]).toBe('# Record of processing activities (GDPR Art. 30(1))');
    const csv = await overHttp(['ropa', '--format', 'csv']);
    expect(parseCsv(`${csv.out}\n`, { bom: true }).slice(1).map((row: string[]) => row[0])).toContain('Process payments');
  });

  it('says what the service refused: a missing or weak token, and an unreachable service', async () => {
    expect(await overHttp(['export'], { DATAMAP_TOKEN: '' })).toMatchObject({ code: 1, err: expect.stringMatching(/^datamap export: http:\/\/127.0.0.1:\d+ answered UNAUTHENTICATED: /) });
    const viewer = { DATAMAP_TOKEN: await tokenFor('VIEWER') };
    expect((await overHttp(['apply', INDIA], viewer)).err).toMatch(/^datamap apply: http:\/\/127.0.0.1:\d+ answered FORBIDDEN: /);
    expect((await overHttp(['ropa', '--format', 'csv'], viewer)).err).toBe(
      `datamap ropa: ${app.url} answered FORBIDDEN: /ropa.csv is for PRIVACY_OFFICER and AUDITOR; this token has VIEWER`,
    );
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const closed = await overHttp(['lint', '--url', `http://127.0.0.1:${port}`]);
    expect([closed.code, closed.err]).toEqual([1, `datamap lint: cannot reach the service at http://127.0.0.1:${port}: ECONNREFUSED`]);
  });
});
