import { DefaultLogger, type LogContext, type LoggerNamespace, type LoggerOptions } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { sqlStatementSink } from './sql-tracing';

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

/**
 * The ORM's logger: counts statements, and writes what the ORM has to say (the migrator's "Applied …", SQL with
 * LOG_SQL) through the service's JSON logger when it has one, instead of colour-coded text on the console.
 */
class CountingLogger extends DefaultLogger {
  constructor(
    options: LoggerOptions,
    private readonly service?: Logger,
  ) {
    super(options);
  }

  override log(namespace: LoggerNamespace, message: string, context?: LogContext): void {
    if (quiet && !this.service) return;
    if (!this.service) return super.log(namespace, message, context);
    if (!this.isEnabled(namespace, context)) return;
    const level = context?.level === 'error' ? 'error' : context?.level === 'warning' ? 'warn' : 'info';
    this.service[level]({ component: `orm:${namespace}` }, message.replace(/\s+/g, ' ').trim());
  }

  override logQuery(context: { query: string } & LogContext): void {
    statementCounter.record();
    sqlStatementSink.report?.(context.query, context.took ?? 0, context.level === 'error');
    if (!printSql) return;
    if (this.service) this.service.info({ component: 'orm:query', sql: context.query, tookMs: context.took }, 'sql');
    else super.logQuery(context);
  }
}

/** The ORM's logger factory; give it the service's logger to have the ORM write JSON lines. */
export function statementLogger(options: LoggerOptions, service?: Logger) {
  return new CountingLogger(options, service);
}
