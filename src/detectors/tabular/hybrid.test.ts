// The hybrid detector: encoders and classic detectors chosen by options, one model file for both, clear errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError, UnknownNameError } from '../../core/errors.ts';
import '../builtins.ts';
import { createDetector } from '../registry.ts';
import { decodeModel, encodeModel } from '../../model-io/model-file.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { blobWithFarPoints } from './synthetic-fixture.ts';

const { X, labels } = blobWithFarPoints(5, 300, 10, 6);

for (const [encoder, detector, encoderOptions] of [
  ['autoencoder', 'iforest', { epochs: 5, hiddenSizes: [16, 4] }],
  ['deepsvdd', 'knn', { epochs: 5 }],
  ['vae', 'knn', { epochs: 5, latentDim: 3 }],
] as const) {
  test(`hybrid ${encoder} + ${detector}: ranks the far points, saves and loads as one model`, () => {
    const hybrid = createDetector('hybrid', { seed: 2, encoder, encoderOptions, detector });
    hybrid.fit(X);
    const scores = hybrid.score(X);
    assert.ok(rocAuc(labels, scores) > 0.9, `ROC-AUC ${rocAuc(labels, scores)}`);
    const loaded = decodeModel(encodeModel(hybrid), 'hybrid.dad').detector;
    assert.deepEqual(loaded.score(X), scores);
    const arrays = Object.keys(hybrid.snapshot().arrays);
    assert.ok(arrays.some((a) => a.startsWith('encoder.network.')) && arrays.some((a) => a.startsWith('detector.')));
  });
}

test('hybrid: unknown or unsuitable parts and their bad options are errors at construction', () => {
  assert.throws(() => createDetector('hybrid', { encoder: 'iforest' }), OptionError);
  assert.throws(() => createDetector('hybrid', { detector: 'nope' }), UnknownNameError);
  assert.throws(() => createDetector('hybrid', { detector: 'devnet' }), (e: unknown) => e instanceof OptionError && /unsupervised/.test(e.message));
  assert.throws(() => createDetector('hybrid', { encoderOptions: { epochz: 3 } }), (e: unknown) => e instanceof OptionError && /epochz/.test(e.message));
  assert.throws(() => createDetector('hybrid', { detectorOptions: { trees: 0 } }), (e: unknown) => e instanceof OptionError && /trees/.test(e.message));
});
