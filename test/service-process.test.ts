import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { projectPath } from '../src/common/project-path';
import { onPostgres, tokenFor } from './harness';
import { accepts, buildService, embeddedEnv, killLeftovers, listeningTcpPorts, listeningUnixSockets, runNode, startService, type ServiceProcess } from './service-process';

/**
 * Issue 9, as an operator meets it: the real service (`node dist/src/main.js`) in its own process, stopped by
 * signals and by kill -9, next to a CLI on the same data directory.
 */
jest.setTimeout(600_000);

beforeAll(() => buildService(), 600_000);
afterAll(() => killLeftovers());

const newDataDir = () => join(mkdtempSync(join(tmpdir(), 'datamap-process-')), 'data');

/** The environment of a service on the suite's database: PGlite in `dataDir`, or the PostgreSQL test database. */
function serviceEnv(dataDir: string, extra: Record<string, string> = {}) {
  return embeddedEnv(dataDir, { ...(onPostgres ? { DATABASE_URL: process.env.TEST_DATABASE_URL! } : {}), ...extra });
}

async function gql(service: ServiceProcess, query: string, variables: Record<string, unknown>, roles: Parameters<typeof tokenFor>[0]) {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(roles)}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as { data?: any; errors?: any[] }) };
}

/** An HTTP request sent all but its last byte, so that it is in flight on the server until `finish()`. */
function requestInFlight(port: number, head: string, body = '') {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += String(chunk)));
  const ended = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(received));
    socket.on('error', () => undefined);
  });
  const text = `${head}\r\n\r\n${body}`;
  const sent = new Promise<void>((resolve) => socket.on('connect', () => socket.write(text.slice(0, -1), () => resolve())));
  return {
    sent,
    /** Sends the last byte and reads the answer until the server closes the connection. */
    async finish(): Promise<{ status: number; body: string }> {
      socket.write(text.slice(-1));
      const answer = await ended;
      return { status: Number(answer.split(' ')[1]), body: answer.slice(answer.indexOf('\r\n\r\n') + 4) };
    },
    abandon: () => socket.destroy(),
  };
}

async function graphqlInFlight(port: number, query: string, token: string) {
  const body = JSON.stringify({ query });
  const head = [
    'POST /graphql HTTP/1.1',
    'host: 127.0.0.1',
    'content-type: application/json',
    `authorization: Bearer ${token}`,
    `content-length: ${Buffer.byteLength(body)}`,
  ].join('\r\n');
  return requestInFlight(port, head, body);
}

/** The one JSON line a failed start writes on stderr: its code and message (and nothing else on stderr). */
function failureOf(run: { err: string[] }): { code: string; msg: string } {
  const lines = run.err.join('').trim().split('\n');
  expect(lines).toHaveLength(1);
  const line = JSON.parse(lines[0]);
  expect(line.level).toBe(60);
  return { code: line.code, msg: line.msg };
}

const AGE_GATE = `query ($input: AgeGateInput!) { ageGate(input: $input) { allowed } }`;
const STATS = `query ($day: LocalDate!) { ageGateStats(from: $day, to: $day, country: "IS") { totals { checks } } }`;
const today = () => new Date().toISOString().slice(0, 10);

