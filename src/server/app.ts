/**
 * The scoring service as a Hono app (no socket: server.ts listens). Routes:
 *   GET  /healthz                    liveness, no token needed
 *   GET  /metrics                    Prometheus text
 *   GET  /openapi.json               this API, generated from the zod schemas that validate requests; no token needed
 *   GET  /models                     loaded models (and files that failed to load)
 *   GET  /models/{name}              one model: features, columns, options, threshold, version
 *   POST /models/{name}/score        JSON {rows, explain?, reference?} or CSV text; scores, labels, explanations
 *   POST /models/{name}/score-stream NDJSON rows in, NDJSON results out
 * Errors are JSON {error}: 400 bad input (with the reason), 401 missing / wrong token, 404 no such model or route,
 * 408 body too slow, 413 body too large, 415 other content types, 500 our bug (logged, no details sent).
 */
import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import { stream } from 'hono/streaming';
import type { z } from 'zod';
import { DadError } from '../core/errors.ts';
import { hasExactExplanation } from '../explain/index.ts';
import { packageVersion } from '../model-io/manifest.ts';
import { parseJson, readBody, tokenMatches } from './body.ts';
import { MetricsRegistry } from './metrics.ts';
import type { LoadedModel, ModelStore } from './model-store.ts';
import { matrixFromCsv, matrixFromRows } from './rows.ts';
import {
  errorSchema, healthSchema, modelDetailSchema, modelListSchema, modelParamsSchema, scoreQuerySchema, scoreRequestSchema,
  scoreResponseSchema, streamLineSchema, streamQuerySchema,
} from './schemas.ts';
import { scoreMatrix, type ExplainSpec } from './scoring.ts';
import { scoreStream } from './stream.ts';

export interface ServiceOptions {
  store: ModelStore;
  /** when set, every route but /healthz and /openapi.json needs `Authorization: Bearer <token>` */
  token?: string | undefined;
  /** largest request body (and NDJSON line), bytes; default 10 MiB */
  bodyLimit?: number;
  /** time allowed for a whole /score body to arrive, ms; default 30 s */
  bodyTimeoutMs?: number;
  /** rows per scoring call in streams; default 256 */
  streamBatch?: number;
  /** where internal errors are logged; default stderr */
  log?: (line: string) => void;
}

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
const PUBLIC_PATHS = new Set(['/healthz', '/openapi.json']);

