/**
 * INNE — Isolation using Nearest-Neighbour Ensembles. Bandaragoda, Ting, Albrecht, Liu, Zhu & Wells, "Isolation-based
 * anomaly detection using nearest-neighbor ensembles", Computational Intelligence 34(4), 2018.
 * Idea: each ensemble member draws ψ rows and puts a hypersphere around each, reaching to its nearest other sampled
 * row; a point is isolated by the smallest sphere covering it, scored by how much larger that sphere is than its
 * neighbour's (1 − r_neighbour / r), and a point no sphere covers gets the maximum score 1.
 *
 * As PyOD's INNE: 200 members, ψ = min(8, n) rows each, squared Euclidean radii, ratios with machine epsilon added to
 * numerator and denominator, and the score is the mean over members.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import { squaredDistance } from '../components/neighbors/distance.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  estimators: z.number().int().min(1).max(100000).default(200).describe('Number of ensemble members (n_estimators).'),
  maxSamples: z.number().int().min(2).default(8)
    .describe('Rows sampled per member as hypersphere centres (ψ); capped at the number of training rows.'),
}).strict();

export class INNE extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'inne',
    title: 'Isolation using Nearest-Neighbour Ensembles',
    modality: 'tabular',
    family: 'ensemble',
    supervision: ['unsupervised'],
    paper: 'Bandaragoda et al., Computational Intelligence 2018',
    summary: 'Isolation by nearest-neighbour hyperspheres of small samples: 1 − neighbour radius / covering radius.',
  };

  private centres: Float64Array = new Float64Array(0); // estimators × ψ × d
  private radii: Float64Array = new Float64Array(0); // estimators × ψ, squared
  private ratios: Float64Array = new Float64Array(0); // estimators × ψ
  private psi = 0;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    const { estimators } = this.options;
    const d = X.cols;
    const psi = Math.min(this.options.maxSamples, X.rows);
    this.psi = psi;
    this.centres = new Float64Array(estimators * psi * d);
    this.radii = new Float64Array(estimators * psi);
    this.ratios = new Float64Array(estimators * psi);
    const rng = this.rng();
    const nearest = new Int32Array(psi);
    for (let e = 0; e < estimators; e++) {
      const sample = rng.fork().sample(X.rows, psi);
      const cBase = e * psi;
      for (let a = 0; a < psi; a++) this.centres.set(X.data.subarray(sample[a]! * d, (sample[a]! + 1) * d), (cBase + a) * d);
      for (let a = 0; a < psi; a++) {
        let best = Infinity;
        let bestB = 0;
        for (let b = 0; b < psi; b++) {
          if (b === a) continue;
          const s = squaredDistance(this.centres, (cBase + a) * d, this.centres, (cBase + b) * d, d);
          if (s < best) {
            best = s;
            bestB = b;
          }
        }
        this.radii[cBase + a] = best;
        nearest[a] = bestB;
      }
      for (let a = 0; a < psi; a++) {
        this.ratios[cBase + a] = 1 - (this.radii[cBase + nearest[a]!]! + Number.EPSILON) / (this.radii[cBase + a]! + Number.EPSILON);
      }
    }
    return this.scoreModel(X);
  }

  protected scoreModel(X: Matrix): Float64Array {
    const d = X.cols;
    const psi = this.psi;
    const estimators = this.radii.length / psi;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let total = 0;
      for (let e = 0; e < estimators; e++) {
        const cBase = e * psi;
        // The smallest sphere covering x (first on ties, as numpy's nanargmin); uncovered: isolation score 1.
        let bestRadius = Infinity;
        let score = 1;
        for (let a = 0; a < psi; a++) {
          const r = this.radii[cBase + a]!;
          if (r >= bestRadius) continue;
          if (squaredDistance(X.data, i * d, this.centres, (cBase + a) * d, d) <= r) {
            bestRadius = r;
            score = this.ratios[cBase + a]!;
          }
        }
        total += score;
      }
      out[i] = total / estimators;
    }
    return out;
  }

  protected saveModel(): DetectorState {
    return { params: { psi: this.psi }, arrays: { centres: this.centres, radii: this.radii, ratios: this.ratios } };
  }

  protected loadModel(state: DetectorState): void {
    this.psi = state.params.psi as number;
    this.centres = state.arrays.centres as Float64Array;
    this.radii = state.arrays.radii as Float64Array;
    this.ratios = state.arrays.ratios as Float64Array;
  }
}
