import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../../common/project-path';
import { referenceVendors, VendorCatalogue } from '../vendor-catalogue';
import { EvidenceFileInvalid, readEvidence, type ExtractedItem } from '.';
import { readPackageLockFrom } from './npm';

const fixture = (name: string) => projectPath('test', 'fixtures', 'evidence', name);
const read = (paths: string[], reports: { bearer?: string[]; privado?: string[] } = {}) => readEvidence({ paths, ...reports }, (given) => given);
const brief = (items: ExtractedItem[]) => items.map((i) => [i.package ?? i.vendor ?? i.host, i.line, i.toolVersion ?? null]);
const catalogue = new VendorCatalogue(referenceVendors());
const vendorsOf = (items: ExtractedItem[]) => [...new Set(items.map((i) => catalogue.identify(i)?.vendor.key).filter(Boolean))];

/** Reads a file with a problem in it and answers the message, which names the file and the position. */
async function problemOf(name: string, text: string, reader: 'path' | 'bearer' | 'privado' = 'path'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'datamap-evidence-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  const error = await (reader === 'path' ? read([path]) : read([], { [reader]: [path] })).catch((e) => e);
  if (!(error instanceof EvidenceFileInvalid)) throw new Error(`expected EvidenceFileInvalid, got ${error}`);
  return error.message.replace(`${dir}/`, '');
}

describe("this project's own npm files", () => {
  it('reads every package the lock file installs for production, with the line of its entry, and finds no vendor among them', async () => {
    const path = projectPath('package-lock.json');
    const text = readFileSync(path, 'utf8');
    const lock = JSON.parse(text) as { lockfileVersion: number; packages: Record<string, { dev?: boolean; link?: boolean; name?: string }> };
    const expected = new Set(
      Object.entries(lock.packages)
        .filter(([key, entry]) => key.includes('node_modules/') && !entry.dev && !entry.link)
        .map(([key, entry]) => entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length)),
    );
    const { items } = await read([path]);
    expect(new Set(items.map((i) => i.package))).toEqual(expected);
    expect(items).toHaveLength(expected.size);
    const apollo = items.find((i) => i.package === '@apollo/server')!;
    expect(apollo).toEqual({
      ecosystem: 'npm',
      package: '@apollo/server',
      file: path,
      line: text.split('\n').findIndex((line) => line.includes('"node_modules/@apollo/server": {')) + 1,
      tool: 'npm',
      toolVersion: `lockfileVersion ${lock.lockfileVersion}`,
    });
    // Nothing this service depends on sends data to a SaaS vendor: an unknown package is simply not a vendor.
    expect(vendorsOf(items)).toEqual([]);
    expect(items.some((i) => i.package === 'typescript')).toBe(false);
  });

  it('reads package.json without its devDependencies', async () => {
    const path = projectPath('package.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    const { items } = await read([path]);
    expect(items.map((i) => i.package)).toEqual(Object.keys(manifest.dependencies));
    expect(items[0].line).toBe(readFileSync(path, 'utf8').split('\n').findIndex((line) => line.includes(`"${items[0].package}":`)) + 1);
  });

  it('reads a 50 MB lock file as a stream, never holding it in memory whole', async () => {
    const entry = (i: number, dev: boolean) =>
      `    "node_modules/pkg-${i}": {\n      "version": "1.0.${i}",\n      "resolved": "https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.0.${i}.tgz",\n` +
      `      "integrity": "sha512-${'A'.repeat(300)}",\n${dev ? '      "dev": true,\n' : ''}      "license": "MIT"\n    },\n`;
    const entrySize = Buffer.byteLength(entry(100_000, true));
    const count = Math.ceil((50 * 1024 * 1024) / entrySize);
    let produced = 0;
    let peak = 0;
    const start = process.memoryUsage().heapUsed;
    // The file is made as it is read, 64 KB at a time: a reader that collected it whole would hold all 50 MB.
    function* chunks() {
      yield '{\n  "name": "big",\n  "lockfileVersion": 3,\n  "packages": {\n    "": { "name": "big" },\n';
      let buffer = '';
      for (let i = 0; i < count; i++) {
        buffer += entry(i, i % 1000 !== 0);
        if (buffer.length >= 64 * 1024) {
          produced += buffer.length;
          peak = Math.max(peak, process.memoryUsage().heapUsed - start);
          yield buffer;
          buffer = '';
        }
      }
      yield `${buffer}    "node_modules/stripe": { "version": "17.0.0" }\n  }\n}\n`;
    }
    const { items } = await readPackageLockFrom('package-lock.json', chunks());
    expect(produced).toBeGreaterThan(50 * 1000 * 1000);
    expect(items).toHaveLength(Math.ceil(count / 1000) + 1);
    expect(items.at(-1)).toMatchObject({ package: 'stripe', line: 6 + 7 * count - Math.ceil(count / 1000) });
    expect(peak).toBeLessThan(40 * 1024 * 1024);
  });
});

