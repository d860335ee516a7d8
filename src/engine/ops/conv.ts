/**
 * Convolutions in NCHW layout: conv2d and its transpose by im2col + GEMM one image at a time (the column buffer stays
 * small and hot in cache, and the GEMM writes each image's output straight into place in NCHW), conv1d as conv2d with
 * height 1. Bias and an optional activation are fused: the bias is pre-filled into the output rows so the GEMM adds onto
 * it (beta = 1), and the activation runs once over the whole batch.
 *
 * When the weight gradient will be needed, conv2d keeps every image's column matrix for the backward pass (im2col is
 * a large share of a small convolution's time; the arena makes the memory a one-off); otherwise one image's columns
 * are reused.
 */
import { ShapeError } from '../../core/errors.ts';
import type { Activation, Conv2dGeometry } from '../backend/types.ts';
import { arena, backend } from '../context.ts';
import { formatShape, toPair, type Pair } from '../shape.ts';
import { gradTarget, needsGrad, record } from '../tape.ts';
import { empty, type Tensor } from '../tensor.ts';
import { reshape } from './shape.ts';
import { defaultAlpha, needsPreActivation } from './unary.ts';

export interface Conv2dOptions {
  /** step between kernel positions (default 1) */
  stride?: Pair;
  /** zero padding on each side (default 0) */
  padding?: Pair;
  /** spacing between kernel taps (default 1); dilated convolutions (TCNs) use a TypeScript im2col */
  dilation?: Pair;
  /** activation fused into the op (default 'identity') */
  activation?: Activation;
  alpha?: number;
}

export interface ConvTranspose2dOptions extends Conv2dOptions {
  /** extra rows / columns added on one side of the output, to pick among the sizes a strided transpose can produce */
  outputPadding?: Pair;
}


/** Fills each channel row of a [channels, pixels] block with that channel's bias, or zeros. */
/** the most column values (floats) conv2d keeps across forward and backward: 4 MiB */
const KEEP_COLUMNS_MAX = 1 << 20;

function fillBias(out: Float32Array, offset: number, bias: Float32Array | null, channels: number, pixels: number): void {
  if (bias === null) out.fill(0, offset, offset + channels * pixels);
  else for (let c = 0; c < channels; c++) out.fill(bias[c]!, offset + c * pixels, offset + (c + 1) * pixels);
}

/** bias gradient: Σ over images and pixels of each channel's output gradient. */
function biasGrad(bias: Tensor, g: Float32Array, batch: number, channels: number, pixels: number): void {
  const beta = gradTarget(bias);
  const target = bias.grad!;
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let b = 0; b < batch; b++) {
      const base = (b * channels + c) * pixels;
      for (let p = 0; p < pixels; p++) s += g[base + p]!;
    }
    target[c] = beta === 0 ? s : target[c]! + s;
  }
}

/**
 * Applies the fused activation over the whole output and returns what its backward needs: the pre-activation values
 * where the derivative needs them (kept in a separate buffer), else null (differentiated from the output).
 */
function activateInPlace(out: Tensor, act: Activation, alpha: number, keepPre: boolean): Float32Array | null {
  if (act === 'identity') return null;
  let pre: Float32Array | null = null;
  if (keepPre && needsPreActivation(act)) {
    pre = arena().take(out.size);
    pre.set(out.data);
  }
  backend().biasActivation(out.data, null, 1, out.size, act, alpha, out.data);
  return pre;
}

