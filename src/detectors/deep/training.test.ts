/**
 * The shared training loop: batches cover every row once per epoch, a non-finite loss is a clear error naming the
 * epoch, the validation split keeps the best epoch and stops early, progress reaches the detector's listener or the
 * process-wide one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setProgressListener, type TrainingProgress } from '../../core/progress.ts';
import { Rng } from '../../core/rng.ts';
import { AutoEncoder } from '../tabular/autoencoder.ts';
import { blobWithFarPoints } from '../tabular/synthetic-fixture.ts';
import { trainLoop, TrainingDivergedError } from './training.ts';

test('each epoch visits every row once; a lone trailing row joins the batch before it', () => {
  const seen: number[][] = [];
  const result = trainLoop({
    detector: 'test', rows: 9, epochs: 2, batchSize: 4, learningRate: 1, rng: new Rng(1),
    step: (rows, epoch) => { seen.push([epoch, rows.length, ...rows]); return rows.length; },
  });
  assert.deepEqual(seen.map((s) => s.slice(0, 2)), [[1, 4], [1, 5], [2, 4], [2, 5]]);
  for (const epoch of [1, 2]) {
    const rows = seen.filter((s) => s[0] === epoch).flatMap((s) => s.slice(2)).sort((a, b) => a - b);
    assert.deepEqual(rows, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  }
  assert.deepEqual(result.losses, [4.5, 4.5]);
  assert.equal(result.epochs, 2);
});

test('a non-finite loss stops training with an error naming the epoch and a hint', () => {
  assert.throws(
    () => trainLoop({ detector: 'test', rows: 10, epochs: 5, batchSize: 5, learningRate: 3, rng: new Rng(1), step: (_rows, epoch) => (epoch === 3 ? Number.NaN : 1) }),
    (e: unknown) => e instanceof TrainingDivergedError && /epoch 3/.test(e.message) && /learning rate/.test(e.message) && /scale your data/.test(e.message),
  );
});

test('a loss a million times its first value counts as diverged too', () => {
  const losses = [2, 1, 3e6, 3e7];
  let k = 0;
  assert.throws(
    () => trainLoop({ detector: 'test', rows: 4, epochs: 4, batchSize: 2, learningRate: 3, rng: new Rng(1), step: () => losses[k++]! }),
    (e: unknown) => e instanceof TrainingDivergedError && /epoch 2/.test(e.message) && /3\.00e\+6/.test(e.message),
  );
});

test('early stopping: the best validation epoch is restored and training stops after `patience` worse epochs', () => {
  const validation = [5, 3, 2, 4, 6, 7, 1];
  let state = 0;
  const loaded: number[] = [];
  const result = trainLoop<number>({
    detector: 'test', rows: 4, epochs: 7, batchSize: 4, learningRate: 1, rng: new Rng(1), patience: 2,
    step: (_rows, epoch) => { state = epoch; return 1; },
    validationLoss: () => validation[state - 1]!,
    checkpoint: { save: () => state, load: (saved) => { loaded.push(saved); state = saved; } },
  });
  assert.equal(result.epochs, 5);
  assert.equal(result.bestEpoch, 3);
  assert.deepEqual(loaded, [3]);
  assert.deepEqual(result.validationLosses, [5, 3, 2, 4, 6]);
});

test('a deep detector with a huge learning rate fails with TrainingDivergedError naming the epoch', () => {
  const { X } = blobWithFarPoints(3, 200, 5, 4);
  const detector = new AutoEncoder({ learningRate: 1e6, epochs: 5, batchNorm: false, dropout: 0, seed: 1 });
  assert.throws(() => detector.fit(X), (e: unknown) => e instanceof TrainingDivergedError && /diverged in epoch \d+/.test(e.message) && /learningRate is 1000000/.test(e.message));
  assert.equal(detector.isFitted, false);
});

test('progress events go to the detector\'s onProgress, else to the process-wide listener', () => {
  const { X } = blobWithFarPoints(4, 100, 5, 3);
  const own: TrainingProgress[] = [];
  const global: TrainingProgress[] = [];
  const previous = setProgressListener((e) => global.push(e));
  try {
    const detector = new AutoEncoder({ epochs: 3, seed: 2 });
    detector.onProgress = (e) => own.push(e);
    detector.fit(X);
    assert.equal(global.length, 0);
    assert.deepEqual(own.map((e) => [e.detector, e.epoch, e.epochs]), [['autoencoder', 1, 3], ['autoencoder', 2, 3], ['autoencoder', 3, 3]]);
    assert.ok(own.every((e) => Number.isFinite(e.loss) && e.validationLoss === undefined));
    new AutoEncoder({ epochs: 2, seed: 2, validationSize: 0.2 }).fit(X);
    assert.equal(global.length, 2);
    assert.ok(global.every((e) => Number.isFinite(e.validationLoss)));
  } finally {
    setProgressListener(previous);
  }
});
