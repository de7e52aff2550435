import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/cli';
import { projectPath } from '../src/common/project-path';
import { Evidence } from '../src/evidence/evidence.entity';
import { authAs, startTestApp, tokenFor, type TestApp } from './harness';

const fixtures = projectPath('test', 'fixtures', 'evidence');

/** A repository of its own for each test: its package.json, and what else the test puts in it. */
function repository(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'datamap-evidence-cli-'));
  const all = {
    'package.json': JSON.stringify(
      { name: 'web', dependencies: { express: '^5.1.0', stripe: '^17.4.0', twilio: '^5.3.0' }, devDependencies: { jest: '^29.7.0' } },
      null,
      2,
    ),
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Runs `datamap` as a function in `cwd`, against the test database (or none), capturing what it prints. */
async function datamap(app: TestApp | null, cwd: string, args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env,
    cwd,
    connect: async () => {
      if (!app) throw new Error('this command must not connect to a database');
      return { ...app.db, close: async () => undefined };
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const TWILIO_ERROR = [
  'ERROR   undeclared-recipient  [Vendor twilio]',
  '        the code calls Twilio (npm package twilio in web (package.json:6)), but no processor "twilio" is registered: the map does ' +
    'not declare this recipient (GDPR Art. 28(2), Art. 30(1)(d))',
  '        fix: register twilio (registerProcessor, or a manifest) and have a PRIVACY_OFFICER approve it, or remove the dependency; ' +
    'if Twilio is covered by another processor, map it there (processor: <key> in datamap.vendors.yaml or registerVendor)',
];

describe('datamap evidence, the CI gate', () => {
  let app: TestApp;
  let env: Record<string, string>;
  beforeAll(async () => {
    app = await startTestApp();
    env = { DATAMAP_URL: app.url, DATAMAP_TOKEN: await tokenFor('ENGINEER', 'ci@pythonmaster.com') };
  });
  afterAll(() => app.close());

  it('exits 1 on the seed when the code names stripe and twilio, and sends only the vendors it found', async () => {
    const sent: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      if (typeof init?.body === 'string') sent.push(init.body);
      return realFetch(input, init);
    };
    let result;
    try {
      result = await datamap(null, repository(), ['evidence', '.', '--repository', 'web', '--commit', 'a1b2c3d'], env);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(result).toEqual({
      code: 1,
      out: [
        'web @ a1b2c3d: 2 vendors (3 items read, 1 not a vendor)',
        '  DECLARED       stripe -> processor stripe   npm stripe (package.json:5)',
        '  UNDECLARED     twilio -> processor twilio   npm twilio (package.json:6)',
        ...TWILIO_ERROR,
        '1 error, 0 warnings',
      ].join('\n'),
      err: '',
    });
    // What left the machine: the catalogue was asked for, then the two vendor items; express never, no source at all.
    const reconcile = JSON.parse(sent.find((body) => body.includes('reconcileEvidence'))!).variables.input;
    expect(reconcile).toEqual({
      repository: 'web',
      commit: 'a1b2c3d',
      items: ['stripe', 'twilio'].map((name, i) => ({
        ecosystem: 'npm', package: name, host: null, vendor: null, dataTypes: [], file: 'package.json', line: 5 + i, tool: 'npm', toolVersion: null,
      })),
      vendors: [],
    });
    expect(sent.join('\n')).not.toContain('express');
    const stored = await app.em().findOneOrFail(Evidence, 'web');
    expect([stored.submittedBy, stored.items.map((item) => item.vendor)]).toEqual(['ci@pythonmaster.com', ['stripe', 'twilio']]);
  });

  it('passes once twilio is registered and approved', async () => {
    const officer = await authAs('PRIVACY_OFFICER');
    await app.gql(
      `mutation ($input: RegisterProcessorInput!) { registerProcessor(input: $input) { key } }`,
      {
        input: {
          key: 'twilio', name: 'Twilio', service: 'SMS', headquarters: 'US', dataCategories: ['contact.phone'], activities: ['service-communications'],
          locations: [{ country: 'US', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' }],
          dpaReference: 'https://www.twilio.com/legal/data-protection-addendum',
        },
      },
      officer,
    );
    const pending = await datamap(null, repository(), ['evidence', 'package.json', '--repository', 'web'], env);
    expect([pending.code, pending.out.split('\n')[2]]).toEqual([1, '  PENDING_REVIEW twilio -> processor twilio   npm twilio (package.json:6)']);
    expect((await app.gql(`mutation { approveProcessor(key: "twilio") { status } }`, {}, officer)).data!.approveProcessor.status).toBe('ACTIVE');
    const passed = await datamap(null, repository(), ['evidence', 'package.json', '--repository', 'web'], env);
    expect(passed).toMatchObject({ code: 0, err: '' });
    expect(passed.out.split('\n').slice(-1)).toEqual(['0 errors, 0 warnings']);
  });

  it('sends data types from Bearer and Privado, never the code their reports quote, and the repository and commit Privado names', async () => {
    const sent: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      if (typeof init?.body === 'string') sent.push(init.body);
      return realFetch(input, init);
    };
    let result;
    try {
      result = await datamap(null, repository(), ['evidence', '--privado', join(fixtures, 'privado.json'), '--bearer', join(fixtures, 'bearer-privacy.csv'), '--format', 'json'], env);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(sent.join('\n')).not.toContain('EXCERPT-OF-CODE-NEVER-SENT');
    expect(sent.join('\n')).not.toContain('req.body.email');
    const report = JSON.parse(result.out);
    expect([report.repository, report.commit]).toEqual(['pythonmaster-web', '9f8e7d6c5b4a3f2e1d0c']);
    expect(report.vendors.map((v: any) => [v.vendor, v.status, v.dataTypes.map((t: any) => `${t.dataType}:${t.categoryKey}:${t.declared}`)])).toEqual([
      ['aws', 'DECLARED', []],
      ['stripe', 'DECLARED', ['Email Address:contact.email:true', 'Fullname:identity.name:true', 'Data.Sensitive.ContactData.EmailAddress:contact.email:true', 'Data.Sensitive.FinancialData.CardNumber:financial:true']],
      ['twilio', 'DECLARED', ['Telephone Number:contact.phone:true', 'Data.Sensitive.ContactData.PhoneNumber:contact.phone:true']],
    ]);
    expect(result.code).toBe(0);
  });

  it('checks offline against an exported map, without the service', async () => {
    const dir = repository();
    expect((await datamap(app, dir, ['export', '--out', 'map.yaml'])).code).toBe(0);
    // The export carries twilio, approved above; an older map without it fails the same code.
    const before = readFileSync(join(dir, 'map.yaml'), 'utf8').replace(/\n {2}- key: twilio\n[\s\S]*?(?=\n {2}- key: |\n[a-zA-Z]|$)/, '');
    writeFileSync(join(dir, 'before.yaml'), before);
    const offline = await datamap(null, dir, ['evidence', '.', '--repository', 'web', '--offline', 'before.yaml']);
    expect([offline.code, offline.out.split('\n').slice(1, 3)]).toEqual([
      1,
      ['  DECLARED       stripe -> processor stripe   npm stripe (package.json:5)', '  UNDECLARED     twilio -> processor twilio   npm twilio (package.json:6)'],
    ]);
    expect((await datamap(null, dir, ['evidence', '.', '--repository', 'web', '--offline', 'map.yaml'])).code).toBe(0);
  });

  it("reads this project's own lock file: hundreds of packages, none of them a vendor", async () => {
    const result = await datamap(null, projectPath(), ['evidence', 'package-lock.json', '--repository', 'datamap', '--offline', join('seeds', 'pythonmaster.yaml')]);
    const lock = JSON.parse(readFileSync(projectPath('package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; link?: boolean; name?: string }> };
    const shipped = new Set(
      Object.entries(lock.packages)
        .filter(([key, entry]) => key.includes('node_modules/') && !entry.dev && !entry.link)
        .map(([key, entry]) => entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length)),
    ).size;
    expect(shipped).toBeGreaterThan(400);
    expect(result).toEqual({ code: 0, out: `datamap: 0 vendors (${shipped} items read, ${shipped} not a vendor)\n0 errors, 0 warnings`, err: '' });
  });

  it("maps a package by the repository's datamap.vendors.yaml, and names its problems by line", async () => {
    const vendors = 'apiVersion: datamap/v1\nvendors:\n  - key: pm-sms\n    name: PythonMaster SMS gateway\n    processor: twilio\n    packages:\n      npm: ["@pythonmaster/sms"]\n';
    const dir = repository({
      'package.json': JSON.stringify({ dependencies: { '@pythonmaster/sms': '^1.0.0' } }),
      'datamap.vendors.yaml': vendors,
    });
    const result = await datamap(null, dir, ['evidence', 'package.json', '--repository', 'sms'], env);
    expect([result.code, result.out.split('\n')[1]]).toEqual([0, '  DECLARED       pm-sms -> processor twilio   npm @pythonmaster/sms (package.json:1)']);
    writeFileSync(join(dir, 'datamap.vendors.yaml'), vendors.replace('processor: twilio', 'procesor: twilio').replace('npm:', 'cargo:'));
    const bad = await datamap(null, dir, ['evidence', 'package.json'], env);
    expect([bad.code, bad.err.split('\n')]).toEqual([
      1,
      ['datamap.vendors.yaml: 2 problems; nothing was changed', 'datamap.vendors.yaml:5: vendors[0].procesor: unknown field', 'datamap.vendors.yaml:7: vendors[0].packages.cargo: unknown field'],
    ]);
  });

  it('names a malformed file with its position, and a missing argument as a usage error', async () => {
    const dir = repository({ 'package.json': '{\n  "dependencies": {\n    "stripe": "^17"\n    "twilio": "^5"\n  }\n}\n' });
    expect(await datamap(null, dir, ['evidence', 'package.json', '--offline', 'x.yaml'])).toEqual({
      code: 1,
      out: '',
      err: 'datamap evidence: package.json:4:5: not valid JSON: Unexpected STRING ("twilio")',
    });
    const usage = await datamap(null, dir, ['evidence']);
    expect([usage.code, usage.err.split('\n')[0]]).toEqual([2, 'datamap evidence: expected files to read: evidence <paths...> [--bearer <report>] [--privado <privado.json>]']);
  });
});
