import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { GraphQLError, isAbstractType, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

/** How many compiled operations stay in memory; the least recently used one goes first. */
export const JIT_CACHE_SIZE = 1000;

/**
 * graphql-jit reports errors as objects of its own class, which passes `instanceof GraphQLError` but leaves
 * `extensions` undefined when the cause had none (Apollo reads `extensions.code` and would throw). Rebuilt as
 * graphql-js errors, they carry what graphql-js would have given: message, locations, path, cause, extensions.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const cause = error.originalError ?? undefined;
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: cause,
    extensions: error.extensions ?? (cause as GraphQLError | undefined)?.extensions,
  });
  if (error.locations) (rebuilt as { locations?: typeof error.locations }).locations = error.locations;
  return rebuilt;
}

const normalized = (result: ExecutionResult): ExecutionResult =>
  result.errors && result.errors.length > 0 ? { ...result, errors: result.errors.map(asGraphQLError) } : result;

/**
 * An Apollo gateway that serves one schema and executes operations with graphql-jit: each operation is compiled
 * once into a function (per query text and operation name, LRU-bounded) and then run for every request that
 * sends it. Apollo still parses, validates (the query limits among the rules) and calls every plugin hook before
 * the executor; variables are coerced by graphql-js first, so a bad variable is refused with graphql-js's words.
 */
export function jitGateway(schema: GraphQLSchema, cacheSize = JIT_CACHE_SIZE): Gateway & { readonly cached: number } {
  const asynchronous = Object.values(schema.getTypeMap())
    .filter((type) => isAbstractType(type) && type.resolveType?.constructor.name === 'AsyncFunction')
    .map((type) => type.name);
  if (asynchronous.length > 0) {
    // graphql-jit uses what resolveType returns as the type name: a promise would fail every such field.
    throw new Error(`graphql-jit cannot execute ${asynchronous.join(', ')}: resolveType is async (type-graphql makes it so; set a synchronous one)`);
  }
  const compiled = new Map<string, CompiledQuery>();
  const compile = (key: string | undefined, document: DocumentNode, operationName: string | null): CompiledQuery | ExecutionResult => {
    const hit = key === undefined ? undefined : compiled.get(key);
    if (hit) {
      // Map keeps insertion order: re-inserting marks it the most recently used.
      compiled.delete(key!);
      compiled.set(key!, hit);
      return hit;
    }
    const made = compileQuery<Record<string, unknown>, Record<string, unknown>>(schema, document, operationName ?? undefined);
    if (!isCompiledQuery(made)) return made;
    if (key !== undefined) {
      compiled.set(key, made);
      if (compiled.size > cacheSize) compiled.delete(compiled.keys().next().value!);
    }
    return made;
  };
  return {
    get cached() {
      return compiled.size;
    },
    async load() {
      return {
        executor: async ({ document, operation, operationName, queryHash, request, context }) => {
          const variables = request.variables ?? {};
          if (operation.variableDefinitions?.length) {
            const coerced = getVariableValues(schema, operation.variableDefinitions, variables, { maxErrors: 50 });
            if (coerced.errors) return { errors: coerced.errors };
          }
          const query = compile(queryHash ? `${queryHash}:${operationName ?? ''}` : undefined, document, operationName);
          if (!isCompiledQuery(query)) return normalized(query);
          return normalized(await query.query(undefined, context, variables));
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async stop() {
      compiled.clear();
    },
  };
}
