/**
 * The image RCAE's noise matrix N: the proximal step (`updateNoise`) puts into N only what a pixel's (L1) or an image's
 * (L2,1) residual exceeds λ/2, so N is sparse, the sparser the larger λ; with L2,1 the training images with planted
 * defects carry the largest ‖N‖; with a λ too large for any residual, N stays 0 and RCAE is exactly the DCAE.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../core/rng.ts';
import { tensor } from '../../engine/index.ts';
import type { ImageSet } from '../../images/image-set.ts';
import '../builtins.ts';
import { resolveImageDetector } from './resolve.ts';
import { updateNoise } from '../tabular/rcae.ts';
import { ConvAutoencoderDetector } from './dcae.ts';
import { ImageRCAE } from './rcae.ts';

test('updateNoise: L1 soft-thresholds each entry, L2,1 each row as a whole; X − N is written back', () => {
  const X = tensor(Float32Array.from([0.5, 0.1, -0.9, 0, 0.2, 0.3, 0.1, 0]), [2, 4]);
  const zero = (batch: typeof X) => tensor(new Float32Array(batch.size), batch.shape);
  const cleaned = tensor(X.data.slice(), X.shape);
  // residual = X; threshold 0.25: entries 0.5 → N 0.25, −0.9 → N −0.65, 0.3 → N 0.05, the rest → 0
  assert.equal(updateNoise(X, cleaned, zero, 0.25, 'l1'), 3 / 8);
  const expectedL1 = [0.25, 0.1, -0.25, 0, 0.2, 0.25, 0.1, 0];
  expectedL1.forEach((v, i) => assert.ok(Math.abs(cleaned.data[i]! - v) < 1e-6, `X − N at ${i}: ${cleaned.data[i]} ≠ ${v}`));

  // L2,1 at threshold 0.5: row 0 (norm ≈ 1.035) is shrunk towards 0 by 0.5 in norm, row 1 (norm ≈ 0.374) leaves N at 0
  const cleaned21 = tensor(X.data.slice(), X.shape);
  assert.equal(updateNoise(X, cleaned21, zero, 0.5, 'l21'), 3 / 8);
  const norm0 = Math.hypot(0.5, 0.1, -0.9);
  for (let j = 0; j < 4; j++) {
    const noise = X.data[j]! * (1 - 0.5 / norm0);
    assert.ok(Math.abs(cleaned21.data[j]! - (X.data[j]! - noise)) < 1e-6);
    assert.equal(cleaned21.data[4 + j], X.data[4 + j]);
  }
});

/** n images of 8 × 8: a bright 3 × 3 blob near the centre on faint noise; the images in `defects` get a white 2 × 8 bar. */
function blobs(n: number, seed: number, defects: ReadonlySet<number> = new Set()): ImageSet {
  const rng = new Rng(seed);
  const data = new Float32Array(n * 64);
  for (let i = 0; i < n; i++) {
    const cx = 3 + rng.int(2), cy = 3 + rng.int(2);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const on = (Math.abs(x - cx) <= 1 && Math.abs(y - cy) <= 1) || (defects.has(i) && y >= 6);
        data[(i * 8 + y) * 8 + x] = on ? 0.9 : 0.1 * rng.next();
      }
    }
  }
  return { count: n, channels: 1, height: 8, width: 8, data, names: Array.from({ length: n }, (_, i) => `img${i}`) };
}

const OPTIONS = { epochs: 20, fineTuneEpochs: 4, batchSize: 16, learningRate: 1e-2, convChannels: [4, 2], latentDim: 8, alternations: 4, seed: 2 };

test('image-rcae: N is sparse (L1), and with L2,1 the images with planted defects hold the most of it', () => {
  const defects = new Set([3, 17, 30]);
  const train = blobs(40, 1, defects);
  const l1 = new ImageRCAE(OPTIONS).fitImages(train);
  assert.ok(l1.noiseShare > 0 && l1.noiseShare < 0.3, `share of the training pixels in N: ${l1.noiseShare}`);
  const sparser = new ImageRCAE({ ...OPTIONS, lambda: 1 }).fitImages(train);
  assert.ok(sparser.noiseShare < l1.noiseShare, `a larger λ leaves fewer pixels in N: ${sparser.noiseShare} vs ${l1.noiseShare}`);
  const l21 = new ImageRCAE({ ...OPTIONS, noisePenalty: 'l21', lambda: 3 }).fitImages(train);
  assert.equal(l21.trainingNoise.length, 40);
  const largest = [...l21.trainingNoise.keys()].sort((a, b) => l21.trainingNoise[b]! - l21.trainingNoise[a]!).slice(0, 3);
  assert.deepEqual(new Set(largest), defects, `‖N‖ per image: ${[...l21.trainingNoise].map((v) => v.toFixed(2)).join(' ')}`);
});

test('image-rcae: with λ beyond every residual N stays 0 and the fit is exactly the DCAE', () => {
  const train = blobs(32, 4);
  const test = blobs(5, 5);
  const { alternations: _alternations, ...dcaeOptions } = OPTIONS;
  const rcae = new ImageRCAE({ ...OPTIONS, lambda: 1e5 }).fitImages(train);
  assert.equal(rcae.noiseShare, 0);
  assert.deepEqual(rcae.scoreImages(test), new ConvAutoencoderDetector(dcaeOptions).fitImages(train).scoreImages(test));
  assert.deepEqual(new ImageRCAE({ ...OPTIONS, lambda: 1e5 }).fitImages(train).scoreImages(test), rcae.scoreImages(test), 'seeded');
});

test("image-rcae: the short name 'rcae' (a tabular detector) resolves to it where an image detector is wanted", () => {
  assert.equal(resolveImageDetector('rcae'), 'image-rcae');
});
