// The worker's scoring and loop, in-process (the broker is the Kafka fake, so no server is needed): results per
// message in order, error results for malformed messages, per-key online state and its snapshots, stop on signal.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Rng } from '../core/rng.ts';
import '../detectors/index.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import { FakeKafka } from './kafka-fake.ts';
import { KafkaTransport } from './kafka.ts';
import { loadWorkerModel, Scorer } from './scorer.ts';
import type { StreamMessage } from './transport.ts';
import { runWorker } from './worker.ts';

const dir = mkdtempSync(join(tmpdir(), 'dad-worker-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const encoder = new TextEncoder();
const msg = (id: string, payload: unknown, key?: string): StreamMessage => ({
  id, payload: encoder.encode(typeof payload === 'string' ? payload : JSON.stringify(payload)), ...(key !== undefined ? { key } : {}),
});

function matrix(rows: number, cols: number, seed: number): { rows: number; cols: number; data: Float64Array } {
  const rng = new Rng(seed);
  return { rows, cols, data: Float64Array.from({ length: rows * cols }, () => rng.normal()) };
}

let batchModel = '';
let onlineModel = '';
before(async () => {
  batchModel = join(dir, 'forest.dad');
  await new Pipeline({ detector: 'iforest', options: { trees: 20, seed: 1 } }).fit(matrix(300, 3, 1)).save(batchModel);
  onlineModel = join(dir, 'hst.dad');
  await new Pipeline({ detector: 'half-space-trees', options: { trees: 5, windowSize: 20, shingleSize: 1, seed: 2 }, scale: 'none' }).fit(matrix(200, 2, 2)).save(onlineModel);
});

test('a batch model: one result per message in order, {id, key, score, label, model, version}; malformed ones get an error', async () => {
  const model = await loadWorkerModel(batchModel);
  const scorer = new Scorer(model);
  const rows = [[0.1, 0.2, 0.3], [5, 5, 5], [-1, 0, 1]];
  const messages = [
    msg('a', rows[0]),
    msg('b', '{not json'),
    msg('c', { f0: 5, f1: 5, f2: 5 }, 'sensor-1'),
    msg('d', 'null'),
    msg('e', [1, 2]),
    msg('f', { f0: 1, f1: 'x', f2: 3 }),
    { ...msg('g', ''), problem: 'entry was deleted' },
    msg('h', rows[2]),
  ];
  const results = scorer.score(messages).map((r) => ({ ...r, parsed: JSON.parse(r.body) as Record<string, unknown> }));
  assert.deepEqual(results.map((r) => r.id), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  const expected = model.pipeline.score({ rows: 3, cols: 3, data: Float64Array.from(rows.flat()) });
  for (const [i, k] of [[0, 0], [2, 1], [7, 2]] as const) {
    const p = results[i]!.parsed;
    assert.equal(p['score'], expected[k], `message ${p['id']} scored as the pipeline scores it`);
    assert.equal(p['label'], expected[k]! > model.pipeline.threshold ? 1 : 0);
    assert.equal(p['model'], 'forest');
    assert.match(String(p['version']), /^[0-9a-f]{16}$/);
  }
  assert.equal(results[2]!.parsed['key'], 'sensor-1');
  assert.equal(results[2]!.key, 'sensor-1');
  for (const [i, pattern] of [[1, /not valid JSON/], [3, /JSON object of feature values/], [4, /has 2 values; the model takes 3/], [5, /'f1'.*finite number/], [6, /deleted/]] as const) {
    assert.match(String(results[i]!.parsed['error']), pattern, `message ${results[i]!.id}`);
    assert.equal(results[i]!.parsed['score'], undefined);
  }
  assert.equal(scorer.errors, 5);
});

test('an online model keeps one state per key: a key\'s scores do not depend on other keys\' messages', async () => {
  const model = await loadWorkerModel(onlineModel);
  assert.ok(model.online);
  const series = matrix(120, 2, 3);
  const row = (i: number) => [series.data[2 * i]!, series.data[2 * i + 1]!];
  const alone = new Scorer(model).score(Array.from({ length: 60 }, (_, i) => msg(`b${i}`, row(i), 'B')));
  const mixed = new Scorer(model).score(Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? msg(`b${i / 2}`, row(i / 2), 'B') : msg(`a${i}`, row(60 + (i >> 1)), 'A'))));
  const scoresOf = (results: { body: string }[], key: string) => results.map((r) => JSON.parse(r.body) as { key: string; score: number }).filter((r) => r.key === key).map((r) => r.score);
  assert.deepEqual(scoresOf(mixed, 'B'), scoresOf(alone, 'B'));
  assert.ok(new Set(scoresOf(alone, 'B')).size > 5, 'the model learns: scores vary');
});

test('online state snapshots: a worker restarted from the snapshot scores as one that never stopped', async () => {
  const model = await loadWorkerModel(onlineModel);
  const series = matrix(100, 2, 4);
  const messages = Array.from({ length: 100 }, (_, i) => msg(`m${i}`, [series.data[2 * i], series.data[2 * i + 1]], `k${i % 3}`));
  const straight = new Scorer(model).score(messages);
  const state = join(dir, 'hst.state');
  const first = new Scorer(model);
  const part1 = first.score(messages.slice(0, 50));
  assert.equal(await first.states!.save(state), true);
  const second = new Scorer(model);
  assert.deepEqual(await second.states!.load(state), { restored: 3 });
  const part2 = second.score(messages.slice(50));
  assert.deepEqual([...part1, ...part2].map((r) => r.body), straight.map((r) => r.body));

  const other = new Scorer({ ...model, version: 'ffffffffffffffff' });
  assert.match((await other.states!.load(state) as { skipped: string }).skipped, /belongs to model version/);
  writeFileSync(join(dir, 'bad.state'), '{"kind": "dadkit-worker-state", "version": 1, "model": ');
  await assert.rejects(new Scorer(model).states!.load(join(dir, 'bad.state')), /damaged: not valid JSON/);
});

test('runWorker: every message gets one result and is committed; a stop request ends after the batch in hand', async () => {
  const kafka = new FakeKafka(3);
  for (let i = 0; i < 500; i++) kafka.append('events', { key: `k${i % 7}`, value: i === 17 ? 'oops' : JSON.stringify([i / 500, 0.5, -i / 500]), headers: { id: `e${i}` } });
  const transport = await KafkaTransport.connect({ url: 'kafka://fake:9092', topic: 'events', results: 'scores', group: 'g', kafka });
  const stop = new AbortController();
  const scorer = new Scorer(await loadWorkerModel(batchModel));
  const done = runWorker({ transport, scorer, batch: 64, waitMs: 50, signal: stop.signal });
  const deadline = Date.now() + 20_000;
  while (kafka.messages('scores').length < 500 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  stop.abort();
  const stats = await done;
  await transport.close();
  const results = kafka.messages('scores').map((m) => JSON.parse(m.value!.toString()) as { id: string; error?: string });
  assert.equal(results.length, 500);
  assert.deepEqual(new Set(results.map((r) => r.id)), new Set(Array.from({ length: 500 }, (_, i) => `e${i}`)));
  assert.match(results.find((r) => r.id === 'e17')!.error!, /not valid JSON/);
  assert.equal(stats.messages, 500);
  assert.equal(stats.errors, 1);
  const committed = [0, 1, 2].reduce((sum, p) => sum + Number(kafka.committedOffset('g', 'events', p) ?? 0n), 0);
  assert.equal(committed, 500, 'every partition committed to its end');
});

test('runWorker with an online model: the per-key state is snapshotted at stop, and a new worker resumes from it', async () => {
  const kafka = new FakeKafka(1);
  for (let i = 0; i < 60; i++) kafka.append('series', { key: `s${i % 2}`, value: JSON.stringify([Math.sin(i / 3), Math.cos(i / 5)]), headers: { id: `p${i}` } });
  const model = await loadWorkerModel(onlineModel);
  const statePath = join(dir, 'online.state');
  const transport = await KafkaTransport.connect({ url: 'kafka://fake:9092', topic: 'series', results: 'series.scores', group: 'g', kafka });
  const stop = new AbortController();
  const scorer = new Scorer(model);
  const done = runWorker({ transport, scorer, batch: 16, waitMs: 50, signal: stop.signal, statePath, snapshotEveryMs: 3_600_000 });
  const deadline = Date.now() + 20_000;
  while (kafka.messages('series.scores').length < 60 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  stop.abort();
  const stats = await done;
  await transport.close();
  assert.equal(stats.snapshots, 1, 'one snapshot, at stop');
  const resumed = new Scorer(model);
  assert.deepEqual(await resumed.states!.load(statePath), { restored: 2 });
  const next = msg('p60', [Math.sin(20), Math.cos(12)], 's0');
  assert.equal(resumed.score([next])[0]!.body, scorer.score([next])[0]!.body, 'the resumed state scores as the live one');
});
