/**
 * The scoring service end to end: a real server on 127.0.0.1, port 0, over a temporary folder of models fitted here.
 * Every route, the error statuses (400 / 401 / 404 / 408 / 413 / 415), reload on an atomic file change, a damaged
 * new version leaving the old one serving, and the OpenAPI document.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import '../detectors/index.ts';
import type { Matrix } from '../core/matrix.ts';
import { Rng } from '../core/rng.ts';
import { parseCsvText } from '../data/index.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import { startServer, type RunningServer } from './index.ts';

const TOKEN = 'test-token-123';
const root = mkdtempSync(join(tmpdir(), 'dad-serve-'));
const folder = join(root, 'models');
let server: RunningServer;
let tx: Pipeline;

/** 200 normal rows of a transactions-like table with a categorical column, as CSV text. */
function csvRows(seed: number, rows: number): string {
  const rng = new Rng(seed);
  const lines = ['amount,hour,channel'];
  for (let i = 0; i < rows; i++) lines.push(`${(50 + 10 * rng.normal()).toFixed(2)},${Math.floor(8 + 10 * rng.next())},${rng.next() < 0.5 ? 'web' : 'shop'}`);
  return `${lines.join('\n')}\n`;
}

function gaussian(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  return { rows, cols, data: Float64Array.from({ length: rows * cols }, () => rng.normal()) };
}

before(async () => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(folder);
  tx = new Pipeline({ detector: 'ecod', scale: 'none' }).fit(parseCsvText(csvRows(1, 200), {}, 'train'));
  await tx.save(join(folder, 'tx.dad'));
  await new Pipeline({ detector: 'knn', scale: 'standard' }).fit(gaussian(100, 3, 2)).save(join(folder, 'plain.dad'));
  writeFileSync(join(folder, 'notes.txt'), 'not a model');
  await new Pipeline({ detector: 'ecod' }).fit(gaussian(50, 3, 3)).save(join(root, 'outside.dad'));
  server = await startServer({ models: folder, port: 0, token: TOKEN, bodyLimit: 64 * 1024, bodyTimeoutMs: 300, log: () => undefined });
});

after(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };

async function call(path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const headers: Record<string, string> = { ...auth, ...(init.headers as Record<string, string> | undefined) };
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${server.url}${path}`, { ...init, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

test('GET /healthz needs no token; other routes need the right one (401)', async () => {
  const health = await fetch(`${server.url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual({ ...(await health.json() as object), uptimeSeconds: 0 }, { status: 'ok', models: 2, failed: 1, uptimeSeconds: 0 });
  const none = await fetch(`${server.url}/models`);
  assert.equal(none.status, 401);
  assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
  assert.match((await none.json() as { error: string }).error, /needs a bearer token/);
  const wrong = await call('/models', { headers: { authorization: 'Bearer nope' } });
  assert.equal(wrong.status, 401);
  assert.match(wrong.body.error, /wrong/);
  assert.equal((await call('/models/tx/score', { method: 'POST', headers: { authorization: 'Basic eDp5' }, json: { rows: [[1, 2, 3]] } })).status, 401);
});

test('GET /models lists the loaded models and the files that failed', async () => {
  const { status, body } = await call('/models');
  assert.equal(status, 200);
  assert.deepEqual(body.models.map((m: { name: string }) => m.name), ['plain', 'tx']);
  const t = body.models.find((m: { name: string }) => m.name === 'tx');
  assert.equal(t.detector, 'ecod');
  assert.equal(t.features, 4); // amount, hour, channel=shop, channel=web
  assert.match(t.version, /^[0-9a-f]{16}$/);
  assert.deepEqual(body.failed.map((f: { name: string }) => f.name), ['notes.txt']);
});

test('GET /models/{name}: features, columns and explanation kind; unknown and escaping names are 404', async () => {
  const { status, body } = await call('/models/tx');
  assert.equal(status, 200);
  assert.deepEqual(body.featureNames, ['amount', 'hour', 'channel=shop', 'channel=web']);
  assert.deepEqual(body.columns.map((c: { name: string }) => c.name), ['amount', 'hour', 'channel']);
  assert.equal(body.explanation, 'exact');
  assert.equal((await call('/models/plain')).body.explanation, 'shapley');
  for (const name of ['nope', '..%2Foutside', '..%2F..%2Fetc%2Fpasswd', '%2Ftmp%2Fx', '.hidden', 'tx.dad%00', '..']) {
    const r = await call(`/models/${name}`);
    assert.equal(r.status, 404, name);
    assert.equal((await call(`/models/${name}/score`, { method: 'POST', json: { rows: [[1, 2, 3]] } })).status, 404, name);
  }
});

