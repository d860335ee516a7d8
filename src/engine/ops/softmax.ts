/**
 * softmax and log-softmax along an axis (the last by default, where the backend's row kernel applies directly).
 */
import { backend } from '../context.ts';
import { normalizeAxis } from '../shape.ts';
import { contributeGrad, needsGrad, record } from '../tape.ts';
import { empty, type Tensor } from '../tensor.ts';
import { transpose } from './shape.ts';

export function softmax(x: Tensor, axis = -1): Tensor {
  return softmaxAlong(x, axis, false);
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return softmaxAlong(x, axis, true);
}

function softmaxAlong(x: Tensor, axis: number, log: boolean): Tensor {
  const ax = normalizeAxis(axis, x.rank, log ? 'logSoftmax' : 'softmax');
  if (ax !== x.rank - 1) return transpose(softmaxAlong(transpose(x, ax, -1), -1, log), ax, -1);
  const cols = x.shape[ax]!, rows = x.size / Math.max(cols, 1);
  const out = empty(x.shape);
  backend().softmaxRows(x.data, rows, cols, log, out.data);
  if (needsGrad(x)) {
    record(out, () => {
      const g = out.grad!, y = out.data;
      contributeGrad(x, (target) => {
        for (let r = 0; r < rows; r++) {
          const base = r * cols;
          let s = 0;
          if (log) {
            for (let j = 0; j < cols; j++) s += g[base + j]!;
            for (let j = 0; j < cols; j++) target[base + j] = g[base + j]! - Math.exp(y[base + j]!) * s;
          } else {
            for (let j = 0; j < cols; j++) s += g[base + j]! * y[base + j]!;
            for (let j = 0; j < cols; j++) target[base + j] = y[base + j]! * (g[base + j]! - s);
          }
        }
      });
    });
  }
  return out;
}