describe('graceful shutdown on SIGTERM', () => {
  it('refuses new connections, answers /readyz 503, lets 16 requests in flight finish, flushes the counters and exits 0', async () => {
    const dataDir = newDataDir();
    const env = serviceEnv(dataDir, { AGE_GATE_FLUSH_SECONDS: '3600' });
    const service = await startService(env);
    const checksBefore = (await gql(service, STATS, { day: today() }, 'PRIVACY_OFFICER')).data.ageGateStats.totals.checks;
    for (let i = 0; i < 25; i++) {
      const check = await gql(service, AGE_GATE, { input: { birthDate: '1990-01-01', country: 'IS' } }, 'SIGNUP_SERVICE');
      expect(check.data).toEqual({ ageGate: { allowed: true } });
    }
    expect((await gql(service, STATS, { day: today() }, 'PRIVACY_OFFICER')).data.ageGateStats.totals.checks).toBe(checksBefore + 25);

    const token = await tokenFor('VIEWER');
    const inFlight = await Promise.all(Array.from({ length: 16 }, () => graphqlInFlight(service.port, '{ processors { totalCount } }', token)));
    const readiness = requestInFlight(service.port, 'GET /readyz HTTP/1.1\r\nhost: 127.0.0.1');
    await Promise.all([...inFlight.map((request) => request.sent), readiness.sent]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the server read what was sent

    const signalled = performance.now();
    service.child.kill('SIGTERM');
    for (let i = 0; i < 100 && (await accepts(service.port)); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await accepts(service.port)).toBe(false);

    const answers = await Promise.all(inFlight.map((request) => request.finish()));
    expect(answers.map((answer) => answer.status)).toEqual(Array(16).fill(200));
    expect(answers.every((answer) => answer.body.includes('"totalCount":9') || /"totalCount":\d+/.test(answer.body))).toBe(true);
    const ready = await readiness.finish();
    expect(ready.status).toBe(503);
    expect(ready.body).toContain('shutting down');
    expect(await service.exited).toBe(0);
    const shutdownMs = Math.round(performance.now() - signalled);
    expect(service.stdout()).toContain('SIGTERM received, shutting down');
    if (process.env.DATAMAP_MEASURE) console.log(`shutdown with 16 requests in flight: ${shutdownMs} ms`);

    // The counters of the stopped process were flushed: a new process (as PID 1, where it can be) reports them.
    const restarted = await startService(env, pid1Command());
    expect((await gql(restarted, STATS, { day: today() }, 'PRIVACY_OFFICER')).data.ageGateStats.totals.checks).toBe(checksBefore + 25);
    process.kill(innerPid(restarted), 'SIGINT');
    expect(await restarted.exited).toBe(0);
    expect(restarted.stdout()).toContain('SIGINT received, shutting down');
  });

  it('answers every request sent before SIGTERM under load, on kept-alive and new connections alike: no ECONNRESET', async () => {
    const service = await startService(serviceEnv(newDataDir(), { SEED: 'false' }));
    const body = JSON.stringify({ query: '{ processors { totalCount } }' });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor('VIEWER')}`, 'content-length': String(Buffer.byteLength(body)) };
    /** One request; resolves with its status, or the error code its client saw. `connected` once its socket is. */
    const send = (agent: Agent | false) => {
      let connected!: () => void;
      const connectedOnce = new Promise<void>((resolve) => (connected = resolve));
      const answered = new Promise<string>((resolve) => {
        const req = request({ host: '127.0.0.1', port: service.port, path: '/graphql', method: 'POST', agent, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.statusCode)));
          res.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        });
        req.on('socket', (socket) => (socket.connecting ? socket.once('connect', connected) : connected()));
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        req.end(body);
      });
      return { connected: connectedOnce, answered };
    };
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 16 });
    const results: string[] = [];
    let signalled = false;
    const clients = Array.from({ length: 16 }, async () => {
      while (!signalled) results.push(await send(keepAlive).answered);
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // And a burst of new connections, each connected before the signal, their requests not yet read by the service.
    const burst = Array.from({ length: 32 }, () => send(false));
    await Promise.all(burst.map((request) => request.connected));
    signalled = true;
    service.child.kill('SIGTERM');
    const burstResults = await Promise.all(burst.map((request) => request.answered));
    results.push(...burstResults);
    await Promise.all(clients);
    if (process.env.DATAMAP_MEASURE) console.log(`burst: ${burstResults.join(' ')}`);
    keepAlive.destroy();
    expect(await service.exited).toBe(0);
    const tally = results.reduce<Record<string, number>>((counts, result) => ({ ...counts, [result]: (counts[result] ?? 0) + 1 }), {});
    if (process.env.DATAMAP_MEASURE) console.log(`shutdown under load: ${JSON.stringify(tally)}`);
    expect(tally).toEqual({ '200': results.length });
    expect(results.length).toBeGreaterThan(48);
    const lines = service.stdout().trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining([expect.stringContaining('SIGTERM received, shutting down'), 'datamap stopped']));
  });

  it('cuts off what still runs when SHUTDOWN_GRACE_SECONDS are over, and still exits 0', async () => {
    const service = await startService(serviceEnv(newDataDir(), { SHUTDOWN_GRACE_SECONDS: '1', SEED: 'false' }));
    const stuck = await graphqlInFlight(service.port, '{ processors { totalCount } }', await tokenFor('VIEWER'));
    await stuck.sent;
    await new Promise((resolve) => setTimeout(resolve, 300));
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(service.stdout()).toContain('shutdown grace period');
    stuck.abandon();
  });
});

/** `unshare` makes node PID 1 of a new PID namespace, as in a container, when this runs as root; otherwise plain node. */
function pid1Command(): string[] | undefined {
  try {
    execFileSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { stdio: 'ignore' });
    return ['unshare', '--pid', '--fork', '--mount-proc', process.execPath];
  } catch {
    return undefined;
  }
}

/** The node process itself: the child of `unshare` when it runs as PID 1 of its own namespace. */
function innerPid(service: ServiceProcess): number {
  try {
    const children = readFileSync(`/proc/${service.pid}/task/${service.pid}/children`, 'utf8').trim();
    return children ? Number(children.split(' ')[0]) : service.pid;
  } catch {
    return service.pid;
  }
}

describe('start-up against a database it cannot use', () => {
  it('retries an unreachable database for DB_CONNECT_TIMEOUT_SECONDS, then exits 1 with one line naming it', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const started = Date.now();
    const run = runNode('main.js', embeddedEnv(newDataDir(), { DATABASE_URL: `postgres://datamap:secret@127.0.0.1:${port}/datamap`, DB_CONNECT_TIMEOUT_SECONDS: '2' }));
    expect(await run.exited).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(failureOf(run)).toEqual({
      code: 'DATABASE_UNREACHABLE',
      msg: expect.stringMatching(new RegExp(`^cannot reach the database postgres://datamap@127\\.0\\.0\\.1:${port}/datamap \\(gave up after 2 s\\): .*ECONNREFUSED`)),
    });
    expect(run.err.join('')).not.toContain('secret');
  });

  it('checks the port before it opens the database: a busy port stops the start at once with PORT_IN_USE', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      // An unreachable database would be retried for 60 s: the port is refused long before.
      const started = Date.now();
      const run = runNode('main.js', embeddedEnv(newDataDir(), { PORT: String(port), DATABASE_URL: 'postgres://datamap@127.0.0.1:1/datamap', DB_CONNECT_TIMEOUT_SECONDS: '60' }));
      expect(await run.exited).toBe(1);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(failureOf(run)).toEqual({ code: 'PORT_IN_USE', msg: `port ${port} on 127.0.0.1 is in use by another process: stop it, or choose another PORT` });
      expect(run.out.join('')).toBe('');
    } finally {
      busy.close();
    }
  });

  it('reports a configuration error as CONFIG_INVALID and exits 2', async () => {
    const run = runNode('main.js', embeddedEnv(newDataDir(), { PORT: 'eighty' }));
    expect(await run.exited).toBe(2);
    expect(failureOf(run)).toEqual({ code: 'CONFIG_INVALID', msg: 'configuration error: PORT="eighty" is not a port number (0-65535)' });
  });

  (onPostgres ? it : it.skip)('stops at once when DATABASE_URL names a database that does not exist, and never creates it', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    const missing = `${url.pathname.slice(1)}_missing_${process.pid}`;
    url.pathname = `/${missing}`;
    const run = runNode('main.js', embeddedEnv(newDataDir(), { DATABASE_URL: url.toString() }));
    expect(await run.exited).toBe(1);
    expect(failureOf(run)).toEqual({
      code: 'DATABASE_MISSING',
      msg: expect.stringMatching(new RegExp(`^the database postgres://.*/${missing} does not exist; datamap never creates one: create it, or correct DATABASE_URL$`)),
    });
    const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    try {
      expect((await client.query('select 1 from pg_database where datname = $1', [missing])).rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });
});

