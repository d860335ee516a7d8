/**
 * DIF — Deep Isolation Forest. Xu, Pang, Wang & Wang, "Deep Isolation Forest for Anomaly Detection", IEEE TKDE 2023.
 * Idea: isolation trees only cut along axes; cutting along the axes of many random non-linear representations of the
 * data (randomly initialised, never trained networks) gives non-linear partitions at no training cost. Each of the
 * ensemble's networks maps the rows to a representation, a few isolation trees are grown on it, and the score is
 * the deviation-enhanced isolation score: 2^(−mean depth / c(ψ)) times the mean, over the trees, of the average
 * distance |x_f − cut| to the cuts on the row's path; the members' scores are averaged.
 *
 * Defaults and details follow PyOD's DIF: 50 members, each d → 500 → 100 → 20 without biases, weights N(0, 1), tanh
 * hidden layers; input min-max scaled on the training rows; representations standardised, then tanh; 6 trees a
 * member on ψ = min(256, n) rows (the trees of ./iforest.ts). One difference: PyOD standardises the representations of
 * the rows being scored by those rows' own statistics, so a row's score depends on the other rows scored with it;
 * here the training rows' statistics are kept and reused.
 */
import { z } from 'zod';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import type { Rng } from '../../core/rng.ts';
import { linear, noGrad, tensor, type Activation } from '../../engine/index.ts';
import { baseOptionsSchema, Detector, stateArray, type DetectorInfo, type DetectorState } from '../detector.ts';
import { activationOption, layerSizesOption } from '../deep/networks.ts';
import { averagePathLength, growTree, NodeBuffer } from './iforest.ts';

const schema = baseOptionsSchema.extend({
  members: z.number().int().min(1).max(10000).default(50).describe('Random representations in the ensemble (n_ensemble).'),
  treesPerMember: z.number().int().min(1).max(10000).default(6).describe('Isolation trees grown on each representation (n_estimators).'),
  maxSamples: z.number().int().min(2).default(256).describe('Rows drawn without replacement to grow each tree (ψ); capped at the number of training rows.'),
  hiddenSizes: layerSizesOption([500, 100], 'Units of the hidden layers of each random network.'),
  representationDim: z.number().int().min(1).max(4096).default(20).describe('Dimension of each representation.'),
  activation: activationOption('tanh'),
}).strict();
type Options = z.output<typeof schema>;

/** Rows pushed through the random networks per pass. */
const BATCH = 2048;

