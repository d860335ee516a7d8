/**
 * Labels through the shared training loop. The loop hands a detector's loss only a batch of rows, so the deep
 * detectors that learn from labels (DevNet, Deep SAD, the MLP classifier) train on rows with their 0/1 label as one
 * extra last column, and split it off again in the loss.
 */
import { tensor, type Tensor } from '../../engine/index.ts';
import type { TrainingData } from './deep-detector.ts';

/** `rows` [n, d] with `labels[index[i]]` (or `labels[i]` without an index) appended as column d. */
export function withLabelColumn(rows: Tensor, labels: Uint8Array, index?: Int32Array): Tensor {
  const n = rows.shape[0]!, d = rows.shape[1]!;
  const out = new Float32Array(n * (d + 1));
  for (let i = 0; i < n; i++) {
    out.set(rows.data.subarray(i * d, (i + 1) * d), i * (d + 1));
    out[i * (d + 1) + d] = labels[index === undefined ? i : index[i]!]!;
  }
  return tensor(out, [n, d + 1]);
}

/** The training data of a deep detector with each row's label appended (see withLabelColumn). */
export function labelledTrainingData(data: TrainingData, labels: Uint8Array): TrainingData {
  return {
    train: withLabelColumn(data.train, labels, data.trainRows),
    validation: data.validation === undefined ? undefined : withLabelColumn(data.validation, labels, data.validationRows),
  };
}

/** The labels of the training rows as `data.train` orders them. */
export function trainLabels(data: TrainingData, labels: Uint8Array): Uint8Array {
  const index = data.trainRows;
  return index === undefined ? labels : Uint8Array.from(index, (i) => labels[i]!);
}

/** A batch with a label column split into the rows [n, d] and the labels. */
export function splitLabelColumn(batch: Tensor): { x: Tensor; y: Float32Array } {
  const n = batch.shape[0]!, d = batch.shape[1]! - 1;
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x.set(batch.data.subarray(i * (d + 1), i * (d + 1) + d), i * d);
    y[i] = batch.data[i * (d + 1) + d]!;
  }
  return { x: tensor(x, [n, d]), y };
}

/** Number of 1s. */
export function countPositive(labels: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) n += 1;
  return n;
}
