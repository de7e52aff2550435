/** The database cannot be used: its message is one line for the operator, naming the database and the cause. */
export class DatabaseUnavailable extends Error {
  constructor(
    message: string,
    /** What the start-up failure line says: the database is missing, or could not be reached in time. */
    readonly code: 'DATABASE_MISSING' | 'DATABASE_UNREACHABLE' = 'DATABASE_UNREACHABLE',
  ) {
    super(message);
  }
}

/**
 * What a failed database call means for the client, told apart by PostgreSQL's SQLSTATE classes and the driver's
 * own failures, so that no resolver needs to know them:
 * - `client`: the request carried a value the database cannot take (class 22, data exception: a NUL character, a
 *   number out of range; 54000, a value too large to index). It is the client's to fix: BAD_USER_INPUT.
 * - `unavailable`: the database did not answer in time or is gone (a statement timeout, a broken or refused
 *   connection, no free connection in the pool). SERVICE_UNAVAILABLE; the client may retry.
 * - null: anything else is unexpected, a bug to log.
 */
export type DatabaseFailure = 'client' | 'unavailable' | null;

const UNAVAILABLE_SQLSTATES = new Set(['57014', '57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * The driver's own failures, by message: MikroORM puts the statement in front of it, as `<sql> - <message>`.
 * `timeout expired` is pg's when a new connection gets no answer within connectionTimeoutMillis.
 */
const UNAVAILABLE_MESSAGES =
  /(^| - )(Query read timeout|timeout exceeded when trying to connect|timeout expired|Connection terminated|Knex: Timeout acquiring a connection|Client has encountered a connection error)/;

export function classifyDatabaseError(error: unknown): DatabaseFailure {
  if (!(error instanceof Error)) return null;
  const code = String((error as { code?: unknown }).code ?? '');
  if (/^[0-9A-Z]{5}$/.test(code)) {
    if (code.startsWith('22') || code === '54000') return 'client';
    if (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code)) return 'unavailable';
    return null;
  }
  if (UNAVAILABLE_ERRNOS.has(code) || error.name === 'KnexTimeoutError') return 'unavailable';
  if (UNAVAILABLE_MESSAGES.test(error.message)) return 'unavailable';
  return null;
}
