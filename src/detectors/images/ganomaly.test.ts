/**
 * The image GANomaly: its anomaly map (|x − x̂| per pixel) is brighter where an image departs from the training images,
 * the same seed gives the same scores, and a saved model scores and maps as the fitted one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../core/rng.ts';
import '../builtins.ts';
import type { ImageSet } from '../../images/image-set.ts';
import { decodeModel, encodeModel } from '../../model-io/model-file.ts';
import { ImageGANomaly } from './ganomaly.ts';

const SIDE = 16;

/** Smooth vertical stripes at a random phase with a little noise; `square` adds a white 4 × 4 patch at a random place. */
function stripes(count: number, seed: number, square: boolean): { set: ImageSet; patches: [number, number][] } {
  const rng = new Rng(seed);
  const data = new Float32Array(count * SIDE * SIDE);
  const patches: [number, number][] = [];
  for (let n = 0; n < count; n++) {
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let i = 0; i < SIDE; i++) for (let j = 0; j < SIDE; j++) data[(n * SIDE + i) * SIDE + j] = 0.5 + 0.3 * Math.sin(j / 3 + phase) + 0.03 * rng.normal();
    const r = 2 + rng.int(10), c = 2 + rng.int(10);
    patches.push([r, c]);
    if (square) for (let i = r; i < r + 4; i++) for (let j = c; j < c + 4; j++) data[(n * SIDE + i) * SIDE + j] = 1;
  }
  return { set: { count, channels: 1, height: SIDE, width: SIDE, data, names: Array.from({ length: count }, (_, i) => `image ${i}`) }, patches };
}

test('image-ganomaly: the map is brighter on the patch that no training image had; seeded; saved and loaded alike', () => {
  const options = { epochs: 3, batchSize: 16, seed: 5 };
  const train = stripes(32, 1, false);
  const detector = new ImageGANomaly(options).fitImages(train.set);
  const odd = stripes(8, 2, true);
  const maps = detector.anomalyMaps(odd.set);
  assert.equal(maps.length, 8 * SIDE * SIDE);
  let inside = 0, outside = 0;
  odd.patches.forEach(([r, c], n) => {
    for (let i = 0; i < SIDE; i++) {
      for (let j = 0; j < SIDE; j++) {
        const v = maps[(n * SIDE + i) * SIDE + j]!;
        if (i >= r && i < r + 4 && j >= c && j < c + 4) inside += v / 16;
        else outside += v / (SIDE * SIDE - 16);
      }
    }
  });
  assert.ok(inside > 1.5 * outside, `mean map on the patches ${inside / 8}, elsewhere ${outside / 8}`);

  const again = new ImageGANomaly(options).fitImages(train.set);
  assert.deepEqual(again.scoreImages(odd.set), detector.scoreImages(odd.set));

  const loaded = decodeModel(encodeModel(detector), 'image-ganomaly.dad').detector as ImageGANomaly;
  assert.deepEqual(loaded.scoreImages(odd.set), detector.scoreImages(odd.set));
  assert.deepEqual(loaded.anomalyMaps(odd.set), maps);
});