/** 2-D convolution: x [batch, inChannels, h, w], weight [outChannels, inChannels, kh, kw], bias [outChannels] or null. */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions = {}): Tensor {
  if (x.rank !== 4 || weight.rank !== 4 || x.shape[1] !== weight.shape[1]) {
    throw new ShapeError(`conv2d: cannot convolve input ${formatShape(x.shape)} (batch, channels, height, width) with weight ${formatShape(weight.shape)} (out, in, kh, kw): ${x.rank !== 4 || weight.rank !== 4 ? 'both must have 4 dimensions' : `input channels ${x.shape[1]} and ${weight.shape[1]} differ`}.`);
  }
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const [outChannels, , kernelH, kernelW] = weight.shape as [number, number, number, number];
  checkBias('conv2d', bias, outChannels);
  const [strideH, strideW] = toPair(options.stride, 1), [padH, padW] = toPair(options.padding, 0);
  const [dilationH, dilationW] = toPair(options.dilation, 1);
  const spanH = dilationH * (kernelH - 1) + 1, spanW = dilationW * (kernelW - 1) + 1;
  const outH = Math.floor((height + 2 * padH - spanH) / strideH) + 1, outW = Math.floor((width + 2 * padW - spanW) / strideW) + 1;
  if (outH < 1 || outW < 1) {
    throw new ShapeError(`conv2d: the ${kernelH}×${kernelW} kernel (dilation ${dilationH}×${dilationW}) does not fit the input ${formatShape(x.shape)} with padding ${padH}×${padW}.`);
  }
  const g: Conv2dGeometry = { channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH, outW };
  const dilated = dilationH !== 1 || dilationW !== 1;
  const im2col = dilated ? (image: Float32Array, cols: Float32Array) => dilatedPatches(g, dilationH, dilationW, image, cols, false)
    : (image: Float32Array, cols: Float32Array) => backend().im2col(image, g, cols);
  const col2im = dilated ? (cols: Float32Array, image: Float32Array) => dilatedPatches(g, dilationH, dilationW, image, cols, true)
    : (cols: Float32Array, image: Float32Array) => backend().col2im(cols, g, image);
  const act = options.activation ?? 'identity', alpha = options.alpha ?? defaultAlpha(act);
  const be = backend();
  const patch = channels * kernelH * kernelW, pixels = outH * outW, imageSize = channels * height * width;
  // a 1×1, stride-1, unpadded convolution reads the image itself as its column matrix
  const direct = kernelH === 1 && kernelW === 1 && strideH === 1 && strideW === 1 && padH === 0 && padW === 0;
  const grad = needsGrad(x, weight, bias ?? undefined);
  const columnSize = patch * pixels;
  // Keeping every image's columns for the weight gradient saves redoing im2col in backward, but past a few MiB they
  // leave the cache: writing them out and reading them back from memory then costs more than rebuilding each one in
  // the shared, cache-resident buffer (W3's last layer: 58 MiB per batch of 128 kept vs 0.45 MiB rebuilt).
  const keepColumns = grad && weight.requiresGrad && !direct && batch * columnSize <= KEEP_COLUMNS_MAX;
  const columns = direct ? null : arena().take(keepColumns ? batch * columnSize : columnSize);
  const out = empty([batch, outChannels, outH, outW]);
  /** image b's column matrix: the image itself (1×1), its slot in the kept columns, or the shared buffer refilled */
  const colsOf = (b: number, fill: boolean): Float32Array => {
    const image = x.data.subarray(b * imageSize, (b + 1) * imageSize);
    if (columns === null) return image;
    const target = keepColumns ? columns.subarray(b * columnSize, (b + 1) * columnSize) : columns;
    if (fill) im2col(image, target);
    return target;
  };
  const outSize = outChannels * pixels;
  for (let b = 0; b < batch; b++) {
    fillBias(out.data, b * outSize, bias?.data ?? null, outChannels, pixels);
    be.gemm(false, false, outChannels, pixels, patch, 1, weight.data, colsOf(b, true), 1, out.data.subarray(b * outSize, (b + 1) * outSize));
  }
  const pre = activateInPlace(out, act, alpha, grad);
  if (grad) {
    record(out, () => {
      const gOut = out.grad!;
      if (act !== 'identity') be.activationBackward(act, alpha, pre ?? out.data, out.data, gOut, gOut, gOut.length);
      if (bias !== null && bias.requiresGrad) biasGrad(bias, gOut, batch, outChannels, pixels);
      const wBeta = weight.requiresGrad ? gradTarget(weight) : 0;
      const xBeta = x.requiresGrad ? gradTarget(x) : 0;
      const dColumns = x.requiresGrad && !direct ? arena().take(patch * pixels) : null;
      for (let b = 0; b < batch; b++) {
        const gb = gOut.subarray(b * outSize, (b + 1) * outSize);
        if (weight.requiresGrad) be.gemm(false, true, outChannels, patch, pixels, 1, gb, colsOf(b, !keepColumns), b === 0 ? wBeta : 1, weight.grad!);
        if (x.requiresGrad) {
          const dImage = x.grad!.subarray(b * imageSize, (b + 1) * imageSize);
          if (dColumns === null) {
            be.gemm(true, false, patch, pixels, outChannels, 1, weight.data, gb, xBeta, dImage);
          } else {
            be.gemm(true, false, patch, pixels, outChannels, 1, weight.data, gb, 0, dColumns);
            if (xBeta === 0) dImage.fill(0);
            col2im(dColumns, dImage);
          }
        }
      }
    });
  }
  return out;
}