export function createApp(options: ServiceOptions): OpenAPIHono {
  const { store } = options;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const streamBatch = options.streamBatch ?? 256;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = Date.now();
  const app = new OpenAPIHono();

  const metrics = new MetricsRegistry();
  const requests = metrics.counter('dad_http_requests_total', 'HTTP requests by method, route and status.');
  const duration = metrics.histogram('dad_http_request_duration_seconds', 'Time to the response head, by route.', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  const rowsScored = metrics.counter('dad_rows_scored_total', 'Rows scored, by model.');
  const modelEvents = metrics.counter('dad_model_loads_total', 'Model file loads by model and result (loaded, reloaded, failed, removed).');
  metrics.gauge('dad_models_loaded', 'Models being served.', () => [[{}, store.models().length]]);
  metrics.gauge('dad_models_failed', 'Model files whose newest version failed to load.', () => [[{}, store.problems().length]]);
  metrics.gauge('dad_model_info', 'One series per served model: its version and detector.', () =>
    store.models().map((m) => [{ model: m.name, version: m.version, detector: m.pipeline.detector.name }, 1]));
  store.listen((event) => {
    const result = event.kind === 'loaded' ? (event.reload ? 'reloaded' : 'loaded') : event.kind;
    modelEvents.inc({ model: event.name, result });
    if (event.kind === 'failed') log(`dad serve: model '${event.name}' failed to load: ${event.error}`);
  });

  app.use('*', async (c, next) => {
    const begin = performance.now();
    await next();
    const path = routePath(c, -1);
    const route = path === '*' || path === '' ? 'unmatched' : path;
    requests.inc({ method: c.req.method, route, status: String(c.res.status) });
    duration.observe({ route }, (performance.now() - begin) / 1000);
  });

  app.use('*', async (c, next) => {
    if (options.token !== undefined && !PUBLIC_PATHS.has(c.req.path) && !tokenMatches(c.req.header('authorization'), options.token)) {
      c.header('WWW-Authenticate', 'Bearer realm="dad"');
      return c.json({ error: c.req.header('authorization') ? 'The bearer token is wrong.' : 'This service needs a bearer token: Authorization: Bearer <token>.' }, 401);
    }
    return next();
  });

  app.onError((error, c) => {
    if (error instanceof HTTPException) return c.json({ error: error.message || 'Request failed.' }, error.status);
    if (error instanceof DadError) return c.json({ error: error.message }, 400);
    log(`dad serve: internal error on ${c.req.method} ${c.req.path}: ${(error as Error)?.stack ?? String(error)}`);
    return c.json({ error: 'Internal error; see the server log.' }, 500);
  });
  app.notFound((c) => c.json({ error: `No route ${c.req.method} ${c.req.path}.` }, 404));

  const requireModel = async (c: Context): Promise<LoadedModel> => {
    const name = c.req.param('name') ?? '';
    const model = await store.get(name);
    if (model === undefined) throw new HTTPException(404, { message: `No model named '${name}' in the models folder.` });
    return model;
  };

  // ---- documentation of the routes (the same schemas validate below) ----
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  const errors = (...codes: number[]): RouteConfig['responses'] =>
    Object.fromEntries(codes.map((code) => [code, { description: ERROR_TEXT[code] ?? 'Error', content: { 'application/json': { schema: errorSchema } } }]));
  const secured = options.token !== undefined ? { security: [{ bearer: [] }] } : {};
  const docs: RouteConfig[] = [
    { method: 'get', path: '/healthz', summary: 'Liveness', responses: { 200: { description: 'Serving', content: { 'application/json': { schema: healthSchema } } } } },
    { method: 'get', path: '/metrics', summary: 'Prometheus metrics', ...secured, responses: { 200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } }, ...errors(401) } },
    { method: 'get', path: '/models', summary: 'Models being served', ...secured, responses: { 200: { description: 'Models and failed files', content: { 'application/json': { schema: modelListSchema } } }, ...errors(401) } },
    {
      method: 'get', path: '/models/{name}', summary: 'One model', ...secured, request: { params: modelParamsSchema },
      responses: { 200: { description: 'The model', content: { 'application/json': { schema: modelDetailSchema } } }, ...errors(401, 404) },
    },
    {
      method: 'post', path: '/models/{name}/score', summary: 'Score rows (JSON or CSV)', ...secured,
      request: {
        params: modelParamsSchema,
        query: scoreQuerySchema,
        body: { required: true, content: { 'application/json': { schema: scoreRequestSchema }, 'text/csv': { schema: { type: 'string', description: 'A CSV table with the training file\'s columns (header row as at training).' } } } },
      },
      responses: { 200: { description: 'Scores, labels and (when asked) explanations', content: { 'application/json': { schema: scoreResponseSchema } } }, ...errors(400, 401, 404, 408, 413, 415) },
    },
    {
      method: 'post', path: '/models/{name}/score-stream', summary: 'Score an NDJSON stream of rows', ...secured,
      request: { params: modelParamsSchema, query: streamQuerySchema, body: { required: true, content: { 'application/x-ndjson': { schema: { type: 'string', description: 'One row (object or array) per line.' } } } } },
      responses: { 200: { description: 'One result per input line, in order', content: { 'application/x-ndjson': { schema: streamLineSchema } } }, ...errors(400, 401, 404) },
    },
  ];
  for (const route of docs) app.openAPIRegistry.registerPath(route);
  app.doc('/openapi.json', {
    openapi: '3.0.0',
    info: { title: 'dadkit scoring service', version: packageVersion(), description: 'Anomaly scores, labels and explanations from the models of a folder.' },
  });

  // ---- handlers ----
  app.get('/healthz', (c) => c.json({ status: 'ok' as const, models: store.models().length, failed: store.problems().length, uptimeSeconds: (Date.now() - started) / 1000 }));

  app.get('/metrics', (c) => c.body(metrics.text(), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }));

  app.get('/models', async (c) => {
    await store.scan();
    const served = new Set(store.models().map((m) => m.name));
    return c.json({
      models: store.models().map((m) => summary(m, store.problem(m.name)?.error)),
      // files with no version served; a failed newer version of a served model shows as its `error`
      failed: store.problems().filter((p) => !served.has(p.name)),
    });
  });

  app.get('/models/:name', async (c) => {
    const m = await requireModel(c);
    const { pipeline, manifest } = m;
    const schema = pipeline.tableSchema;
    return c.json({
      ...summary(m, store.problem(m.name)?.error),
      file: m.file,
      bytes: m.bytes,
      title: pipeline.detector.info.title,
      featureNames: [...pipeline.features],
      ...(schema ? { columns: schema.columns.map((col) => ({ name: col.name, role: col.role, ...('kind' in col ? { kind: col.kind } : {}) })) } : {}),
      scale: pipeline.scale,
      options: manifest.options,
      summary: manifest.summary,
      createdBy: manifest.createdBy,
      ...(manifest.meta ? { meta: manifest.meta } : {}),
      explanation: hasExactExplanation(pipeline.detector) ? 'exact' : 'shapley',
    });
  });

  app.post('/models/:name/score', async (c) => {
    const model = await requireModel(c);
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const query = validate(scoreQuerySchema, c.req.query(), 'query');
    const bytes = await readBody(c, bodyLimit, bodyTimeoutMs);
    let result;
    if (type === 'application/json' || type === '') {
      const body = validate(scoreRequestSchema, parseJson(bytes), 'body');
      const X = matrixFromRows(model.pipeline, body.rows, 'rows');
      const reference = body.reference === undefined ? undefined : matrixFromRows(model.pipeline, body.reference, 'reference');
      result = scoreMatrix(model, X, explainSpec(body.explain), reference);
    } else if (type === 'text/csv') {
      const X = matrixFromCsv(model.pipeline, new TextDecoder().decode(bytes), 'the CSV body');
      const spec = query.explain === undefined ? undefined : explainSpec(query.explain === 'true' ? true : Number(query.explain));
      if (spec !== undefined && query.explainRows !== undefined) spec.rows = query.explainRows;
      result = scoreMatrix(model, X, spec);
    } else {
      throw new HTTPException(415, { message: `Send rows as application/json or text/csv (got '${type}'); streams go to /score-stream as application/x-ndjson.` });
    }
    rowsScored.inc({ model: model.name }, result.scores.length);
    return c.json({ model: model.name, version: model.version, detector: model.pipeline.detector.name, threshold: model.pipeline.threshold, ...result });
  });

  app.post('/models/:name/score-stream', async (c) => {
    const model = await requireModel(c);
    const query = validate(streamQuerySchema, c.req.query(), 'query');
    const top = query.explain === undefined ? undefined : query.explain === 'true' ? 3 : Number(query.explain);
    if (top !== undefined && !hasExactExplanation(model.pipeline.detector)) {
      throw new HTTPException(400, { message: `Model '${model.name}' (${model.pipeline.detector.name}) has no exact explanation; streams explain only those. Use /score with reference rows.` });
    }
    c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    c.header('X-Model-Version', model.version);
    return stream(c, async (out) => {
      await scoreStream(model, c.req.raw.body, out, {
        batch: streamBatch,
        maxLineBytes: bodyLimit,
        explainTop: top,
        onRows: (count) => rowsScored.inc({ model: model.name }, count),
      });
    }, async (error, out) => {
      log(`dad serve: stream for model '${model.name}' failed: ${error.stack ?? error.message}`);
      await out.write(`${JSON.stringify({ error: 'The stream failed; see the server log.' })}\n`).catch(() => undefined);
    });
  });

  return app;
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input: the message says what to fix',
  401: 'Missing or wrong bearer token',
  404: 'No such model',
  408: 'The body did not arrive in time',
  413: 'The body is larger than the limit',
  415: 'Unsupported content type',
};

function summary(m: LoadedModel, error: string | undefined): Record<string, unknown> {
  return {
    name: m.name,
    version: m.version,
    detector: m.pipeline.detector.name,
    features: m.pipeline.features.length,
    threshold: m.pipeline.threshold,
    loadedAt: m.loadedAt,
    ...(error !== undefined ? { error } : {}),
  };
}

function explainSpec(value: z.output<typeof scoreRequestSchema>['explain']): ExplainSpec | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { top: 3, rows: 'anomalies', method: 'auto' };
  if (typeof value === 'number') return { top: value, rows: 'anomalies', method: 'auto' };
  return { top: value.top, rows: value.rows, method: value.method };
}

/** Validates with a zod schema; a failure is a 400 naming the first problem and where. */
function validate<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const at = issue.path.length > 0 ? `${where}.${issue.path.map(String).join('.')}` : where;
  throw new HTTPException(400, { message: `Invalid request ${at}: ${issue.message}` });
}
