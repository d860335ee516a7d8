/**
 * Isolation Forest explained by its paths, after the local DIFFI importance (Carletti, Terzi & Susto, "Interpretable
 * Anomaly Detection with DIFFI", Engineering Applications of AI 2023): in each tree, every split on x's path credits
 * its feature with how much it isolated x — log₂(rows in the node / rows in the child x goes to), the bits of the
 * training sample it cut away — divided by h(x), the tree's path length for x. A split that sends x alone to a side
 * near the root earns much; a split that halves the rows on a long path earns little. Averaged over the trees.
 *
 * The trees keep no node sizes, but each leaf keeps depth + c(rows in it), and c is increasing, so a leaf's row count
 * is read back from its value and an inner node's is the sum of its leaves'.
 */
import type { Matrix } from '../../core/matrix.ts';
import type { Detector } from '../../detectors/detector.ts';
import { averagePathLength } from '../../detectors/tabular/iforest.ts';

export function iforestContributions(detector: Detector, X: Matrix): Matrix {
  const snap = detector.snapshot();
  const feature = snap.arrays.feature as Int32Array;
  const splitValue = snap.arrays.splitValue as Float64Array;
  const left = snap.arrays.left as Int32Array;
  const right = snap.arrays.right as Int32Array;
  const roots = snap.arrays.roots as Int32Array;
  const size = nodeSizes(feature, splitValue, left, right, roots);
  const d = X.cols;
  const trees = roots.length;
  const out = new Float64Array(X.rows * d);
  const credits: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    const base = i * d;
    for (let t = 0; t < trees; t++) {
      credits.length = 0;
      let node = roots[t]!;
      let f = feature[node]!;
      while (f >= 0) {
        const next = X.data[base + f]! <= splitValue[node]! ? left[node]! : right[node]!;
        credits.push(f, Math.log2(size[node]! / size[next]!));
        node = next;
        f = feature[node]!;
      }
      const h = Math.max(splitValue[node]!, 1);
      for (let k = 0; k < credits.length; k += 2) out[base + credits[k]!]! += credits[k + 1]! / (h * trees);
    }
  }
  return { rows: X.rows, cols: d, data: out };
}

/** Training rows that reached each node. */
export function nodeSizes(feature: Int32Array, splitValue: Float64Array, left: Int32Array, right: Int32Array, roots: Int32Array): Float64Array {
  const size = new Float64Array(feature.length);
  const c: number[] = [0]; // c[s] = averagePathLength(s), grown as needed
  const rowsOfLeaf = (residual: number): number => {
    // smallest s ≥ 1 with c(s) ≥ residual (up to rounding); c(1) = 0
    let s = 1;
    for (;;) {
      while (c.length <= s + 1) c.push(averagePathLength(c.length));
      if (c[s]! >= residual - 1e-9 || s > 1e7) return s;
      s++;
    }
  };
  for (let t = 0; t < roots.length; t++) {
    // iterative post-order: push (node, depth, visited)
    const stack: number[] = [roots[t]!, 0, 0];
    while (stack.length > 0) {
      const visited = stack.pop()!;
      const depth = stack.pop()!;
      const node = stack.pop()!;
      if (feature[node]! < 0) {
        size[node] = rowsOfLeaf(splitValue[node]! - depth);
      } else if (visited === 1) {
        size[node] = size[left[node]!]! + size[right[node]!]!;
      } else {
        stack.push(node, depth, 1, left[node]!, depth + 1, 0, right[node]!, depth + 1, 0);
      }
    }
  }
  return size;
}
