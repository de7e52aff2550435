import { setFlagsFromString } from 'node:v8';
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { execute, GraphQLError, isAbstractType, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { SizedCache } from './sized-cache';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

export interface JitCacheOptions {
  /** The heap the compiled operations may hold together, as estimated by `estimatedBytes` (GRAPHQL_JIT_CACHE_MB). */
  maxBytes: number;
  /** How many times a query text runs with graphql-js before it is compiled on its next run (GRAPHQL_JIT_COMPILE_AFTER). */
  compileAfter: number;
  /** Operation names compiled the first time they run: the service's own clients and the configured ones. */
  compileAtOnce: Iterable<string>;
}

export const DEFAULT_JIT_CACHE: JitCacheOptions = { maxBytes: 64 * 1024 * 1024, compileAfter: 2, compileAtOnce: [] };

/**
 * What a compiled operation keeps on the heap per character of the code graphql-jit generates for it: the source
 * (V8 keeps it for the function), its bytecode once it has run, and the resolve infos it closes over. Measured
 * after a forced GC: a 4 KB query of 12 aliased lists generates 1.1 MB of code and keeps 5.5 to 6.2 MB once it has
 * run; a 1 KB one of 15 aliased country lists, 0.2 MB of code and 1.1 MB. About 5.5 per character; 6 errs high.
 */
export const HEAP_BYTES_PER_CODE_CHAR = 6;

/** How many query texts the sighting counts remember (about 150 bytes each); the least recently seen go first. */
export const MAX_COUNTED_TEXTS = 10_000;

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

/** graphql-jit's `debug` option (untyped) hands back the generated code, which sizes the entry. */
const KEEP_CODE = { debug: true } as Parameters<typeof compileQuery>[3];

/**
 * An Apollo gateway that serves one schema and executes operations with graphql-jit. Compiling costs several
 * times one interpreted run and keeps megabytes, so only what repeats is compiled: a query text runs with
 * graphql-js until it has been seen `compileAfter` times, unless its operation is one the service's own clients
 * send (`compileAtOnce`). Compiled operations are kept by estimated heap size, up to `maxBytes`, the least recently
 * used going first. Apollo still parses, validates (the query limits among the rules) and calls every plugin hook
 * before the executor; variables are coerced by graphql-js first, so a bad variable is refused with its words.
 */
export function jitGateway(
  schema: GraphQLSchema,
  options: Partial<JitCacheOptions> = {},
): Gateway & { readonly cached: number; readonly bytes: number } {
  const { maxBytes, compileAfter, compileAtOnce } = { ...DEFAULT_JIT_CACHE, ...options };
  const atOnce = new Set(compileAtOnce);
  const asynchronous = Object.values(schema.getTypeMap())
    .filter((type) => isAbstractType(type) && type.resolveType?.constructor.name === 'AsyncFunction')
    .map((type) => type.name);
  if (asynchronous.length > 0) {
    // graphql-jit uses what resolveType returns as the type name: a promise would fail every such field.
    throw new Error(`graphql-jit cannot execute ${asynchronous.join(', ')}: resolveType is async (type-graphql makes it so; set a synchronous one)`);
  }
  const compiled = new SizedCache<{ query: CompiledQuery; bytes: number }>(maxBytes, (entry) => entry.bytes);
  const sightings = new Map<string, number>();

  /** The compiled operation for this text, or null while it should still run with graphql-js. */
  const compiledFor = (key: string, document: DocumentNode, operationName: string | null): CompiledQuery | ExecutionResult | null => {
    const hit = compiled.get(key);
    if (hit) return hit.query;
    const seen = (sightings.get(key) ?? 0) + 1;
    if (seen < compileAfter && !(operationName !== null && atOnce.has(operationName))) {
      // Re-inserted, the text becomes the most recently seen; the least recently seen are forgotten first.
      sightings.delete(key);
      sightings.set(key, seen);
      if (sightings.size > MAX_COUNTED_TEXTS) sightings.delete(sightings.keys().next().value!);
      return null;
    }
    sightings.delete(key);
    const made = compileQuery<Record<string, unknown>, Record<string, unknown>>(schema, document, operationName ?? undefined, KEEP_CODE);
    if (!isCompiledQuery(made)) return made;
    // The generated code, read once to size the entry: V8 keeps its own copy as the function's source.
    const code = (made as { __DO_NOT_USE_THIS_OR_YOU_WILL_BE_FIRED_compilation?: string }).__DO_NOT_USE_THIS_OR_YOU_WILL_BE_FIRED_compilation ?? '';
    delete (made as { __DO_NOT_USE_THIS_OR_YOU_WILL_BE_FIRED_compilation?: string }).__DO_NOT_USE_THIS_OR_YOU_WILL_BE_FIRED_compilation;
    // One operation larger than the whole cache runs compiled this once and is not kept.
    compiled.set(key, { query: made, bytes: estimatedBytes(code) });
    return made;
  };

  return {
    get cached() {
      return compiled.size;
    },
    get bytes() {
      return compiled.bytes;
    },
    async load() {
      return {
        executor: async ({ document, operation, operationName, queryHash, request, context }) => {
          const variables = request.variables ?? {};
          const interpret = () =>
            execute({ schema, document, operationName: request.operationName, variableValues: variables, contextValue: context }) as Promise<ExecutionResult>;
          // No operation resolved (several without a name, or an unknown name): graphql-js says so in its words.
          if (!operation || !queryHash) return interpret();
          const query = compiledFor(`${queryHash}:${operationName ?? ''}`, document, operationName);
          if (query === null) return interpret();
          if (!isCompiledQuery(query)) return normalized(query);
          if (operation.variableDefinitions?.length) {
            const coerced = getVariableValues(schema, operation.variableDefinitions, variables, { maxErrors: 50 });
            if (coerced.errors) return { errors: coerced.errors };
          }
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
      sightings.clear();
    },
  };
}

/**
 * Lets the process free the operations the cache drops. graphql-jit compiles with `new Function`, and V8 keeps every
 * such source and its function in its eval cache, which no collection empties: 2.3 MB stayed for each 4 KB query
 * even once the cache had dropped it. With V8's compilation cache off, compiling takes about 10% longer. A process
 * flag, so the service's entry point (src/main.ts) turns it off, not each gateway (a test runner would lose the
 * cache for every module it loads afterwards).
 */
export function freeDroppedOperations(): void {
  setFlagsFromString('--no-compilation-cache');
}

/** The heap a compiled operation keeps, from the length of the code graphql-jit generated for it. */
export const estimatedBytes = (code: string) => code.length * HEAP_BYTES_PER_CODE_CHAR;
