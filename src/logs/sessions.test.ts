import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptionError } from '../core/errors.ts';
import { countMatrix, templateWords, tfidfVectors } from './features.ts';
import { groupSessions, lineTime, parseDuration, type LogEvent } from './sessions.ts';

const event = (key: number, line: number, text: string, time = Number.NaN): LogEvent => ({ key, line, text, time });

describe('sessions', () => {
  it('group by identifier: a line naming two blocks joins both', () => {
    const events = [event(1, 1, 'open blk_1'), event(2, 2, 'copy blk_1 to blk_-2'), event(3, 3, 'close blk_-2'), event(4, 4, 'no block here')];
    assert.deepEqual(groupSessions(events, { by: 'identifier', pattern: 'blk_-?\\d+' }), [
      { id: 'blk_1', keys: [1, 2], lines: [1, 2] },
      { id: 'blk_-2', keys: [2, 3], lines: [2, 3] },
    ]);
    assert.deepEqual(groupSessions(events, { by: 'identifier', pattern: 'blk_(\\d+)' }).map((s) => s.id), ['1']);
    assert.throws(() => groupSessions(events, { by: 'identifier', pattern: '(' }), OptionError);
  });

  it('group by time and count windows', () => {
    const events = [0, 1000, 61_000, 62_000, 200_000].map((t, i) => event(i + 1, i + 1, '', t));
    assert.deepEqual(groupSessions(events, { by: 'time', windowMs: 60_000 }).map((s) => s.keys), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(groupSessions(events, { by: 'count', size: 2 }).map((s) => s.keys), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(groupSessions(events, { by: 'count', size: 3, step: 2 }).map((s) => s.keys), [[1, 2, 3], [3, 4, 5]]);
  });

  it('time windows: times years apart with minute windows, and 200,000 timed lines, finish at once', () => {
    const apart = [event(1, 1, 'a', Date.UTC(326, 0, 4)), event(2, 2, 'b', Date.UTC(2026, 0, 1)), event(3, 3, 'c', Date.UTC(2026, 0, 1, 0, 0, 30))];
    const started = performance.now();
    assert.deepEqual(groupSessions(apart, { by: 'time', windowMs: 60_000, stepMs: 30_000 }).map((s) => s.keys), [[1], [2], [2, 3], [3]]);
    const many = Array.from({ length: 200_000 }, (_, i) => event(1, i + 1, 'x', i * 1000));
    assert.equal(groupSessions(many, { by: 'time', windowMs: 3_600_000 }).length, Math.ceil(200_000 / 3600));
    assert.ok(performance.now() - started < 5_000);
  });

  it('reads durations and line times', () => {
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.throws(() => parseDuration('5 minutes'), OptionError);
    assert.equal(lineTime('081109 203615 148 INFO x'), Date.UTC(2008, 10, 9, 20, 36, 15));
    assert.equal(lineTime('- 1117838570 2005.06.03 R02 2005-06-03-15.42.50.675872 x'), Date.UTC(2005, 5, 3, 15, 42, 50) + 676);
    assert.equal(lineTime('2024-01-02T03:04:05Z started'), Date.UTC(2024, 0, 2, 3, 4, 5));
    assert.ok(Number.isNaN(lineTime('no time')));
  });
});

describe('features', () => {
  it('count vectors and TF-IDF template vectors', () => {
    assert.deepEqual(Array.from(countMatrix([[5, 5, 7], [9]], [5, 7]).data), [2, 1, 0, 0]);
    assert.deepEqual(templateWords('PacketResponder <*> for blockMap_id terminating'), ['packet', 'responder', 'for', 'block', 'map', 'id', 'terminating']);
    const { words, vectors } = tfidfVectors(['open block <*>', 'close block <*>']);
    assert.deepEqual(words, ['block', 'close', 'open']);
    assert.ok(Math.abs(vectors[0]!.reduce((a, v) => a + v * v, 0) - 1) < 1e-12);
    assert.ok(vectors[0]![2]! > vectors[0]![0]!, 'a word in every template weighs less');
  });
});
