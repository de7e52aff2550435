import { DataDirLocked } from '../db/data-dir-lock';
import { DatabaseUnavailable } from '../db/database-errors';
import { ConfigError } from '../common/config';

/** A start-up failure an operator fixes, with the code its log line carries. */
export class StartFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The listening socket's errors, in the operator's words. */
export function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartFailure('PORT_IN_USE', `port ${port} on ${host} is in use by another process: stop it, or choose another PORT`);
    case 'EACCES':
      return new StartFailure('PORT_NOT_PERMITTED', `this user may not listen on ${address}: choose a PORT above 1023, or grant the capability`);
    case 'EADDRNOTAVAIL':
      return new StartFailure('HOST_NOT_AVAILABLE', `HOST=${host} is not an address of this machine: use one of its addresses, 0.0.0.0 or ::`);
    default:
      return error;
  }
}

/**
 * What a failed start says: a code an operator (or a supervisor) can match, a one-line message, and the exit status.
 * Anything unforeseen is START_FAILED, with its stack in the same line.
 */
export function describeStartFailure(error: unknown): { code: string; message: string; exitCode: number; stack?: string } {
  if (error instanceof ConfigError) return { code: 'CONFIG_INVALID', message: `configuration error: ${error.message}`, exitCode: 2 };
  if (error instanceof StartFailure) return { code: error.code, message: error.message, exitCode: 1 };
  if (error instanceof DataDirLocked) return { code: 'DATA_DIR_LOCKED', message: error.message, exitCode: 1 };
  if (error instanceof DatabaseUnavailable) return { code: error.code, message: error.message, exitCode: 1 };
  const failure = error instanceof Error ? error : new Error(String(error));
  return { code: 'START_FAILED', message: `failed to start: ${failure.message}`, exitCode: 1, stack: failure.stack };
}