(onPostgres ? describe.skip : describe)('one process owns an embedded data directory', () => {
  it('listens on the HTTP port alone, keeps PGlite on a 0700 Unix socket, and turns away a second service and the CLI', async () => {
    const dataDir = newDataDir();
    const service = await startService(embeddedEnv(dataDir, { SEED: 'false' }));
    try {
      expect(listeningTcpPorts(service.pid)).toEqual([service.port]);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, 'run')).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, 'run', '.s.PGSQL.5432')).isSocket()).toBe(true);

      const message = `the data directory ${dataDir} is in use by process ${service.pid} (${projectPath('dist', 'src', 'main.js')}). ` +
        'Embedded PGlite allows one process per data directory: stop that process, or reach the running service instead ' +
        '(CLI: set DATAMAP_URL=http://<host>:<port> and DATAMAP_TOKEN, or pass --url).';
      for (const [script, args] of [['cli/datamap.js', ['lint']], ['cli/datamap.js', ['export']], ['main.js', []]] as const) {
        const started = performance.now();
        const run = runNode(script, embeddedEnv(dataDir), { args: [...args] });
        const code = await run.exited;
        if (process.env.DATAMAP_MEASURE) console.log(`${script} ${args.join(' ')} refused after ${Math.round(performance.now() - started)} ms`);
        // The CLI speaks to a person; the service writes a JSON log line.
        if (script === 'main.js') expect({ code, failure: failureOf(run) }).toEqual({ code: 1, failure: { code: 'DATA_DIR_LOCKED', msg: message } });
        else expect({ code, err: run.err.join('').trim() }).toEqual({ code: 1, err: `datamap: ${message}` });
      }
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  });
});