test('POST /score with row objects: the scores of the model, labels, and exact explanations of the anomalies', async () => {
  const rows = [
    { amount: 50, hour: 12, channel: 'web' },
    { amount: 900, hour: 3, channel: 'shop' },
  ];
  const { status, body } = await call('/models/tx/score', { method: 'POST', json: { rows, explain: 2 } });
  assert.equal(status, 200, JSON.stringify(body));
  const expected = tx.score(parseCsvText('amount,hour,channel\n50,12,web\n900,3,shop\n', { schema: tx.tableSchema! }, 'expected'));
  assert.deepEqual(body.scores, Array.from(expected));
  assert.deepEqual(body.labels, [0, 1]);
  assert.equal(body.model, 'tx');
  assert.equal(body.detector, 'ecod');
  assert.equal(body.explanationMethod, 'exact');
  assert.equal(body.explanations[0], null);
  assert.equal(body.explanations[1].length, 2);
  assert.deepEqual(body.explanations[1].map((f: { feature: string }) => f.feature).sort(), ['amount', 'hour']);
});

test('POST /score with row arrays, Shapley explanations against reference rows, and CSV bodies', async () => {
  const rows = [[0, 0, 0], [8, 0, 0], [0.1, -0.2, 0.3]];
  const reference = Array.from({ length: 10 }, (_, i) => [Math.sin(i), Math.cos(i), 0.1 * i - 0.5]);
  const r = await call('/models/plain/score', { method: 'POST', json: { rows, reference, explain: { top: 1, rows: 'all' } } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.explanationMethod, 'shapley');
  assert.equal(r.body.labels[1], 1);
  assert.equal(r.body.explanations[1][0].feature, 'f0');
  const csv = await call('/models/tx/score?explain=1', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'amount,hour,channel\n50,12,web\n900,3,shop\n' });
  assert.equal(csv.status, 200, csv.text);
  assert.deepEqual(csv.body.labels, [0, 1]);
  assert.equal(csv.body.explanations[1].length, 1);
});

test('bad requests: malformed JSON, wrong shapes and values are 400 with a message; 413 over the limit; 415 other types', async () => {
  const malformed = await call('/models/tx/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"rows": [' });
  assert.equal(malformed.status, 400);
  assert.match(malformed.body.error, /not valid JSON/);
  const cases: [unknown, RegExp][] = [
    [{}, /body\.rows/],
    [{ rows: [] }, /body\.rows/],
    [{ rows: [{ amount: 1 }] }, /no column 'hour'/],
    [{ rows: [{ amount: 'x', hour: 1, channel: 'web' }] }, /expected a number/],
    [{ rows: [[1, 2]] }, /has 2 values; the model takes 4/],
    [{ rows: [[1, 2, 3, 4], { amount: 1 }] }, /mixes row objects and row arrays/],
    [{ rows: [[1, 2, 3, 4]], explain: 0 }, /body\.explain/],
    [{ rows: [[1, 2, 3, 4]], extra: 1 }, /Invalid request body/],
  ];
  for (const [json, pattern] of cases) {
    const r = await call('/models/tx/score', { method: 'POST', json });
    assert.equal(r.status, 400, JSON.stringify(json));
    assert.match(r.body.error, pattern, JSON.stringify(json));
  }
  const shapleyAlone = await call('/models/plain/score', { method: 'POST', json: { rows: [[9, 9, 9]], explain: true } });
  assert.equal(shapleyAlone.status, 400);
  assert.match(shapleyAlone.body.error, /reference/);
  const big = await call('/models/tx/score', { method: 'POST', json: { rows: Array.from({ length: 10000 }, () => [1, 2, 3, 4]) } });
  assert.equal(big.status, 413);
  assert.match(big.body.error, /larger than the limit/);
  // no Content-Length: the limit is counted while reading
  const chunked = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 100; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(1024)));
      controller.close();
    },
  });
  const streamed = await fetch(`${server.url}/models/tx/score`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: chunked, duplex: 'half' } as RequestInit);
  assert.equal(streamed.status, 413);
  const plain = await call('/models/tx/score', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
  assert.equal(plain.status, 415);
  assert.equal((await call('/nope')).status, 404);
});