export class DIF extends Detector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'dif',
    title: 'Deep Isolation Forest',
    modality: 'tabular',
    family: 'ensemble',
    supervision: ['unsupervised'],
    paper: 'Xu, Pang, Wang & Wang, IEEE TKDE 2023',
    summary: 'Isolation trees on an ensemble of random non-linear representations; depth and distance to the cuts give the score.',
  };

  private lower: Float64Array = new Float64Array(0);
  private range: Float64Array = new Float64Array(0);
  /** every member's layer weights, [in, out] each, one after the other */
  private weights: Float32Array = new Float32Array(0);
  /** per member and representation dimension: mean and standard deviation over the training rows */
  private repMean: Float64Array = new Float64Array(0);
  private repStd: Float64Array = new Float64Array(0);
  // The trees of all members, as in ./iforest.ts: members × treesPerMember roots into flat node arrays.
  private feature: Int32Array = new Int32Array(0);
  private splitValue: Float64Array = new Float64Array(0);
  private left: Int32Array = new Int32Array(0);
  private right: Int32Array = new Int32Array(0);
  private roots: Int32Array = new Int32Array(0);
  private normaliser = 1;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    const o = this.options;
    const rng = this.rng();
    this.fitMinMax(X);
    const sizes = this.layerSizes(X.cols);
    const perMember = layerWeightCount(sizes);
    this.weights = new Float32Array(o.members * perMember);
    const k = o.representationDim;
    this.repMean = new Float64Array(o.members * k);
    this.repStd = new Float64Array(o.members * k);
    const psi = Math.min(o.maxSamples, X.rows);
    const maxDepth = Math.ceil(Math.log2(Math.max(psi, 2)));
    const nodes = new NodeBuffer(o.members * o.treesPerMember * (2 * psi - 1));
    this.roots = new Int32Array(o.members * o.treesPerMember);
    const allFeatures = Int32Array.from({ length: k }, (_, j) => j);
    for (let m = 0; m < o.members; m++) {
      const memberRng = rng.fork();
      const w = this.weights.subarray(m * perMember, (m + 1) * perMember);
      for (let i = 0; i < w.length; i++) w[i] = memberRng.normal();
      const raw = this.represent(X, m);
      // standardise each dimension by the training rows, then squash, as PyOD
      for (let j = 0; j < k; j++) {
        let sum = 0;
        for (let i = 0; i < X.rows; i++) sum += raw[i * k + j]!;
        const mean = sum / X.rows;
        let ss = 0;
        for (let i = 0; i < X.rows; i++) ss += (raw[i * k + j]! - mean) ** 2;
        const std = Math.sqrt(ss / X.rows);
        this.repMean[m * k + j] = mean;
        this.repStd[m * k + j] = std > 1e-12 ? std : 1;
      }
      const rep = createMatrix(X.rows, k, this.squash(raw, m));
      for (let t = 0; t < o.treesPerMember; t++) {
        const treeRng = memberRng.fork();
        this.roots[m * o.treesPerMember + t] = growTree(rep, treeRng.sample(X.rows, psi), allFeatures, maxDepth, treeRng, nodes);
      }
    }
    this.feature = nodes.feature.slice(0, nodes.size);
    this.splitValue = nodes.splitValue.slice(0, nodes.size);
    this.left = nodes.left.slice(0, nodes.size);
    this.right = nodes.right.slice(0, nodes.size);
    this.normaliser = averagePathLength(psi) || 1;
    return this.scoreModel(X);
  }

  protected scoreModel(X: Matrix): Float64Array {
    const o = this.options;
    const k = o.representationDim;
    const out = new Float64Array(X.rows);
    for (let m = 0; m < o.members; m++) {
      const rep = this.squash(this.represent(X, m), m);
      for (let i = 0; i < X.rows; i++) {
        let depthSum = 0;
        let deviationSum = 0;
        for (let t = 0; t < o.treesPerMember; t++) {
          let node = this.roots[m * o.treesPerMember + t]!;
          let f = this.feature[node]!;
          if (f < 0) continue; // a one-node tree: PyOD skips it
          let distance = 0;
          let cuts = 0;
          while (f >= 0) {
            const v = rep[i * k + f]!;
            const cut = this.splitValue[node]!;
            const gap = Math.abs(v - cut);
            if (gap !== 0) {
              distance += gap;
              cuts += 1;
            }
            node = v <= cut ? this.left[node]! : this.right[node]!;
            f = this.feature[node]!;
          }
          depthSum += this.splitValue[node]!;
          deviationSum += distance / (cuts + 1e-6);
        }
        out[i]! += (2 ** (-depthSum / (o.treesPerMember * this.normaliser)) * (deviationSum / o.treesPerMember)) / o.members;
      }
    }
    return out;
  }

  protected saveModel(): DetectorState {
    return {
      params: { normaliser: this.normaliser, features: this.lower.length },
      arrays: {
        lower: this.lower, range: this.range, weights: this.weights, repMean: this.repMean, repStd: this.repStd,
        feature: this.feature, splitValue: this.splitValue, left: this.left, right: this.right, roots: this.roots,
      },
    };
  }

  protected loadModel(state: DetectorState): void {
    const o = this.options;
    const features = Number(state.params.features);
    this.normaliser = Number(state.params.normaliser);
    this.lower = stateArray(state, 'lower', 'f64', features);
    this.range = stateArray(state, 'range', 'f64', features);
    this.weights = stateArray(state, 'weights', 'f32', o.members * layerWeightCount(this.layerSizes(features)));
    this.repMean = stateArray(state, 'repMean', 'f64', o.members * o.representationDim);
    this.repStd = stateArray(state, 'repStd', 'f64', o.members * o.representationDim);
    this.feature = stateArray(state, 'feature', 'i32');
    this.splitValue = stateArray(state, 'splitValue', 'f64', this.feature.length);
    this.left = stateArray(state, 'left', 'i32', this.feature.length);
    this.right = stateArray(state, 'right', 'i32', this.feature.length);
    this.roots = stateArray(state, 'roots', 'i32', o.members * o.treesPerMember);
  }

  private layerSizes(features: number): number[] {
    return [features, ...this.options.hiddenSizes, this.options.representationDim];
  }

  private fitMinMax(X: Matrix): void {
    const d = X.cols;
    this.lower = new Float64Array(d).fill(Infinity);
    this.range = new Float64Array(d);
    const upper = new Float64Array(d).fill(-Infinity);
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < d; j++) {
        const v = X.data[i * d + j]!;
        if (v < this.lower[j]!) this.lower[j] = v;
        if (v > upper[j]!) upper[j] = v;
      }
    }
    for (let j = 0; j < d; j++) this.range[j] = upper[j]! - this.lower[j]! > 1e-12 ? upper[j]! - this.lower[j]! : 1;
  }

  /** Member m's raw representation of the (min-max scaled) rows, [rows × representationDim]. */
  private represent(X: Matrix, m: number): Float64Array {
    const sizes = this.layerSizes(X.cols);
    const perMember = layerWeightCount(sizes);
    const layers = sizes.slice(1).map((out, l) => {
      const offset = m * perMember + layerWeightCount(sizes.slice(0, l + 1));
      return tensor(this.weights.subarray(offset, offset + sizes[l]! * out), [sizes[l]!, out]);
    });
    const act = this.options.activation as Activation;
    const k = this.options.representationDim;
    const d = X.cols;
    const out = new Float64Array(X.rows * k);
    for (let start = 0; start < X.rows; start += BATCH) {
      const end = Math.min(start + BATCH, X.rows);
      const input = new Float32Array((end - start) * d);
      for (let i = start; i < end; i++) {
        for (let j = 0; j < d; j++) input[(i - start) * d + j] = (X.data[i * d + j]! - this.lower[j]!) / this.range[j]!;
      }
      const rep = noGrad(() => {
        let h = tensor(input, [end - start, d]);
        layers.forEach((w, l) => { h = linear(h, w, null, l + 1 < layers.length ? act : 'identity'); });
        return h.toArray();
      });
      for (let i = 0; i < rep.length; i++) out[start * k + i] = rep[i]!;
    }
    return out;
  }

  /** tanh of the representation standardised by member m's training statistics (in place). */
  private squash(raw: Float64Array, m: number): Float64Array {
    const k = this.options.representationDim;
    for (let i = 0; i < raw.length; i++) {
      const j = i % k;
      raw[i] = Math.tanh((raw[i]! - this.repMean[m * k + j]!) / this.repStd[m * k + j]!);
    }
    return raw;
  }
}

/** Weights of a bias-free dense stack with these layer sizes. */
function layerWeightCount(sizes: readonly number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l]! * sizes[l + 1]!;
  return n;
}
