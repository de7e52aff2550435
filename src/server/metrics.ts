import { readFileSync } from 'node:fs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { projectPath } from '../common/project-path';

/** The service's version, from its package.json. */
export const SERVICE_VERSION: string = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')).version;

/** Label values for an operation name the service does not know: keeps the series count bounded. */
export const OTHER_OPERATION = 'other';

/** Error codes the service answers with; anything else counts as OTHER. */
const ERROR_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
]);

/** The paths the service answers, which label aborted requests; any other is `other`. */
const SERVICE_PATHS = new Set([
  '/graphql',
  '/healthz',
  '/readyz',
  '/metrics',
  '/map',
  '/subprocessors',
  '/subprocessors.json',
  '/subprocessors.atom',
  '/ropa.csv',
  '/ropa.md',
  '/ropa.json',
]);

/**
 * prom-client's default gauges whose names end in `_total`, which Prometheus keeps for counters:
 * `promtool check metrics` rejects them. The same figures remain as `nodejs_active_*` without the suffix.
 */
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export interface ServiceMetrics {
  registry: Registry;
  /** Records one GraphQL request; `operationName` is counted under its name only when it is known. */
  observeOperation(operation: { name?: string; type?: string; seconds: number; errorCodes: readonly string[] }): void;
  /** Counts a request whose client went before it was answered, by path (the service's own paths, else `other`). */
  observeAborted(path: string): void;
  /** Reports graphql-jit's cache of compiled operations: how many, and their estimated heap. */
  observeJitCache(cache: { readonly cached: number; readonly bytes: number }): void;
  /**
   * Reports the execution gate: operations running and waiting (read at scrape time from `state`), and the time
   * each waited, by how the wait ended. Returns the observer the gate calls.
   */
  /** Reports the database pool at scrape time: connections in use and idle, and requests waiting for one. */
  observePool(usage: () => { inUse: number; idle: number; waiting: number }): void;
  observeQueue(state: () => { readonly running: number; readonly waiting: number }): {
    waited(seconds: number, outcome: 'admitted' | 'full' | 'timeout' | 'abandoned'): void;
  };
}

/**
 * The service's Prometheus registry: process figures, GraphQL request durations by operation, and GraphQL errors
 * by code. Operation names come from a known set (`knownOperations`), every other name is `other`.
 */
export function createMetrics(knownOperations: Iterable<string>): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'datamap_build_info',
    help: 'Always 1: the version of datamap running (package.json) and of Node.js',
    labelNames: ['version', 'node'],
    registers: [registry],
  }).set({ version: SERVICE_VERSION, node: process.version }, 1);
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  const known = new Set(knownOperations);
  const duration = new Histogram({
    name: 'datamap_graphql_request_duration_seconds',
    help: 'Time to answer a GraphQL request, by operation name (known names, else "other") and type',
    labelNames: ['operation_name', 'operation_type'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'datamap_graphql_errors_total',
    help: 'GraphQL errors answered, by extensions.code',
    labelNames: ['code'],
    registers: [registry],
  });
  const aborted = new Counter({
    name: 'datamap_http_requests_aborted_total',
    help: 'Requests whose client closed the connection before the answer was sent, by path',
    labelNames: ['path'],
    registers: [registry],
  });
  return {
    registry,
    observeAborted(path) {
      aborted.inc({ path: SERVICE_PATHS.has(path) ? path : OTHER_OPERATION });
    },
    observeJitCache(cache) {
      new Gauge({
        name: 'datamap_graphql_jit_cache_bytes',
        help: 'Estimated heap held by the operations graphql-jit has compiled (bounded by GRAPHQL_JIT_CACHE_MB)',
        registers: [registry],
        collect() {
          this.set(cache.bytes);
        },
      });
      new Gauge({
        name: 'datamap_graphql_jit_cache_operations',
        help: 'Operations graphql-jit has compiled and keeps',
        registers: [registry],
        collect() {
          this.set(cache.cached);
        },
      });
    },
    observePool(usage) {
      new Gauge({
        name: 'datamap_db_pool_connections',
        help: 'Database connections in the pool, by state: in_use (lent to a request) or idle',
        labelNames: ['state'],
        registers: [registry],
        collect() {
          const now = usage();
          this.set({ state: 'in_use' }, now.inUse);
          this.set({ state: 'idle' }, now.idle);
        },
      });
      new Gauge({
        name: 'datamap_db_pool_waiting',
        help: 'Requests waiting for a database connection from the pool',
        registers: [registry],
        collect() {
          this.set(usage().waiting);
        },
      });
    },
    observeQueue(state) {
      new Gauge({
        name: 'datamap_graphql_operations_waiting',
        help: 'Operations waiting for an execution slot (at most GRAPHQL_MAX_QUEUED_OPERATIONS)',
        registers: [registry],
        collect() {
          this.set(state().waiting);
        },
      });
      new Gauge({
        name: 'datamap_graphql_operations_running',
        help: 'Operations holding an execution slot (at most GRAPHQL_MAX_CONCURRENT_OPERATIONS)',
        registers: [registry],
        collect() {
          this.set(state().running);
        },
      });
      const waited = new Histogram({
        name: 'datamap_graphql_queue_wait_seconds',
        help: 'Time an operation waited for an execution slot, by outcome: admitted, full (refused at once), timeout, abandoned (client gone)',
        labelNames: ['outcome'],
        buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      });
      return { waited: (seconds, outcome) => waited.observe({ outcome }, seconds) };
    },
    observeOperation({ name, type, seconds, errorCodes }) {
      const operationName = name && known.has(name) ? name : name ? OTHER_OPERATION : 'anonymous';
      const operationType = type === 'query' || type === 'mutation' || type === 'subscription' ? type : 'unknown';
      duration.observe({ operation_name: operationName, operation_type: operationType }, seconds);
      for (const code of errorCodes) errors.inc({ code: ERROR_CODES.has(code) ? code : 'OTHER' });
    },
  };
}
