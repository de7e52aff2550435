import { Client } from 'pg';
import { authAs, indiaProcessorInput, startTestApp, type TestApp } from './harness';

/**
 * A transaction holds one connection, so reads started together inside it are queued on one pg client, which pg 9
 * refuses. pg 8 only warns, and too rarely to test by: once per process, from the third query queued on, and on the
 * real `process`, whose warnings a test's `process.on('warning')` in jest's sandbox does not hear. So the test watches
 * the clients: no query may be sent to a client while one it was sent before is still running.
 */
function watchClients(): { overlaps: string[]; sent: () => number; restore(): void } {
  const running = new WeakMap<Client, string[]>();
  const overlaps: string[] = [];
  let sent = 0;
  const send = Client.prototype.query as (this: Client, ...args: unknown[]) => unknown;
  const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
    const config = args[0] as string | { text?: string };
    const statement = String(typeof config === 'string' ? config : config?.text).replace(/\s+/g, ' ').slice(0, 120);
    sent += 1;
    const inFlight = running.get(this) ?? [];
    running.set(this, inFlight);
    if (inFlight.length > 0) overlaps.push(`${statement}\n    sent while this still ran: ${inFlight[0]}`);
    inFlight.push(statement);
    const done = () => void inFlight.splice(inFlight.indexOf(statement), 1);
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (...result: unknown[]) => {
        done();
        return callback(...result);
      };
      return send.apply(this, args);
    }
    const result = send.apply(this, args);
    if (result instanceof Promise) result.then(done, done);
    else done();
    return result;
  } as never);
  return { overlaps, sent: () => sent, restore: () => spy.mockRestore() };
}

const REGISTER = `mutation ($input: RegisterProcessorInput!) { registerProcessor(input: $input) { key version } }`;
const UPDATE = `mutation ($key: ID!, $expectedVersion: Int!, $input: UpdateProcessorInput!) { updateProcessor(key: $key, expectedVersion: $expectedVersion, input: $input) { key } }`;
const APPROVE = `mutation ($key: ID!) { approveProcessor(key: $key) { key status } }`;
const APPLY = `mutation ($manifest: String!) { applyManifest(manifest: $manifest) { applied } }`;
const RECONCILE = `mutation ($input: EvidenceInput!) { reconcileEvidence(input: $input) { repository vendors { vendor status } } }`;

let app: TestApp;
let asEngineer: Record<string, string>;
let asOfficer: Record<string, string>;
let clients: ReturnType<typeof watchClients>;
beforeAll(async () => {
  app = await startTestApp();
  asEngineer = await authAs('ENGINEER', 'engineer@pythonmaster.com');
  asOfficer = await authAs('PRIVACY_OFFICER', 'dpo@pythonmaster.com');
  clients = watchClients();
});
afterAll(async () => {
  clients.restore();
  await app.close();
});
beforeEach(() => clients.overlaps.splice(0));

/** Runs one request, and what it sent to a client that was still running another query. */
async function overlapsOf(query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const before = clients.sent();
  const response = await app.gql(query, variables, headers);
  expect(response.errors).toBeUndefined();
  // The watch sees the request's statements at all (else an empty list would prove nothing).
  expect(clients.sent()).toBeGreaterThan(before);
  return clients.overlaps;
}

describe('reads inside a transaction are sent one after another', () => {
  it('approveProcessor: the findings check reads standings and transfer records in the review transaction', async () => {
    await app.gql(REGISTER, { input: indiaProcessorInput('tx-approve') }, asEngineer);
    expect(await overlapsOf(APPROVE, { key: 'tx-approve' }, asOfficer)).toEqual([]);
  });

  it('updateProcessor: a processor left without locations is judged at its headquarters in the transaction', async () => {
    const created = await app.gql(REGISTER, { input: indiaProcessorInput('tx-update') }, asEngineer);
    const input = { locations: [], headquarters: 'FR' };
    expect(await overlapsOf(UPDATE, { key: 'tx-update', expectedVersion: created.data!.registerProcessor.version, input }, asEngineer)).toEqual([]);
  });

  it('applyManifest: the country standings are read in the manifest transaction', async () => {
    const manifest = `apiVersion: datamap/v1\nprocessors:\n  - { key: paypal, name: PayPal, service: Payment processing, headquarters: US }\n`;
    expect(await overlapsOf(APPLY, { manifest }, asOfficer)).toEqual([]);
  });

  it('reconcileEvidence: the map view is read in the evidence transaction', async () => {
    const input = { repository: 'pythonmaster/web', commit: 'a1b2c3d', items: [{ ecosystem: 'npm', package: 'stripe', file: 'package.json', line: 14, tool: 'npm' }] };
    expect(await overlapsOf(RECONCILE, { input }, asEngineer)).toEqual([]);
  });
});
