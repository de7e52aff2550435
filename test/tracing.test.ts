import { Writable } from 'node:stream';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { createLogger } from '../src/server/logger';
import { SERVICE_VERSION } from '../src/server/metrics';
import { startTracing, type Tracing } from '../src/server/tracing';
import { authAs, startTestApp, type TestApp } from './harness';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`;

let lines: string[] = [];
const logger = () =>
  createLogger(
    { logLevel: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    }),
  );
const requestLines = () => lines.map((line) => JSON.parse(line) as Record<string, any>).filter((line) => line.msg === 'request');

async function post(app: TestApp, query: string, headers: Record<string, string>) {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return response.json() as Promise<any>;
}

const MAP_GRAPH = 'query MapGraph { processors(first: 2) { nodes { key locations { country { code } } } } }';

describe('tracing off (the default)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ logger: logger() });
  });
  afterAll(() => app.close());
  beforeEach(() => {
    lines = [];
  });

  it('logs the trace id of the traceparent a request carries, and none for a request without a valid one', async () => {
    const headers = await authAs('VIEWER');
    await post(app, MAP_GRAPH, { ...headers, traceparent: TRACEPARENT });
    await post(app, MAP_GRAPH, headers);
    await post(app, MAP_GRAPH, { ...headers, traceparent: `00-${'0'.repeat(32)}-${PARENT_SPAN_ID}-01` });
    await post(app, MAP_GRAPH, { ...headers, traceparent: 'not a traceparent' });
    await fetch(`${app.url}/healthz`, { headers: { traceparent: TRACEPARENT } });
    expect(requestLines().map((line) => [line.path, line.traceId])).toEqual([
      ['/graphql', TRACE_ID],
      ['/graphql', undefined],
      ['/graphql', undefined],
      ['/graphql', undefined],
    ]);
  });
});

describe('tracing on', () => {
  let app: TestApp;
  let tracing: Tracing;
  const exporter = new InMemorySpanExporter();
  beforeAll(async () => {
    tracing = await startTracing({ serviceName: 'datamap', version: SERVICE_VERSION, exporter });
    app = await startTestApp({ logger: logger(), tracing });
  });
  afterAll(async () => {
    await app.close();
    await tracing.shutdown();
  });
  beforeEach(() => {
    lines = [];
    exporter.reset();
  });

  const spansOf = (traceId: string) => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('continues the trace of traceparent: a span for the request, the named operation inside it, each SQL statement inside that', async () => {
    const answer = await post(app, MAP_GRAPH, { ...(await authAs('VIEWER')), traceparent: TRACEPARENT });
    expect(answer.errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const spans = spansOf(TRACE_ID);
    const http = spans.find((span) => span.name === 'POST /graphql')!;
    expect(http).toBeDefined();
    expect(parentOf(http)).toBe(PARENT_SPAN_ID);
    expect(http.attributes['http.response.status_code']).toBe(200);
    const operation = spans.find((span) => span.name === 'query MapGraph')!;
    expect(operation).toBeDefined();
    expect(parentOf(operation)).toBe(http.spanContext().spanId);
    const statements = spans.filter((span) => span.attributes['db.system.name'] === 'postgresql');
    expect(statements.length).toBeGreaterThanOrEqual(2);
    for (const statement of statements) {
      expect(parentOf(statement)).toBe(operation.spanContext().spanId);
      expect(statement.name).toBe('SELECT');
      expect(String(statement.attributes['db.query.text'])).toMatch(/^select /i);
    }
    expect(requestLines().map((line) => line.traceId)).toEqual([TRACE_ID]);
  });

  it('starts a trace of its own without traceparent, and logs its id; a client-chosen name is not a span name', async () => {
    await post(app, 'query jane_doe_1990 { processors(first: 1) { nodes { key } } }', await authAs('VIEWER'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [line] = requestLines();
    expect(line.traceId).toMatch(/^[0-9a-f]{32}$/);
    const names = spansOf(line.traceId).map((span) => span.name);
    expect(names).toEqual(expect.arrayContaining(['POST /graphql', 'query other', 'SELECT']));
    expect(names.join(' ')).not.toContain('jane');
  });
});
