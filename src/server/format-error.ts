import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';

const CONTRACT_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT']);

const ACCESS_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

/** Errors a client causes by the shape of its request: all of them are its bad input. */
const REQUEST_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * Keeps the contract's codes, turns request-shape errors into BAD_USER_INPUT, and hides the details of
 * anything unexpected (logging it instead) outside development.
 */
export function createErrorFormatter(options: { exposeDetails: boolean; log: (error: unknown) => void }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code as string | undefined;
    const { stacktrace, ...extensions } = formatted.extensions ?? {};
    // A refused token or role is no fault of the code: its stack would only bury the reason (in the explorer too).
    const details = options.exposeDetails && !ACCESS_CODES.has(code ?? '') ? { stacktrace } : {};
    if (code && CONTRACT_CODES.has(code)) return { ...formatted, extensions: { ...extensions, ...details } };
    if (code && REQUEST_ERRORS.has(code)) {
      return { ...formatted, extensions: { ...extensions, ...details, code: 'BAD_USER_INPUT', reason: code } };
    }
    options.log(unwrapResolverError(error));
    return {
      message: options.exposeDetails ? formatted.message : 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...details },
    };
  };
}
