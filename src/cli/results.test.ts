// Results files: the format from --format or the file's extension; Parquet written (through DuckDB) in memory as out of core.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { OptionError } from '../core/errors.ts';
import { readTable } from '../data/index.ts';
import { resolveFormat, writeResults } from './results.ts';

test('the format comes from --format, else the extension of --out, else CSV; Parquet needs a file', () => {
  assert.equal(resolveFormat(undefined, undefined), 'csv');
  assert.equal(resolveFormat(undefined, 'r.JSON'), 'json');
  assert.equal(resolveFormat(undefined, 'r.parquet'), 'parquet');
  assert.equal(resolveFormat('csv', 'r.parquet'), 'csv');
  assert.throws(() => resolveFormat('parquet', undefined), (e: unknown) => e instanceof OptionError && /--out <file>\.parquet/.test(e.message));
  assert.throws(() => resolveFormat('xml', undefined), /csv, json or parquet/);
});

test('Parquet results hold id, score and label, read back as written; explanations are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dad-results-'));
  try {
    const out = join(dir, 'scores.parquet');
    const results = { detector: 'iforest', threshold: 0.5, scores: [0.25, 0.75, 0.5], labels: [0, 1, 1], ids: ['a', 'b', 'c'] };
    await writeResults(results, 'parquet', out);
    assert.deepEqual(readdirSync(dir), ['scores.parquet'], 'no temporary file left');
    const back = await readTable(out, { id: 'id' });
    assert.deepEqual(back.ids, ['a', 'b', 'c']);
    assert.deepEqual([...back.X.data], [0.25, 0, 0.75, 1, 0.5, 1]);
    await assert.rejects(writeResults({ ...results, explanations: [undefined, [], []] }, 'parquet', join(dir, 'x.parquet')), /--explain/);
    assert.equal(existsSync(join(dir, 'x.parquet')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