describe('the other manifests', () => {
  it('reads requirements.txt by pip grammar, with lines', async () => {
    const { items } = await read([fixture('requirements.txt')]);
    expect(brief(items)).toEqual([
      ['Django', 2, null],
      ['stripe', 3, null],
      ['twilio', 4, null],
      ['sentry-sdk', 5, null],
      ['boto3', 6, null],
      ['requests', 7, null],
    ]);
    expect(items.every((i) => i.ecosystem === 'pypi' && i.tool === 'pip')).toBe(true);
    expect(vendorsOf(items)).toEqual(['stripe', 'twilio', 'sentry', 'aws']);
  });

  it('reads pyproject.toml: dependencies and extras, not development groups', async () => {
    const { items } = await read([fixture('pyproject.toml')]);
    expect(brief(items)).toEqual([
      ['httpx', 10, null],
      ['openai', 11, null],
      ['Stripe', 12, null],
      ['sentry_sdk', 16, null],
    ]);
    expect(vendorsOf(items)).toEqual(['openai', 'stripe', 'sentry']);
  });

  it('reads go.mod: every requirement, in blocks or alone, with the go version', async () => {
    const { items } = await read([fixture('go.mod')]);
    expect(brief(items)).toEqual([
      ['github.com/aws/aws-sdk-go-v2', 6, 'go 1.22'],
      ['github.com/aws/aws-sdk-go-v2/service/s3', 7, 'go 1.22'],
      ['github.com/getsentry/sentry-go', 8, 'go 1.22'],
      ['github.com/stripe/stripe-go/v81', 9, 'go 1.22'],
      ['golang.org/x/sync', 10, 'go 1.22'],
      ['github.com/google/uuid', 13, 'go 1.22'],
    ]);
    expect(vendorsOf(items)).toEqual(['aws', 'sentry', 'stripe']);
  });

  it('reads pom.xml: shipped dependencies only, not test scope, version management or plugins', async () => {
    const { items } = await read([fixture('pom.xml')]);
    expect(brief(items)).toEqual([
      ['com.stripe:stripe-java', 21, null],
      ['software.amazon.awssdk:s3', 26, null],
    ]);
    expect(vendorsOf(items)).toEqual(['stripe', 'aws']);
  });

  it('reads Gemfile.lock: every gem under specs, with Bundler’s version', async () => {
    const { items } = await read([fixture('Gemfile.lock')]);
    expect(brief(items).map(([name, line]) => `${name}:${line}`)).toEqual([
      'faraday:4', 'faraday-net_http:8', 'intercom:10', 'json:11', 'logger:12', 'net-http:13', 'stripe:15', 'twilio-ruby:16', 'uri:20',
    ]);
    expect(items[0]).toMatchObject({ ecosystem: 'rubygems', tool: 'bundler', toolVersion: '2.5.23' });
    expect(vendorsOf(items)).toEqual(['intercom', 'stripe', 'twilio']);
  });

  it('reads a directory as the manifests directly in it', async () => {
    const { items } = await read([projectPath('test', 'fixtures', 'evidence')]);
    expect([...new Set(items.map((i) => i.file.split('/').at(-1)))]).toEqual(['Gemfile.lock', 'go.mod', 'pom.xml', 'pyproject.toml', 'requirements.txt']);
  });
});

