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

test("hybrid: the encoder's score is an extra feature by default (saved with its moments); encoderScore: false leaves the latent code alone", () => {
  const small = { epochs: 3, hiddenSizes: [8, 3] };
  const withScore = createDetector('hybrid', { seed: 4, encoderOptions: small, detector: 'knn' }).fit(X);
  const without = createDetector('hybrid', { seed: 4, encoderOptions: small, detector: 'knn', encoderScore: false }).fit(X);
  const saved = withScore.snapshot();
  assert.ok(Array.isArray(saved.params.encoderScoreMoments));
  assert.equal(without.snapshot().params.encoderScoreMoments, undefined);
  assert.notDeepEqual(withScore.score(X), without.score(X));
  const loaded = decodeModel(encodeModel(withScore), 'hybrid.dad').detector;
  assert.deepEqual(loaded.score(X), withScore.score(X));
});

test('hybrid: a model saved before the encoder-score feature existed still scores on the latent code only', () => {
  const old = createDetector('hybrid', { seed: 5, encoderOptions: { epochs: 2, hiddenSizes: [8, 3] }, encoderScore: false }).fit(X);
  const snap = old.snapshot();
  const { encoderScore: _dropped, ...options } = snap.options as Record<string, unknown>;
  const restored = createDetector('hybrid', options).restore({ ...snap, options });
  assert.deepEqual(restored.score(X), old.score(X));
});
