import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, ShapeError } from '../../../core/errors.ts';
import { createMatrix, fromRows, type Matrix } from '../../../core/matrix.ts';
import { Rng } from '../../../core/rng.ts';
import { BruteForceSearch } from './brute-force.ts';
import { KDTree } from './kd-tree.ts';
import { NearestSet } from './nearest-set.ts';
import { buildNeighborSearch } from './search.ts';

function randomMatrix(rng: Rng, rows: number, cols: number, grid = 0): Matrix {
  const m = createMatrix(rows, cols);
  // grid > 0 rounds values onto a coarse grid, which makes many exact ties and duplicates.
  for (let p = 0; p < m.data.length; p++) m.data[p] = grid > 0 ? Math.round(rng.next() * grid) / grid : rng.normal();
  return m;
}

/** All pairs, fully sorted by (distance, index): the definition the searches must match. */
function reference(ref: Matrix, queries: Matrix, k: number, excludeSelf: boolean): { indices: number[]; distances: number[] } {
  const indices: number[] = [];
  const distances: number[] = [];
  for (let i = 0; i < queries.rows; i++) {
    const all: [number, number][] = [];
    for (let r = 0; r < ref.rows; r++) {
      if (excludeSelf && r === i) continue;
      let s = 0;
      for (let j = 0; j < ref.cols; j++) {
        const t = queries.data[i * ref.cols + j]! - ref.data[r * ref.cols + j]!;
        s += t * t;
      }
      all.push([s, r]);
    }
    all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let c = 0; c < k; c++) {
      indices.push(all[c]![1]);
      distances.push(Math.sqrt(all[c]![0]));
    }
  }
  return { indices, distances };
}

describe('neighbour search', () => {
  for (const d of [1, 2, 3, 7, 16, 40]) {
    for (const grid of [0, 4]) {
      it(`KD-tree and brute force match the sorted all-pairs answer (d = ${d}${grid ? ', many ties' : ''})`, () => {
        const rng = new Rng(100 + d + grid);
        const ref = randomMatrix(rng, 300, d, grid);
        const queries = randomMatrix(rng, 50, d, grid);
        for (const search of [new KDTree(ref, 8), new BruteForceSearch(ref)]) {
          for (const k of [1, 5, 17]) {
            const got = search.query(queries, k);
            const want = reference(ref, queries, k, false);
            assert.deepEqual(Array.from(got.indices), want.indices, `${search.algorithm} k=${k}`);
            assert.deepEqual(Array.from(got.distances), want.distances, `${search.algorithm} k=${k}`);
            const self = search.query(ref, k, { excludeSelf: true });
            const wantSelf = reference(ref, ref, k, true);
            assert.deepEqual(Array.from(self.indices), wantSelf.indices, `${search.algorithm} self k=${k}`);
            assert.deepEqual(Array.from(self.distances), wantSelf.distances, `${search.algorithm} self k=${k}`);
          }
        }
      });
    }
  }

  it('excludes only the query row itself, not its duplicates', () => {
    const X = fromRows([[0], [0], [0], [5]]);
    const got = new KDTree(X, 1).query(X, 2, { excludeSelf: true });
    assert.deepEqual(Array.from(got.indices), [1, 2, 0, 2, 0, 1, 0, 1]);
    assert.deepEqual(Array.from(got.distances), [0, 0, 0, 0, 0, 0, 5, 5]);
  });

  it('gives hand-checkable distances on a line', () => {
    const X = fromRows([[0], [1], [3], [7]]);
    const got = new BruteForceSearch(X).query(fromRows([[2]]), 3);
    // |2−1| = |2−3| = 1 tie → lower index first; then |2−0| = 2.
    assert.deepEqual(Array.from(got.indices), [1, 2, 0]);
    assert.deepEqual(Array.from(got.distances), [1, 1, 2]);
  });

  it('chooses a KD-tree for few features and many rows, brute force otherwise', () => {
    const rng = new Rng(1);
    assert.equal(buildNeighborSearch(randomMatrix(rng, 1000, 5)).algorithm, 'kd-tree');
    assert.equal(buildNeighborSearch(randomMatrix(rng, 1000, 40)).algorithm, 'brute-force');
    assert.equal(buildNeighborSearch(randomMatrix(rng, 50, 5)).algorithm, 'brute-force');
  });

  it('refuses k beyond the reference set and mismatched features', () => {
    const X = fromRows([[0], [1], [2]]);
    const search = new KDTree(X);
    assert.throws(() => search.query(X, 3, { excludeSelf: true }), InputError);
    assert.throws(() => search.query(X, 0), InputError);
    assert.throws(() => search.query(fromRows([[0, 1]]), 1), ShapeError);
    assert.throws(() => search.query(fromRows([[0]]), 1, { excludeSelf: true }), ShapeError);
  });

  it('NearestSet keeps the k best with lower index winning ties', () => {
    const set = new NearestSet(3);
    for (const [dist, i] of [[5, 0], [1, 9], [1, 4], [3, 2], [1, 7], [0.5, 8]] as const) set.push(dist, i);
    const idx = new Int32Array(3);
    const dist = new Float64Array(3);
    set.drain(idx, dist, 0);
    assert.deepEqual(Array.from(idx), [8, 4, 7]);
    assert.deepEqual(Array.from(dist), [0.5, 1, 1]);
  });
});
