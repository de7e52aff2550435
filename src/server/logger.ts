import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../common/config';

/**
 * Paths that would hold what a client sent. Nothing logs them today; redacting them keeps a future
 * `logger.info({ variables })` from writing an age-gate birth date to the logs.
 */
export const REDACTED_PATHS = ['variables', '*.variables', 'body', '*.body', 'input', '*.input', 'profile', '*.profile', 'birthDate', '*.birthDate'];

/** The service's logger. Pass a destination to capture the lines (tests do). */
export function createLogger(config: Pick<AppConfig, 'logLevel'>, destination?: DestinationStream): Logger {
  return pino({ level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
