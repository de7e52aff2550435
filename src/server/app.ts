import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { GraphQLError } from 'graphql';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { AgeGateCounters } from '../age-gate/age-gate.counters';
import { PolicyCachedInProcess, PolicyReadPerCheck } from '../age-gate/age-gate.policy';
import { AgeGateService } from '../age-gate/age-gate.service';
import type { Authenticator } from '../auth/authenticate';
import type { Viewer } from '../auth/viewer';
import { protectSchema } from '../auth/permissions';
import type { Database } from '../db/database';
import { selectedFields } from '../db/selection';
import { ropaRouter } from '../ropa/ropa.routes';
import type { AppConfig } from './config';
import { createRequestContext, type RequestContext } from './context';
import { explorerRouter } from './explorer';
import { createErrorFormatter } from './format-error';
import { introspectionNeedsAToken } from './introspection';
import { queryLimitProtection } from './query-limits';

export interface AppDependencies {
  config: AppConfig;
  db: Database;
  schema: GraphQLSchema;
  logger: Logger;
  /** Reads who is calling from the Authorization header; null for anonymous, UNAUTHENTICATED for a faulty token. */
  authenticate: Authenticator;
  /** What time it is; tests fix it to pin the age gate's "today". */
  clock?: () => Date;
}

export interface App {
  app: express.Express;
  apollo: ApolloServer<RequestContext>;
  ageGateCounters: AgeGateCounters;
  /** Builds the context a request gets, for callers that execute operations without HTTP (benchmarks). */
  contextFor(viewer: Viewer | null, requestId: string): RequestContext;
  /** Stops GraphQL and flushes the age-gate counters; call it after the HTTP server closes, before the database does. */
  stop(): Promise<void>;
}

/** Builds the HTTP application: GraphQL at /graphql, Prometheus metrics at /metrics, and the health probes. */
export async function createApp({ config, db, schema, logger, authenticate, clock = () => new Date() }: AppDependencies): Promise<App> {
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const ageGateCounters = new AgeGateCounters({ em: db.orm.em, registry: metrics, logger, flushIntervalMs: config.ageGateFlushMs });
  // Embedded PGlite serves this process alone, so a policy kept in memory and dropped on change stays exact;
  // instances sharing a PostgreSQL server read it for every check (one primary-key statement).
  const agePolicy = db.external ? new PolicyReadPerCheck() : new PolicyCachedInProcess(db.orm.em);
  const ageGate = new AgeGateService(ageGateCounters, agePolicy, clock);

  const limits = queryLimitProtection();
  const apollo = new ApolloServer<RequestContext>({
    schema: protectSchema(schema),
    // Apollo's own messages go through the service logger, and its redaction.
    logger,
    allowBatchedHttpRequests: false,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: config.nodeEnv === 'development',
    formatError: createErrorFormatter({
      exposeDetails: config.nodeEnv === 'development',
      log: (error) => logger.error({ err: error }, 'unexpected error in a GraphQL request'),
    }),
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    // Compact JSON: Apollo pretty-prints by default, which costs a large answer a third of its size and time.
    stringifyResult: (result) => JSON.stringify(result),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Nothing here is cached by HTTP caches; the plugin would otherwise wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      introspectionNeedsAToken(),
      ...limits.plugins,
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

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await db.isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'database unavailable' });
  });
  // Aggregate counts and process figures only, like /healthz: open to the scraper on the private network.
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  app.use(explorerRouter());
  app.use(ropaRouter({ db, authenticate }));
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const requestId = req.get('x-request-id') ?? randomUUID();
        try {
          return createRequestContext(db.orm.em, requestId, await authenticate(req.get('authorization')), ageGate);
        } catch (error) {
          // Apollo answers 500 for a failed context unless told otherwise; a faulty token is the client's.
          if (error instanceof GraphQLError) {
            throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 401 } } });
          }
          throw error;
        }
      },
    }),
  );
  ageGateCounters.start();
  return {
    app,
    apollo,
    ageGateCounters,
    contextFor: (viewer, requestId) => createRequestContext(db.orm.em, requestId, viewer, ageGate),
    async stop() {
      await apollo.stop();
      await ageGateCounters.stop();
    },
  };
}
