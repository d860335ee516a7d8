/**
 * Per-feature contributions to anomaly scores: a rows × features matrix, higher = pushes the row towards anomalous.
 *
 * `explain(detector, X)` takes the exact route when there is one — the detector's own `explain(X)` method (the
 * plugin contract's optional member), else an exact decomposition known for its kind (exact/index.ts) — and
 * otherwise sampled Shapley values against reference rows (shapley.ts), which works for any detector.
 */
import { checkMatrix, type Matrix } from '../core/matrix.ts';
import { InputError, OptionError } from '../core/errors.ts';
import type { Detector } from '../detectors/detector.ts';
import { exactExplainer } from './exact/index.ts';
import { sampledShapley } from './shapley.ts';

export const EXPLAIN_METHODS = ['auto', 'exact', 'shapley'] as const;
export type ExplainMethod = (typeof EXPLAIN_METHODS)[number];

export interface ExplainOptions {
  /** 'auto' (default): exact when the detector allows, else Shapley sampling; 'exact' refuses detectors without one */
  method?: ExplainMethod;
  /** reference rows for Shapley sampling (in the detector's input space); needed only when that method runs */
  reference?: Matrix;
  /** Shapley sampling: reference rows used (default 32) and permutation walks per reference row (default 2) */
  referenceSize?: number;
  walks?: number;
  /** seed of the reference draw and permutations (default 0) */
  seed?: number;
}

export interface Explanation {
  method: 'exact' | 'shapley';
  /** what the numbers are, in words */
  description: string;
  /** whether each row's contributions sum to its score (exact), or to score − baseline (Shapley) */
  additive: boolean;
  /** Shapley sampling only: the mean reference score the contributions start from */
  baseline?: number;
  contributions: Matrix;
}

/** A detector that explains its own scores: the optional member of the plugin contract. */
export interface SelfExplaining {
  explain(X: Matrix): Matrix;
}

function selfExplaining(detector: Detector): detector is Detector & SelfExplaining {
  return typeof (detector as Partial<SelfExplaining>).explain === 'function';
}

/** Whether `explain(detector, X)` can take the exact route (otherwise it needs reference rows). */
export function hasExactExplanation(detector: Detector): boolean {
  return selfExplaining(detector) || exactExplainer(detector.name) !== undefined;
}

export function explain(detector: Detector, X: Matrix, options: ExplainOptions = {}): Explanation {
  const method = options.method ?? 'auto';
  if (!(EXPLAIN_METHODS as readonly string[]).includes(method)) {
    throw new OptionError(`The explanation method must be one of ${EXPLAIN_METHODS.join(', ')}. Got '${String(method)}' instead.`);
  }
  if (!detector.isFitted) detector.score(X); // throws the detector's own NotFittedError
  checkMatrix(X, `${detector.name}.explain`, { minRows: 0, features: detector.nFeatures });
  if (method !== 'shapley') {
    if (selfExplaining(detector)) {
      const contributions = detector.explain(X);
      checkContributions(contributions, X, detector.name);
      return { method: 'exact', description: `${detector.name}'s own explanation`, additive: false, contributions };
    }
    const exact = exactExplainer(detector.name);
    if (exact !== undefined) {
      return { method: 'exact', description: exact.description, additive: exact.additive, contributions: exact.contributions(detector, X) };
    }
    if (method === 'exact') {
      throw new OptionError(`Detector '${detector.name}' has no exact explanation; use method 'shapley' (or 'auto') with reference rows.`);
    }
  }
  if (options.reference === undefined) {
    throw new InputError(`Explaining detector '${detector.name}' takes Shapley sampling, which needs reference rows (a sample of training rows).`);
  }
  checkMatrix(options.reference, 'the reference rows', { features: X.cols });
  const shapley = sampledShapley((rows) => detector.score(rows), X, {
    reference: options.reference,
    ...(options.referenceSize !== undefined ? { referenceSize: options.referenceSize } : {}),
    ...(options.walks !== undefined ? { walks: options.walks } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  return {
    method: 'shapley',
    description: 'sampled Shapley values against reference rows (sum to score − baseline)',
    additive: true,
    baseline: shapley.baseline,
    contributions: shapley.contributions,
  };
}

function checkContributions(m: Matrix, X: Matrix, name: string): void {
  if (m === null || typeof m !== 'object' || !(m.data instanceof Float64Array) || m.rows !== X.rows || m.cols !== X.cols || m.data.length !== X.rows * X.cols) {
    throw new InputError(`Detector '${name}'.explain(X) must return a ${X.rows} × ${X.cols} Matrix of contributions.`);
  }
}

export interface FeatureContribution {
  feature: string;
  contribution: number;
}

/** The k features with the largest contributions of each row, largest first. */
export function topFeatures(contributions: Matrix, features: readonly string[], k: number): FeatureContribution[][] {
  const d = contributions.cols;
  if (features.length !== d) throw new InputError(`${features.length} feature names for ${d} contribution columns.`);
  const take = Math.max(0, Math.min(Math.floor(k), d));
  const out: FeatureContribution[][] = [];
  const order = Array.from({ length: d }, (_, j) => j);
  for (let i = 0; i < contributions.rows; i++) {
    const row = contributions.data.subarray(i * d, (i + 1) * d);
    order.sort((a, b) => row[b]! - row[a]! || a - b);
    out.push(order.slice(0, take).map((j) => ({ feature: features[j]!, contribution: row[j]! })));
  }
  return out;
}
