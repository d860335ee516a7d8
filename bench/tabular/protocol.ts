/**
 * ADBench's data protocol (Han et al., NeurIPS 2022, and its `data_generator.py`): a dataset above 10,000 rows is
 * subsampled to 10,000 rows; then a stratified 70/30 train/test split. Both seeded through our Rng, so a seed gives
 * the same split on every machine (not the same rows as numpy's generator would pick: the protocol is the same, the
 * draws are not). Min-max scaling fitted on the train part is the pipeline's 'minmax' scale.
 *
 * One deliberate difference: our subsample is stratified (each class keeps its share, and at least 2 rows), where
 * ADBench draws uniformly. On smtp (30 anomalies in 95,156 rows) a uniform draw of 10,000 rows often keeps 0–1
 * anomalies, which leaves a test part without anomalies and ROC-AUC undefined.
 */
import { selectRows, type Matrix } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';

export const MAX_ROWS = 10_000;
export const TEST_SHARE = 0.3;

export interface Split {
  train: Matrix;
  trainLabels: Uint8Array;
  test: Matrix;
  testLabels: Uint8Array;
}

/** Row indices of the stratified subsample (all rows, shuffled, when there are at most `maxRows`). */
export function subsample(labels: Uint8Array, maxRows: number, rng: Rng): Int32Array {
  const rows = labels.length;
  if (rows <= maxRows) return rng.permutation(rows);
  const byClass: number[][] = [[], []];
  for (let i = 0; i < rows; i++) byClass[labels[i]!]!.push(i);
  const anomalies = byClass[1]!.length;
  const keepAnomalies = Math.min(anomalies, Math.max(2, Math.round((maxRows * anomalies) / rows)));
  const keep = [maxRows - keepAnomalies, keepAnomalies];
  const out: number[] = [];
  byClass.forEach((members, c) => {
    for (const k of rng.sample(members.length, keep[c]!)) out.push(members[k]!);
  });
  return rng.shuffle(Int32Array.from(out));
}

/**
 * Stratified split of `indices`: in each class, a random round(share · count) rows go to the test part (at least one
 * when the class has two or more rows, as scikit-learn's train_test_split keeps both parts non-empty per class).
 */
export function stratifiedSplit(indices: ArrayLike<number>, labels: Uint8Array, share: number, rng: Rng): { train: Int32Array; test: Int32Array } {
  const byClass: number[][] = [[], []];
  for (let k = 0; k < indices.length; k++) byClass[labels[indices[k]!]!]!.push(indices[k]!);
  const train: number[] = [];
  const test: number[] = [];
  for (const members of byClass) {
    rng.shuffle(members);
    let nTest = Math.round(share * members.length);
    if (members.length >= 2) nTest = Math.min(Math.max(nTest, 1), members.length - 1);
    test.push(...members.slice(0, nTest));
    train.push(...members.slice(nTest));
  }
  // Shuffle again so neither part is ordered by class (some files are sorted by label, and order reaches detectors).
  return { train: rng.shuffle(Int32Array.from(train)), test: rng.shuffle(Int32Array.from(test)) };
}

export function adbenchSplit(X: Matrix, y: Uint8Array, seed: number): Split {
  const rng = new Rng(seed);
  const rows = subsample(y, MAX_ROWS, rng);
  const { train, test } = stratifiedSplit(rows, y, TEST_SHARE, rng);
  return {
    train: selectRows(X, train),
    trainLabels: Uint8Array.from(train, (i) => y[i]!),
    test: selectRows(X, test),
    testLabels: Uint8Array.from(test, (i) => y[i]!),
  };
}

/**
 * ADBench's labelled-anomaly setting (`data_generator.py`, `la` a ratio, `at_least_one_labeled=True` as run.py calls
 * it): ceil(share · anomalies) training anomalies, drawn at random, keep label 1; all other rows get 0 (unlabelled).
 * Seeded by the split's seed through its own generator, so the split itself does not change with the share.
 */
export function keepLabelledShare(trainLabels: Uint8Array, share: number, seed: number): Uint8Array {
  const anomalies: number[] = [];
  trainLabels.forEach((v, i) => { if (v === 1) anomalies.push(i); });
  const keep = Math.min(anomalies.length, Math.ceil(share * anomalies.length - 1e-9));
  const out = new Uint8Array(trainLabels.length);
  for (const k of new Rng(seed).fork().sample(anomalies.length, keep)) out[anomalies[k]!] = 1;
  return out;
}
