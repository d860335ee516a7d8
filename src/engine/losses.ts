/**
 * Loss functions, each one fused pass forward and one backward (no chain of element-wise ops and their buffers).
 * `reduction`: 'mean' (default) averages, 'sum' adds, 'none' keeps one loss per element (per row for gaussianKL),
 * which is what anomaly scores are made of. Targets are constants: gradients flow to predictions only, except in
 * mseLoss, where both sides may be learned (e.g. Deep SVDD's centre, or a latent-space distance).
 */
import { ShapeError } from '../core/errors.ts';
import { arena, backend } from './context.ts';
import { formatShape, sameShape } from './shape.ts';
import { contributeGrad, needsGrad, record } from './tape.ts';
import { empty, scalar, Tensor } from './tensor.ts';

export type Reduction = 'mean' | 'sum' | 'none';

function checkSame(what: string, a: Tensor, b: Tensor): void {
  if (!sameShape(a.shape, b.shape)) {
    throw new ShapeError(`${what}: the prediction ${formatShape(a.shape)} and the target ${formatShape(b.shape)} must have the same shape.`);
  }
}

/**
 * Per-element losses and their derivatives w.r.t. the prediction, reduced as asked. `compute` fills `losses` and, when
 * `derivatives` is not null, the derivatives.
 */
function elementwiseLoss(prediction: Tensor, reduction: Reduction, grad: boolean, extra: Tensor | null,
  compute: (losses: Float32Array, derivatives: Float32Array | null) => void): Tensor {
  const n = prediction.size;
  const losses = reduction === 'none' ? empty(prediction.shape) : null;
  const lossBuffer = losses?.data ?? arena().take(n);
  const derivatives = grad ? arena().take(n) : null;
  compute(lossBuffer, derivatives);
  let out: Tensor;
  if (losses !== null) {
    out = losses;
  } else {
    let s = 0;
    for (let i = 0; i < n; i++) s += lossBuffer[i]!;
    out = scalar(reduction === 'mean' ? s / Math.max(n, 1) : s);
  }
  if (derivatives !== null) {
    record(out, () => {
      const g = out.grad!;
      const scale = reduction === 'mean' ? 1 / Math.max(n, 1) : 1;
      const write = (sign: number) => (target: Float32Array): void => {
        if (reduction === 'none') for (let i = 0; i < n; i++) target[i] = sign * g[i]! * derivatives[i]!;
        else {
          const s = sign * g[0]! * scale;
          for (let i = 0; i < n; i++) target[i] = s * derivatives[i]!;
        }
      };
      if (prediction.requiresGrad) contributeGrad(prediction, write(1));
      if (extra !== null && extra.requiresGrad) contributeGrad(extra, write(-1));
    });
  }
  return out;
}

/**
 * Mean squared error (prediction − target)². The reducing forms are the training hot path of every autoencoder, so
 * they make one pass forward (accumulating, storing nothing) and one backward (recomputing the difference).
 */
export function mseLoss(prediction: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  checkSame('mseLoss', prediction, target);
  const p = prediction.data, t = target.data, n = p.length;
  if (reduction === 'none') {
    return elementwiseLoss(prediction, reduction, needsGrad(prediction, target), target, (losses, d) => {
      for (let i = 0; i < n; i++) { const e = p[i]! - t[i]!; losses[i] = e * e; }
      if (d !== null) for (let i = 0; i < n; i++) d[i] = 2 * (p[i]! - t[i]!);
    });
  }
  const scale = reduction === 'mean' ? 1 / Math.max(n, 1) : 1;
  const out = scalar(sumOfSquaredDifferences(p, t) * scale);
  if (needsGrad(prediction, target)) {
    record(out, () => {
      const k = 2 * scale * out.grad![0]!;
      if (prediction.requiresGrad) contributeGrad(prediction, (g) => { for (let i = 0; i < n; i++) g[i] = k * (p[i]! - t[i]!); });
      if (target.requiresGrad) contributeGrad(target, (g) => { for (let i = 0; i < n; i++) g[i] = k * (t[i]! - p[i]!); });
    });
  }
  return out;
}

/** Σ (p − t)², with four independent accumulators: a single running sum is bound by the latency of each addition. */
function sumOfSquaredDifferences(p: Float32Array, t: Float32Array): number {
  const n = p.length;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (; i + 3 < n; i += 4) {
    const a = p[i]! - t[i]!, b = p[i + 1]! - t[i + 1]!, c = p[i + 2]! - t[i + 2]!, d = p[i + 3]! - t[i + 3]!;
    s0 += a * a; s1 += b * b; s2 += c * c; s3 += d * d;
  }
  for (; i < n; i++) { const e = p[i]! - t[i]!; s0 += e * e; }
  return s0 + s1 + s2 + s3;
}

/** Binary cross-entropy of sigmoid(logits) against targets in [0, 1], computed stably from the logits. */
export function bceWithLogitsLoss(logits: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  checkSame('bceWithLogitsLoss', logits, target);
  const x = logits.data, y = target.data;
  return elementwiseLoss(logits, reduction, needsGrad(logits), null, (losses, d) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!, t = y[i]!;
      losses[i] = Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
      if (d !== null) d[i] = 1 / (1 + Math.exp(-v)) - t;
    }
  });
}

