/**
 * HBOS — Histogram-Based Outlier Score. Goldstein & Dengel, "Histogram-based Outlier Score (HBOS): A fast Unsupervised
 * Anomaly Detection Algorithm", KI 2012.
 * Idea: treat features as independent; a row's score is the sum over features of −log(density of its histogram bin).
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import { baseOptionsSchema, Detector, stateArray, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  bins: z.number().int().min(2).max(10000).default(10).describe('Equal-width bins per feature.'),
  alpha: z.number().gt(0).lt(1).default(0.1).describe('Regulariser added to every bin density, so empty bins give a finite score.'),
  tolerance: z.number().gte(0).lt(1).default(0.5)
    .describe('A value outside the training range by less than this fraction of a bin borrows the edge bin’s density.'),
}).strict();

export class HBOS extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'hbos',
    title: 'Histogram-Based Outlier Score',
    modality: 'tabular',
    family: 'probabilistic',
    supervision: ['unsupervised'],
    paper: 'Goldstein & Dengel, KI 2012',
    summary: 'Sum over features of the negative log density of the histogram bin a value falls in.',
  };

  private edges: Float64Array = new Float64Array(0); // per feature: min, width
  private logDensity: Float64Array = new Float64Array(0); // features × bins: −log(density + alpha)

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    const { bins, alpha } = this.options;
    const d = X.cols;
    this.edges = new Float64Array(2 * d);
    this.logDensity = new Float64Array(d * bins);
    for (let j = 0; j < d; j++) {
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < X.rows; i++) {
        const v = X.data[i * d + j]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const width = max > min ? (max - min) / bins : 1;
      this.edges[2 * j] = min;
      this.edges[2 * j + 1] = width;
      const counts = new Float64Array(bins);
      for (let i = 0; i < X.rows; i++) counts[binOf(X.data[i * d + j]!, min, width, bins)]! += 1;
      // Density normalised so bins integrate to one, as PyOD does (heights over total × width).
      for (let b = 0; b < bins; b++) this.logDensity[j * bins + b] = -Math.log(counts[b]! / (X.rows * width) + alpha);
    }
    return this.scoreModel(X);
  }

  protected scoreModel(X: Matrix): Float64Array {
    const { bins, tolerance, alpha } = this.options;
    const d = X.cols;
    const out = new Float64Array(X.rows);
    const outside = -Math.log(alpha); // density 0: the largest per-feature score
    for (let i = 0; i < X.rows; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = X.data[i * d + j]!;
        const min = this.edges[2 * j]!;
        const width = this.edges[2 * j + 1]!;
        const pos = (v - min) / width;
        if (pos < -tolerance || pos > bins + tolerance) s += outside;
        else s += this.logDensity[j * bins + binOf(v, min, width, bins)]!;
      }
      out[i] = s;
    }
    return out;
  }

  protected saveModel(): DetectorState {
    return { params: {}, arrays: { edges: this.edges, logDensity: this.logDensity } };
  }

  protected loadModel(state: DetectorState): void {
    this.edges = stateArray(state, 'edges', 'f64');
    this.logDensity = stateArray(state, 'logDensity', 'f64', (this.edges.length / 2) * this.options.bins);
  }
}

function binOf(v: number, min: number, width: number, bins: number): number {
  const b = Math.floor((v - min) / width);
  return b < 0 ? 0 : b >= bins ? bins - 1 : b;
}
