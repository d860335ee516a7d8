/**
 * Ensemble — score averaging over detectors of different inductive biases. Aggarwal & Sathe, "Theoretical Foundations
 * and Algorithms for Outlier Ensembles", SIGKDD Explorations 2015; Zimek, Campello & Sander, "Ensembles for
 * Unsupervised Outlier Detection: Challenges and Research Questions", SIGKDD Explorations 2014.
 * Idea: each member's score is put on a common footing by the member's own training scores (standardised, or turned
 * into its rank among them — no labels needed), and the results are averaged: errors of detectors that see the data
 * differently partly cancel, which lowers the variance that makes any single unsupervised detector unreliable.
 *
 * The default members were chosen on principle, not on our benchmark's labels: the union of the best classic detectors
 * of two published benchmarks — ADBench's five best by mean rank over its 57 datasets (CBLOF, IForest, KNN, ECOD, PCA;
 * Han et al., NeurIPS 2022, table D4) and the five best of PyOD's benchmark over 17 ODDS datasets (INNE, CBLOF, IForest,
 * MCD, GMM, after DIF, left out as a slow deep model). They span isolation (IForest, INNE), clusters (CBLOF),
 * covariance and density (MCD, GMM), marginal tails (ECOD), the principal subspace (PCA) and neighbour distance (KNN).
 * None is a deep model, so `dad detect` stays quick on a laptop.
 *
 * The default combination is the mean of z-scores, each member standardised by its own training scores' mean and
 * deviation (Aggarwal & Sathe's standardisation): unlike ranks, z-scores keep how far past the bulk of the training
 * scores a row lies, so a member that is sure about a row weighs more than one that barely ranks it high. Ranks
 * ('mean-rank', the default before) stay available for members whose scores have wild tails.
 */
import { z } from 'zod';
import { OptionError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { packPart, unpackPart } from '../components/part-snapshots.ts';
import { scoreMoments, type ScoreMoments } from '../components/score-moments.ts';
import { baseOptionsSchema, Detector, stateArray, type DetectorInfo, type DetectorState } from '../detector.ts';
import { createDetector, getDetectorClass } from '../registry.ts';

export const DEFAULT_MEMBERS = ['iforest', 'inne', 'cblof', 'mcd', 'gmm', 'ecod', 'pca', 'knn'] as const;

const memberSchema = z.union([
  z.string(),
  z.object({ detector: z.string(), options: z.record(z.string(), z.unknown()).default({}) }).strict(),
]);

const schema = baseOptionsSchema.extend({
  members: z.array(memberSchema).min(1).default([...DEFAULT_MEMBERS])
    .describe(`Member detectors: names, or {detector, options}. Default: ${DEFAULT_MEMBERS.join(', ')}.`),
  combination: z.enum(['mean-rank', 'max-rank', 'mean-zscore']).default('mean-zscore')
    .describe("How member scores combine: the mean of z-scores against each member's training scores (default), the mean of training-rank scores, or their maximum."),
}).strict();

type Options = z.output<typeof schema>;

export class Ensemble extends Detector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'ensemble',
    title: 'Score-averaged ensemble',
    modality: 'tabular',
    family: 'ensemble',
    supervision: ['unsupervised'],
    paper: 'Aggarwal & Sathe, SIGKDD Explorations 2015; Zimek et al., SIGKDD Explorations 2014',
    summary: "Mean of each member's score standardised by its own training scores; eight default members from seven families.",
  };

  private parts: Detector[] = [];
  /** per member: its training scores, sorted (the reference for ranks) */
  private sortedTraining: Float64Array[] = [];
  /** per member: mean and standard deviation of its training scores (for 'mean-zscore'), derived from sortedTraining */
  private moments: ScoreMoments[] = [];

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
    // Fail at construction, not after minutes of fitting, when a member is unknown or its options are invalid.
    for (const m of this.options.members) {
      const spec = typeof m === 'string' ? { detector: m, options: {} } : m;
      getDetectorClass(spec.detector);
      if (spec.detector === 'ensemble') throw new OptionError("The 'members' option of detector 'ensemble' cannot name 'ensemble' itself.");
    }
  }

  protected fitModel(X: Matrix): Float64Array {
    const seedRng = this.rng();
    this.parts = this.options.members.map((m) => {
      const spec = typeof m === 'string' ? { detector: m, options: {} } : m;
      // Each member gets its own seed drawn from ours unless the user fixed one: same ensemble seed, same scores.
      const options = { seed: seedRng.int(2 ** 31), ...spec.options, contamination: this.options.contamination };
      return createDetector(spec.detector, options);
    });
    const memberScores = this.parts.map((p) => {
      p.fit(X);
      return p.trainingScores;
    });
    this.setReferences(memberScores.map((s) => Float64Array.from(s).sort()));
    return this.combine(memberScores);
  }

  protected scoreModel(X: Matrix): Float64Array {
    return this.combine(this.parts.map((p) => p.score(X)));
  }

  private setReferences(sorted: Float64Array[]): void {
    this.sortedTraining = sorted;
    this.moments = sorted.map(scoreMoments);
  }

  private combine(memberScores: Float64Array[]): Float64Array {
    const n = memberScores[0]!.length;
    const out = new Float64Array(n);
    const k = memberScores.length;
    for (let m = 0; m < k; m++) {
      const normalised = this.normalise(memberScores[m]!, m);
      for (let i = 0; i < n; i++) {
        if (this.options.combination === 'max-rank') out[i] = Math.max(m === 0 ? -Infinity : out[i]!, normalised[i]!);
        else out[i] = out[i]! + normalised[i]! / k;
      }
    }
    return out;
  }

  private normalise(scores: Float64Array, member: number): Float64Array {
    const out = new Float64Array(scores.length);
    if (this.options.combination === 'mean-zscore') {
      const { mean, std } = this.moments[member]!;
      for (let i = 0; i < scores.length; i++) out[i] = (scores[i]! - mean) / std;
      return out;
    }
    const sorted = this.sortedTraining[member]!;
    const n = sorted.length;
    // Mid-rank among the training scores, in [0, 1]. Beyond the largest training score the rank keeps growing slowly
    // with the distance (in units of the training scores' range), so points more extreme than anything seen stay ordered.
    const spread = (sorted[n - 1]! - sorted[0]!) || 1;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i]!;
      const below = lowerBound(sorted, s);
      const notAbove = upperBound(sorted, s);
      let r = (below + notAbove) / (2 * n);
      if (s > sorted[n - 1]!) r = 1 + (s - sorted[n - 1]!) / spread / n;
      else if (s < sorted[0]!) r = -(sorted[0]! - s) / spread / n;
      out[i] = r;
    }
    return out;
  }

  protected saveModel(): DetectorState {
    const state: DetectorState = { params: { members: this.parts.length }, arrays: {} };
    this.parts.forEach((p, m) => {
      packPart(state, `member${m}`, p);
      state.arrays[`reference${m}`] = this.sortedTraining[m]!;
    });
    return state;
  }

  protected loadModel(state: DetectorState): void {
    const count = state.params.members;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new Error(`members count ${String(count)} is not a positive integer`);
    this.parts = [];
    const references: Float64Array[] = [];
    for (let m = 0; m < count; m++) {
      this.parts.push(unpackPart(state, `member${m}`, 'ensemble'));
      references.push(stateArray(state, `reference${m}`, 'f64'));
    }
    this.setReferences(references);
  }
}

function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
