import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { projectPath } from '../src/common/project-path';
import { TEST_JWT_SECRET } from './harness';

/**
 * The real service as an operator runs it: `node dist/src/main.js` in a process of its own, for what only a process
 * shows (signals, locks, sockets, kill -9). Built once per test file with the project's own build.
 */
export function buildService(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: projectPath(), stdio: 'inherit' });
}

export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
}

/** The environment of a service on embedded PGlite in `dataDir`, with no DATABASE_URL inherited from the test run. */
export function embeddedEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const { DATABASE_URL: _ignored, TEST_DATABASE_URL: _too, ...env } = process.env as Record<string, string>;
  return { ...env, NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET, PORT: '0', LOG_LEVEL: 'info', DATA_DIR: dataDir, ...extra };
}

const running = new Set<ChildProcess>();

/** Kills what a failed test left running: call it in afterAll. */
export function killLeftovers(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Runs a built entry point (`dist/src/…`) as a child process. */
export function runNode(
  script: string,
  env: Record<string, string>,
  { args = [], command = [process.execPath] }: { args?: string[]; command?: string[] } = {},
): { child: ChildProcess; exited: Promise<number | string>; out: string[]; err: string[] } {
  const child = spawn(command[0], [...command.slice(1), projectPath('dist', 'src', script), ...args], { cwd: projectPath(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout!.on('data', (chunk) => out.push(String(chunk)));
  child.stderr!.on('data', (chunk) => err.push(String(chunk)));
  running.add(child);
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? -1);
    }),
  );
  return { child, exited, out, err };
}

/** Starts the service and waits until it logs that it is serving. */
export async function startService(env: Record<string, string>, command?: string[], timeoutMs = 240_000): Promise<ServiceProcess> {
  const { child, exited, out, err } = runNode('main.js', env, { command });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the service did not start within ${timeoutMs} ms:\n${out.join('')}${err.join('')}`));
    }, timeoutMs);
    const look = () => {
      const match = /"url":"http:\/\/[^:]+:(\d+)\/graphql"/.exec(out.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code}) before serving:\n${out.join('')}${err.join('')}`));
    });
  });
  return { child, pid: child.pid!, port, url: `http://127.0.0.1:${port}`, exited, stdout: () => out.join(''), stderr: () => err.join('') };
}

/** The TCP ports a process listens on, from /proc: what `ss -ltnp` shows for it. */
export function listeningTcpPorts(pid: number): number[] {
  const socketInodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) socketInodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const lines = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (state === '0A' && socketInodes.has(inode)) ports.push(parseInt(local.split(':')[1], 16));
    }
  }
  return ports;
}

/** The paths of the Unix sockets a process listens on, from /proc: what `ss -lxp` shows for it. */
export function listeningUnixSockets(pid: number): string[] {
  const socketInodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) socketInodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  const lines = readFileSync(`/proc/${pid}/net/unix`, 'utf8').trim().split('\n').slice(1);
  // Num RefCount Protocol Flags Type St Inode Path; state 01 with the listening flag (00010000).
  return lines
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === '00010000' && socketInodes.has(fields[6]) && fields[7])
    .map((fields) => fields[7]);
}

/** Whether a new TCP connection to the port is accepted. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
