/**
 * ADBench's data protocol (Han et al., NeurIPS 2022, and its `data_generator.py`): a dataset above 10,000 rows is
 * subsampled to 10,000 rows at random; then a stratified 70/30 train/test split. Both seeded through our Rng, so a
 * seed gives the same split on every machine (not the same rows as numpy's generator would pick: the protocol is the
 * same, the draws are not). Min-max scaling fitted on the train part is the pipeline's 'minmax' scale.
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

/** Row indices of the subsample (all rows, shuffled, when there are at most `maxRows`). */
export function subsample(rows: number, maxRows: number, rng: Rng): Int32Array {
  return rows > maxRows ? rng.sample(rows, maxRows) : rng.permutation(rows);
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
  const rows = subsample(X.rows, MAX_ROWS, rng);
  const { train, test } = stratifiedSplit(rows, y, TEST_SHARE, rng);
  return {
    train: selectRows(X, train),
    trainLabels: Uint8Array.from(train, (i) => y[i]!),
    test: selectRows(X, test),
    testLabels: Uint8Array.from(test, (i) => y[i]!),
  };
}
