import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import { recordOf, type RequestRecord } from '../common/request-record';
import { sqlStatementSink } from '../db/sql-tracing';
import { operationLabel } from './request-log';

/** A W3C `traceparent`: version, trace id, parent span id, flags (https://www.w3.org/TR/trace-context/#traceparent-header). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
/** The longest SQL text a span keeps: the read path's statements are a few hundred characters. */
const MAX_STATEMENT_CHARS = 2000;

/** The trace id a valid `traceparent` header carries, for the log line when tracing is off. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  return match && match[1] !== 'ff' && match[2] !== ZERO_TRACE && match[3] !== '0000000000000000' ? match[2] : undefined;
}

/** What the service traces with, once `startTracing` has set it up; absent, nothing is traced. */
export interface Tracing {
  tracer: Tracer;
  /** Sends what is buffered and stops; call it at shutdown. */
  shutdown(): Promise<void>;
}

/** The span each request's GraphQL operation runs in, for the plugin to name. */
const operationSpans = new WeakMap<RequestRecord, Span>();

/**
 * The first middleware. Tracing off, it reads the trace id of a `traceparent` header for the log line and nothing
 * more (one regular expression, only when the header is there). Tracing on, it opens the request's server span in
 * the context propagated from `traceparent` (a new trace without one), runs the rest of the request in it, and
 * closes it when the answer is sent or the client goes.
 */
export function httpTracing(tracing: Tracing | undefined): express.RequestHandler {
  if (!tracing) {
    return (req, res, next) => {
      const header = req.headers.traceparent;
      if (typeof header === 'string') res.locals.traceId = traceIdOf(header);
      next();
    };
  }
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracing.tracer.startSpan(
      `${req.method} ${req.path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
      parent,
    );
    res.locals.traceId = span.spanContext().traceId;
    const finished = (aborted: boolean) => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (aborted) span.setAttribute('datamap.aborted', true);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', () => finished(false));
    res.once('close', () => {
      if (!res.writableFinished) finished(true);
    });
    const active = trace.setSpan(parent, span);
    // The body arrives in events of the request stream, which run outside this call: bound, they run in the span.
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  };
}

/**
 * Runs the GraphQL middleware inside a span for the operation, so that the SQL statements it sends are its
 * children; the Apollo plugin below names it once the operation is known.
 */
export function operationTracing(tracing: Tracing | undefined, handler: express.RequestHandler): express.RequestHandler {
  if (!tracing) return handler;
  return (req, res, next) => {
    if (req.method !== 'POST' && !req.query.query) return handler(req, res, next);
    const span = tracing.tracer.startSpan('graphql', { kind: SpanKind.INTERNAL });
    operationSpans.set(recordOf(res), span);
    res.once('close', () => span.end());
    context.with(trace.setSpan(context.active(), span), () => handler(req, res, next));
  };
}

/** Names the operation's span `query MapGraph` (known names only, else `other`), and marks its errors. */
export function operationSpanNames(known: ReadonlySet<string>): ApolloServerPlugin<{ record?: RequestRecord }> {
  return {
    async requestDidStart({ contextValue }) {
      const span = contextValue.record && operationSpans.get(contextValue.record);
      if (!span) return;
      return {
        async didResolveOperation({ operation, operationName }) {
          const name = operationLabel(known, operationName) ?? 'anonymous';
          const type = operation?.operation ?? 'unknown';
          span.updateName(`${type} ${name}`);
          span.setAttributes({ 'graphql.operation.type': type, 'graphql.operation.name': name });
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          if (errors.length > 0) {
            span.setAttribute('graphql.error.codes', errors.map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')));
          }
        },
      };
    },
  };
}

let contextManagerSet = false;

/**
 * Turns tracing on: W3C trace-context propagation, an AsyncLocalStorage context, and spans sent to `exporter`
 * (the OTLP exporter, configured by the standard OTEL_EXPORTER_OTLP_* variables, unless a test passes its own).
 * The packages are loaded here only, so a service that does not trace never loads them.
 */
export async function startTracing(options: { serviceName: string; version: string; exporter?: import('@opentelemetry/sdk-trace').SpanExporter }): Promise<Tracing> {
  const [{ TracerProvider, BatchSpanProcessor, SimpleSpanProcessor }, { W3CTraceContextPropagator }, { AsyncLocalStorageContextManager }, { resourceFromAttributes }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/core'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/resources'),
    ]);
  if (!contextManagerSet) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    contextManagerSet = true;
  }
  const exporter = options.exporter ?? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName, 'service.version': options.version }),
    // A test's exporter sees each span as it ends; the OTLP exporter gets them in batches.
    spanProcessors: [options.exporter ? new SimpleSpanProcessor({ exporter }) : new BatchSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('datamap', options.version);
  sqlStatementSink.report = (sql, tookMs, failed) => {
    const active = context.active();
    // Only statements of a traced request: the age-gate flush and the purge run outside any.
    if (!trace.getSpan(active)) return;
    const endTime = Date.now();
    const statement = sql.length > MAX_STATEMENT_CHARS ? `${sql.slice(0, MAX_STATEMENT_CHARS)}…` : sql;
    const span = tracer.startSpan(
      /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SQL',
      { kind: SpanKind.CLIENT, startTime: endTime - tookMs, attributes: { 'db.system.name': 'postgresql', 'db.query.text': statement } },
      active,
    );
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(endTime);
  };
  return {
    tracer,
    async shutdown() {
      sqlStatementSink.report = undefined;
      await provider.shutdown();
    },
  };
}
