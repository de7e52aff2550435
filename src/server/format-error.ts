import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { classifyDatabaseError } from '../db/database-errors';

const CONTRACT_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'SERVICE_UNAVAILABLE']);

const ACCESS_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

/** Errors a client causes by the shape of its request: all of them are its bad input. */
const REQUEST_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * What a value the database refused was wrong with, by SQLSTATE. The driver's own message is never passed on: the
 * query builder puts the whole statement in front of it, values and all, and a statement written over several
 * lines left the SQL where the reason should be.
 */
const REFUSED_VALUES: Record<string, string> = {
  '22001': 'a text is longer than its column allows',
  '22003': 'a number is outside the range its column allows',
  '22007': 'a date or time is not one the database can read',
  '22008': 'a date or time is outside the range the database accepts',
  '22021': 'a text holds a character the database cannot store, such as NUL (\\u0000)',
  '22P02': 'a value is not in the form its column takes',
  '54000': 'a value is too large to index',
};

const refusedValue = (sqlState: string) => REFUSED_VALUES[sqlState] ?? 'a value is not one the database accepts';

/**
 * Keeps the contract's codes, turns request-shape errors into BAD_USER_INPUT, turns a value the database refused
 * into BAD_USER_INPUT and a database that does not answer into SERVICE_UNAVAILABLE (see classifyDatabaseError),
 * and hides the details of anything unexpected outside development. Only the unexpected is logged as an error.
 */
export function createErrorFormatter(options: {
  exposeDetails: boolean;
  log: (error: unknown) => void;
  /** The database did not answer: an outage for the operator to see, not a bug. */
  warn?: (error: unknown) => void;
}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code as string | undefined;
    const { stacktrace, ...extensions } = formatted.extensions ?? {};
    // A refused token or role is no fault of the code: its stack would only bury the reason (in the explorer too).
    const details = options.exposeDetails && !ACCESS_CODES.has(code ?? '') ? { stacktrace } : {};
    if (code && CONTRACT_CODES.has(code)) return { ...formatted, extensions: { ...extensions, ...details } };
    if (code && REQUEST_ERRORS.has(code)) {
      return { ...formatted, extensions: { ...extensions, ...details, code: 'BAD_USER_INPUT', reason: code } };
    }
    const cause = unwrapResolverError(error);
    const failure = classifyDatabaseError(cause);
    if (failure === 'client') {
      const sqlState = String((cause as { code?: string }).code);
      return {
        message: `The database refused a value of this request: ${refusedValue(sqlState)} (SQLSTATE ${sqlState})`,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'BAD_USER_INPUT', reason: (cause as { code?: string }).code, ...details },
      };
    }
    if (failure === 'unavailable') {
      options.warn?.(cause);
      return {
        message: 'The database did not answer in time; try again shortly',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'SERVICE_UNAVAILABLE', ...details },
      };
    }
    options.log(cause);
    return {
      message: options.exposeDetails ? formatted.message : 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...details },
    };
  };
}
