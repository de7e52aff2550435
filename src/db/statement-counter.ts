import { DefaultLogger, type LogContext, type LoggerNamespace, type LoggerOptions } from '@mikro-orm/core';

/**
 * Counts the SQL statements the ORM sends. Tests and the benchmark read it to prove that the number of
 * statements per request does not grow with the size of the result.
 */
class StatementCounter {
  private count = 0;

  record(): void {
    this.count += 1;
  }

  get total(): number {
    return this.count;
  }

  /** Runs `work` and returns how many statements it sent (meaningful when nothing else runs meanwhile). */
  async measure<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
    const before = this.count;
    const result = await work();
    return { result, statements: this.count - before };
  }
}

export const statementCounter = new StatementCounter();

const printSql = process.env.LOG_SQL === 'true';
const quiet = process.env.NODE_ENV === 'test' && !printSql;

class CountingLogger extends DefaultLogger {
  override log(namespace: LoggerNamespace, message: string, context?: LogContext): void {
    if (!quiet) super.log(namespace, message, context);
  }

  override logQuery(context: { query: string } & LogContext): void {
    statementCounter.record();
    if (printSql) super.logQuery(context);
  }
}

export function statementLogger(options: LoggerOptions) {
  return new CountingLogger(options);
}
