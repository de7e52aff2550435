import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectPath } from '../src/common/project-path';

/**
 * Issue 9: the image did not build, because the build stage ran `tsc -p tsconfig.build.json` without copying that
 * file (TS5058). Docker cannot run here, so the test reads the Dockerfile and replays its build stage on exactly the
 * files the stage copies.
 */
jest.setTimeout(600_000);

interface Instruction {
  keyword: string;
  args: string;
}

function stagesOf(dockerfile: string): { name: string; instructions: Instruction[] }[] {
  const stages: { name: string; instructions: Instruction[] }[] = [];
  for (const line of dockerfile.replace(/\\\n/g, ' ').split('\n')) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!match || line.trim().startsWith('#')) continue;
    const [, keyword, args] = match;
    if (keyword === 'FROM') stages.push({ name: /\bAS\s+(\S+)/i.exec(args)?.[1] ?? String(stages.length), instructions: [] });
    else stages[stages.length - 1]?.instructions.push({ keyword, args });
  }
  return stages;
}

/** The sources of a `COPY` from the build context (not `--from=`), with its destination. */
function contextCopies(instructions: Instruction[]) {
  return instructions
    .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
    .map((i) => {
      const parts = i.args.split(/\s+/).filter((part) => !part.startsWith('--'));
      return { sources: parts.slice(0, -1), destination: parts[parts.length - 1] };
    });
}

const dockerfile = readFileSync(projectPath('Dockerfile'), 'utf8');
const stages = stagesOf(dockerfile);
const ignored = readFileSync(projectPath('.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter(Boolean);

it('copies only files that exist in the build context and that .dockerignore lets through', () => {
  const sources = stages.flatMap((stage) => contextCopies(stage.instructions).flatMap((copy) => copy.sources));
  expect(sources.length).toBeGreaterThan(0);
  for (const source of sources) {
    expect({ source, exists: existsSync(projectPath(source)) }).toEqual({ source, exists: true });
    expect({ source, ignored: ignored.includes(source.replace(/\/$/, '')) }).toEqual({ source, ignored: false });
  }
});

it('builds: the build stage’s commands pass on the files it copies alone, and give what the runtime stage copies', () => {
  const build = stages.find((stage) => stage.name === 'build')!;
  const workdir = mkdtempSync(join(tmpdir(), 'datamap-docker-'));
  try {
    for (const { sources, destination } of contextCopies(build.instructions)) {
      for (const source of sources) {
        const target = destination.endsWith('/') ? join(workdir, destination, source) : join(workdir, destination);
        cpSync(projectPath(source), target, { recursive: true });
      }
    }
    // `npm ci` is replaced by the installed node_modules; every other RUN runs as written.
    symlinkSync(projectPath('node_modules'), join(workdir, 'node_modules'));
    const commands = build.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).filter((command) => !/^npm ci\b/.test(command));
    expect(commands).toEqual(['npx tsc -b tsconfig.build.json']);
    for (const command of commands) execFileSync('sh', ['-c', command], { cwd: workdir, stdio: 'pipe' });

    const runtime = stages[stages.length - 1];
    const fromBuild = runtime.instructions.filter((i) => i.keyword === 'COPY' && i.args.includes('--from=build'));
    expect(fromBuild.map((i) => i.args)).toEqual(['--from=build /app/dist ./dist']);
    const cmd = runtime.instructions.find((i) => i.keyword === 'CMD')!.args;
    expect(JSON.parse(cmd)).toEqual(['node', 'dist/src/main.js']);
    expect(existsSync(join(workdir, 'dist', 'src', 'main.js'))).toBe(true);
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
});

it('listens on every interface in the container, and compose restarts the service and forwards signals', () => {
  const env = stages[stages.length - 1].instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
  expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
  const compose = parse(readFileSync(projectPath('docker-compose.yml'), 'utf8'));
  for (const service of ['postgres', 'datamap']) expect(compose.services[service].restart).toBe('unless-stopped');
  expect(compose.services.datamap).toMatchObject({ init: true, stop_grace_period: '15s' });
});
