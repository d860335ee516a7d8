/**
 * LODA — Lightweight On-line Detector of Anomalies. Pevný, "Loda: Lightweight on-line detector of anomalies",
 * Machine Learning 102, 2016.
 * Idea: project the data on many sparse random directions, fit a one-dimensional histogram on each, and score a row by
 * the mean negative log probability of its bins — an ensemble of weak density estimators.
 *
 * As PyOD (10 equal-width bins, 100 cuts): each direction has ⌊√d⌋ non-zero N(0, 1) weights; bin probabilities are
 * (count + 1e-12) / total; a projected value at or above an inner bin edge falls in the bin to its right, and values
 * outside the training range fall in the edge bins. PyOD divides the mean once more by the number of cuts; that
 * constant factor does not change the ranking, so the score here is the plain mean.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  bins: z.number().int().min(1).max(10000).default(10).describe('Equal-width histogram bins per random projection.'),
  cuts: z.number().int().min(1).max(100000).default(100).describe('Number of random projections (n_random_cuts).'),
}).strict();

export class LODA extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'loda',
    title: 'Lightweight On-line Detector of Anomalies',
    modality: 'tabular',
    family: 'ensemble',
    supervision: ['unsupervised'],
    paper: 'Pevný, Machine Learning 2016',
    summary: 'Mean negative log probability of a row under histograms of sparse random projections.',
  };

  private projections: Float64Array = new Float64Array(0); // cuts × features
  private ranges: Float64Array = new Float64Array(0); // per cut: lowest edge, bin width
  private logProbability: Float64Array = new Float64Array(0); // cuts × bins: −log p(bin)

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    const { bins, cuts } = this.options;
    const d = X.cols;
    const rng = this.rng();
    const zeroed = d - Math.floor(Math.sqrt(d));
    this.projections = new Float64Array(cuts * d);
    this.ranges = new Float64Array(2 * cuts);
    this.logProbability = new Float64Array(cuts * bins);
    const projected = new Float64Array(X.rows);
    for (let c = 0; c < cuts; c++) {
      const w = this.projections.subarray(c * d, (c + 1) * d);
      for (let j = 0; j < d; j++) w[j] = rng.normal();
      const drop = rng.permutation(d);
      for (let k = 0; k < zeroed; k++) w[drop[k]!] = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < X.rows; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += X.data[i * d + j]! * w[j]!;
        projected[i] = s;
        if (s < min) min = s;
        if (s > max) max = s;
      }
      // As numpy.histogram: a constant projection gets the range [v − 0.5, v + 0.5].
      if (!(max > min)) {
        min -= 0.5;
        max += 0.5;
      }
      const width = (max - min) / bins;
      this.ranges[2 * c] = min;
      this.ranges[2 * c + 1] = width;
      const counts = new Float64Array(bins);
      for (let i = 0; i < X.rows; i++) counts[binOf(projected[i]!, min, width, bins)]! += 1;
      const total = X.rows + bins * 1e-12;
      for (let b = 0; b < bins; b++) this.logProbability[c * bins + b] = -Math.log((counts[b]! + 1e-12) / total);
    }
    return this.scoreModel(X);
  }

  protected scoreModel(X: Matrix): Float64Array {
    const { bins } = this.options;
    const d = X.cols;
    const cuts = this.ranges.length / 2;
    const out = new Float64Array(X.rows);
    for (let c = 0; c < cuts; c++) {
      const min = this.ranges[2 * c]!;
      const width = this.ranges[2 * c + 1]!;
      const wBase = c * d;
      for (let i = 0; i < X.rows; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += X.data[i * d + j]! * this.projections[wBase + j]!;
        out[i]! += this.logProbability[c * bins + binOf(s, min, width, bins)]!;
      }
    }
    for (let i = 0; i < X.rows; i++) out[i]! /= cuts;
    return out;
  }

  protected saveModel(): DetectorState {
    return { params: {}, arrays: { projections: this.projections, ranges: this.ranges, logProbability: this.logProbability } };
  }

  protected loadModel(state: DetectorState): void {
    this.projections = state.arrays.projections as Float64Array;
    this.ranges = state.arrays.ranges as Float64Array;
    this.logProbability = state.arrays.logProbability as Float64Array;
  }
}

/** The bin of v: a value on an inner edge goes right (searchsorted side='right'); outside values clamp to the ends. */
function binOf(v: number, min: number, width: number, bins: number): number {
  const b = Math.floor((v - min) / width);
  return b < 0 ? 0 : b >= bins ? bins - 1 : b;
}
