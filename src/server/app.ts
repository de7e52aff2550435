import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { GraphQLError } from 'graphql';
import { AgeGateCounters } from '../age-gate/age-gate.counters';
import { PolicyCachedInProcess, PolicyReadPerCheck } from '../age-gate/age-gate.policy';
import { AgeGateService } from '../age-gate/age-gate.service';
import type { Authenticator } from '../auth/authenticate';
import type { Viewer } from '../auth/viewer';
import { protectSchema } from '../auth/permissions';
import type { Database } from '../db/database';
import { selectedFields } from '../db/selection';
import { purgeRightsRequests as purgeExpiredRightsRequests } from '../rights-request/rights-request.service';
import { ropaRouter } from '../ropa/ropa.routes';
import { subprocessorRouter } from '../subprocessor/subprocessor.routes';
import type { AppConfig } from '../common/config';
import type { DomainSettings, RequestContext } from '../common/context';
import { createRequestContext } from './context';
import { corsFor } from './cors';
import { executionGate } from './execution-gate';
import { explorerRouter } from './explorer';
import { mapPageRouter } from './map-page';
import { createErrorFormatter } from './format-error';
import { jsonErrors, MAX_BODY, requireJsonBody } from './http-errors';
import { introspectionNeedsAToken } from './introspection';
import { compressAnswers, securityHeaders } from './transport';
import { httpTracing, operationSpanNames, operationTracing, type Tracing } from './tracing';
import { jitGateway } from './jit-executor';
import { documentStore } from './sized-cache';
import { rejectNulCharacters } from './nul-characters';
import { servedOperationTypes } from './operation-types';
import { createMetrics } from './metrics';
import { queryLimitProtection } from './query-limits';
import { logAccessDenied, recordOf, type RequestRecord } from '../common/request-record';
import { operationLabel, operationOfBody, recordOperations, requestLogging } from './request-log';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The purge acts on its own: its audit entries name it. */
const PURGE_ACTOR = { viewer: { subject: 'system:rights-request-purge', roles: [] } };

export interface AppDependencies {
  config: AppConfig;
  db: Database;
  schema: GraphQLSchema;
  logger: Logger;
  /** Reads who is calling from the Authorization header; null for anonymous, UNAUTHENTICATED for a faulty token. */
  authenticate: Authenticator;
  /** What time it is; tests fix it to pin the age gate's "today". */
  clock?: () => Date;
  /** OpenTelemetry tracing, when it is on (OTEL_EXPORTER_OTLP_ENDPOINT); without it nothing is traced. */
  tracing?: Tracing;
}

export interface App {
  app: express.Express;
  apollo: ApolloServer<RequestContext>;
  ageGateCounters: AgeGateCounters;
  /** Clears the subject reference of rights requests closed longer than the retention period; at start, then daily. */
  purgeRightsRequests(): Promise<number>;
  /** Builds the context a request gets, for callers that execute operations without HTTP (benchmarks). */
  contextFor(viewer: Viewer | null, requestId: string): RequestContext;
  /** The first step of a shutdown: /readyz answers 503, and responses ask clients to close their connections. */
  drain(): void;
  /** Stops GraphQL and flushes the age-gate counters; call it after the HTTP server closes, before the database does. */
  stop(): Promise<void>;
}

