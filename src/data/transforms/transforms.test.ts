import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DadError, ModelFileError, ShapeError, UnknownNameError } from '../../core/errors.ts';
import { fromRows, toRows } from '../../core/matrix.ts';
import { createTransform, TRANSFORM_KINDS, transformFromJSON, type TransformKind } from './index.ts';

// column 0: 1, 2, 3, 10; column 1 constant 5
const train = fromRows([[1, 5], [2, 5], [3, 5], [10, 5]]);
const score = fromRows([[0, 5], [20, 7]]);

function close(actual: number[][], expected: number[][]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - expected[i]![j]!) < 1e-12, `(${i}, ${j}): ${v} vs ${expected[i]![j]}`)));
}

describe('scalings', () => {
  it('min-max: (x − min) / (max − min); a constant column keeps scale 1; outside the training range is fine', () => {
    const t = createTransform('minmax').fit(train);
    close(toRows(t.transform(train)), [[0, 0], [1 / 9, 0], [2 / 9, 0], [1, 0]]);
    close(toRows(t.transform(score)), [[-1 / 9, 0], [19 / 9, 2]]);
    assert.deepEqual(t.toJSON(), { kind: 'minmax', min: [1, 5], range: [9, 1] });
  });

  it('standard: (x − mean) / population std', () => {
    const t = createTransform('standard').fit(train);
    // mean 4; deviations −3 −2 −1 6; variance (9 + 4 + 1 + 36) / 4 = 12.5
    const s = Math.sqrt(12.5);
    close(toRows(t.transform(train)), [[-3 / s, 0], [-2 / s, 0], [-1 / s, 0], [6 / s, 0]]);
    assert.deepEqual(t.toJSON(), { kind: 'standard', mean: [4, 5], std: [s, 1] });
  });

  it('standard: a constant column of a value with no exact binary form still gets scale 1', () => {
    const t = createTransform('standard').fit(fromRows([[0.1], [0.1], [0.1]]));
    close(toRows(t.transform(fromRows([[0.1], [1.1]]))), [[0], [1]]);
  });

  it('robust: (x − median) / IQR, linear quantiles', () => {
    const t = createTransform('robust').fit(train);
    // sorted 1 2 3 10: median 2.5, q25 = 1.75, q75 = 4.75, IQR 3
    close(toRows(t.transform(train)), [[-0.5, 0], [-0.5 / 3, 0], [0.5 / 3, 0], [2.5, 0]]);
    assert.deepEqual(t.toJSON(), { kind: 'robust', median: [2.5, 5], iqr: [3, 1] });
  });

  it('never changes its input, and survives a JSON round trip', () => {
    for (const kind of TRANSFORM_KINDS) {
      const before = Float64Array.from(train.data);
      const t = createTransform(kind).fit(train);
      const out = t.transform(train);
      assert.deepEqual(train.data, before, kind);
      assert.notEqual(out.data, train.data);
      const restored = transformFromJSON(JSON.parse(JSON.stringify(t.toJSON())));
      assert.equal(restored.kind, kind);
      assert.deepEqual(toRows(restored.transform(score)), toRows(t.transform(score)), kind);
    }
  });

  it('refitting forgets the old fit', () => {
    const t = createTransform('minmax').fit(train).fit(fromRows([[0], [2]]));
    assert.deepEqual(toRows(t.transform(fromRows([[1]]))), [[0.5]]);
  });

  it('refuses NaN at fit, a wrong column count, and use before fit', () => {
    assert.throws(() => createTransform('standard').fit(fromRows([[1], [Number.NaN]])), /row 1, feature 0 is NaN/);
    assert.throws(() => createTransform('standard').fit(train).transform(fromRows([[1]])), (e: unknown) => e instanceof ShapeError && /fitted on 2 columns\. Got 1/.test(e.message));
    assert.throws(() => createTransform('robust').transform(train), (e: unknown) => e instanceof DadError && /not fitted/.test(e.message));
    assert.throws(() => createTransform('bogus' as TransformKind), UnknownNameError);
  });

  it('refuses damaged JSON with ModelFileError', () => {
    const damaged: unknown[] = [
      null, [], 'minmax', { kind: 'zscore', mean: [0], std: [1] }, { kind: 'minmax', min: [0] }, { kind: 'minmax', min: [0, 1], range: [1] },
      { kind: 'standard', mean: [0], std: [0] }, { kind: 'standard', mean: ['0'], std: [1] }, { kind: 'robust', median: [null], iqr: [1] },
    ];
    for (const json of damaged) assert.throws(() => transformFromJSON(json), ModelFileError, JSON.stringify(json));
  });
});
