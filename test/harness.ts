import type { EntityManager } from '@mikro-orm/postgresql';
import pino, { type Logger } from 'pino';
import type { AgeGateCounters } from '../src/age-gate/age-gate.counters';
import { openDatabase, type Database } from '../src/db/database';
import { seedDatabase } from '../src/db/seed';
import { statementCounter } from '../src/db/statement-counter';
import { createApp, type App } from '../src/server/app';
import { createAuthenticator } from '../src/auth/authenticate';
import { resolveAuth } from '../src/auth/jwt-secret';
import { signToken } from '../src/auth/sign-token';
import type { Role } from '../src/auth/viewer';
import { loadConfig, type AppConfig } from '../src/common/config';
import { buildDatamapSchema } from '../src/server/schema';

export const onPostgres = Boolean(process.env.DATABASE_URL);

/** The HS256 secret every test app verifies tokens with. */
export const TEST_JWT_SECRET = 'datamap-test-secret-long-enough-for-hs256';

/** A token for the given roles, signed as the service expects. */
export function tokenFor(roles: Role | `${Role}` | (Role | `${Role}`)[], subject = 'tester@pythonmaster.com', ttl = '5m') {
  return signToken(TEST_JWT_SECRET, { roles: Array.isArray(roles) ? roles : [roles], subject, ttl });
}

/** Request headers that authenticate as the given roles: `app.gql(query, vars, await authAs('VIEWER'))`. */
export async function authAs(roles: Parameters<typeof tokenFor>[0], subject?: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(roles, subject)}` };
}

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestApp {
  url: string;
  db: Database;
  /** A fresh unit of work on the test database, to check what the API wrote. */
  em(): EntityManager;
  /** Sends a GraphQL request over HTTP, as a client would. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Like gql, and also counts the SQL statements the request sent. */
  countStatements(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ response: GraphQLResponse; statements: number }>;
  /** This instance's age-gate counters, to flush them when a test needs them in the database. */
  ageGateCounters: AgeGateCounters;
  /** The context a request of this viewer gets, to execute operations without HTTP. */
  contextFor: App['contextFor'];
  close(): Promise<void>;
}

export interface TestAppOptions {
  seed?: boolean;
  config?: Partial<AppConfig>;
  /** False joins the database another test app uses, as a second instance of the service. */
  reset?: boolean;
  logger?: Logger;
  clock?: () => Date;
  /** Another way to the test database, such as a proxy that a test freezes. */
  databaseUrl?: string;
  /** OpenTelemetry tracing, as the service starts it when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing?: import('../src/server/tracing').Tracing;
}

/** Starts the whole service over HTTP on an emptied test database, seeded with the PythonMaster map. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest, whose global setup sets it');
  const config = { ...loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET }), ...options.config };
  const db = await openDatabase({
    databaseUrl,
    reset: options.reset ?? true,
    orm: onPostgres ? {} : { pool: { min: 1, max: 1 } },
    timeouts: { statementMs: config.dbStatementTimeoutMs, connectMs: config.dbConnectTimeoutMs },
  });
  if (options.seed ?? true) await seedDatabase(db.orm.em.fork());
  const logger = options.logger ?? pino({ level: 'silent' });
  // As the server does: JWT_SECRET or JWT_JWKS_URL when configured, else the secret kept in the settings row.
  const authenticate = createAuthenticator((await resolveAuth(config, db)).auth);
  const service = await createApp({ config, db, schema: await buildDatamapSchema(), logger, authenticate, clock: options.clock, tracing: options.tracing });
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = service.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address() as import('node:net').AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;

  const gql: TestApp['gql'] = async (query, variables, headers = {}) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  };

  return {
    url,
    db,
    em: () => db.orm.em.fork(),
    gql,
    ageGateCounters: service.ageGateCounters,
    contextFor: service.contextFor,
    async countStatements(query, variables, headers) {
      const { result, statements } = await statementCounter.measure(() => gql(query, variables, headers));
      return { response: result, statements };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.stop();
      await db.close();
    },
  };
}

/**
 * The service a test file runs against (on the file's clock, when it has one) and the headers of one role: started
 * before the file's tests (beforeAll) and closed after them (afterAll). The two objects are returned at once and
 * filled in when the service has started, so a file declares them in one line and its tests use them as they are:
 * `const { app, headers: viewer } = useTestApp('VIEWER');`, or with `{ clock: () => now }` and a test moves `now`.
 */
export function useTestApp(
  role: Parameters<typeof tokenFor>[0],
  { clock, subject }: { clock?: () => Date; subject?: string } = {},
): { app: TestApp; headers: Record<string, string> } {
  const app = {} as TestApp;
  const headers: Record<string, string> = {};
  beforeAll(async () => {
    Object.assign(app, await startTestApp({ clock }));
    Object.assign(headers, await authAs(role, subject));
  });
  afterAll(() => app.close());
  return { app, headers };
}

/** The keys of a list of nodes, in the order the API returned them. */
export const keysOf = (nodes: { key: string }[]) => nodes.map((node) => node.key);

/** The human keys of a list: `key`, or `code` for countries. */
export const keys = (items: { key?: string; code?: string }[]) => items.map((item) => item.key ?? item.code);

/** The code and message of a response's first error. */
export const errorOf = (response: GraphQLResponse) => [response.errors?.[0]?.extensions?.code, response.errors?.[0]?.message];

/** How many entries a manifest holds: the organization and every entry of every section. */
export const entriesOf = (manifest: Record<string, unknown>) =>
  Object.values(manifest).reduce<number>((count, section) => count + (Array.isArray(section) ? section.length : section && typeof section === 'object' ? 1 : 0), 0);

/** A processor in India under standard contractual clauses: the example of the README. */
export const indiaProcessorInput = (key: string) => ({
  key,
  name: 'Acme Analytics',
  service: 'Learning analytics',
  headquarters: 'IN',
  locations: [{ country: 'IN', mechanism: 'STANDARD_CONTRACTUAL_CLAUSES', reference: 'SCC 2021/914 module 2' }],
  dataCategories: ['usage'],
  activities: ['usage-analytics'],
  dpaReference: 'https://acme.example/dpa',
});