/** Builds the HTTP application: GraphQL at /graphql, Prometheus metrics at /metrics, and the health probes. */
export async function createApp({ config, db, schema, logger, authenticate, clock = () => new Date(), tracing }: AppDependencies): Promise<App> {
  const knownOperations = new Set(config.metricsOperationNames);
  const serviceMetrics = createMetrics(knownOperations);
  const metrics = serviceMetrics.registry;
  const ageGateCounters = new AgeGateCounters({ em: db.orm.em, registry: metrics, logger, flushIntervalMs: config.ageGateFlushMs });
  // Embedded PGlite serves this process alone, so a policy kept in memory and dropped on change stays exact;
  // instances sharing a PostgreSQL server read it for every check (one primary-key statement).
  const agePolicy = db.external ? new PolicyReadPerCheck() : new PolicyCachedInProcess(db.orm.em);
  const ageGate = new AgeGateService(ageGateCounters, agePolicy, clock);
  const settings: DomainSettings = {
    subprocessorNoticeDays: config.subprocessorNoticeDays,
    rightsRequestRetentionDays: config.rightsRequestRetentionDays,
    transfers: { servedRegimes: config.servedRegimes, tiaReviewMonths: config.tiaReviewMonths, dpfGraceDays: config.dpfGraceDays },
  };
  const contextFor = (viewer: Viewer | null, requestId: string, record?: RequestRecord) =>
    createRequestContext(db.orm.em, requestId, viewer, ageGate, clock, settings, record);

  const gate = executionGate({
    limit: config.maxConcurrentOperations,
    maxQueued: config.maxQueuedOperations,
    queueTimeoutMs: config.queueTimeoutMs,
    observe: serviceMetrics.observeQueue(() => gate.state),
  });
  const limits = queryLimitProtection();
  const protectedSchema = protectSchema(schema);
  const jit =
    config.graphqlExecutor === 'jit'
      ? jitGateway(protectedSchema, { maxBytes: config.jitCacheBytes, compileAfter: config.jitCompileAfter, compileAtOnce: config.metricsOperationNames })
      : undefined;
  if (jit) serviceMetrics.observeJitCache(jit);
  serviceMetrics.observePool(() => db.poolUsage());
  const apollo = new ApolloServer<RequestContext>({
    // The jit executor is reached through Apollo's gateway interface: Apollo parses, validates and runs the
    // plugins as with a schema, then hands the operation to the gateway's executor.
    ...(jit ? { gateway: jit } : { schema: protectedSchema }),
    // Apollo's own handler would stop the server and re-raise the signal before ours flushes and closes anything.
    stopOnTerminationSignals: false,
    // Apollo's own messages go through the service logger, and its redaction.
    logger,
    allowBatchedHttpRequests: false,
    // Introspection is decided by introspectionNeedsAToken, which names INTROSPECTION when it refuses.
    introspection: true,
    includeStacktraceInErrorResponses: config.nodeEnv === 'development',
    formatError: createErrorFormatter({
      exposeDetails: config.nodeEnv === 'development',
      log: (error) => logger.error({ err: error }, 'unexpected error in a GraphQL request'),
      warn: (error) => logger.warn({ reason: (error as Error).message }, 'the database did not answer a GraphQL request in time'),
    }),
    documentStore: documentStore(),
    validationRules: [...limits.validationRules, servedOperationTypes],
    parseOptions: limits.parseOptions,
    // Compact JSON: Apollo pretty-prints by default, which costs a large answer a third of its size and time.
    stringifyResult: (result) => JSON.stringify(result),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Nothing here is cached by HTTP caches; the plugin would otherwise wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      recordOperations(logger, knownOperations),
      ...(tracing ? [operationSpanNames(knownOperations)] : []),
      introspectionNeedsAToken({ enabled: config.introspection }),
      rejectNulCharacters(),
      ...limits.plugins,
      gate,
      // Once the operation is known, the loaders learn which fields it reads of each type (and so which columns).
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ contextValue, document, operation, schema: executed }) {
              if (operation) contextValue.loaders.fields = selectedFields(executed, document, operation);
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  let draining = false;
  const app = express();
  app.disable('x-powered-by');
  app.use(httpTracing(tracing));
  app.use(requestLogging(logger, serviceMetrics));
  app.use(securityHeaders());
  app.use(compressAnswers());
  if (config.corsOrigins.length > 0) app.use(corsFor(config.corsOrigins));
  app.use((_req, res, next) => {
    if (draining) res.set('connection', 'close');
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = !draining && (await db.isReady());
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : draining ? 'shutting down' : 'database unavailable' });
  });
  // Aggregate counts and process figures only, like /healthz: open to the scraper on the private network.
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  app.use(explorerRouter());
  app.use(mapPageRouter());
  app.use(ropaRouter({ db, authenticate, logger, clock, transfers: settings.transfers }));
  app.use(subprocessorRouter({ db, clock, noticeDays: config.subprocessorNoticeDays, publicUrl: config.publicUrl }));
  app.use(
    '/graphql',
    requireJsonBody,
    express.json({ limit: MAX_BODY }),
    operationTracing(tracing, expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const record = recordOf(res);
        try {
          record.viewer = await authenticate(req.get('authorization'));
          return contextFor(record.viewer, record.requestId, record);
        } catch (error) {
          // Apollo answers 500 for a failed context unless told otherwise; a faulty token is the client's.
          if (error instanceof GraphQLError) {
            const operation = operationOfBody(req.body);
            Object.assign(record, { operationName: operationLabel(knownOperations, operation.name), operationType: operation.type });
            const code = String(error.extensions.code);
            record.errorCodes.push(code);
            logAccessDenied(logger, record, code, error.message);
            throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 401 } } });
          }
          throw error;
        }
      },
    })),
  );
  app.use(jsonErrors(logger));
  ageGateCounters.start();
  const purgeRightsRequests = () =>
    purgeExpiredRightsRequests(db.orm.em.fork(), PURGE_ACTOR, clock(), config.rightsRequestRetentionDays);
  const purgeDaily = () =>
    purgeRightsRequests()
      .then((purged) => purged > 0 && logger.info({ purged }, 'cleared the subject reference of expired rights requests'))
      .catch((error) => logger.error({ err: error }, 'the rights-request purge failed; it runs again in a day'));
  await purgeDaily();
  const purgeTimer = setInterval(purgeDaily, DAY_MS).unref();
  return {
    purgeRightsRequests,
    app,
    apollo,
    ageGateCounters,
    contextFor,
    drain() {
      draining = true;
    },
    async stop() {
      clearInterval(purgeTimer);
      await apollo.stop();
      await ageGateCounters.stop();
    },
  };
}
