import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../core/errors.ts';
import { toRows } from '../core/matrix.ts';
import { readTable, tableFromRecords } from './index.ts';
import { writeFixture } from './test-helpers.ts';

describe('JSON lines', () => {
  it('reads one object per line: keys are columns, a missing key or null is a missing value', async () => {
    const path = writeFixture('rows.jsonl', '{"id":"a","x":1,"flag":true,"label":0}\n\n{"id":"b","x":2.5,"flag":false,"label":"anomaly"}\n{"x":null,"label":1,"flag":true,"id":"c"}\n');
    const t = await readTable(path, { label: 'label', id: 'id', impute: 'median' });
    assert.deepEqual(t.features, ['x', 'flag']);
    assert.deepEqual(toRows(t.X), [[1, 1], [2.5, 0], [1.75, 1]]);
    assert.deepEqual([...t.y!], [0, 1, 1]);
    assert.deepEqual(t.ids, ['a', 'b', 'c']);
  });

  it('reads one array per line like CSV rows, gzip included', async () => {
    const t = await readTable(writeFixture('rows.ndjson.gz', '[1,2]\n[3,4]\n', { gzip: true }));
    assert.deepEqual(toRows(t.X), [[1, 2], [3, 4]]);
    assert.deepEqual(t.features, ['col0', 'col1']);
  });

  it('names the line of invalid JSON, of a nested value, and of a key the first lines lacked', async () => {
    const bad = writeFixture('bad.jsonl', '{"x":1}\n{"x":2,}\n');
    await assert.rejects(readTable(bad), (e: unknown) => e instanceof InputError && e.message.startsWith(`${bad} line 2 is not valid JSON`));
    await assert.rejects(readTable(writeFixture('nested.jsonl', '{"x":1}\n{"x":[1,2]}\n')), /nested\.jsonl line 2, column 'x': the value is a list/);
    const rows = Array.from({ length: 1001 }, (_, i) => `{"x":${i}}`).join('\n');
    await assert.rejects(readTable(writeFixture('newkey.jsonl', `${rows}\n{"x":1,"y":2}\n`)), /newkey\.jsonl line 1002 has a key 'y' that the rows before it do not have/);
    await assert.rejects(readTable(writeFixture('scalar.jsonl', '3\n')), /line 1: expected a JSON object or array per line/);
    await assert.rejects(readTable(writeFixture('nan.jsonl', '{"x":1}\n{"x":"NaN"}\n')), /nan\.jsonl line 2, column 'x' \(index 0\): the value is missing/);
  });

  it('an empty file', async () => {
    await assert.rejects(readTable(writeFixture('empty.jsonl', '\n')), /empty\.jsonl is empty/);
  });
});

describe('records in memory', () => {
  it('takes the union of keys in order of first appearance', () => {
    const t = tableFromRecords([{ a: 1 }, { b: 2, a: 3 }], { impute: 'most-frequent' });
    assert.deepEqual(t.features, ['a', 'b']);
    assert.deepEqual(toRows(t.X), [[1, 2], [3, 2]]);
    assert.equal(t.source, 'records');
  });

  it('refuses an empty list, a non-object row and a missing value with the row named', () => {
    assert.throws(() => tableFromRecords([], {}, 'body'), /body has no data rows/);
    assert.throws(() => tableFromRecords([{ a: 1 }, [2] as unknown as Record<string, unknown>], {}, 'body'), /body row 2: expected an object/);
    assert.throws(() => tableFromRecords([{ a: 1 }, { a: null }], {}, 'body'), /body row 2, column 'a' \(index 0\): the value is missing/);
    assert.throws(() => tableFromRecords([{ a: 1 }, { a: Infinity }], {}, 'body'), /body row 2, column 'a' \(index 0\): Infinity is not finite/);
  });
});
