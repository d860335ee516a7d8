/**
 * Weight initialisers. Each fills a parameter in place from the seeded generator, given the layer's fan-in and fan-out
 * (for a convolution, channels × kernel area).
 *
 * 'default' is PyTorch's default for Linear and Conv layers (uniform in ±1/√fanIn, i.e. Kaiming-uniform with a = √5), so
 * a model ported from PyTorch trains the same way; Glorot (Xavier) suits tanh / sigmoid networks, He (Kaiming) ReLU ones.
 */
import type { Rng } from '../core/rng.ts';
import type { Tensor } from './tensor.ts';

export type Initializer = 'default' | 'glorot-uniform' | 'glorot-normal' | 'he-uniform' | 'he-normal' | 'zeros';

export function initialize(t: Tensor, init: Initializer, fanIn: number, fanOut: number, rng: Rng): void {
  switch (init) {
    case 'default': return uniform(t, 1 / Math.sqrt(fanIn), rng);
    case 'glorot-uniform': return uniform(t, Math.sqrt(6 / (fanIn + fanOut)), rng);
    case 'glorot-normal': return normal(t, Math.sqrt(2 / (fanIn + fanOut)), rng);
    case 'he-uniform': return uniform(t, Math.sqrt(6 / fanIn), rng);
    case 'he-normal': return normal(t, Math.sqrt(2 / fanIn), rng);
    case 'zeros': t.data.fill(0); return;
  }
}

export function uniform(t: Tensor, limit: number, rng: Rng): void {
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(-limit, limit);
}

export function normal(t: Tensor, std: number, rng: Rng): void {
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal(0, std);
}
