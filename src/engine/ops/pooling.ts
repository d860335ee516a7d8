/**
 * Spatial pooling and upsampling in NCHW: max pooling (remembers the winning position for the backward pass), average
 * pooling (zero padding counted, as PyTorch's default count_include_pad), nearest-neighbour upsampling by an integer
 * factor. 1-D forms are the 2-D ones with height 1.
 */
import { ShapeError } from '../../core/errors.ts';
import { arena } from '../context.ts';
import { formatShape, toPair, type Pair } from '../shape.ts';
import { contributeGrad, gradTarget, needsGrad, record } from '../tape.ts';
import { empty, type Tensor } from '../tensor.ts';
import { reshape } from './shape.ts';

export interface Pool2dOptions {
  /** default: the kernel size */
  stride?: Pair;
  padding?: Pair;
}

interface PoolGeometry {
  planes: number; height: number; width: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; outH: number; outW: number;
}

function geometry(what: string, x: Tensor, kernel: Pair, options: Pool2dOptions): PoolGeometry {
  if (x.rank !== 4) throw new ShapeError(`${what}: the input must be [batch, channels, height, width]; got ${formatShape(x.shape)}.`);
  const [kh, kw] = toPair(kernel, [1, 1]);
  const [sh, sw] = toPair(options.stride, [kh, kw]);
  const [ph, pw] = toPair(options.padding, [0, 0]);
  const height = x.shape[2]!, width = x.shape[3]!;
  const outH = Math.floor((height + 2 * ph - kh) / sh) + 1, outW = Math.floor((width + 2 * pw - kw) / sw) + 1;
  if (outH < 1 || outW < 1) throw new ShapeError(`${what}: the ${kh}×${kw} window does not fit the input ${formatShape(x.shape)}.`);
  return { planes: x.shape[0]! * x.shape[1]!, height, width, kh, kw, sh, sw, ph, pw, outH, outW };
}

export function maxPool2d(x: Tensor, kernel: Pair, options: Pool2dOptions = {}): Tensor {
  const g = geometry('maxPool2d', x, kernel, options);
  const out = empty([x.shape[0]!, x.shape[1]!, g.outH, g.outW]);
  const arg = arena().takeInt(out.size);
  const xs = x.data, ys = out.data, planeIn = g.height * g.width, planeOut = g.outH * g.outW;
  if (g.ph === 0 && g.pw === 0) maxPoolUnpadded(xs, ys, arg, g);
  else for (let p = 0; p < g.planes; p++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        let best = -Infinity, at = -1;
        for (let i = 0; i < g.kh; i++) {
          const ih = oh * g.sh - g.ph + i;
          if (ih < 0 || ih >= g.height) continue;
          for (let j = 0; j < g.kw; j++) {
            const iw = ow * g.sw - g.pw + j;
            if (iw < 0 || iw >= g.width) continue;
            const idx = p * planeIn + ih * g.width + iw, v = xs[idx]!;
            if (v > best || at < 0) { best = v; at = idx; }
          }
        }
        const o = p * planeOut + oh * g.outW + ow;
        ys[o] = best;
        arg[o] = at;
      }
    }
  }
  if (needsGrad(x)) {
    record(out, () => {
      const gOut = out.grad!;
      const beta = gradTarget(x);
      const target = x.grad!;
      if (beta === 0) target.fill(0);
      for (let o = 0; o < gOut.length; o++) target[arg[o]!]! += gOut[o]!;
    });
  }
  return out;
}

/**
 * Max pooling without padding, where every window lies inside the image: no bounds tests in the inner loops, and the
 * ubiquitous 2×2 window unrolled. (The general loop above costs several times more per element.)
 */
function maxPoolUnpadded(xs: Float32Array, ys: Float32Array, arg: Int32Array, g: PoolGeometry): void {
  const { width, kh, kw, sh, sw, outH, outW } = g;
  const planeIn = g.height * width;
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    for (let oh = 0; oh < outH; oh++) {
      const rowBase = p * planeIn + oh * sh * width;
      for (let ow = 0; ow < outW; ow++, o++) {
        const base = rowBase + ow * sw;
        let at = base, best = xs[base]!;
        if (kh === 2 && kw === 2) {
          const b = base + 1, c = base + width, d = c + 1;
          if (xs[b]! > best) { best = xs[b]!; at = b; }
          if (xs[c]! > best) { best = xs[c]!; at = c; }
          if (xs[d]! > best) { best = xs[d]!; at = d; }
        } else {
          for (let i = 0; i < kh; i++) {
            for (let j = 0, idx = base + i * width; j < kw; j++, idx++) {
              if (xs[idx]! > best) { best = xs[idx]!; at = idx; }
            }
          }
        }
        ys[o] = best;
        arg[o] = at;
      }
    }
  }
}

