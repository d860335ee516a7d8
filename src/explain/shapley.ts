/**
 * Model-agnostic contributions: Shapley values estimated by sampling permutations (Štrumbelj & Kononenko, "Explaining
 * prediction models and individual predictions with feature contributions", KAIS 2014), with "absent" features taken
 * from reference rows (interventional Shapley values against the reference distribution, as KernelSHAP's background).
 *
 * Each sample walks one permutation from a reference row r to the explained row x, switching one feature at a time
 * from r's value to x's: the score change at each step is that feature's marginal contribution, and the steps of one
 * walk sum to f(x) − f(r). Every reference row gets the same number of walks, half of them in the reverse order of
 * the other half (antithetic sampling, which cancels much of the order noise), so the averaged contributions sum
 * exactly to f(x) − mean f(reference): the additivity property. All walks of a row are scored in one call.
 */
import { InputError, OptionError } from '../core/errors.ts';
import { selectRows, type Matrix } from '../core/matrix.ts';
import { Rng } from '../core/rng.ts';

export interface ShapleyOptions {
  /** rows standing for "feature absent"; typically a sample of training rows */
  reference: Matrix;
  /** reference rows used, drawn without replacement when there are more (seeded). Default 32 */
  referenceSize?: number;
  /** permutation walks per reference row, rounded up to even (antithetic pairs). Default 2 */
  walks?: number;
  seed?: number;
}

export interface ShapleyResult {
  contributions: Matrix;
  /** mean score of the reference rows used: the baseline the contributions start from */
  baseline: number;
}

/** `score` must score rows independently (the detector contract); it is called once per explained row. */
export function sampledShapley(score: (X: Matrix) => ArrayLike<number>, X: Matrix, options: ShapleyOptions): ShapleyResult {
  const { reference } = options;
  const d = X.cols;
  if (reference.cols !== d) throw new InputError(`The reference rows have ${reference.cols} features; the rows to explain have ${d}.`);
  if (reference.rows < 1) throw new InputError('Sampled Shapley values need at least one reference row.');
  const referenceSize = options.referenceSize ?? 32;
  const walks = options.walks ?? 2;
  if (!Number.isInteger(referenceSize) || referenceSize < 1) throw new OptionError(`The 'referenceSize' option must be an integer ≥ 1. Got ${referenceSize} instead.`);
  if (!Number.isInteger(walks) || walks < 1) throw new OptionError(`The 'walks' option must be an integer ≥ 1. Got ${walks} instead.`);
  const rng = new Rng(options.seed ?? 0);
  const R = Math.min(referenceSize, reference.rows);
  const background = R === reference.rows ? reference : selectRows(reference, rng.sample(reference.rows, R));
  const referenceScores = score(background);
  let baseline = 0;
  for (let r = 0; r < R; r++) baseline += referenceScores[r]!;
  baseline /= R;

  const pairs = Math.ceil(walks / 2);
  const W = R * pairs * 2; // walks per explained row
  const orders: Int32Array[] = [];
  for (let w = 0; w < R * pairs; w++) {
    const forward = rng.permutation(d);
    orders.push(forward, forward.slice().reverse());
  }
  const out = new Float64Array(X.rows * d);
  // One matrix holds every step of every walk: walk w, step s (s = 1..d features switched to x).
  const steps = new Float64Array(W * d * d);
  for (let i = 0; i < X.rows; i++) {
    const x = X.data.subarray(i * d, (i + 1) * d);
    for (let w = 0; w < W; w++) {
      const r = Math.floor(w / (2 * pairs));
      const current = background.data.slice(r * d, (r + 1) * d);
      const order = orders[w]!;
      for (let s = 0; s < d; s++) {
        const j = order[s]!;
        current[j] = x[j]!;
        steps.set(current, (w * d + s) * d);
      }
    }
    const stepScores = score({ rows: W * d, cols: d, data: steps });
    const row = out.subarray(i * d, (i + 1) * d);
    for (let w = 0; w < W; w++) {
      const r = Math.floor(w / (2 * pairs));
      const order = orders[w]!;
      let previous = referenceScores[r]!;
      for (let s = 0; s < d; s++) {
        const now = stepScores[w * d + s]!;
        row[order[s]!]! += now - previous;
        previous = now;
      }
    }
    for (let j = 0; j < d; j++) row[j] = row[j]! / W;
  }
  return { contributions: { rows: X.rows, cols: d, data: out }, baseline };
}