/**
 * Transposed 2-D convolution (the adjoint of conv2d, "deconvolution"): x [batch, inChannels, h, w], weight
 * [inChannels, outChannels, kh, kw] (PyTorch's layout). Output size (h − 1)·stride − 2·padding + k + outputPadding.
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  if (x.rank !== 4 || weight.rank !== 4 || x.shape[1] !== weight.shape[0]) {
    throw new ShapeError(`convTranspose2d: cannot apply weight ${formatShape(weight.shape)} (in, out, kh, kw) to input ${formatShape(x.shape)} (batch, channels, height, width): ${x.rank !== 4 || weight.rank !== 4 ? 'both must have 4 dimensions' : `input channels ${x.shape[1]} and ${weight.shape[0]} differ`}.`);
  }
  const [batch, inChannels, inH, inW] = x.shape as [number, number, number, number];
  const [, outChannels, kernelH, kernelW] = weight.shape as [number, number, number, number];
  checkBias('convTranspose2d', bias, outChannels);
  const [strideH, strideW] = toPair(options.stride, 1), [padH, padW] = toPair(options.padding, 0);
  const [extraH, extraW] = toPair(options.outputPadding, 0);
  if (extraH >= strideH || extraW >= strideW) {
    throw new ShapeError(`convTranspose2d: outputPadding ${extraH}×${extraW} must be smaller than the stride ${strideH}×${strideW}.`);
  }
  const height = (inH - 1) * strideH - 2 * padH + kernelH + extraH, width = (inW - 1) * strideW - 2 * padW + kernelW + extraW;
  // the output image is what a conv2d with this geometry would read to produce an inH × inW map
  const g: Conv2dGeometry = { channels: outChannels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH: inH, outW: inW };
  const act = options.activation ?? 'identity', alpha = options.alpha ?? defaultAlpha(act);
  const be = backend();
  const patch = outChannels * kernelH * kernelW, inPixels = inH * inW, inSize = inChannels * inPixels;
  const outPixels = height * width, outSize = outChannels * outPixels;
  const columns = arena().take(patch * inPixels);
  const out = empty([batch, outChannels, height, width]);
  for (let b = 0; b < batch; b++) {
    be.gemm(true, false, patch, inPixels, inChannels, 1, weight.data, x.data.subarray(b * inSize, (b + 1) * inSize), 0, columns);
    const image = out.data.subarray(b * outSize, (b + 1) * outSize);
    fillBias(image, 0, bias?.data ?? null, outChannels, outPixels);
    be.col2im(columns, g, image);
  }
  const grad = needsGrad(x, weight, bias ?? undefined);
  const pre = activateInPlace(out, act, alpha, grad);
  if (grad) {
    record(out, () => {
      const gOut = out.grad!;
      if (act !== 'identity') be.activationBackward(act, alpha, pre ?? out.data, out.data, gOut, gOut, gOut.length);
      if (bias !== null && bias.requiresGrad) biasGrad(bias, gOut, batch, outChannels, outPixels);
      const wBeta = weight.requiresGrad ? gradTarget(weight) : 0;
      const xBeta = x.requiresGrad ? gradTarget(x) : 0;
      for (let b = 0; b < batch; b++) {
        be.im2col(gOut.subarray(b * outSize, (b + 1) * outSize), g, columns);
        if (weight.requiresGrad) {
          be.gemm(false, true, inChannels, patch, inPixels, 1, x.data.subarray(b * inSize, (b + 1) * inSize), columns, b === 0 ? wBeta : 1, weight.grad!);
        }
        if (x.requiresGrad) be.gemm(false, false, inChannels, inPixels, patch, 1, weight.data, columns, xBeta, x.grad!.subarray(b * inSize, (b + 1) * inSize));
      }
    });
  }
  return out;
}

/**
 * im2col (adjoint = false: image → columns) and col2im (adjoint = true: columns added into the image) with dilated
 * kernel taps, which the backend's geometry does not describe. Same column layout as the backend's kernels.
 */
