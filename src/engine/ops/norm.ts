/**
 * Normalisation: batch norm (statistics per channel over the batch and spatial positions, running estimates for eval
 * mode, PyTorch's momentum convention and unbiased running variance) and layer norm (statistics per row over the last
 * dimensions). Both keep the normalised values and 1/σ for the backward pass, which uses the closed-form gradient
 * instead of a chain of element-wise ops.
 */
import { ShapeError } from '../../core/errors.ts';
import { arena } from '../context.ts';
import { formatShape } from '../shape.ts';
import { contributeGrad, gradTarget, needsGrad, record } from '../tape.ts';
import { empty, type Tensor } from '../tensor.ts';

export interface BatchNormOptions {
  /** use batch statistics and update the running ones (true) or use the running ones (false) */
  training: boolean;
  /** weight of the new batch statistics in the running averages (default 0.1) */
  momentum?: number;
  eps?: number;
}

/** x [batch, channels, ...]; gamma, beta [channels] or null; runningMean / runningVar [channels] (updated in training). */
export function batchNorm(x: Tensor, gamma: Tensor | null, beta: Tensor | null, runningMean: Tensor, runningVar: Tensor, options: BatchNormOptions): Tensor {
  if (x.rank < 2) throw new ShapeError(`batchNorm: the input needs a channel axis (shape [batch, channels, ...]); got ${formatShape(x.shape)}.`);
  const channels = x.shape[1]!, batch = x.shape[0]!, inner = x.size / (batch * channels);
  for (const [name, t] of [['gamma', gamma], ['beta', beta], ['runningMean', runningMean], ['runningVar', runningVar]] as const) {
    if (t !== null && t.size !== channels) {
      throw new ShapeError(`batchNorm: ${name} ${formatShape(t.shape)} must have one value per channel of the input ${formatShape(x.shape)} (${channels}).`);
    }
  }
  const eps = options.eps ?? 1e-5, momentum = options.momentum ?? 0.1;
  const count = batch * inner;
  const mean = arena().take(channels), invStd = arena().take(channels);
  const xs = x.data;
  const at = (b: number, c: number): number => (b * channels + c) * inner;
  if (options.training) {
    if (count < 2) throw new ShapeError(`batchNorm: training needs more than one value per channel; got input ${formatShape(x.shape)}.`);
    for (let c = 0; c < channels; c++) {
      let s = 0;
      for (let b = 0; b < batch; b++) for (let i = at(b, c), end = i + inner; i < end; i++) s += xs[i]!;
      const m = s / count;
      let v = 0;
      for (let b = 0; b < batch; b++) for (let i = at(b, c), end = i + inner; i < end; i++) { const d = xs[i]! - m; v += d * d; }
      v /= count;
      mean[c] = m;
      invStd[c] = 1 / Math.sqrt(v + eps);
      runningMean.data[c] = (1 - momentum) * runningMean.data[c]! + momentum * m;
      runningVar.data[c] = (1 - momentum) * runningVar.data[c]! + momentum * v * count / (count - 1);
    }
  } else {
    for (let c = 0; c < channels; c++) {
      mean[c] = runningMean.data[c]!;
      invStd[c] = 1 / Math.sqrt(runningVar.data[c]! + eps);
    }
  }
  const out = empty(x.shape);
  const grad = needsGrad(x, gamma ?? undefined, beta ?? undefined);
  const normalized = grad ? arena().take(x.size) : null;
  const ys = out.data;
  for (let c = 0; c < channels; c++) {
    const m = mean[c]!, s = invStd[c]!, gm = gamma?.data[c] ?? 1, bt = beta?.data[c] ?? 0;
    for (let b = 0; b < batch; b++) {
      for (let i = at(b, c), end = i + inner; i < end; i++) {
        const h = (xs[i]! - m) * s;
        if (normalized !== null) normalized[i] = h;
        ys[i] = gm * h + bt;
      }
    }
  }
  if (normalized !== null) {
    const training = options.training;
    record(out, () => {
      const g = out.grad!;
      const sumG = arena().take(channels), sumGH = arena().take(channels);
      for (let c = 0; c < channels; c++) {
        let s1 = 0, s2 = 0;
        for (let b = 0; b < batch; b++) for (let i = at(b, c), end = i + inner; i < end; i++) { s1 += g[i]!; s2 += g[i]! * normalized[i]!; }
        sumG[c] = s1;
        sumGH[c] = s2;
      }
      if (gamma !== null && gamma.requiresGrad) addPerChannel(gamma, sumGH);
      if (beta !== null && beta.requiresGrad) addPerChannel(beta, sumG);
      if (!x.requiresGrad) return;
      contributeGrad(x, (dx) => {
        for (let c = 0; c < channels; c++) {
          const k = (gamma?.data[c] ?? 1) * invStd[c]!;
          // training: the statistics depend on x too (closed form of the batch-norm gradient); eval: an affine map
          const meanG = training ? sumG[c]! / count : 0, meanGH = training ? sumGH[c]! / count : 0;
          for (let b = 0; b < batch; b++) {
            for (let i = at(b, c), end = i + inner; i < end; i++) dx[i] = k * (g[i]! - meanG - normalized[i]! * meanGH);
          }
        }
      });
    });
  }
  return out;
}