describe("scanners' reports", () => {
  it("reads Bearer's privacy report as CSV: each third party with the data types sent, at its row", async () => {
    const { items } = await read([], { bearer: [fixture('bearer-privacy.csv')] });
    expect(items.map(({ vendor, dataTypes, line, tool }) => ({ vendor, dataTypes, line, tool }))).toEqual([
      { vendor: 'Amazon AWS APIs', dataTypes: [], line: 7, tool: 'bearer' },
      { vendor: 'Stripe', dataTypes: ['Email Address', 'Fullname'], line: 8, tool: 'bearer' },
      { vendor: 'Twilio', dataTypes: ['Telephone Number'], line: 9, tool: 'bearer' },
    ]);
    expect(vendorsOf(items)).toEqual(['aws', 'stripe', 'twilio']);
  });

  it("reads Bearer's privacy report as JSON", async () => {
    const { items } = await read([], { bearer: [fixture('bearer-privacy.json')] });
    expect(items.map(({ vendor, dataTypes, line }) => ({ vendor, dataTypes, line }))).toEqual([
      { vendor: 'Sentry', dataTypes: ['Email Address'], line: 15 },
      { vendor: 'Mixpanel', dataTypes: ['Email Address', 'IP address', 'Date of birth'], line: 25 },
    ]);
  });

  it("reads Privado's privado.json: each third-party sink with its data element, placed at the sink's line in the code, never the code", async () => {
    const result = await read([], { privado: [fixture('privado.json')] });
    expect(result.repository).toBe('pythonmaster-web');
    expect(result.commit).toBe('9f8e7d6c5b4a3f2e1d0c');
    expect(result.items).toEqual([
      { vendor: 'Stripe', dataTypes: ['Data.Sensitive.ContactData.EmailAddress'], file: 'src/billing/customers.js', line: 41, tool: 'privado', toolVersion: '2.1.7' },
      { vendor: 'Twilio', dataTypes: ['Data.Sensitive.ContactData.PhoneNumber'], file: 'src/auth/sms.js', line: 22, tool: 'privado', toolVersion: '2.1.7' },
      {
        vendor: 'ThirdParties.API.api.stripe.com',
        host: 'api.stripe.com',
        dataTypes: ['Data.Sensitive.FinancialData.CardNumber'],
        file: 'src/billing/cards.js',
        line: 30,
        tool: 'privado',
        toolVersion: '2.1.7',
      },
    ]);
    expect(JSON.stringify(result)).not.toContain('EXCERPT-OF-CODE-NEVER-SENT');
    expect(vendorsOf(result.items)).toEqual(['stripe', 'twilio']);
  });
});

