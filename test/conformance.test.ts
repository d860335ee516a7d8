/**
 * The conformance suite (ARCHITECTURE.md, "Detector contract"): every registered tabular detector goes through the
 * same checks, after scikit-learn's `check_estimator` and River's `river/checks`. A detector registered in
 * src/detectors/builtins.ts is picked up with no change here; each gets its own subtests, so a failure names both the
 * detector and the rule it broke.
 *
 * Data are small (300 × 5 training rows) so the whole suite stays quick on a shared 2-core machine.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError, NotFittedError, OptionError, ShapeError } from '../src/core/errors.ts';
import { createMatrix, type Matrix } from '../src/core/matrix.ts';
import { Rng } from '../src/core/rng.ts';
import '../src/detectors/builtins.ts';
import type { Detector, DetectorInfo } from '../src/detectors/detector.ts';
import { createDetector, getDetectorClass, listDetectors } from '../src/detectors/registry.ts';
import { rocAuc } from '../src/metrics/roc.ts';
import { decodeModel, encodeModel } from '../src/model-io/model-file.ts';

/**
 * ROC-AUC every detector must reach on the synthetic test set below. Anomalies there sit 4–6 standard deviations
 * from a Gaussian cloud in every direction, so any method that finds global outliers clears this easily; failing
 * it means the sign of the score is flipped or the method is broken.
 */
const AUC_FLOOR = 0.8;

/**
 * Options that keep a detector's fit quick on 300 rows (fewer epochs for deep detectors, say). Empty means the
 * defaults; add an entry only for speed, never to pass a check.
 */
const FAST_OPTIONS: Record<string, Record<string, unknown>> = {
  'beta-vae': { epochs: 10 },
  dagmm: { epochs: 50 },
  deepsad: { epochs: 10, pretrainEpochs: 10 },
  mlp: { epochs: 20 },
  ocnn: { epochs: 20, pretrainEpochs: 5 },
  vae: { epochs: 10 },
};

interface Labelled {
  X: Matrix;
  y: Uint8Array;
}

/** `normal` rows from N(0, I) and `anomalies` rows at radius 4–6 in a uniform direction, in shuffled order. */
function synthetic(normal: number, anomalies: number, cols: number, seed: number): Labelled {
  const rng = new Rng(seed);
  const rows = normal + anomalies;
  const order = rng.permutation(rows);
  const data = new Float64Array(rows * cols);
  const y = new Uint8Array(rows);
  const direction = new Float64Array(cols);
  for (let k = 0; k < rows; k++) {
    const i = order[k]!;
    if (k < normal) {
      for (let j = 0; j < cols; j++) data[i * cols + j] = rng.normal();
      continue;
    }
    y[i] = 1;
    let norm = 0;
    for (let j = 0; j < cols; j++) {
      direction[j] = rng.normal();
      norm += direction[j]! ** 2;
    }
    const radius = rng.uniform(4, 6) / Math.sqrt(norm);
    for (let j = 0; j < cols; j++) data[i * cols + j] = direction[j]! * radius;
  }
  return { X: createMatrix(rows, cols, data), y };
}

const detectors = listDetectors({ modality: 'tabular' });

test('at least one tabular detector is registered', () => {
  assert.ok(detectors.length > 0, 'listDetectors({modality: "tabular"}) is empty: is src/detectors/builtins.ts imported?');
});

