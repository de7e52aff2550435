import type { GraphQLRequestListener, GraphQLResponse } from '@apollo/server';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import type { RequestContext } from '../common/context';
import { executionGate, type ExecutionGateOptions } from './execution-gate';

const operationOf = (query: string) =>
  parse(query).definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)!;

type Gate = ReturnType<typeof executionGate>;
const gateOf = (options: Partial<ExecutionGateOptions>) => executionGate({ limit: 1, maxQueued: 64, queueTimeoutMs: 10_000, ...options });

/** One request through the gate's hooks, as Apollo calls them: its turn asked for (maybe waiting), then answered. */
async function request(gate: Gate, query: string, closed?: AbortSignal) {
  const listener = (await gate.requestDidStart!({} as never)) as GraphQLRequestListener<RequestContext>;
  let answer: GraphQLResponse | null | undefined;
  const resolved = (
    listener.responseForOperation!({ operation: operationOf(query), contextValue: { record: { closed } } } as never) as Promise<GraphQLResponse | null>
  ).then((response) => {
    answer = response;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return {
    /** Admitted: the gate let it execute (Apollo executes when the hook answers null). */
    admitted: () => answer === null,
    /** The refusal the gate answered with instead, if any. */
    refusal: () => (answer ? { status: answer.http?.status, retryAfter: answer.http?.headers.get('retry-after'), body: answer.body } : undefined),
    resolved,
    answer: async () => {
      await resolved;
      await listener.willSendResponse!({} as never);
    },
  };
}

const LIST = '{ processors(first: 100) { nodes { key } } }';
const codeOf = (refusal: ReturnType<Awaited<ReturnType<typeof request>>['refusal']>) =>
  refusal?.body.kind === 'single' ? refusal.body.singleResult.errors?.[0]?.extensions?.code : undefined;

describe('executionGate', () => {
  it('admits as many operations as its limit, and the next in arrival order as each is answered', async () => {
    const gate = gateOf({ limit: 2 });
    const first = await request(gate, LIST);
    const second = await request(gate, LIST);
    const third = await request(gate, LIST);
    const fourth = await request(gate, LIST);
    expect([first.admitted(), second.admitted(), third.admitted(), fourth.admitted()]).toEqual([true, true, false, false]);
    expect(gate.state).toMatchObject({ running: 2, waiting: 2 });
    await second.answer();
    await third.resolved;
    expect([third.admitted(), fourth.admitted()]).toEqual([true, false]);
    await first.answer();
    await fourth.resolved;
    expect(fourth.admitted()).toBe(true);
    await Promise.all([third.answer(), fourth.answer()]);
    // Every slot was given back: two new operations go straight in.
    const again = [await request(gate, LIST), await request(gate, LIST)];
    expect(again.map((r) => r.admitted())).toEqual([true, true]);
  });

  it('never holds up an age check or { __typename }, even when every slot is taken', async () => {
    const gate = gateOf({ limit: 1 });
    await request(gate, LIST);
    const check = await request(gate, 'query Check($input: AgeGateInput!) { ageGate(input: $input) { allowed } }');
    const typename = await request(gate, '{ __typename }');
    const mixed = await request(gate, '{ __typename processors { nodes { key } } }');
    const mutation = await request(gate, 'mutation { retireProcessor(key: "x", reason: "y") { key } }');
    expect([check.admitted(), typename.admitted(), mixed.admitted(), mutation.admitted()]).toEqual([true, true, false, false]);
  });

  it('refuses at once with 503 and Retry-After when the queue is full', async () => {
    const gate = gateOf({ limit: 1, maxQueued: 2 });
    const running = await request(gate, LIST);
    const queued = [await request(gate, LIST), await request(gate, LIST)];
    const refused = await request(gate, LIST);
    await refused.resolved;
    expect(refused.refusal()).toMatchObject({ status: 503, retryAfter: '1' });
    expect(codeOf(refused.refusal())).toBe('SERVICE_UNAVAILABLE');
    expect(gate.state).toMatchObject({ running: 1, waiting: 2 });
    await running.answer();
    await queued[0].resolved;
    expect(queued.map((r) => r.admitted())).toEqual([true, false]);
  });

  it('refuses an operation that waited longer than the queue timeout, and it gives no slot back', async () => {
    const gate = gateOf({ limit: 1, queueTimeoutMs: 50 });
    const running = await request(gate, LIST);
    const late = await request(gate, LIST);
    await late.answer();
    expect(late.refusal()).toMatchObject({ status: 503, retryAfter: '1' });
    expect(codeOf(late.refusal())).toBe('SERVICE_UNAVAILABLE');
    expect(gate.state).toMatchObject({ running: 1, waiting: 0 });
    await running.answer();
    expect(gate.state).toMatchObject({ running: 0, waiting: 0 });
  });

  it('drops a queued operation whose client has gone: it never runs, and the next one takes its turn', async () => {
    const gate = gateOf({ limit: 1 });
    const running = await request(gate, LIST);
    const clients = Array.from({ length: 5 }, () => new AbortController());
    const abandoned = await Promise.all(clients.map((client) => request(gate, LIST, client.signal)));
    const patient = await request(gate, LIST);
    expect(gate.state.waiting).toBe(6);
    for (const client of clients) client.abort();
    await Promise.all(abandoned.map((r) => r.answer()));
    expect(abandoned.map((r) => r.admitted())).toEqual([false, false, false, false, false]);
    expect(gate.state).toMatchObject({ running: 1, waiting: 1 });
    await running.answer();
    await patient.resolved;
    expect(patient.admitted()).toBe(true);
    // A client already gone when its operation reaches the gate does not queue either.
    const gone = new AbortController();
    gone.abort();
    const late = await request(gate, LIST, gone.signal);
    expect(late.admitted()).toBe(false);
    expect(gate.state).toMatchObject({ running: 1, waiting: 0 });
  });
});
