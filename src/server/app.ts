import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { GraphQLError } from 'graphql';
import type { Authenticator } from '../auth/authenticate';
import { protectSchema } from '../auth/permissions';
import type { Database } from '../db/database';
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
}

export interface App {
  app: express.Express;
  apollo: ApolloServer<RequestContext>;
}

/** Builds the HTTP application: GraphQL at /graphql, and the health probes. */
export async function createApp({ config, db, schema, logger, authenticate }: AppDependencies): Promise<App> {
  const limits = queryLimitProtection();
  const apollo = new ApolloServer<RequestContext>({
    schema: protectSchema(schema),
    allowBatchedHttpRequests: false,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: config.nodeEnv === 'development',
    formatError: createErrorFormatter({
      exposeDetails: config.nodeEnv === 'development',
      log: (error) => logger.error({ err: error }, 'unexpected error in a GraphQL request'),
    }),
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: [ApolloServerPluginLandingPageDisabled(), introspectionNeedsAToken(), ...limits.plugins],
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
  app.use(explorerRouter());
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const requestId = req.get('x-request-id') ?? randomUUID();
        try {
          return createRequestContext(db.orm.em, requestId, await authenticate(req.get('authorization')));
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
  return { app, apollo };
}
