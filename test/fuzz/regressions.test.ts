/**
 * The inputs fuzzing found that hung a reader, kept as plain tests (the bugs are fixed where they were; these pin
 * them): each must be refused or read at once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { readIdxImages, readIdxLabels } from '../../src/images/idx.ts';
import { LOGHUB_FORMATS } from '../../src/logs/log-format.ts';
import { parseLogFile, sessionsOf } from '../../src/logs/log-file.ts';

const folder = mkdtempSync(join(tmpdir(), 'dadkit-fuzz-regressions-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const quickly = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  const out = await run();
  assert.ok(performance.now() - started < 5_000, `${what} took over 5 s`);
  return out;
};

test('IDX: 2^31 − 1 images of 0 × 0 pixels are refused (the image loops ran for minutes)', async () => {
  const bytes = new Uint8Array(16);
  bytes.set([0, 0, 8, 3]);
  new DataView(bytes.buffer).setUint32(4, 0x7fffffff);
  const path = join(folder, 'empty-idx3-ubyte');
  writeFileSync(path, bytes);
  await quickly('IDX', () => assert.rejects(readIdxImages(path), (e: unknown) => e instanceof InputError && /no pixels/.test(e.message)));
});

test('IDX: signed bytes read from a file are exactly the file\'s values (they were a view of the whole read buffer)', async () => {
  const path = join(folder, 'signed-idx1-ubyte');
  writeFileSync(path, Uint8Array.from([0, 0, 9, 1, 0, 0, 0, 5, 0, 1, 2, 0xff, 0x80]));
  assert.deepEqual([...await readIdxLabels(path)], [0, 1, 2, -1, -128]);
});

test('logs: a long line that does not fit the format is refused at once (the format regex backtracked for minutes)', async () => {
  const path = join(folder, 'long.log');
  writeFileSync(path, `${'word '.repeat(2000)}\n`);
  await quickly('log format', () => assert.rejects(parseLogFile(path, { format: LOGHUB_FORMATS.HDFS }), /does not fit the log format/));
});

test('logs: minute windows over lines centuries apart (the time windows stepped through every empty minute)', async () => {
  const path = join(folder, 'times.log');
  writeFileSync(path, '2026-01-02 10:00:01 worker 1 finished\n0326-01-04 10:00:03 worker 3 finished\n');
  const file = await quickly('parse', () => parseLogFile(path));
  const sessions = await quickly('time windows', async () => sessionsOf(file, { by: 'time', windowMs: 60_000 }));
  assert.deepEqual(sessions.map((s) => s.lines), [[2], [1]]);
});