function dilatedPatches(g: Conv2dGeometry, dilationH: number, dilationW: number, image: Float32Array, columns: Float32Array, adjoint: boolean): void {
  const pixels = g.outH * g.outW;
  for (let c = 0; c < g.channels; c++) {
    for (let kh = 0; kh < g.kernelH; kh++) {
      for (let kw = 0; kw < g.kernelW; kw++) {
        const row = ((c * g.kernelH + kh) * g.kernelW + kw) * pixels;
        for (let oh = 0; oh < g.outH; oh++) {
          const ih = oh * g.strideH - g.padH + kh * dilationH;
          const inRow = ih >= 0 && ih < g.height;
          for (let ow = 0; ow < g.outW; ow++) {
            const iw = ow * g.strideW - g.padW + kw * dilationW;
            const col = row + oh * g.outW + ow;
            const inside = inRow && iw >= 0 && iw < g.width;
            const pixel = (c * g.height + ih) * g.width + iw;
            if (adjoint) { if (inside) image[pixel]! += columns[col]!; }
            else columns[col] = inside ? image[pixel]! : 0;
          }
        }
      }
    }
  }
}

function checkBias(what: string, bias: Tensor | null, outChannels: number): void {
  if (bias !== null && bias.size !== outChannels) {
    throw new ShapeError(`${what}: the bias ${formatShape(bias.shape)} must have one value per output channel (${outChannels}).`);
  }
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  activation?: Activation;
  alpha?: number;
}

/** 1-D convolution: x [batch, inChannels, length], weight [outChannels, inChannels, k]; conv2d with height 1. */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv1dOptions = {}): Tensor {
  if (x.rank !== 3 || weight.rank !== 3) {
    throw new ShapeError(`conv1d: cannot convolve input ${formatShape(x.shape)} (batch, channels, length) with weight ${formatShape(weight.shape)} (out, in, k): both must have 3 dimensions.`);
  }
  const x4 = reshape(x, [x.shape[0]!, x.shape[1]!, 1, x.shape[2]!]);
  const w4 = reshape(weight, [weight.shape[0]!, weight.shape[1]!, 1, weight.shape[2]!]);
  const y = conv2d(x4, w4, bias, {
    stride: [1, options.stride ?? 1], padding: [0, options.padding ?? 0], dilation: [1, options.dilation ?? 1],
    ...(options.activation !== undefined ? { activation: options.activation } : {}),
    ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
  });
  return reshape(y, [y.shape[0]!, y.shape[1]!, y.shape[3]!]);
}