describe('malformed files: the file and the position of the problem', () => {
  it.each([
    ['package-lock.json', '{\n  "lockfileVersion": 3,\n  "packages": {\n    "node_modules/a": { "version": "1" }\n    "node_modules/b": {}\n  }\n}\n',
      'package-lock.json:5:5: not valid JSON: Unexpected STRING ("node_modules/b")'],
    ['package-lock.json', '{\n  "packages": {\n    "node_modules/a": { "version": 1x }\n', 'package-lock.json:3:37: not valid JSON: Unexpected "x"'],
    ['package.json', '{ "dependencies": { "stripe": "^17" }', 'package.json: the file ends inside the JSON (1 unclosed {)'],
    ['package.json', '', 'package.json:1:1: empty: expected a JSON object'],
    ['requirements.txt', 'stripe==11.0\ntwilio >= = 9\n', 'requirements.txt:2:11: not a valid requirements file: expected "!", "+", "*", ".", "_", "-", or an alpha-numeric character'],
    ['pyproject.toml', '[project]\nname = "x"\ndependencies = [\n  "stripe",\n  twilio\n]\n', 'pyproject.toml:5:3: not valid TOML: invalid value'],
    ['pyproject.toml', '[project]\ndependencies = ["stripe", "not a valid = spec"]\n', 'pyproject.toml:2: project.dependencies[1]: "not a valid = spec" is not a PEP 508 requirement'],
    ['go.mod', 'module x\n\ngo 1.22\n\nrequire (\n\tgithub.com/stripe/stripe-go/v81\n)\n',
      'go.mod:6: a requirement is a module path and a version (such as github.com/stripe/stripe-go/v76 v76.0.0), not "github.com/stripe/stripe-go/v81"'],
    ['go.mod', 'module x\nrequire (\n\tgithub.com/a/b v1.0.0\n', 'go.mod:2: the require block that opens here is not closed with ")"'],
    ['go.mod', 'module x\nrequires github.com/a/b v1.0.0\n', 'go.mod:2:1: unknown directive "requires": go.mod has module, go, toolchain, godebug, require, exclude, replace, retract, tool, ignore'],
    ['pom.xml', '<project>\n  <dependencies>\n    <dependency>\n      <groupId>com.stripe</groupId>\n    </dependenc>\n', 'pom.xml:5:16: not well-formed XML: unexpected close tag.'],
    ['pom.xml', '<project><dependencies><dependency><artifactId>x</artifactId></dependency></dependencies></project>', 'pom.xml:1: a <dependency> needs a <groupId> and an <artifactId>'],
    ['Gemfile.lock', 'GEM\n  remote: https://rubygems.org/\n  specs:\n    stripe 13.2.0\n', 'Gemfile.lock:4:5: expected "name (version)" for a gem under specs:, not "stripe 13.2.0"'],
    ['Gemfile.lock', 'PLATFORMS\n  ruby\n', 'Gemfile.lock:1: not a Gemfile.lock: it has no GEM, GIT or PATH section'],
  ])('%s: %j', async (name, text, message) => {
    expect(await problemOf(name, text)).toBe(message);
  });

  it.each([
    ['bearer', 'bearer.csv', 'Third Party,Subject,Data Types\n"Stripe,User,x\n', 'bearer.csv:2: not valid CSV: Quote Not Closed: the parsing is finished with an opening quote'],
    ['bearer', 'bearer.csv', 'Subject,Data Types\nUser,Email\n', 'bearer.csv:1: not a Bearer privacy report: no "Third Party,Subject,Data Types,…" table (run bearer scan with --report privacy)'],
    ['bearer', 'bearer.json', '{ "third_party": [ { "subject_name": "User" } ] }', 'bearer.json:1: third_party[0] needs a "third_party" name'],
    ['privado', 'privado.json', '{ "repoName": "x" }', 'privado.json:1: not a Privado report: it has no "dataFlow" (run privado scan; the result is .privado/privado.json)'],
    ['privado', 'privado.json', '{ "dataFlow": { "third_parties": [ { "sinks": [] } ] } }', 'privado.json: dataFlow.third_parties[0] needs a "sourceId" (the data element)'],
  ] as const)('%s %s: %j', async (reader, name, text, message) => {
    expect(await problemOf(name, text, reader)).toBe(message);
  });

  it('names a file it does not read, and one that is missing', async () => {
    expect(await problemOf('Cargo.toml', '[package]\n')).toBe(
      'Cargo.toml: not a file datamap reads: give package.json, package-lock.json, requirements.txt, pyproject.toml, go.mod, pom.xml, Gemfile.lock, ' +
        "or a scanner's report with --bearer or --privado",
    );
    await expect(read(['/nowhere/package.json'])).rejects.toThrow('/nowhere/package.json: no such file or directory');
  });
});
