import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import { cholesky, choleskyWithJitter, logDeterminant, squaredMahalanobis } from './cholesky.ts';
import { columnMeans, covarianceMatrix, weightedMeanCovariance } from './covariance.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

function randomCovariance(rng: Rng, d: number): Float64Array {
  const B = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) B[i] = rng.normal();
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) A[i * d + j]! += B[i * d + k]! * B[j * d + k]!;
  return A;
}

describe('symmetricEigen', () => {
  it('solves a 2 × 2 case by hand: [[2, 1], [1, 2]] has eigenvalues 3 and 1', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    assert.ok(Math.abs(values[0]! - 3) < 1e-12 && Math.abs(values[1]! - 1) < 1e-12);
    assert.ok(Math.abs(Math.abs(vectors[0]!) - Math.SQRT1_2) < 1e-12 && Math.abs(vectors[0]! - vectors[1]!) < 1e-12);
  });

  it('A v = λ v with orthonormal vectors, values largest first, on random covariances', () => {
    const rng = new Rng(7);
    for (const d of [1, 3, 10, 33]) {
      const A = randomCovariance(rng, d);
      const { values, vectors } = symmetricEigen(A, d);
      for (let k = 0; k < d; k++) {
        if (k > 0) assert.ok(values[k - 1]! >= values[k]!);
        for (let i = 0; i < d; i++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += A[i * d + j]! * vectors[k * d + j]!;
          assert.ok(Math.abs(s - values[k]! * vectors[k * d + i]!) < 1e-9 * (1 + Math.abs(values[0]!)));
        }
        for (let m = 0; m < d; m++) {
          let dot = 0;
          for (let j = 0; j < d; j++) dot += vectors[k * d + j]! * vectors[m * d + j]!;
          assert.ok(Math.abs(dot - (k === m ? 1 : 0)) < 1e-10);
        }
      }
    }
  });

  it('handles a singular matrix (a zero eigenvalue) without NaN', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(1, 1, 1, 1), 2);
    assert.ok(Math.abs(values[0]! - 2) < 1e-12 && Math.abs(values[1]!) < 1e-12);
    assert.ok(vectors.every(Number.isFinite));
  });
});

describe('cholesky', () => {
  it('factors a matrix by hand and gives its log-determinant and Mahalanobis distances', () => {
    const A = Float64Array.of(4, 2, 2, 3);
    const L = cholesky(A, 2)!;
    assert.deepEqual(Array.from(L), [2, 0, 1, Math.sqrt(2)]);
    assert.ok(Math.abs(logDeterminant(L, 2) - Math.log(8)) < 1e-12);
    // (x − μ)ᵀ A⁻¹ (x − μ) with A⁻¹ = [[3, −2], [−2, 4]] / 8 and x − μ = (1, 1): (3 − 4 + 4) / 8
    const d2 = squaredMahalanobis(L, 2, Float64Array.of(0, 0), [1, 1], 0, new Float64Array(2));
    assert.ok(Math.abs(d2 - 3 / 8) < 1e-12);
  });

  it('refuses a singular matrix, and the jittered form makes it usable with a tiny ridge', () => {
    const A = Float64Array.of(1, 1, 1, 1);
    assert.equal(cholesky(A, 2), undefined);
    const { lower, jitter } = choleskyWithJitter(A, 2);
    assert.ok(jitter > 0 && jitter < 1e-6);
    assert.ok(lower.every(Number.isFinite));
  });
});

describe('covariance', () => {
  it('gives the maximum-likelihood covariance, of all rows or of a subset, and its weighted form', () => {
    const X = fromRows([[1, 2], [3, 6], [5, 10], [100, -100]]);
    const rows = [0, 1, 2];
    const mean = columnMeans(X, rows);
    assert.deepEqual(Array.from(mean), [3, 6]);
    const cov = covarianceMatrix(X, mean, { rows });
    assert.deepEqual(Array.from(cov).map((v) => +v.toFixed(12)), [8 / 3, 16 / 3, 16 / 3, 32 / 3].map((v) => +v.toFixed(12)));
    const w = weightedMeanCovariance(X, [2, 2, 2, 0]);
    assert.deepEqual(Array.from(w.mean), [3, 6]);
    assert.ok(w.covariance.every((v, i) => Math.abs(v - cov[i]!) < 1e-12));
  });
});