export function avgPool2d(x: Tensor, kernel: Pair, options: Pool2dOptions = {}): Tensor {
  const g = geometry('avgPool2d', x, kernel, options);
  const out = empty([x.shape[0]!, x.shape[1]!, g.outH, g.outW]);
  const xs = x.data, ys = out.data, planeIn = g.height * g.width, planeOut = g.outH * g.outW;
  const scale = 1 / (g.kh * g.kw);
  // visits each (output, input) pair of the windows; forward reads, backward writes
  const visit = (f: (o: number, i: number) => void): void => {
    for (let p = 0; p < g.planes; p++) {
      for (let oh = 0; oh < g.outH; oh++) {
        for (let ow = 0; ow < g.outW; ow++) {
          const o = p * planeOut + oh * g.outW + ow;
          for (let i = 0; i < g.kh; i++) {
            const ih = oh * g.sh - g.ph + i;
            if (ih < 0 || ih >= g.height) continue;
            for (let j = 0; j < g.kw; j++) {
              const iw = ow * g.sw - g.pw + j;
              if (iw >= 0 && iw < g.width) f(o, p * planeIn + ih * g.width + iw);
            }
          }
        }
      }
    }
  };
  ys.fill(0);
  visit((o, i) => { ys[o]! += xs[i]! * scale; });
  if (needsGrad(x)) {
    record(out, () => {
      const gOut = out.grad!;
      contributeGrad(x, (target) => {
        target.fill(0);
        visit((o, i) => { target[i]! += gOut[o]! * scale; });
      });
    });
  }
  return out;
}

/** Nearest-neighbour upsampling by integer factors: each pixel becomes a scaleH × scaleW block. */
export function upsample2d(x: Tensor, scale: Pair): Tensor {
  if (x.rank !== 4) throw new ShapeError(`upsample2d: the input must be [batch, channels, height, width]; got ${formatShape(x.shape)}.`);
  const [fh, fw] = toPair(scale, [1, 1]);
  if (!Number.isInteger(fh) || !Number.isInteger(fw) || fh < 1 || fw < 1) throw new ShapeError(`upsample2d: scale factors must be positive integers; got ${fh}×${fw}.`);
  const planes = x.shape[0]! * x.shape[1]!, h = x.shape[2]!, w = x.shape[3]!, outW = w * fw;
  const out = empty([x.shape[0]!, x.shape[1]!, h * fh, outW]);
  const xs = x.data, ys = out.data;
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < h * fh; i++) {
      const src = p * h * w + Math.floor(i / fh) * w, dst = (p * h * fh + i) * outW;
      for (let j = 0; j < outW; j++) ys[dst + j] = xs[src + Math.floor(j / fw)]!;
    }
  }
  if (needsGrad(x)) {
    record(out, () => {
      const gOut = out.grad!;
      contributeGrad(x, (target) => {
        target.fill(0);
        for (let p = 0; p < planes; p++) {
          for (let i = 0; i < h * fh; i++) {
            const src = p * h * w + Math.floor(i / fh) * w, dst = (p * h * fh + i) * outW;
            for (let j = 0; j < outW; j++) target[src + Math.floor(j / fw)]! += gOut[dst + j]!;
          }
        }
      });
    });
  }
  return out;
}

/** 1-D pooling of [batch, channels, length] through the 2-D op. */
export function maxPool1d(x: Tensor, kernel: number, options: { stride?: number; padding?: number } = {}): Tensor {
  return pool1d(x, (x4) => maxPool2d(x4, [1, kernel], { stride: [1, options.stride ?? kernel], padding: [0, options.padding ?? 0] }));
}

export function avgPool1d(x: Tensor, kernel: number, options: { stride?: number; padding?: number } = {}): Tensor {
  return pool1d(x, (x4) => avgPool2d(x4, [1, kernel], { stride: [1, options.stride ?? kernel], padding: [0, options.padding ?? 0] }));
}

export function upsample1d(x: Tensor, scale: number): Tensor {
  return pool1d(x, (x4) => upsample2d(x4, [1, scale]));
}

function pool1d(x: Tensor, op: (x4: Tensor) => Tensor): Tensor {
  if (x.rank !== 3) throw new ShapeError(`1-D pooling: the input must be [batch, channels, length]; got ${formatShape(x.shape)}.`);
  const y = op(reshape(x, [x.shape[0]!, x.shape[1]!, 1, x.shape[2]!]));
  return reshape(y, [y.shape[0]!, y.shape[1]!, y.shape[3]!]);
}