test('a client that sends part of a body and stalls gets 408, and the server goes on', async () => {
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => { data += chunk.toString(); });
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
    socket.write(`POST /models/tx/score HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"rows": [`);
    socket.on('data', () => socket.end());
  });
  assert.match(reply, /^HTTP\/1\.1 408/);
  assert.equal((await call('/healthz')).status, 200);
});

test('POST /score-stream: NDJSON results in input order, bad lines answered with their error', async () => {
  const lines = [
    JSON.stringify({ amount: 50, hour: 12, channel: 'web' }),
    'not json',
    '',
    JSON.stringify([1, 2]),
    JSON.stringify({ amount: 900, hour: 3, channel: 'shop' }),
    '42',
  ];
  const r = await call('/models/tx/score-stream?explain=1', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${lines.join('\n')}\n` });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /ndjson/);
  const out = r.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  assert.deepEqual(out.map((o) => o.line), [1, 2, 4, 5, 6]);
  assert.equal(out[0]!.label, 0);
  assert.match(out[1]!.error, /not valid JSON/);
  assert.match(out[2]!.error, /has 2 values/);
  assert.equal(out[3]!.label, 1);
  assert.equal(out[3]!.top_features.length, 1);
  assert.match(out[4]!.error, /expected a row/);
  const refused = await call('/models/plain/score-stream?explain=2', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: '[1,2,3]\n' });
  assert.equal(refused.status, 400);
});

test('a model file replaced atomically is served at its new version by the next request; a damaged one is not', async () => {
  const before = (await call('/models/tx')).body.version;
  const replacement = new Pipeline({ detector: 'hbos', scale: 'none' }).fit(parseCsvText(csvRows(7, 200), {}, 'train'));
  await replacement.save(join(folder, 'tx.dad')); // write to a temporary file, then rename
  const after = await call('/models/tx/score', { method: 'POST', json: { rows: [{ amount: 50, hour: 12, channel: 'web' }] } });
  assert.equal(after.status, 200);
  assert.equal(after.body.detector, 'hbos');
  assert.notEqual(after.body.version, before);
  const served = after.body.version;

  writeFileSync(join(folder, 'tx.dad'), 'half a model'); // a writer that does not rename
  const still = await call('/models/tx/score', { method: 'POST', json: { rows: [{ amount: 50, hour: 12, channel: 'web' }] } });
  assert.equal(still.status, 200);
  assert.equal(still.body.version, served);
  const listed = (await call('/models')).body.models.find((m: { name: string }) => m.name === 'tx');
  assert.equal(listed.version, served);
  assert.match(listed.error, /tx\.dad/);

  await new Pipeline({ detector: 'ecod', scale: 'none' }).fit(parseCsvText(csvRows(8, 200), {}, 'train')).save(join(folder, 'new.dad'));
  assert.equal((await call('/models/new')).status, 200);
  rmSync(join(folder, 'new.dad'));
  assert.equal((await call('/models/new')).status, 404);
});

test('GET /metrics is Prometheus text with request and row counters', async () => {
  const r = await call('/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  assert.match(r.text, /# TYPE dad_http_requests_total counter/);
  assert.match(r.text, /dad_http_requests_total\{method="POST",route="\/models\/:name\/score",status="200"\} \d+/);
  assert.match(r.text, /dad_rows_scored_total\{model="tx"\} \d+/);
  assert.match(r.text, /dad_http_request_duration_seconds_bucket\{route="\/healthz",le="\+Inf"\} \d+/);
  assert.match(r.text, /dad_models_loaded 2/);
});

test('GET /openapi.json: valid OpenAPI listing every path, public like /healthz', async () => {
  const response = await fetch(`${server.url}/openapi.json`);
  assert.equal(response.status, 200);
  const doc = await response.json() as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
  assert.equal(doc.openapi, '3.0.0');
  assert.deepEqual(Object.keys(doc.paths).sort(), ['/healthz', '/metrics', '/models', '/models/{name}', '/models/{name}/score', '/models/{name}/score-stream']);
  assert.ok(doc.paths['/models/{name}/score']!.post);
  for (const name of ['ScoreRequest', 'ScoreResponse', 'Row', 'Error', 'ModelDetail']) assert.ok(doc.components.schemas[name], name);
});
