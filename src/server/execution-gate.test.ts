import type { GraphQLRequestListener } from '@apollo/server';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import type { RequestContext } from '../common/context';
import { executionGate } from './execution-gate';

const operationOf = (query: string) =>
  parse(query).definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)!;

/** One request through the gate's hooks, as Apollo calls them: resolved (maybe waiting), then answered. */
async function request(gate: ReturnType<typeof executionGate>, query: string) {
  const listener = (await gate.requestDidStart!({} as never)) as GraphQLRequestListener<RequestContext>;
  let admitted = false;
  const resolved = (listener.executionDidStart!({ operation: operationOf(query) } as never) as Promise<void>).then(() => {
    admitted = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return {
    admitted: () => admitted,
    resolved,
    answer: async () => {
      await resolved;
      await listener.willSendResponse!({} as never);
    },
  };
}

const LIST = '{ processors(first: 100) { nodes { key } } }';

describe('executionGate', () => {
  it('admits as many operations as its limit, and the next in arrival order as each is answered', async () => {
    const gate = executionGate(2);
    const first = await request(gate, LIST);
    const second = await request(gate, LIST);
    const third = await request(gate, LIST);
    const fourth = await request(gate, LIST);
    expect([first.admitted(), second.admitted(), third.admitted(), fourth.admitted()]).toEqual([true, true, false, false]);
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
    const gate = executionGate(1);
    await request(gate, LIST);
    const check = await request(gate, 'query Check($input: AgeGateInput!) { ageGate(input: $input) { allowed } }');
    const typename = await request(gate, '{ __typename }');
    const mixed = await request(gate, '{ __typename processors { nodes { key } } }');
    const mutation = await request(gate, 'mutation { retireProcessor(key: "x", reason: "y") { key } }');
    expect([check.admitted(), typename.admitted(), mixed.admitted(), mutation.admitted()]).toEqual([true, true, false, false]);
  });
});