/** Hinge loss max(0, 1 − y·score) for labels y in {−1, +1}. */
export function hingeLoss(scores: Tensor, labels: Tensor, reduction: Reduction = 'mean'): Tensor {
  checkSame('hingeLoss', scores, labels);
  const s = scores.data, y = labels.data;
  return elementwiseLoss(scores, reduction, needsGrad(scores), null, (losses, d) => {
    for (let i = 0; i < s.length; i++) {
      const margin = 1 - y[i]! * s[i]!;
      losses[i] = margin > 0 ? margin : 0;
      if (d !== null) d[i] = margin > 0 ? -y[i]! : 0;
    }
  });
}

/**
 * Cross-entropy of softmax(logits) [rows, classes] against class indices (one per row) or a target distribution
 * [rows, classes]. 'none' gives one loss per row.
 */
export function crossEntropyLoss(logits: Tensor, target: ArrayLike<number> | Tensor, reduction: Reduction = 'mean'): Tensor {
  if (logits.rank !== 2) throw new ShapeError(`crossEntropyLoss: logits must be [rows, classes]; got ${formatShape(logits.shape)}.`);
  const rows = logits.shape[0]!, classes = logits.shape[1]!;
  const distribution = target instanceof Tensor ? target : null;
  const classIndices = target instanceof Tensor ? null : target;
  if (distribution !== null) checkSame('crossEntropyLoss', logits, distribution);
  else if (classIndices !== null && classIndices.length !== rows) {
    throw new ShapeError(`crossEntropyLoss: ${classIndices.length} class indices for logits ${formatShape(logits.shape)}; need one per row (${rows}).`);
  }
  const logProb = arena().take(logits.size);
  backend().softmaxRows(logits.data, rows, classes, true, logProb);
  const perRow = reduction === 'none' ? empty([rows]) : null;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let l = 0;
    if (distribution !== null) {
      for (let c = 0; c < classes; c++) l -= distribution.data[r * classes + c]! * logProb[r * classes + c]!;
    } else {
      const c = classIndices![r]!;
      if (!(Number.isInteger(c) && c >= 0 && c < classes)) throw new ShapeError(`crossEntropyLoss: class ${c} of row ${r} is outside 0..${classes - 1}.`);
      l = -logProb[r * classes + c]!;
    }
    if (perRow !== null) perRow.data[r] = l;
    total += l;
  }
  const out = perRow ?? scalar(reduction === 'mean' ? total / Math.max(rows, 1) : total);
  if (needsGrad(logits)) {
    // class indices are copied: the caller may reuse its array for the next batch before backward runs
    let indices: Int32Array | null = null;
    if (classIndices !== null) {
      indices = arena().takeInt(rows);
      for (let r = 0; r < rows; r++) indices[r] = classIndices[r]!;
    }
    record(out, () => {
      const g = out.grad!;
      contributeGrad(logits, (dx) => {
        for (let r = 0; r < rows; r++) {
          const s = reduction === 'none' ? g[r]! : reduction === 'mean' ? g[0]! / rows : g[0]!;
          // d/dx of −Σ t·log softmax(x) is softmax(x)·Σt − t (Σt = 1 for a proper distribution)
          let mass = 1;
          if (indices === null) {
            mass = 0;
            for (let c = 0; c < classes; c++) mass += distribution!.data[r * classes + c]!;
          }
          for (let c = 0; c < classes; c++) {
            const i = r * classes + c;
            const t = indices !== null ? (indices[r] === c ? 1 : 0) : distribution!.data[i]!;
            dx[i] = s * (Math.exp(logProb[i]!) * mass - t);
          }
        }
      });
    });
  }
  return out;
}

/**
 * KL(N(mu, exp(logVar)) ‖ N(0, 1)) = −½ Σ (1 + logVar − mu² − exp(logVar)), summed over the last axis (the latent
 * dimensions) for each row; 'mean' then averages over rows (the usual VAE convention), 'none' returns one value per row.
 */
export function gaussianKL(mu: Tensor, logVar: Tensor, reduction: Reduction = 'mean'): Tensor {
  if (!sameShape(mu.shape, logVar.shape)) {
    throw new ShapeError(`gaussianKL: mu ${formatShape(mu.shape)} and logVar ${formatShape(logVar.shape)} must have the same shape.`);
  }
  const latent = mu.shape[mu.rank - 1] ?? 1, rows = mu.size / Math.max(latent, 1);
  const m = mu.data, lv = logVar.data;
  const perRow = reduction === 'none' ? empty(mu.shape.slice(0, -1)) : null;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = r * latent; j < (r + 1) * latent; j++) s += 1 + lv[j]! - m[j]! * m[j]! - Math.exp(lv[j]!);
    const kl = -0.5 * s;
    if (perRow !== null) perRow.data[r] = kl;
    total += kl;
  }
  const out = perRow ?? scalar(reduction === 'mean' ? total / Math.max(rows, 1) : total);
  if (needsGrad(mu, logVar)) {
    record(out, () => {
      const g = out.grad!;
      const scaleOf = (r: number): number => (reduction === 'none' ? g[r]! : reduction === 'mean' ? g[0]! / rows : g[0]!);
      if (mu.requiresGrad) {
        contributeGrad(mu, (d) => { for (let i = 0; i < d.length; i++) d[i] = scaleOf(Math.floor(i / latent)) * m[i]!; });
      }
      if (logVar.requiresGrad) {
        contributeGrad(logVar, (d) => {
          for (let i = 0; i < d.length; i++) d[i] = scaleOf(Math.floor(i / latent)) * 0.5 * (Math.exp(lv[i]!) - 1);
        });
      }
    });
  }
  return out;
}
