// DevNet, Deep SAD and the MLP classifier: the label situations each must handle (the conformance suite fits them
// with every anomaly labelled; here: no labels, a few labels, one class only).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { DeepSAD } from './deepsad.ts';
import { DevNet } from './devnet.ts';
import { MLPClassifier } from './mlp-classifier.ts';
import { blobWithFarPoints } from './synthetic-fixture.ts';

const { X, labels } = blobWithFarPoints(3, 400, 10, 4);
/** Only the first two anomalies keep their label; the rest count as unlabelled (0). */
const few = new Uint8Array(labels.length);
for (let i = 0, k = 0; i < labels.length && k < 2; i++) if (labels[i] === 1) { few[i] = 1; k++; }

test('devnet: fits without labels (finite scores) and ranks the anomalies with two labelled', () => {
  const none = new DevNet({ seed: 1, epochs: 5 }).fit(X);
  assert.ok(none.trainingScores.every(Number.isFinite));
  const two = new DevNet({ seed: 1, epochs: 10 }).fit(X, few);
  assert.ok(rocAuc(labels, two.score(X)) > 0.75);
});

test('devnet: labelled anomalies end up at least the margin above the prior mean, unlabelled rows near it', () => {
  const detector = new DevNet({ seed: 2, epochs: 20 }).fit(X, labels);
  const scores = detector.score(X);
  const meanOf = (c: number): number => { let s = 0, n = 0; scores.forEach((v, i) => { if (labels[i] === c) { s += v; n++; } }); return s / n; };
  assert.ok(meanOf(1) > 3, `anomalies' mean score ${meanOf(1)}`);
  assert.ok(Math.abs(meanOf(0)) < 1, `normal rows' mean score ${meanOf(0)}`);
});

test('deepsad: without labels it is Deep SVDD; two labelled anomalies keep the ranking', () => {
  const options = { seed: 1, epochs: 10, pretrainEpochs: 10 };
  const none = new DeepSAD(options).fit(X);
  assert.ok(rocAuc(labels, none.score(X)) > 0.9);
  const two = new DeepSAD(options).fit(X, few);
  assert.ok(rocAuc(labels, two.score(X)) > 0.9);
});

test('deepsad: a validation split keeps each row with its own label', () => {
  const detector = new DeepSAD({ seed: 1, epochs: 4, pretrainEpochs: 2, validationSize: 0.2 }).fit(X, labels);
  assert.ok(rocAuc(labels, detector.score(X)) > 0.9);
});

test('mlp: needs labels of both classes', () => {
  assert.throws(() => new MLPClassifier({ epochs: 1 }).fit(X), InputError);
  assert.throws(() => new MLPClassifier({ epochs: 1 }).fit(X, new Uint8Array(X.rows)), (e: unknown) => e instanceof InputError && /both classes/.test(e.message));
});

test('mlp: weighted cross-entropy and focal loss both separate the classes; scores are probabilities', () => {
  for (const loss of ['weighted-bce', 'focal'] as const) {
    const scores = new MLPClassifier({ seed: 3, epochs: 30, loss }).fit(X, labels).score(X);
    assert.ok(scores.every((p) => p >= 0 && p <= 1));
    assert.ok(rocAuc(labels, scores) > 0.95, `${loss}: ${rocAuc(labels, scores)}`);
  }
});
