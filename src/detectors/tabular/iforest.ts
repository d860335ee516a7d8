/**
 * IForest — Isolation Forest. Liu, Ting & Zhou, "Isolation Forest", ICDM 2008.
 * Idea: anomalies are few and different, so random axis-parallel splits isolate them in fewer steps; the score is
 * 2^(−E[h(x)] / c(ψ)), where h is the path length in a tree grown on ψ sub-sampled rows and c(ψ) the average path
 * length of an unsuccessful search in a binary search tree of ψ points.
 *
 * Defaults and details follow PyOD's IForest (scikit-learn's IsolationForest): 100 trees, ψ = min(256, n) rows drawn
 * without replacement per tree, trees grown to depth ⌈log₂ ψ⌉, each split on a random non-constant feature at a
 * uniform threshold in the node's range, and a leaf holding s rows adds c(s) to its depth.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import type { Rng } from '../../core/rng.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  trees: z.number().int().min(1).max(100000).default(100).describe('Number of isolation trees (n_estimators).'),
  maxSamples: z.number().int().min(2).default(256)
    .describe('Rows drawn without replacement to grow each tree (ψ); capped at the number of training rows.'),
  maxFeatures: z.number().gt(0).lte(1).default(1)
    .describe('Share of the features each tree may split on, drawn per tree (1 = all features).'),
}).strict();

const EULER_GAMMA = 0.5772156649015329;

/** c(n): average path length of an unsuccessful search in a binary search tree of n points (0 for n ≤ 1, 1 for n = 2). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

export class IForest extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'iforest',
    title: 'Isolation Forest',
    modality: 'tabular',
    family: 'ensemble',
    supervision: ['unsupervised'],
    paper: 'Liu, Ting & Zhou, ICDM 2008',
    summary: 'Anomalies are isolated by fewer random axis-parallel splits; score 2^(−mean path length / c(ψ)).',
  };

  // All trees in flat node arrays. An inner node splits on `feature` at `splitValue` (x ≤ threshold goes left);
  // a leaf has feature −1 and keeps in `splitValue` its whole path-length contribution: depth + c(rows in leaf).
  private feature: Int32Array = new Int32Array(0);
  private splitValue: Float64Array = new Float64Array(0);
  private left: Int32Array = new Int32Array(0);
  private right: Int32Array = new Int32Array(0);
  private roots: Int32Array = new Int32Array(0);
  private normaliser = 1; // c(ψ)

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    const { trees, maxFeatures } = this.options;
    const psi = Math.min(this.options.maxSamples, X.rows);
    const maxDepth = Math.ceil(Math.log2(Math.max(psi, 2)));
    const featuresPerTree = Math.max(1, Math.floor(maxFeatures * X.cols));
    const rng = this.rng();
    const nodes = new NodeBuffer(trees * (2 * psi - 1));
    this.roots = new Int32Array(trees);
    for (let t = 0; t < trees; t++) {
      const treeRng = rng.fork();
      const sample = treeRng.sample(X.rows, psi);
      const features = featuresPerTree === X.cols ? identity(X.cols) : treeRng.sample(X.cols, featuresPerTree);
      this.roots[t] = growTree(X, sample, features, maxDepth, treeRng, nodes);
    }
    this.feature = nodes.feature.slice(0, nodes.size);
    this.splitValue = nodes.splitValue.slice(0, nodes.size);
    this.left = nodes.left.slice(0, nodes.size);
    this.right = nodes.right.slice(0, nodes.size);
    this.normaliser = averagePathLength(psi) || 1;
    return this.scoreModel(X);
  }

  protected scoreModel(X: Matrix): Float64Array {
    const { feature, splitValue, left, right, roots } = this;
    const d = X.cols;
    const data = X.data;
    const trees = roots.length;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      const base = i * d;
      let total = 0;
      for (let t = 0; t < trees; t++) {
        let node = roots[t]!;
        let f = feature[node]!;
        while (f >= 0) {
          node = data[base + f]! <= splitValue[node]! ? left[node]! : right[node]!;
          f = feature[node]!;
        }
        total += splitValue[node]!;
      }
      out[i] = 2 ** (-(total / trees) / this.normaliser);
    }
    return out;
  }

  protected saveModel(): DetectorState {
    return {
      params: { normaliser: this.normaliser },
      arrays: { feature: this.feature, splitValue: this.splitValue, left: this.left, right: this.right, roots: this.roots },
    };
  }

  protected loadModel(state: DetectorState): void {
    this.normaliser = state.params.normaliser as number;
    this.feature = state.arrays.feature as Int32Array;
    this.splitValue = state.arrays.splitValue as Float64Array;
    this.left = state.arrays.left as Int32Array;
    this.right = state.arrays.right as Int32Array;
    this.roots = state.arrays.roots as Int32Array;
  }
}

export class NodeBuffer {
  size = 0;
  readonly feature: Int32Array;
  readonly splitValue: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  constructor(capacity: number) {
    this.feature = new Int32Array(capacity);
    this.splitValue = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
  }
  add(): number {
    return this.size++;
  }
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Grows one isolation tree over the rows in `sample` (reordered in place); returns the root's node index. */
export function growTree(X: Matrix, sample: Int32Array, features: Int32Array, maxDepth: number, rng: Rng, nodes: NodeBuffer): number {
  const d = X.cols;
  const data = X.data;
  const root = nodes.add();
  // Work list of nodes to expand: node index, range [start, end) of `sample`, depth.
  const stack: number[] = [root, 0, sample.length, 0];
  const candidates = Int32Array.from(features);
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = stack.pop()!;
    const count = end - start;
    let split = -1;
    let min = 0;
    let max = 0;
    if (count >= 2 && depth < maxDepth) {
      // As scikit-learn: draw features without replacement until one is not constant in this node.
      let remaining = candidates.length;
      while (remaining > 0) {
        const pick = rng.int(remaining);
        const f = candidates[pick]!;
        candidates[pick] = candidates[remaining - 1]!;
        candidates[remaining - 1] = f;
        remaining--;
        min = Infinity;
        max = -Infinity;
        for (let k = start; k < end; k++) {
          const v = data[sample[k]! * d + f]!;
          if (v < min) min = v;
          if (v > max) max = v;
        }
        if (max > min) {
          split = f;
          break;
        }
      }
    }
    if (split < 0) {
      nodes.feature[node] = -1;
      nodes.splitValue[node] = depth + averagePathLength(count);
      continue;
    }
    let cut = rng.uniform(min, max);
    if (cut >= max) cut = min; // as scikit-learn: rounding must not send every row left
    // Partition: rows with value ≤ cut first.
    let lo = start;
    let hi = end - 1;
    while (lo <= hi) {
      if (data[sample[lo]! * d + split]! <= cut) lo++;
      else {
        const tmp = sample[lo]!;
        sample[lo] = sample[hi]!;
        sample[hi] = tmp;
        hi--;
      }
    }
    const leftNode = nodes.add();
    const rightNode = nodes.add();
    nodes.feature[node] = split;
    nodes.splitValue[node] = cut;
    nodes.left[node] = leftNode;
    nodes.right[node] = rightNode;
    stack.push(leftNode, start, lo, depth + 1, rightNode, lo, end, depth + 1);
  }
  return root;
}
