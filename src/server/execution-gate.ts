import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { RequestContext } from '../common/context';

/** Root fields that read one row at most: they never wait behind the map's large reads. */
const LIGHT_ROOT_FIELDS = new Set(['ageGate', '__typename']);

const isLight = (operation: OperationDefinitionNode) =>
  operation.operation === 'query' &&
  operation.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && LIGHT_ROOT_FIELDS.has(selection.name.value));

/**
 * At most `limit` operations execute at once; the others wait their turn, first come first served.
 *
 * An operation's memory is the rows it reads and the answer it builds, and V8 grows its heap with the garbage of
 * every answer in progress: 16 dashboards asking for a thousand processors at once took the process past 1 GB,
 * while one core gains nothing from building sixteen answers at the same time rather than a few. The signup
 * service's checks and `{ __typename }` pass by the queue: they cost nothing to hold and must not wait behind a
 * dashboard.
 */
export function executionGate(limit: number): ApolloServerPlugin<RequestContext> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
  return {
    async requestDidStart() {
      let holding = false;
      return {
        // Not in didResolveOperation: another plugin may refuse the operation there while this one waits, and the
        // refusal is answered (willSendResponse) before the wait ends, so the slot it then takes would never return.
        async executionDidStart({ operation }) {
          if (!operation || isLight(operation)) return;
          if (running < limit) running += 1;
          else await new Promise<void>((resolve) => waiting.push(resolve));
          holding = true;
        },
        async willSendResponse() {
          if (!holding) return;
          holding = false;
          release();
        },
      };
    },
  };
}
