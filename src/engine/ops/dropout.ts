/**
 * Inverted dropout: in training each element is zeroed with probability p and the survivors scaled by 1/(1 − p), so
 * evaluation is the identity. The mask comes from the seeded generator, so a seed reproduces a training run.
 */
import type { Rng } from '../../core/rng.ts';
import { arena } from '../context.ts';
import { contributeGrad, needsGrad, record } from '../tape.ts';
import { empty, type Tensor } from '../tensor.ts';

export function dropout(x: Tensor, p: number, rng: Rng, training = true): Tensor {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout: the drop probability must be in [0, 1). Got ${p} instead.`);
  if (!training || p === 0) return x;
  const keep = 1 / (1 - p);
  const mask = arena().take(x.size);
  const out = empty(x.shape);
  const xs = x.data, ys = out.data;
  for (let i = 0; i < x.size; i++) {
    const m = rng.next() < p ? 0 : keep;
    mask[i] = m;
    ys[i] = xs[i]! * m;
  }
  if (needsGrad(x)) {
    record(out, () => {
      const g = out.grad!;
      contributeGrad(x, (dx) => { for (let i = 0; i < dx.length; i++) dx[i] = g[i]! * mask[i]!; });
    });
  }
  return out;
}
