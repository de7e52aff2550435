import { GraphQLError } from 'graphql';

/** The error codes of the integration contract; every failure a client can cause maps to one of them. */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'SERVICE_UNAVAILABLE';

export interface ErrorDetails {
  /** Path of the offending input field, such as `input.locations[0].mechanism`. */
  field?: string;
  value?: unknown;
  [extra: string]: unknown;
}

function codedError(code: ErrorCode, message: string, details: ErrorDetails = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details } });
}

export const badInput = (message: string, details?: ErrorDetails) => codedError('BAD_USER_INPUT', message, details);
export const notFound = (message: string, details?: ErrorDetails) => codedError('NOT_FOUND', message, details);
export const conflict = (message: string, details?: ErrorDetails) => codedError('CONFLICT', message, details);
export const unauthenticated = (message: string, details?: ErrorDetails) =>
  codedError('UNAUTHENTICATED', message, details);
export const serviceUnavailable = (message: string, details?: ErrorDetails) => codedError('SERVICE_UNAVAILABLE', message, details);
export const forbidden = (message: string, details?: ErrorDetails) => codedError('FORBIDDEN', message, details);

/** A list of validation problems reported together, so a client or a manifest author fixes them in one pass. */
export interface ValidationProblem {
  field: string;
  value?: unknown;
  message: string;
}

export class ValidationFailed extends GraphQLError {
  constructor(readonly problems: ValidationProblem[]) {
    super(problems.map((p) => p.message).join('; '), {
      extensions: { code: 'BAD_USER_INPUT', field: problems[0]?.field, value: problems[0]?.value, problems },
    });
  }
}
