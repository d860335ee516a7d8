/**
 * An anomaly map laid over its image, for image reports: each pixel blends towards red, then yellow, the more
 * anomalous it is, and stays the image where the map is low, so the eye finds the region at once. Returned as PNG
 * bytes, or as a small SVG (the PNG inline) that an HTML report can place like its other plots.
 */
import { PNG } from 'pngjs';
import { ShapeError } from '../core/errors.ts';
import { escapeHtml } from './escape.ts';

/** RGBA pixels, row by row (the shape src/images' decodeImage returns). */
export interface OverlayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface OverlayOptions {
  /** the map value drawn at full strength (default: the map's maximum); share it across images to compare them */
  scale?: number;
  /** the most the colour covers the image, in (0, 1] (default 0.65) */
  opacity?: number;
}

/** Red at half strength, yellow at full: t in [0, 1]. */
function overlayColour(t: number): [number, number, number] {
  return [255, Math.round(255 * Math.max(0, 2 * t - 1)), 0];
}

/** PNG bytes of `image` with `map` (height × width values, one per pixel, higher = more anomalous) over it. */
export function overlayPng(image: OverlayImage, map: ArrayLike<number>, options: OverlayOptions = {}): Uint8Array {
  const { width: w, height: h } = image;
  if (image.data.length !== w * h * 4) throw new ShapeError(`overlayPng: the image has ${image.data.length} bytes; ${w} × ${h} RGBA pixels take ${w * h * 4}.`);
  if (map.length !== w * h) throw new ShapeError(`overlayPng: the anomaly map has ${map.length} values; the image has ${w} × ${h} = ${w * h} pixels.`);
  let scale = options.scale;
  if (scale === undefined) {
    scale = 0;
    for (let p = 0; p < map.length; p++) if (map[p]! > scale) scale = map[p]!;
  }
  const opacity = options.opacity ?? 0.65;
  const png = new PNG({ width: w, height: h });
  for (let p = 0; p < w * h; p++) {
    const raw = scale > 0 ? map[p]! / scale : 0;
    const t = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0;
    const a = opacity * t;
    const colour = overlayColour(t);
    for (let k = 0; k < 3; k++) png.data[4 * p + k] = Math.round((1 - a) * image.data[4 * p + k]! + a * colour[k]!);
    png.data[4 * p + 3] = 255;
  }
  return new Uint8Array(PNG.sync.write(png));
}

/** An SVG of the overlay at `size` pixels wide (pixelated, not smoothed), with a title for its tooltip. */
export function overlaySvg(image: OverlayImage, map: ArrayLike<number>, title: string, size = 224, options: OverlayOptions = {}): string {
  const png = Buffer.from(overlayPng(image, map, options)).toString('base64');
  const height = Math.round((size * image.height) / image.width);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${height}" viewBox="0 0 ${image.width} ${image.height}"><title>${escapeHtml(title)}</title>` +
    `<image width="${image.width}" height="${image.height}" image-rendering="pixelated" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/></svg>`;
}
