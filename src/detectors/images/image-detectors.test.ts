/**
 * Conformance of every registered image detector: shapes of scores and maps, save → load gives the same scores and
 * maps, refitting forgets, wrong-shaped input is an error, frames smooth in order, and a planted anomaly ranks high.
 * Tiny 8 × 8 images and a few epochs keep it fast.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShapeError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import type { ImageSet } from '../../images/image-set.ts';
import { decodeModel, encodeModel } from '../../model-io/model-file.ts';
import '../builtins.ts';
import { createDetector, listDetectors } from '../registry.ts';
import { isImageDetector, type ImageDetector, type ImageOptions } from './index.ts';
import { resolveImageDetector } from './resolve.ts';

/** n images of 8 × 8: a bright 3 × 3 blob near the centre (normal) or in a corner (`corner`), on faint noise. */
function blobs(n: number, seed: number, corner = false, channels = 1): ImageSet {
  const rng = new Rng(seed);
  const data = new Float32Array(n * channels * 64);
  for (let i = 0; i < n; i++) {
    const cx = corner ? 1 : 3 + rng.int(2), cy = corner ? 6 : 3 + rng.int(2);
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          const on = Math.abs(x - cx) <= 1 && Math.abs(y - cy) <= 1;
          data[((i * channels + c) * 8 + y) * 8 + x] = on ? 0.9 : 0.1 * rng.next();
        }
      }
    }
  }
  return { count: n, channels, height: 8, width: 8, data, names: Array.from({ length: n }, (_, i) => `img${i}`) };
}

const FAST: Record<string, unknown> = { epochs: 8, fineTuneEpochs: 2, batchSize: 16, learningRate: 3e-3, convChannels: [4, 2], latentDim: 8 };
/** Settings per detector under which the planted anomalies must rank first (detectors not listed skip that check). */
const RANKS: Record<string, Record<string, unknown>> = {
  dcae: { epochs: 30, learningRate: 1e-2 },
  'conv-vae': { epochs: 30, learningRate: 1e-2 },
  'image-deepsvdd': { pretrainEpochs: 4 },
  'image-ganomaly': { epochs: 30, learningRate: 1e-2 },
  'image-ocnn': { pretrainEpochs: 30, epochs: 30, learningRate: 1e-2, headLearningRate: 1e-2 },
  'image-rcae': { epochs: 30, learningRate: 1e-2 },
};
const names = listDetectors({ modality: 'images' }).map((i) => i.name);

function make(name: string, extra: Record<string, unknown> = {}): ImageDetector<ImageOptions> {
  const options = { ...FAST, ...RANKS[name], ...extra };
  const d = createDetector(name, options);
  assert.ok(isImageDetector(d));
  return d;
}

describe('image detectors', () => {
  it('are registered with modality images, and short names resolve', () => {
    assert.ok(names.includes('dcae') && names.includes('image-deepsvdd'));
    assert.equal(resolveImageDetector('deepsvdd'), 'image-deepsvdd');
    assert.throws(() => resolveImageDetector('iforest'), /not an image detector/);
  });

  const train = blobs(48, 1);
  const test = blobs(6, 2);
  const odd = blobs(2, 3, true);

  for (const name of names) {
    describe(name, () => {
      const d = make(name).fitImages(train);
      const both: ImageSet = { ...test, count: 8, data: Float32Array.from([...test.data, ...odd.data]), names: [...test.names, 'odd0', 'odd1'] };
      const scores = d.scoreImages(both);

      it('gives one finite score per image and an H × W map per image', () => {
        assert.equal(scores.length, 8);
        assert.ok(scores.every(Number.isFinite));
        const maps = d.anomalyMaps(both);
        assert.equal(maps.length, 8 * 64);
        assert.ok(maps.every((v) => Number.isFinite(v) && v >= 0));
        assert.ok(maps.some((v) => v > 0), 'the map is not all zero');
      });

      it('ranks the misplaced blobs above the normal images', { skip: RANKS[name] === undefined ? 'no ranking settings for this detector here' : false }, () => {
        const normalMax = Math.max(...scores.subarray(0, 6));
        assert.ok(Math.min(scores[6]!, scores[7]!) > normalMax, `scores ${[...scores].map((s) => s.toFixed(4)).join(' ')}`);
      });

      it('save → load gives identical scores and maps', () => {
        const restored = decodeModel(encodeModel(d), 'memory').detector as ImageDetector<ImageOptions>;
        assert.deepEqual(restored.imageShape, d.imageShape);
        assert.deepEqual([...restored.scoreImages(both)], [...scores]);
        assert.deepEqual([...restored.anomalyMaps(both)], [...d.anomalyMaps(both)]);
      });

      it('refitting forgets: a refit equals a fresh fit on the new images, even of another shape', () => {
        const rgb = blobs(48, 4, false, 3);
        const refit = make(name).fitImages(train).fitImages(rgb);
        const fresh = make(name).fitImages(rgb);
        assert.deepEqual(refit.imageShape, { channels: 3, height: 8, width: 8 });
        assert.deepEqual([...refit.scoreImages(blobs(3, 5, false, 3))], [...fresh.scoreImages(blobs(3, 5, false, 3))]);
      });

      it('rejects images of another shape, naming both shapes', () => {
        const wrong = blobs(2, 6, false, 3);
        assert.throws(() => d.scoreImages(wrong), (e: Error) => e instanceof ShapeError && /1×8×8 .* 3×8×8/.test(e.message));
        assert.throws(() => d.anomalyMaps(wrong), ShapeError);
      });

      it('scores frames in order with a trailing moving average', () => {
        const raw = d.scoreImages(both);
        const smooth = d.scoreFrames(both, { smoothing: 3 });
        assert.equal(smooth[0], raw[0]);
        assert.ok(Math.abs(smooth[4]! - (raw[2]! + raw[3]! + raw[4]!) / 3) < 1e-12);
        assert.throws(() => d.scoreFrames(both, { smoothing: 0 }), /smoothing/);
      });
    });
  }

  it('sizes that do not halve cleanly are a clear error', () => {
    const set = { ...blobs(4, 7), height: 6, width: 6, data: new Float32Array(4 * 36) };
    assert.throws(() => make('dcae').fitImages(set), /multiples of 4; the images are 6×6/);
  });
});
