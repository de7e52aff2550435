import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../src/cli/cli';
import { projectPath } from '../src/common/project-path';

/**
 * Every fenced block the README and docs/ mark `sh runnable` runs as written, against the server that the
 * README's `sh runnable server` block starts (on a temporary DATA_DIR and a free PORT); blocks marked
 * `sh runnable stopped` run after that server stops. A block followed by "→ `output`" must print that output.
 * Every `yaml` block that is a manifest (`apiVersion: datamap/v1`) passes `datamap validate` as written.
 */
interface Block {
  file: string;
  line: number;
  kind: 'server' | 'running' | 'stopped';
  script: string;
  expected?: string;
}

function blocksOf(file: string): Block[] {
  const text = readFileSync(projectPath(file), 'utf8');
  const blocks: Block[] = [];
  for (const match of text.matchAll(/^```sh runnable( server| stopped)?\n([\s\S]*?)^```\n(?:→ `([^`]*)`)?/gm)) {
    const kind = match[1] === ' server' ? 'server' : match[1] === ' stopped' ? 'stopped' : 'running';
    const line = text.slice(0, match.index).split('\n').length;
    blocks.push({ file, line, kind, script: match[2], expected: match[3] });
  }
  return blocks;
}

/** The manifests the docs show, each with the line it starts on; a vendor catalogue (`vendors:`) is checked by its own tests. */
function manifestsOf(file: string): { file: string; line: number; text: string }[] {
  const text = readFileSync(projectPath(file), 'utf8');
  return [...text.matchAll(/^```yaml\n([\s\S]*?)^```\n/gm)]
    .filter((match) => /^apiVersion: datamap\/v1$/m.test(match[1]) && !/^vendors:/m.test(match[1]))
    .map((match) => ({ file, line: text.slice(0, match.index).split('\n').length, text: match[1] }));
}

const files = ['README.md', ...readdirSync(projectPath('docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const blocks = files.flatMap(blocksOf);
const manifests = files.flatMap(manifestsOf);
const serverBlock = blocks.find((block) => block.kind === 'server');
const OUTPUTS = ['ropa.csv', 'map.yaml'];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

let env: NodeJS.ProcessEnv;
let dataDir: string;
let server: ChildProcess | undefined;
let serverOutput = '';
const existedBefore = new Set(OUTPUTS.filter((name) => existsSync(projectPath(name))));

async function run(block: Block): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)('bash', ['-euo', 'pipefail', '-c', block.script], { cwd: projectPath(), env, timeout: 240_000, maxBuffer: 16 << 20 });
}

async function waitUntilReady(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (!server || exited(server)) throw new Error(`the server exited: ${serverOutput}`);
    const ready = await fetch(`http://localhost:${port}/readyz`).then((response) => response.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the server was not ready in time: ${serverOutput}`);
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

async function stopServer(): Promise<void> {
  if (!server || exited(server)) return;
  const gone = new Promise((resolve) => server!.once('exit', resolve));
  process.kill(-server.pid!, 'SIGTERM');
  await gone;
}

describe('commands in the README and docs', () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'datamap-docs-'));
    const port = await freePort();
    env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
    // As a reader's shell would be: development, embedded PGlite, no test settings.
    for (const name of ['NODE_ENV', 'DATABASE_URL', 'TEST_DATABASE_URL', 'NODE_OPTIONS', 'JWT_SECRET']) delete env[name];
    if (!serverBlock) return;
    // Its own process group, so stopping it stops npm and the node process npm started.
    // The test itself stands on the install, so it starts the server as the block's second command.
    const start = serverBlock.script.replace(/^npm install && /, '');
    server = spawn('bash', ['-c', start], { cwd: projectPath(), env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (chunk) => (serverOutput += chunk));
    server.stderr!.on('data', (chunk) => (serverOutput += chunk));
    await waitUntilReady(port, Date.now() + 280_000);
  }, 300_000);

  afterAll(async () => {
    await stopServer();
    rmSync(dataDir, { recursive: true, force: true });
    for (const name of OUTPUTS) if (!existedBefore.has(name)) rmSync(projectPath(name), { force: true });
  }, 60_000);

  it('finds the quickstart: a server block and runnable blocks in the README and docs', () => {
    expect(serverBlock).toMatchObject({ file: 'README.md', script: 'npm install && npm start\n' });
    expect(blocks.filter((block) => block.kind === 'running').map((block) => block.file)).toEqual(expect.arrayContaining(['README.md', 'docs/queries.md', 'docs/registry.md', 'docs/access-control.md']));
    expect(blocks.filter((block) => block.kind === 'stopped').length).toBeGreaterThan(0);
  });

  const label = (block: Block) => `${block.file}:${block.line}`;

  it.each(blocks.filter((block) => block.kind === 'running').map((block) => [label(block), block] as const))(
    '%s runs against the running server',
    async (_label, block) => {
      const { stdout } = await run(block);
      expect(stdout).not.toContain('"errors"');
      if (block.expected !== undefined) expect(stdout.trim()).toBe(block.expected);
    },
    240_000,
  );

  it.each(blocks.filter((block) => block.kind === 'stopped').map((block) => [label(block), block] as const))(
    '%s runs with the server stopped',
    async (_label, block) => {
      await stopServer();
      const { stdout } = await run(block);
      if (block.expected !== undefined) expect(stdout.trim()).toBe(block.expected);
    },
    600_000,
  );
});

// Offline, as CI checks a pull request: no server needed.
describe('manifests in the README and docs', () => {
  it('finds the manifests the docs show', () => {
    expect(manifests.map((manifest) => manifest.file)).toContain('docs/manifests.md');
  });

  it.each(manifests.map((manifest) => [`${manifest.file}:${manifest.line}`, manifest] as const))(
    '%s is a manifest that `datamap validate` accepts as written',
    async (_label, manifest) => {
      const dir = mkdtempSync(join(tmpdir(), 'datamap-docs-manifest-'));
      try {
        writeFileSync(join(dir, 'manifest.yaml'), manifest.text);
        const out: string[] = [];
        const code = await runCli(['validate', 'manifest.yaml'], {
          out: (text) => out.push(text),
          err: (text) => out.push(text),
          env: {},
          cwd: dir,
          connect: async () => {
            throw new Error('validate must not open a database');
          },
        });
        expect({ code, out: out.join('\n') }).toEqual({ code: 0, out: expect.stringMatching(/^manifest\.yaml is valid /) });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
