import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, ModelFileError } from '../core/errors.ts';
import { toRows } from '../core/matrix.ts';
import { parseCsvText, parseTableSchema, readTable, tableFromRecords, type TableSchema } from './index.ts';
import { writeFixture } from './test-helpers.ts';

const training = 'id,color,size,x,label\nr1,red,S,1,0\nr2,blue,M,2,0\nr3,red,L,3,1\nr4,green,M,10,0\n';

/** A schema as it comes back from a model file: through JSON text. */
function saved(schema: TableSchema): unknown {
  return JSON.parse(JSON.stringify(schema));
}

describe('table schema', () => {
  it('reads a score file as the training file was read: reordered columns, a new category, no label', async () => {
    const train = await readTable(writeFixture('train.csv', training), { label: 'label', id: 'id', categorical: 'onehot' });
    assert.deepEqual(train.features, ['color=blue', 'color=green', 'color=red', 'size=L', 'size=M', 'size=S', 'x']);
    const schema = parseTableSchema(saved(train.schema));

    const score = await readTable(writeFixture('score.csv', 'x,extra,size,id,color\n5,9,S,s1,purple\n1,9,L,s2,red\n'), { schema });
    assert.deepEqual(score.features, train.features);
    // 'purple' was never seen: all zeros in the color columns; the extra column is not a feature
    assert.deepEqual(toRows(score.X), [[0, 0, 0, 0, 0, 1, 5], [0, 0, 1, 1, 0, 0, 1]]);
    assert.deepEqual(score.ids, ['s1', 's2']);
    assert.equal(score.y, undefined);
    assert.deepEqual(score.schema, schema);
  });

  it('reproduces the training matrix from the training file', async () => {
    const path = writeFixture('train-again.csv', training);
    const train = await readTable(path, { label: 'label', id: 'id', categorical: 'frequency', impute: 'median' });
    const again = await readTable(path, { schema: parseTableSchema(saved(train.schema)) });
    assert.deepEqual(toRows(again.X), toRows(train.X));
    assert.deepEqual([...again.y!], [...train.y!]);
  });

  it('frequency encoding: an unseen category is 0', () => {
    const train = parseCsvText('c,x\na,1\na,2\nb,3\na,4\n', { categorical: 'frequency' });
    const score = parseCsvText('c,x\nb,1\nz,2\n', { schema: train.schema });
    assert.deepEqual(toRows(score.X), [[0.25, 1], [0, 2]]);
  });

  it('fills missing score values with the training values when the training read imputed', () => {
    const train = parseCsvText('c,x\na,1\nb,5\na,9\n', { impute: 'median' });
    const score = parseCsvText('c,x\n,NA\nb,?\n', { schema: train.schema });
    assert.deepEqual(toRows(score.X), [[1, 0, 5], [0, 1, 5]]);
  });

  it('refuses missing score values when the training read did not impute', () => {
    const train = parseCsvText('x,y\n1,2\n3,4\n');
    assert.throws(() => parseCsvText('x,y\n1,NA\n', { schema: train.schema }, 'score.csv'),
      /score\.csv line 2, column 'y' \(index 1\): the value is missing.*trained without imputation/);
  });

  it('names a feature column the score file lacks, and lists its columns', () => {
    const train = parseCsvText('a,b,c\n1,2,3\n');
    assert.throws(() => parseCsvText('a,c\n1,3\n', { schema: train.schema }, 'score.csv'),
      (e: unknown) => e instanceof InputError && /score\.csv has no column 'b', which the model uses as a feature\. Its columns are: a, c/.test(e.message));
  });

  it('refuses text where the training column was numeric', () => {
    const train = parseCsvText('a,b\n1,2\n');
    assert.throws(() => parseCsvText('a,b\n1,x\n', { schema: train.schema }, 'score.csv'), /score\.csv line 2, column 'b' \(index 1\): expected a number, got 'x'/);
  });

  it('matches header-less files by position', () => {
    const train = parseCsvText('1,2,0\n3,4,1\n', { label: 2 });
    assert.equal(train.schema.header, false);
    const score = parseCsvText('5,6,1\n7,8,0\n', { schema: parseTableSchema(saved(train.schema)) });
    assert.deepEqual(toRows(score.X), [[5, 6], [7, 8]]);
    assert.deepEqual([...score.y!], [1, 0]);
  });

  it('applies to records (HTTP bodies) as to files', () => {
    const train = parseCsvText('color,x\nred,1\nblue,2\n');
    const t = tableFromRecords([{ x: 3, color: 'blue' }, { color: 'pink', x: '4' }], { schema: train.schema }, 'request body');
    assert.deepEqual(toRows(t.X), [[1, 0, 3], [0, 0, 4]]);
  });

  it('is refused with ModelFileError when damaged', () => {
    const good = saved(parseCsvText('color,x\nred,1\nblue,2\n', { categorical: 'frequency' }).schema) as Record<string, unknown>;
    const damaged: unknown[] = [
      null,
      { ...good, version: 2 },
      { ...good, features: ['x'] },
      { ...good, columns: [{ name: 'x', role: 'feature', kind: 'numeric', impute: 'high' }] },
      { ...good, columns: [{ name: 'color', role: 'feature', kind: 'categorical', encoding: 'frequency', categories: ['a', 'b'], frequencies: [1] }, { name: 'x', role: 'feature', kind: 'numeric' }] },
    ];
    for (const json of damaged) assert.throws(() => parseTableSchema(json), ModelFileError, JSON.stringify(json));
    assert.deepEqual(parseTableSchema(good), good);
  });
});
