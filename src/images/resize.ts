/**
 * Resizing one image plane. Written here rather than taken from npm: the pure-JavaScript resizers that are kept up
 * (e.g. sharp, jimp) either need a native build or bring a whole image-processing stack, while what the detectors need
 * is one small separable filter on Float32 planes.
 *
 * Each axis is resampled on its own (separable): when shrinking, by area averaging (every output pixel is the mean of
 * the input pixels it covers, partial pixels weighted by their covered share — no aliasing when a photo becomes 28 × 28);
 * when enlarging, by bilinear interpolation between pixel centres (area averaging would give blocky copies).
 */

/** Weights of one axis as (source index, weight) lists per output position. */
function axisWeights(from: number, to: number): { index: Int32Array; weight: Float32Array; offsets: Int32Array } {
  const index: number[] = [];
  const weight: number[] = [];
  const offsets = new Int32Array(to + 1);
  const scale = from / to;
  for (let o = 0; o < to; o++) {
    offsets[o] = index.length;
    if (scale >= 1) {
      const lo = o * scale, hi = (o + 1) * scale;
      for (let i = Math.floor(lo); i < Math.min(from, Math.ceil(hi)); i++) {
        const w = Math.min(hi, i + 1) - Math.max(lo, i);
        if (w > 1e-9) { index.push(i); weight.push(w / scale); }
      }
    } else {
      const x = Math.min(from - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const i = Math.floor(x), t = x - i;
      index.push(i); weight.push(1 - t);
      if (t > 0 && i + 1 < from) { index.push(i + 1); weight.push(t); }
    }
  }
  offsets[to] = index.length;
  return { index: Int32Array.from(index), weight: Float32Array.from(weight), offsets };
}

/** Resizes a height × width plane (row-major) to outHeight × outWidth. */
export function resizePlane(plane: ArrayLike<number>, height: number, width: number, outHeight: number, outWidth: number): Float32Array {
  if (height === outHeight && width === outWidth) return Float32Array.from(plane);
  const wx = axisWeights(width, outWidth);
  const wy = axisWeights(height, outHeight);
  const rows = new Float32Array(height * outWidth);
  for (let y = 0; y < height; y++) {
    for (let o = 0; o < outWidth; o++) {
      let s = 0;
      for (let k = wx.offsets[o]!; k < wx.offsets[o + 1]!; k++) s += plane[y * width + wx.index[k]!]! * wx.weight[k]!;
      rows[y * outWidth + o] = s;
    }
  }
  const out = new Float32Array(outHeight * outWidth);
  for (let o = 0; o < outHeight; o++) {
    for (let k = wy.offsets[o]!; k < wy.offsets[o + 1]!; k++) {
      const src = wy.index[k]!, w = wy.weight[k]!;
      for (let x = 0; x < outWidth; x++) out[o * outWidth + x]! += rows[src * outWidth + x]! * w;
    }
  }
  return out;
}
