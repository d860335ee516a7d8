import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMatrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import { solveOneClass } from '../components/one-class-smo.ts';
import { RbfKernelRows } from '../components/rbf-kernel-rows.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { blobWithOutliers } from './blob-fixture.ts';
import { OCSVM } from './ocsvm.ts';

describe('one-class SMO', () => {
  for (const nu of [0.1, 0.5, 0.9]) {
    it(`meets Σα = ν·l, the box and the KKT conditions within tolerance (ν = ${nu})`, () => {
      const rng = new Rng(11);
      const X = createMatrix(40, 2);
      for (let p = 0; p < X.data.length; p++) X.data[p] = rng.normal();
      const tol = 1e-3;
      // A one-row cache forces recomputation on almost every step: the answer must not depend on the cache.
      const { alpha, rho, gradient } = solveOneClass(new RbfKernelRows(X, 0.5, 1e-4), nu, tol);
      const sum = alpha.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - nu * 40) < 1e-9, `Σα = ${sum}`);
      for (let i = 0; i < 40; i++) {
        const a = alpha[i]!;
        const g = gradient[i]!;
        assert.ok(a >= 0 && a <= 1);
        // Optimality: free αs sit at G = ρ, αs at 0 have G ≥ ρ, αs at 1 have G ≤ ρ (to the stopping tolerance).
        if (a > 0 && a < 1) assert.ok(Math.abs(g - rho) < tol, `free ${i}: G ${g} ρ ${rho}`);
        else if (a === 0) assert.ok(g >= rho - tol, `lower ${i}: G ${g} ρ ${rho}`);
        else assert.ok(g <= rho + tol, `upper ${i}: G ${g} ρ ${rho}`);
      }
      // The gradient the solver kept is Qα recomputed from scratch.
      const rows = new RbfKernelRows(X, 0.5, 10);
      for (let i = 0; i < 40; i++) {
        const Qi = rows.row(i);
        let g = 0;
        for (let j = 0; j < 40; j++) g += Qi[j]! * alpha[j]!;
        assert.ok(Math.abs(g - gradient[i]!) < 1e-9);
      }
    });
  }

  it('solves two points by hand: symmetric, so α = ν·l / 2 each and ρ = α(1 + K₁₂)', () => {
    const X = createMatrix(2, 1, Float64Array.from([0, 1]));
    const { alpha, rho } = solveOneClass(new RbfKernelRows(X, 1, 1), 0.5, 1e-6);
    // Start: ⌊0.5·2⌋ = 1 → α = (1, 0); the single step moves half of it across.
    assert.ok(Math.abs(alpha[0]! - 0.5) < 1e-7 && Math.abs(alpha[1]! - 0.5) < 1e-7);
    assert.ok(Math.abs(rho - 0.5 * (1 + Math.fround(Math.exp(-1)))) < 1e-7);
  });
});

describe('ocsvm', () => {
  it('puts planted far points on top (AUC > 0.95), identically on refit and after restore', () => {
    const train = blobWithOutliers(1, 300, 15, 4);
    const test = blobWithOutliers(2, 300, 15, 4);
    const ocsvm = new OCSVM().fit(train.X);
    assert.ok(ocsvm.solverConverged);
    assert.ok(rocAuc(train.y, ocsvm.trainingScores) > 0.95);
    assert.ok(rocAuc(test.y, ocsvm.score(test.X)) > 0.95);
    assert.deepEqual(new OCSVM().fit(train.X).trainingScores, ocsvm.trainingScores);
    assert.deepEqual(new OCSVM().restore(ocsvm.snapshot()).score(test.X), ocsvm.score(test.X));
  });

  it("keeps at least ν·l support vectors and resolves gamma 'auto' and 'scale' as scikit-learn", () => {
    const { X } = blobWithOutliers(5, 100, 5, 3);
    const auto = new OCSVM().fit(X).support;
    assert.ok(auto.coefficients.length >= 0.5 * X.rows);
    assert.equal(auto.gamma, 1 / 3);
    let mean = 0;
    for (const v of X.data) mean += v / X.data.length;
    let variance = 0;
    for (const v of X.data) variance += (v - mean) ** 2 / X.data.length;
    assert.ok(Math.abs(new OCSVM({ gamma: 'scale' }).fit(X).support.gamma - 1 / (3 * variance)) < 1e-12);
  });
});
