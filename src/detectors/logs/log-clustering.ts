/**
 * Log clustering — Lin, Zhang, Lou, Zhang & Chen, "Log Clustering based Problem Identification for Online Service
 * Systems", ICSE 2016 (as loglizer's LogClustering).
 * Idea: cluster the IDF-weighted event-count vectors of training sessions by cosine distance; a session whose
 * distance to the nearest cluster centroid exceeds a threshold matches no known behaviour and is anomalous.
 * Clustering is loglizer's one pass: a vector joins the nearest centroid within `maxDistance` (the centroid becomes the
 * mean of its members) or starts a cluster. Sessions are visited in a seeded random order, since the pass depends on it.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import type { ThresholdSpec } from '../../thresholds/strategies.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState, stateArray } from '../detector.ts';
import { CountVectorDetector } from './count-vector-detector.ts';

const schema = baseOptionsSchema.extend({
  weighting: z.enum(['none', 'tfidf']).default('tfidf').describe("Weigh counts by the keys' inverse document frequency (Lin et al.: IDF)."),
  maxDistance: z.number().gt(0).lt(1).default(0.3).describe('Cosine distance within which a session joins a cluster (loglizer: 0.3).'),
  anomalyThreshold: z.number().gt(0).lte(2).default(0.3)
    .describe('Cosine distance to the nearest centroid above which a session is anomalous (loglizer: 0.3); used unless `threshold` is given.'),
}).strict();

export class LogClustering extends CountVectorDetector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'log-clustering',
    title: 'Log clustering',
    modality: 'logs',
    family: 'proximity',
    supervision: ['unsupervised'],
    paper: 'Lin et al., ICSE 2016',
    summary: 'Cosine distance of a session\'s weighted event-count vector to the nearest centroid of clustered training sessions.',
  };

  private centroids: Float64Array = new Float64Array(0);
  private clusterCount = 0;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  override get thresholdSpec(): ThresholdSpec {
    return this.options.threshold ?? { method: 'fixed', value: this.options.anomalyThreshold };
  }

  protected fitCounts(X: Matrix): Float64Array {
    const d = X.cols;
    const sums: Float64Array[] = [];
    const sizes: number[] = [];
    const centroids: Float64Array[] = [];
    for (const i of this.rng().permutation(X.rows)) {
      const x = X.data.subarray(i * d, (i + 1) * d);
      let best = -1;
      let bestDistance = Infinity;
      centroids.forEach((c, k) => {
        const dist = cosineDistance(x, c);
        if (dist < bestDistance) { bestDistance = dist; best = k; }
      });
      if (best >= 0 && bestDistance <= this.options.maxDistance) {
        const s = sums[best]!;
        for (let j = 0; j < d; j++) s[j]! += x[j]!;
        sizes[best]!++;
        const c = centroids[best]!;
        for (let j = 0; j < d; j++) c[j] = s[j]! / sizes[best]!;
      } else {
        sums.push(Float64Array.from(x));
        sizes.push(1);
        centroids.push(Float64Array.from(x));
      }
    }
    this.clusterCount = centroids.length;
    this.centroids = new Float64Array(this.clusterCount * d);
    centroids.forEach((c, k) => this.centroids.set(c, k * d));
    return this.scoreCounts(X);
  }

  protected scoreCounts(X: Matrix): Float64Array {
    const d = X.cols;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      const x = X.data.subarray(i * d, (i + 1) * d);
      let best = Infinity;
      for (let k = 0; k < this.clusterCount; k++) best = Math.min(best, cosineDistance(x, this.centroids.subarray(k * d, (k + 1) * d)));
      out[i] = best;
    }
    return out;
  }

  protected saveCounts(): DetectorState {
    return { params: { clusters: this.clusterCount }, arrays: { centroids: this.centroids } };
  }

  protected loadCounts(state: DetectorState): void {
    this.clusterCount = Number(state.params.clusters);
    if (!Number.isInteger(this.clusterCount) || this.clusterCount < 1) throw new Error(`the number of clusters is ${state.params.clusters}.`);
    this.centroids = stateArray(state, 'centroids', 'f64', this.clusterCount * this.keyCount);
  }
}

/** 1 − cosine similarity; a zero vector is at distance 1 from everything. */
function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0, na = 0, nb = 0;
  for (let j = 0; j < a.length; j++) {
    dot += a[j]! * b[j]!;
    na += a[j]! * a[j]!;
    nb += b[j]! * b[j]!;
  }
  return na === 0 || nb === 0 ? 1 : 1 - dot / Math.sqrt(na * nb);
}
