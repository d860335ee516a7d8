import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { overlayPng, overlaySvg } from './overlay.ts';

test('overlay: the anomalous pixel turns yellow-red, a zero-map pixel keeps the image; wrong sizes are a ShapeError', () => {
  const image = { width: 2, height: 1, data: new Uint8Array([10, 20, 30, 255, 10, 20, 30, 255]) };
  const png = PNG.sync.read(Buffer.from(overlayPng(image, [0, 4], { opacity: 1 })));
  assert.deepEqual([...png.data], [10, 20, 30, 255, 255, 255, 0, 255]);
  const svg = overlaySvg(image, [0, 1], '<digit 7>');
  assert.match(svg, /^<svg[^>]*><title>&lt;digit 7&gt;<\/title><image [^>]*href="data:image\/png;base64,/);
  assert.throws(() => overlayPng(image, [1, 2, 3]), { name: 'ShapeError', message: /3 values; the image has 2 × 1 = 2 pixels/ });
});
