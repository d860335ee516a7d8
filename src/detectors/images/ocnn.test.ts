/**
 * The image OC-NN's special parts: after training, r is the ν-quantile of the training images' outputs (so at most a
 * share ν of them score above 0), the stages are the autoencoder pretraining (two phases) and the head, the encoder
 * stays frozen while the head trains, and the same seed gives the same scores.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../core/rng.ts';
import type { ImageSet } from '../../images/image-set.ts';
import '../builtins.ts';
import { resolveImageDetector } from './resolve.ts';
import { ocnnRadius } from '../tabular/ocnn.ts';
import { ImageOCNN, type ImageOcnnNetwork } from './ocnn.ts';

/** the detector's network (protected: the test looks inside) */
const networkOf = (d: ImageOCNN): ImageOcnnNetwork => (d as unknown as { network: ImageOcnnNetwork }).network;

/** n images of 8 × 8: a bright 3 × 3 blob at a random place on faint noise. */
function blobs(n: number, seed: number): ImageSet {
  const rng = new Rng(seed);
  const data = new Float32Array(n * 64);
  for (let i = 0; i < n; i++) {
    const cx = 1 + rng.int(6), cy = 1 + rng.int(6);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) data[(i * 8 + y) * 8 + x] = Math.abs(x - cx) <= 1 && Math.abs(y - cy) <= 1 ? 0.9 : 0.1 * rng.next();
  }
  return { count: n, channels: 1, height: 8, width: 8, data, names: Array.from({ length: n }, (_, i) => `img${i}`) };
}

const OPTIONS = { pretrainEpochs: 3, fineTuneEpochs: 1, epochs: 6, batchSize: 16, convChannels: [4, 2], latentDim: 8, nu: 0.2, seed: 3 };

test('image-ocnn: r is the ν-quantile of the training outputs; the encoder is frozen while the head trains; seeded', () => {
  const train = blobs(40, 1);
  const detector = new ImageOCNN(OPTIONS);
  const encoderAfterPretraining: Float32Array[] = [];
  detector.onProgress = (e) => {
    // the first head epoch: the encoder's weights as the pretraining left them
    if (e.stage === 'one-class head' && e.epoch === 1) for (const p of networkOf(detector).encoder.parameters()) encoderAfterPretraining.push(p.data.slice());
  };
  detector.fitImages(train);
  assert.deepEqual(detector.history.map((h) => h.epochs), [3, 1, 6], 'pretraining, its fine-tuning phase, then the head');
  assert.deepEqual(networkOf(detector).encoder.parameters().map((p) => p.data), encoderAfterPretraining, 'the head stage leaves the encoder as it was');

  const scores = detector.scoreImages(train);
  const outputs = Array.from(scores, (s) => detector.radius - s);
  assert.ok(Math.abs(ocnnRadius(outputs, OPTIONS.nu) - detector.radius) < 1e-5, `r ${detector.radius}, ν-quantile of the outputs ${ocnnRadius(outputs, OPTIONS.nu)}`);
  const outside = scores.filter((s) => s > 1e-5).length;
  assert.ok(outside < OPTIONS.nu * train.count, `${outside} of ${train.count} training images score above 0 (ν = ${OPTIONS.nu})`);

  const again = new ImageOCNN(OPTIONS).fitImages(train);
  assert.deepEqual(again.scoreImages(train), scores);
  const other = new ImageOCNN({ ...OPTIONS, seed: 4 }).fitImages(train);
  assert.notDeepEqual(other.scoreImages(train), scores);
});

test("image-ocnn: the paper's linear hidden units train too", () => {
  const detector = new ImageOCNN({ ...OPTIONS, hiddenActivation: 'identity' }).fitImages(blobs(24, 2));
  assert.ok(detector.scoreImages(blobs(4, 5)).every(Number.isFinite));
});

test("image-ocnn: the short name 'ocnn' (a tabular detector) resolves to it where an image detector is wanted", () => {
  assert.equal(resolveImageDetector('ocnn'), 'image-ocnn');
});
