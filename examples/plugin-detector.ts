/**
 * A third-party detector, written as a plugin would be: it imports only the public package and registers itself when
 * imported. Use it from the command line with
 *   npx dad detect --plugin examples/plugin-detector.ts --detector robust-zscore examples/transactions.csv --label label
 * or from code by importing this file, then createDetector('robust-zscore').
 *
 * Robust z-score (Iglewicz & Hoaglin, "How to Detect and Handle Outliers", ASQC 1993): each feature is centred on
 * its median and scaled by 1.4826 · MAD, so the anomalies in the training data do not inflate the scale that is meant
 * to expose them; a row's score is the root mean square of its features' robust z-scores.
 */
import { z } from 'zod';
import { baseOptionsSchema, Detector, quantile, registerDetector, type DetectorInfo, type DetectorState, type Matrix } from 'dadkit';

const schema = baseOptionsSchema.extend({
  minScale: z.number().gt(0).default(1e-9)
    .describe('Smallest per-feature scale: a feature whose MAD and standard deviation are both 0 is scaled by this.'),
}).strict();

export class RobustZScore extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'robust-zscore',
    title: 'Robust z-score (median / MAD)',
    modality: 'tabular',
    family: 'statistical',
    supervision: ['unsupervised'],
    paper: 'Iglewicz & Hoaglin, ASQC 1993',
    summary: 'Root mean square over features of (x − median) / (1.4826 · MAD).',
  };

  private center = new Float64Array(0);
  private scale = new Float64Array(0);

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    const d = X.cols;
    this.center = new Float64Array(d);
    this.scale = new Float64Array(d);
    const column = new Float64Array(X.rows);
    for (let j = 0; j < d; j++) {
      for (let i = 0; i < X.rows; i++) column[i] = X.data[i * d + j]!;
      const median = quantile(column, 0.5);
      const deviations = column.map((v) => Math.abs(v - median));
      let scale = 1.4826 * quantile(deviations, 0.5);
      // Over half the values equal (a MAD of 0): fall back to the standard deviation rather than divide by zero.
      if (!(scale > 0)) scale = Math.sqrt(deviations.reduce((s, v) => s + v * v, 0) / X.rows);
      this.center[j] = median;
      this.scale[j] = Math.max(scale, this.options.minScale);
    }
    return this.scoreModel(X);
  }

  protected scoreModel(X: Matrix): Float64Array {
    const d = X.cols;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let sum = 0;
      for (let j = 0; j < d; j++) {
        const z = (X.data[i * d + j]! - this.center[j]!) / this.scale[j]!;
        sum += z * z;
      }
      out[i] = Math.sqrt(sum / d);
    }
    return out;
  }

  protected saveModel(): DetectorState {
    return { params: {}, arrays: { center: this.center, scale: this.scale } };
  }

  protected loadModel(state: DetectorState): void {
    this.center = Float64Array.from(state.arrays['center'] ?? []);
    this.scale = Float64Array.from(state.arrays['scale'] ?? []);
  }
}

registerDetector(RobustZScore);
