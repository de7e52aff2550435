/**
 * Where each SQL statement is reported once it has run, for a span of its own: set by the tracing of
 * src/server/tracing.ts when it is on, and left empty otherwise, so that a statement then costs one check.
 */
export const sqlStatementSink: { report?: (sql: string, tookMs: number, failed: boolean) => void } = {};
