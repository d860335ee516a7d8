/**
 * Checks an op's analytic gradient against central finite differences — how every op in the engine is tested, and how
 * a detector author can test a custom composite.
 *
 * The output is projected on fixed random weights (L = Σ wᵢ·outᵢ, summed in float64) so one backward pass checks the
 * whole Jacobian-vector product; the forward runs in float32, so eps must not be tiny (1e-2 .. 1e-3) and tolerances are
 * those float32 allows.
 */
import { Rng } from '../core/rng.ts';
import { backward, withGradMode } from './tape.ts';
import { Tensor } from './tensor.ts';

export interface GradcheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
  seed?: number;
}

export interface GradcheckFailure {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

/** Returns the first mismatches (empty when the gradients agree). `inputs` must be leaves; they are marked requiresGrad. */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckFailure[] {
  const eps = options.eps ?? 1e-2, rtol = options.rtol ?? 2e-2, atol = options.atol ?? 2e-3;
  for (const x of inputs) {
    x.requiresGrad = true;
    x.grad = null;
    x.hasGrad = false;
  }
  const out = fn(...inputs);
  const rng = new Rng(options.seed ?? 7);
  const weights = new Float32Array(out.size);
  for (let i = 0; i < weights.length; i++) weights[i] = rng.uniform(-1, 1);
  backward(out, { gradient: weights });
  const analytic = inputs.map((x) => x.grad?.slice() ?? new Float32Array(x.size));
  const objective = (): number => withGradMode(false, () => {
    const y = fn(...inputs).data;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += weights[i]! * y[i]!;
    return s;
  });
  const failures: GradcheckFailure[] = [];
  inputs.forEach((x, k) => {
    for (let j = 0; j < x.size; j++) {
      const saved = x.data[j]!;
      x.data[j] = saved + eps;
      const plus = objective();
      x.data[j] = saved - eps;
      const minus = objective();
      x.data[j] = saved;
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[k]![j]!;
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.max(Math.abs(a), Math.abs(numeric)))) {
        if (failures.length < 5) failures.push({ input: k, index: j, analytic: a, numeric });
      }
    }
  });
  return failures;
}

/** A leaf tensor of uniform values in [low, high) from a seeded generator (test inputs). */
export function randomTensor(shape: readonly number[], rng: Rng, low = -1, high = 1): Tensor {
  const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(low, high);
  return new Tensor(data, shape);
}