for (const info of detectors) {
  describe(`conformance: ${info.name}`, () => {
    // Fresh data per detector: one that wrongly writes into its input cannot spoil the checks of the next.
    const train = synthetic(270, 30, 5, 11);
    const holdout = synthetic(180, 20, 5, 12);
    /** A different training set (other size, other features) for the refit check. */
    const other = synthetic(150, 10, 3, 13);
    const usesLabels = info.supervision[0] === 'supervised' || info.supervision[0] === 'semi-supervised';
    const make = (options: Record<string, unknown> = {}): Detector => createDetector(info.name, { seed: 7, ...FAST_OPTIONS[info.name], ...options });
    const fit = (detector: Detector, data: Labelled): Detector => detector.fit(data.X, usesLabels ? data.y : undefined);
    // One fitted detector serves the checks that only read it; checks that fit make their own.
    let fitted: Detector | undefined;
    const shared = (): Detector => (fitted ??= fit(make(), train));

    test('registry entry is complete and names the class', () => {
      checkInfo(info);
      assert.equal(getDetectorClass(info.name).info, info);
      assert.equal(make().name, info.name);
    });

    test('score before fit is a NotFittedError', () => {
      assert.throws(() => make().score(holdout.X), NotFittedError);
    });

    test('fit, score, predict and predictProba leave their input untouched', () => {
      const trainCopy = train.X.data.slice();
      const labelsCopy = train.y.slice();
      const holdoutCopy = holdout.X.data.slice();
      const detector = fit(make(), train);
      detector.score(holdout.X);
      detector.predict(holdout.X);
      detector.predictProba(holdout.X);
      assert.deepEqual(train.X.data, trainCopy, 'fit changed X');
      assert.deepEqual(train.y, labelsCopy, 'fit changed y');
      assert.deepEqual(holdout.X.data, holdoutCopy, 'scoring changed X');
    });

    test('shapes: one finite float64 score per row, training scores included; zero rows give zero scores', () => {
      const detector = shared();
      const scores = detector.score(holdout.X);
      assert.ok(scores instanceof Float64Array);
      assert.equal(scores.length, holdout.X.rows);
      assert.equal(detector.trainingScores.length, train.X.rows);
      for (const s of [...scores, ...detector.trainingScores]) assert.ok(Number.isFinite(s), `score ${s} is not finite`);
      assert.equal(detector.nFeatures, train.X.cols);
      assert.ok(Number.isFinite(detector.threshold));
      assert.equal(detector.score(createMatrix(0, train.X.cols)).length, 0);
    });

    test('each row is scored on its own: a subset of rows gets the same scores', () => {
      const detector = shared();
      const all = detector.score(holdout.X);
      const firstTen = detector.score(createMatrix(10, holdout.X.cols, holdout.X.data.slice(0, 10 * holdout.X.cols)));
      // Float32 engines may sum a batch in another order; allow for that, never for a different score.
      for (let i = 0; i < 10; i++) assert.ok(close(firstTen[i]!, all[i]!), `row ${i}: ${firstTen[i]} alone, ${all[i]} in the batch`);
    });

    test('same seed → same scores and threshold', () => {
      const a = shared();
      const b = fit(make(), train);
      assert.deepEqual(b.score(holdout.X), a.score(holdout.X));
      assert.equal(b.threshold, a.threshold);
    });

    test('refitting forgets the old fit: fit(A) then fit(B) equals fit(B)', () => {
      const refitted = fit(fit(make(), other), train);
      assert.equal(refitted.nFeatures, train.X.cols);
      assert.deepEqual(refitted.score(holdout.X), shared().score(holdout.X));
      assert.equal(refitted.threshold, shared().threshold);
    });

    test('save → load → same scores, labels and threshold; the restored state snapshots as saved', () => {
      const detector = shared();
      const loaded = decodeModel(encodeModel(detector), `${info.name}.dad`).detector;
      assert.equal(loaded.name, info.name);
      assert.deepEqual(loaded.score(holdout.X), detector.score(holdout.X));
      assert.deepEqual(loaded.predict(holdout.X), detector.predict(holdout.X));
      assert.equal(loaded.threshold, detector.threshold);
      // A loadModel that drops or retypes an array fails here rather than on some later score.
      const before = detector.snapshot();
      const after = loaded.snapshot();
      assert.deepEqual(after.params, before.params);
      assert.deepEqual(Object.keys(after.arrays).sort(), Object.keys(before.arrays).sort());
      for (const [name, array] of Object.entries(before.arrays)) assert.deepEqual(after.arrays[name], array, `array '${name}' differs after load`);
    });

    test('the wrong number of features is a ShapeError naming both counts', () => {
      const detector = shared();
      for (const cols of [train.X.cols + 1, train.X.cols - 1]) {
        const X = createMatrix(4, cols, new Float64Array(4 * cols));
        assert.throws(() => detector.score(X), (e: unknown) => e instanceof ShapeError && e.message.includes(`${train.X.cols} features`) && e.message.includes(`${cols}`));
      }
    });

    test('NaN or infinite input is an InputError, in fit and in score', () => {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        const X = createMatrix(train.X.rows, train.X.cols, train.X.data.slice());
        X.data[7 * X.cols + 2] = bad;
        assert.throws(() => fit(make(), { X, y: train.y }), (e: unknown) => e instanceof InputError && /row 7, feature 2/.test(e.message));
        const H = createMatrix(holdout.X.rows, holdout.X.cols, holdout.X.data.slice());
        H.data[3 * H.cols] = bad;
        assert.throws(() => shared().score(H), (e: unknown) => e instanceof InputError && /row 3, feature 0/.test(e.message));
      }
    });

    test(`ROC-AUC ≥ ${AUC_FLOOR} on seeded synthetic data`, () => {
      const auc = rocAuc(holdout.y, shared().score(holdout.X));
      assert.ok(auc >= AUC_FLOOR, `ROC-AUC ${auc.toFixed(3)} on the holdout set is below ${AUC_FLOOR}`);
    });

    test('predict is 0/1, agrees with score > threshold, and flags about the contamination share of training rows', () => {
      const detector = shared();
      const scores = detector.score(holdout.X);
      const labels = detector.predict(holdout.X);
      assert.ok(labels instanceof Uint8Array);
      assert.equal(labels.length, holdout.X.rows);
      for (let i = 0; i < labels.length; i++) assert.equal(labels[i], scores[i]! > detector.threshold ? 1 : 0, `row ${i}`);
      const flagged = detector.trainingScores.filter((s) => s > detector.threshold).length;
      const contamination = detector.options.contamination;
      // The (1 − c) quantile leaves at most c·n + 1 rows strictly above it (fewer when scores tie).
      assert.ok(flagged <= contamination * train.X.rows + 1, `${flagged} of ${train.X.rows} training rows flagged at contamination ${contamination}`);
    });

    test('predictProba is in [0, 1] for both methods', () => {
      for (const method of ['linear', 'unify'] as const) {
        const p = shared().predictProba(holdout.X, method);
        assert.equal(p.length, holdout.X.rows);
        for (const v of p) assert.ok(v >= 0 && v <= 1, `${method}: ${v}`);
      }
    });

    test("contamination outside (0, 0.5] is an OptionError naming 'contamination'", () => {
      for (const contamination of [0, -0.1, 0.6, 1, Number.NaN]) {
        assert.throws(() => make({ contamination }), (e: unknown) => e instanceof OptionError && e.message.includes("'contamination'"), `contamination ${contamination}`);
      }
      assert.equal(make({ contamination: 0.5 }).options.contamination, 0.5);
    });

    test('an unknown option is an OptionError naming it', () => {
      assert.throws(() => make({ contaminaton: 0.1 }), (e: unknown) => e instanceof OptionError && e.message.includes("'contaminaton'"));
    });
  });
}

function checkInfo(info: DetectorInfo): void {
  assert.match(info.name, /^[a-z][a-z0-9-]*$/);
  for (const field of ['title', 'family', 'paper', 'summary'] as const) {
    assert.ok(typeof info[field] === 'string' && info[field].trim().length > 0, `info.${field} is empty`);
  }
  assert.equal(info.modality, 'tabular');
  assert.ok(info.supervision.length > 0, 'info.supervision is empty');
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}
