import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { RequestContext } from '../common/context';

/** Root fields that read one row at most: they never wait behind the map's large reads. */
const LIGHT_ROOT_FIELDS = new Set(['ageGate', '__typename']);

/** What a refused client is told to wait before it tries again, in seconds. */
export const RETRY_AFTER_SECONDS = 1;

const isLight = (operation: OperationDefinitionNode) =>
  operation.operation === 'query' &&
  operation.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && LIGHT_ROOT_FIELDS.has(selection.name.value));

export interface ExecutionGateOptions {
  /** Operations that execute at once (GRAPHQL_MAX_CONCURRENT_OPERATIONS). */
  limit: number;
  /** Operations that may wait for a turn (GRAPHQL_MAX_QUEUED_OPERATIONS); the next one is refused at once. */
  maxQueued: number;
  /** How long an operation may wait for its turn (GRAPHQL_QUEUE_TIMEOUT_MS) before it is refused. */
  queueTimeoutMs: number;
  /** Told of every wait that ended, admitted or not, and of the queue's length when it changes (metrics). */
  observe?: { waited(seconds: number, outcome: 'admitted' | 'full' | 'timeout' | 'abandoned'): void };
}

/** The gate's state, for the metrics. */
export interface ExecutionGateState {
  readonly running: number;
  readonly waiting: number;
}

const unavailable = (message: string): GraphQLResponse => ({
  http: { status: 503, headers: new HeaderMap([['retry-after', String(RETRY_AFTER_SECONDS)]]) },
  body: { kind: 'single', singleResult: { errors: [{ message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] } },
});

interface Waiter {
  admit(): void;
}

/**
 * At most `limit` operations execute at once; up to `maxQueued` others wait their turn, first come first served,
 * each for at most `queueTimeoutMs`. Past either bound the request answers 503 SERVICE_UNAVAILABLE with
 * `Retry-After`, and an operation whose client has gone leaves the queue without running.
 *
 * An operation's memory is the rows it reads and the answer it builds, and V8 grows its heap with the garbage of
 * every answer in progress: 16 dashboards asking for a thousand processors at once took the process past 1 GB,
 * while one core gains nothing from building sixteen answers at the same time rather than a few. The signup
 * service's checks and `{ __typename }` pass by the queue: they cost nothing to hold and must not wait behind a
 * dashboard. Unbounded, the queue kept work for clients that had gone: 60 abandoned requests made a cheap query
 * wait 41.6 s.
 */
export function executionGate(options: ExecutionGateOptions): ApolloServerPlugin<RequestContext> & { state: ExecutionGateState } {
  const { limit, maxQueued, queueTimeoutMs, observe } = options;
  let running = 0;
  const waiting: Waiter[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next.admit();
    else running -= 1;
  };

  /** Resolves once a slot is this operation's, or with why it never will be. */
  const turn = (closed: AbortSignal | undefined): Promise<'admitted' | 'full' | 'timeout' | 'abandoned'> => {
    if (running < limit) {
      running += 1;
      return Promise.resolve('admitted');
    }
    if (closed?.aborted) return Promise.resolve('abandoned');
    if (waiting.length >= maxQueued) return Promise.resolve('full');
    return new Promise((resolve) => {
      const leave = (outcome: 'timeout' | 'abandoned') => {
        const index = waiting.indexOf(waiter);
        if (index >= 0) waiting.splice(index, 1);
        done(outcome);
      };
      const onClose = () => leave('abandoned');
      const timer = setTimeout(() => leave('timeout'), queueTimeoutMs);
      const done = (outcome: 'admitted' | 'timeout' | 'abandoned') => {
        clearTimeout(timer);
        closed?.removeEventListener('abort', onClose);
        resolve(outcome);
      };
      // The slot passes straight to this operation: `running` stays as it was.
      const waiter: Waiter = { admit: () => done('admitted') };
      closed?.addEventListener('abort', onClose, { once: true });
      waiting.push(waiter);
    });
  };

  return {
    state: {
      get running() {
        return running;
      },
      get waiting() {
        return waiting.length;
      },
    },
    async requestDidStart() {
      let holding = false;
      return {
        // The last hook before execution: a plugin that refuses the operation (in didResolveOperation) has
        // answered by then, so no refused operation waits or takes a slot.
        async responseForOperation({ operation, contextValue }) {
          if (!operation || isLight(operation)) return null;
          const startedAt = performance.now();
          const outcome = await turn(contextValue.record?.closed);
          observe?.waited((performance.now() - startedAt) / 1000, outcome);
          if (outcome === 'admitted') {
            holding = true;
            return null;
          }
          if (outcome === 'full') return unavailable(`The service is busy: ${maxQueued} operations are already waiting. Try again shortly.`);
          if (outcome === 'timeout') return unavailable(`The service is busy: the operation waited ${queueTimeoutMs} ms for its turn. Try again shortly.`);
          // Nobody reads this answer: the client has gone, and the operation never runs.
          return unavailable('The client closed the request before its turn came');
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
