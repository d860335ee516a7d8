/**
 * k-means clustering: Lloyd's iterations (Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory 1982)
 * from greedy k-means++ seeds (Arthur & Vassilvitskii, SODA 2007), best of several seeded starts, as scikit-learn's
 * KMeans: the tolerance is relative to the data's mean feature variance, an empty cluster is re-seeded at the row
 * farthest from its centre, and the labels returned agree with the centres returned.
 */
import type { Matrix } from '../../core/matrix.ts';
import type { Rng } from '../../core/rng.ts';
import { squaredDistance } from './neighbors/distance.ts';

export interface KMeansOptions {
  clusters: number;
  /** independent seeded starts; the one with the lowest inertia wins */
  starts: number;
  maxIterations: number;
  /** convergence when the squared centre shift is below tolerance × mean feature variance */
  tolerance: number;
}

export interface KMeansResult {
  /** clusters × d, row-major */
  centers: Float64Array;
  /** cluster of each row */
  labels: Int32Array;
  /** sum of squared distances of rows to their centres */
  inertia: number;
  iterations: number;
}

export function kMeans(X: Matrix, options: KMeansOptions, rng: Rng): KMeansResult {
  const tolerance = options.tolerance * meanVariance(X);
  let best: KMeansResult | undefined;
  for (let s = 0; s < options.starts; s++) {
    const run = lloyd(X, seedPlusPlus(X, options.clusters, rng), options.maxIterations, tolerance);
    // Strictly lower only, so the earliest start wins ties: same seed, same clustering.
    if (best === undefined || run.inertia < best.inertia) best = run;
  }
  return best!;
}

/** Nearest centre of one row (lower cluster index on ties) and the squared distance to it. */
export function nearestCenter(data: Float64Array, offset: number, centers: Float64Array, d: number): { label: number; distance: number } {
  let label = 0;
  let distance = Infinity;
  for (let c = 0; c * d < centers.length; c++) {
    const s = squaredDistance(data, offset, centers, c * d, d);
    if (s < distance) {
      distance = s;
      label = c;
    }
  }
  return { label, distance };
}

/**
 * Greedy k-means++: each new centre is the best (lowest resulting potential) of 2 + ⌊ln k⌋ candidates drawn with
 * probability proportional to the squared distance to the nearest centre so far.
 */
function seedPlusPlus(X: Matrix, k: number, rng: Rng): Float64Array {
  const n = X.rows;
  const d = X.cols;
  const centers = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  centers.set(X.data.subarray(first * d, (first + 1) * d), 0);
  const closest = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = squaredDistance(X.data, i * d, centers, 0, d);
    potential += closest[i]!;
  }
  const candidateClosest = new Float64Array(n);
  const bestClosest = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let bestCandidate = -1;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      const candidate = potential > 0 ? drawProportional(closest, potential, rng) : rng.int(n);
      let p = 0;
      for (let i = 0; i < n; i++) {
        const s = Math.min(closest[i]!, squaredDistance(X.data, i * d, X.data, candidate * d, d));
        candidateClosest[i] = s;
        p += s;
      }
      if (p < bestPotential) {
        bestPotential = p;
        bestCandidate = candidate;
        bestClosest.set(candidateClosest);
      }
    }
    centers.set(X.data.subarray(bestCandidate * d, (bestCandidate + 1) * d), c * d);
    closest.set(bestClosest);
    potential = bestPotential;
  }
  return centers;
}

function drawProportional(weights: Float64Array, total: number, rng: Rng): number {
  let target = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i]!;
    if (target < 0) return i;
  }
  // Rounding can leave a sliver of `target`: the last row with weight takes it.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return weights.length - 1;
}

function lloyd(X: Matrix, centers: Float64Array, maxIterations: number, tolerance: number): KMeansResult {
  const n = X.rows;
  const d = X.cols;
  const k = centers.length / d;
  const labels = new Int32Array(n);
  const distances = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    assign(X, centers, labels, distances);
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      counts[c]! += 1;
      for (let j = 0; j < d; j++) sums[c * d + j]! += X.data[i * d + j]!;
    }
    relocateEmpty(X, counts, sums, labels, distances);
    let shift = 0;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        const v = sums[c * d + j]! / counts[c]!;
        const t = v - centers[c * d + j]!;
        shift += t * t;
        centers[c * d + j] = v;
      }
    }
    if (shift <= tolerance) {
      iterations++;
      break;
    }
  }
  // Final assignment, so labels and inertia belong to the centres returned.
  const inertia = assign(X, centers, labels, distances);
  return { centers, labels, inertia, iterations };
}

function assign(X: Matrix, centers: Float64Array, labels: Int32Array, distances: Float64Array): number {
  const d = X.cols;
  let inertia = 0;
  for (let i = 0; i < X.rows; i++) {
    const { label, distance } = nearestCenter(X.data, i * d, centers, d);
    labels[i] = label;
    distances[i] = distance;
    inertia += distance;
  }
  return inertia;
}

/** An empty cluster takes over the row farthest from its centre (scikit-learn's rule), one row per empty cluster. */
function relocateEmpty(X: Matrix, counts: Float64Array, sums: Float64Array, labels: Int32Array, distances: Float64Array): void {
  const d = X.cols;
  for (let c = 0; c < counts.length; c++) {
    if (counts[c]! > 0) continue;
    let far = -1;
    for (let i = 0; i < X.rows; i++) {
      if (counts[labels[i]!]! > 1 && (far < 0 || distances[i]! > distances[far]!)) far = i;
    }
    if (far < 0) return;
    const from = labels[far]!;
    counts[from]! -= 1;
    counts[c] = 1;
    for (let j = 0; j < d; j++) {
      const v = X.data[far * d + j]!;
      sums[from * d + j]! -= v;
      sums[c * d + j] = v;
    }
    labels[far] = c;
    distances[far] = 0;
  }
}

function meanVariance(X: Matrix): number {
  const n = X.rows;
  const d = X.cols;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += X.data[i * d + j]!;
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (X.data[i * d + j]! - mean) ** 2;
    total += v / n;
  }
  return total / d;
}