function addPerChannel(t: Tensor, values: Float32Array): void {
  const beta = gradTarget(t);
  const target = t.grad!;
  for (let c = 0; c < target.length; c++) target[c] = beta === 0 ? values[c]! : target[c]! + values[c]!;
}

/** Normalises each row over the last `normalizedSize` elements (the product of the normalised dimensions). */
export function layerNorm(x: Tensor, normalizedSize: number, gamma: Tensor | null, beta: Tensor | null, eps = 1e-5): Tensor {
  if (normalizedSize < 1 || x.size % normalizedSize !== 0) {
    throw new ShapeError(`layerNorm: cannot normalise groups of ${normalizedSize} values in an input of shape ${formatShape(x.shape)}.`);
  }
  for (const [name, t] of [['gamma', gamma], ['beta', beta]] as const) {
    if (t !== null && t.size !== normalizedSize) {
      throw new ShapeError(`layerNorm: ${name} ${formatShape(t.shape)} must have ${normalizedSize} values to match the input ${formatShape(x.shape)}.`);
    }
  }
  const k = normalizedSize, rows = x.size / k;
  const out = empty(x.shape);
  const grad = needsGrad(x, gamma ?? undefined, beta ?? undefined);
  const normalized = grad ? arena().take(x.size) : null;
  const invStd = grad ? arena().take(rows) : null;
  const xs = x.data, ys = out.data, gm = gamma?.data ?? null, bt = beta?.data ?? null;
  for (let r = 0; r < rows; r++) {
    const base = r * k;
    let s = 0;
    for (let j = 0; j < k; j++) s += xs[base + j]!;
    const m = s / k;
    let v = 0;
    for (let j = 0; j < k; j++) { const d = xs[base + j]! - m; v += d * d; }
    const is = 1 / Math.sqrt(v / k + eps);
    if (invStd !== null) invStd[r] = is;
    for (let j = 0; j < k; j++) {
      const h = (xs[base + j]! - m) * is;
      if (normalized !== null) normalized[base + j] = h;
      ys[base + j] = (gm === null ? h : gm[j]! * h) + (bt === null ? 0 : bt[j]!);
    }
  }
  if (normalized !== null && invStd !== null) {
    record(out, () => {
      const g = out.grad!;
      if (gamma !== null && gamma.requiresGrad) {
        const sums = arena().take(k, true);
        for (let i = 0; i < g.length; i++) sums[i % k]! += g[i]! * normalized[i]!;
        addPerChannel(gamma, sums);
      }
      if (beta !== null && beta.requiresGrad) {
        const sums = arena().take(k, true);
        for (let i = 0; i < g.length; i++) sums[i % k]! += g[i]!;
        addPerChannel(beta, sums);
      }
      if (!x.requiresGrad) return;
      contributeGrad(x, (dx) => {
        for (let r = 0; r < rows; r++) {
          const base = r * k;
          let s1 = 0, s2 = 0;
          for (let j = 0; j < k; j++) {
            const dh = g[base + j]! * (gm === null ? 1 : gm[j]!);
            s1 += dh;
            s2 += dh * normalized[base + j]!;
          }
          s1 /= k;
          s2 /= k;
          const is = invStd[r]!;
          for (let j = 0; j < k; j++) {
            const dh = g[base + j]! * (gm === null ? 1 : gm[j]!);
            dx[base + j] = is * (dh - s1 - normalized[base + j]! * s2);
          }
        }
      });
    });
  }
  return out;
}
