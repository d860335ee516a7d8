/**
 * Anomaly-map PNGs: the image and its map side by side, the map as a heat map (black → red → yellow → white) on a
 * scale shared by all the images of one run, so that a brighter map means a more anomalous region across images.
 */
import { PNG } from 'pngjs';
import type { ImageSet } from './image-set.ts';

/** The value that maps to white: the 99.5th percentile of all map values (robust to a few extreme pixels). */
export function mapScale(maps: Float32Array): number {
  if (maps.length === 0) return 1;
  const sorted = Float32Array.from(maps).sort();
  const v = sorted[Math.min(sorted.length - 1, Math.floor(0.995 * (sorted.length - 1)))]!;
  return v > 0 ? v : 1;
}

function heat(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t));
  return [Math.min(1, 3 * x), Math.min(1, Math.max(0, 3 * x - 1)), Math.max(0, 3 * x - 2)];
}

/** PNG bytes of image `index` of `set` (left) beside its map (right, `scale` = white), with a 2-pixel gap. */
export function mapPng(set: ImageSet, index: number, map: Float32Array, scale: number): Uint8Array {
  const { height: h, width: w, channels: c } = set;
  const gap = 2;
  const png = new PNG({ width: 2 * w + gap, height: h });
  const plane = h * w;
  const base = index * c * plane;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const left = 4 * (y * png.width + x);
      for (let k = 0; k < 3; k++) {
        const v = set.data[base + Math.min(k, c - 1) * plane + p]!;
        png.data[left + k] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
      png.data[left + 3] = 255;
      const right = 4 * (y * png.width + w + gap + x);
      const [r, g, b] = heat(map[p]! / scale);
      png.data[right] = Math.round(255 * r);
      png.data[right + 1] = Math.round(255 * g);
      png.data[right + 2] = Math.round(255 * b);
      png.data[right + 3] = 255;
    }
    for (let x = w; x < w + gap; x++) png.data[4 * (y * png.width + x) + 3] = 0;
  }
  return new Uint8Array(PNG.sync.write(png));
}

/** A file-name-safe stem for an image name ('digits.idx#12' → 'digits.idx-12', 'a/b/cat.png' → 'cat'). */
export function mapFileStem(name: string): string {
  const base = name.replace(/^.*[\\/]/, '').replace(/#(\d+)$/, '-$1');
  return base.replace(/\.(png|jpe?g)$/i, '').replace(/[^A-Za-z0-9._-]/g, '_');
}