(onPostgres ? describe.skip : describe)('the socket directory of a long data path', () => {
  it('is the same after kill -9 and a restart, so crashes leave none behind, and goes with a graceful stop', async () => {
    // Past 107 bytes for DATA_DIR/run/.s.PGSQL.5432: the socket lives under the temporary directory instead.
    const dataDir = join(mkdtempSync(join(tmpdir(), 'datamap-long-')), 'd'.repeat(100));
    const socketDirOf = (service: ServiceProcess) => {
      const [socket] = listeningUnixSockets(service.pid);
      expect(socket).toMatch(/\/\.s\.PGSQL\.5432$/);
      return dirname(socket);
    };
    const first = await startService(embeddedEnv(dataDir, { SEED: 'false' }));
    const dir = socketDirOf(first);
    expect(dir.startsWith(dataDir)).toBe(false);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(dir)).toBe(true);

    const second = await startService(embeddedEnv(dataDir, { SEED: 'false' }));
    expect(socketDirOf(second)).toBe(dir);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });
});

// unshare needs root (CI runs as root).
(onPostgres || !pid1Command() ? describe.skip : describe)('two services in separate PID namespaces on one data directory', () => {
  // As two containers on one volume with --network host: each service is PID 1 of its own PID namespace.
  const inNamespace = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child', process.execPath];
  /** unshare ignores SIGTERM while it waits: the service inside is stopped, and unshare ends with it. */
  const stop = async (service: ServiceProcess) => {
    process.kill(innerPid(service), 'SIGTERM');
    await service.exited;
  };

  it('refuses the second: both are PID 1 of the same host name, and the kernel lock is what tells them apart', async () => {
    const dataDir = newDataDir();
    const first = await startService(embeddedEnv(dataDir, { SEED: 'false' }), inNamespace);
    try {
      expect(innerPid(first)).not.toBe(first.pid);
      const second = runNode('main.js', embeddedEnv(dataDir, { SEED: 'false' }), { command: inNamespace });
      const code = await second.exited;
      expect({ code, failure: failureOf(second) }).toEqual({
        code: 1,
        failure: {
          code: 'DATA_DIR_LOCKED',
          msg: `the data directory ${dataDir} is in use by process 1 (${projectPath('dist', 'src', 'main.js')}). ` +
            'Embedded PGlite allows one process per data directory: stop that process, or reach the running service instead ' +
            '(CLI: set DATAMAP_URL=http://<host>:<port> and DATAMAP_TOKEN, or pass --url).',
        },
      });
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    } finally {
      await stop(first);
    }
    // Once the first has gone, the directory is free again.
    await stop(await startService(embeddedEnv(dataDir, { SEED: 'false' }), inNamespace));
  });
});

(onPostgres ? describe.skip : describe)('durability on embedded PGlite', () => {
  const REGISTER = `mutation ($input: RegisterProcessorInput!) { registerProcessor(input: $input) { key } }`;
  const input = (key: string) => ({
    key,
    name: `Durable ${key}`,
    service: 'Hosting',
    headquarters: 'DE',
    locations: [{ country: 'DE' }],
    dataCategories: ['contact'],
    activities: ['process-payments'],
  });

  it('keeps every acknowledged registration and its audit entry through kill -9 during a stream of writes', async () => {
    const dataDir = newDataDir();
    const env = embeddedEnv(dataDir);
    const acknowledged: string[] = [];
    const LOOPS = 3;
    for (let loop = 0; loop < LOOPS; loop++) {
      const service = await startService(env); // the first start also takes over the lock the last kill left
      let next = 0;
      let killed = false;
      const writer = async () => {
        while (!killed) {
          const key = `durable-${loop}-${next++}`;
          try {
            const response = await gql(service, REGISTER, { input: input(key) }, 'ENGINEER');
            if (response.data?.registerProcessor?.key === key) acknowledged.push(key);
          } catch {
            // the connection died with the process: not acknowledged
          }
        }
      };
      const writers = Array.from({ length: 4 }, writer);
      const target = acknowledged.length + 20;
      while (acknowledged.length < target) await new Promise((resolve) => setTimeout(resolve, 10));
      service.child.kill('SIGKILL');
      killed = true;
      await Promise.all(writers);
      expect(await service.exited).toBe('SIGKILL');
    }

    const service = await startService(env);
    try {
      const stored = await gql(service, '{ processors(first: 1000) { nodes { key } } }', {}, 'VIEWER');
      const keys = new Set(stored.data.processors.nodes.map((node: { key: string }) => node.key));
      expect(acknowledged.filter((key) => !keys.has(key))).toEqual([]);
      const audit = await gql(service, '{ auditLog(first: 1000, filter: { entityType: "Processor" }) { nodes { entityKey operation } } }', {}, 'AUDITOR');
      const audited = new Set(audit.data.auditLog.nodes.filter((e: { operation: string }) => e.operation === 'registerProcessor').map((e: { entityKey: string }) => e.entityKey));
      expect(acknowledged.filter((key) => !audited.has(key))).toEqual([]);
      if (process.env.DATAMAP_MEASURE) console.log(`${LOOPS} kill -9 loops: ${acknowledged.length} acknowledged registrations, all found with their audit entries`);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  });
});
