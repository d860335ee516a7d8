/**
 * DAGMM — Deep Autoencoding Gaussian Mixture Model. Zong et al., "Deep Autoencoding Gaussian Mixture Model for
 * Unsupervised Anomaly Detection", ICLR 2018.
 * Idea: a compression network (an autoencoder) gives each row a low-dimensional code plus two reconstruction features
 * (relative Euclidean distance ‖x − x̂‖/‖x‖ and cosine similarity of x and x̂); an estimation network predicts the row's
 * soft membership γ in K Gaussian components; mixture weights, means and covariances are the γ-weighted statistics of
 * the batch. Both networks train end to end on
 *   mean ‖x − x̂‖² + λ₁·mean E(z) + λ₂·Σₖ Σⱼ 1/Σₖ,ⱼⱼ,
 * with the sample energy E(z) = −log Σₖ φₖ·N(z; μₖ, Σₖ). Score = E(z) under the mixture estimated from all training rows
 * after training (high energy = low density = anomalous).
 *
 * Defaults are those of the reference PyTorch implementation that ADBench runs (danieltan07/dagmm, after the paper's
 * KDDCUP setting): compression d → 60 → 30 → 10 → 1 with tanh (decoder mirrored), estimation 3 → 10 (tanh) →
 * Dropout(0.5) → 4 (softmax), λ₁ = 0.1, λ₂ = 0.005, 200 epochs, batch 1024, Adam at 1e-4. Rows are min-max scaled by the
 * training rows (not standardised like the other deep detectors): ADBench feeds DAGMM min-max scaled rows, and the
 * relative-distance feature divides by ‖x‖, which is unstable for rows near the origin, where standardisation puts
 * the typical row. Covariances get 1e-6·I added, so they stay invertible in Float32.
 */
import { z } from 'zod';
import { choleskyWithJitter, logDeterminant, squaredMahalanobis } from '../components/cholesky.ts';
import type { Rng } from '../../core/rng.ts';
import {
  add, concat, Dropout, div, exp, Linear, log, logDet, matmul, max, mean, mul, Module, noGrad, reshape, Sequential, slice, softmax, solve,
  sqrt, square, sub, sum, tensor, transpose, type Tensor,
} from '../../engine/index.ts';
import { baseOptionsSchema, stateArray, type DetectorInfo, type DetectorState } from '../detector.ts';
import { DeepDetector, type Scaling, type TrainingData } from '../deep/deep-detector.ts';
import { activationOption, denseStack, layerSizesOption } from '../deep/networks.ts';
import { trainingOptionShape, TrainingDivergedError } from '../deep/training.ts';

const { standardize: _standardize, ...training } = trainingOptionShape({ epochs: 200, batchSize: 1024, learningRate: 1e-4, weightDecay: 0 });
const schema = baseOptionsSchema.extend({
  ...training,
  scaling: z.enum(['minmax', 'standard', 'none']).default('minmax')
    .describe("Scaling of each feature by the training rows before the network: 'minmax' to [0, 1] (default), 'standard', or 'none'."),
  compressionSizes: layerSizesOption([60, 30, 10, 1], 'Units of the compression encoder; the last one is the code size (decoder mirrored).'),
  estimationSizes: layerSizesOption([10], 'Hidden units of the estimation network.'),
  components: z.number().int().min(1).max(64).default(4).describe('K, the number of Gaussian components.'),
  activation: activationOption('tanh'),
  estimationDropout: z.number().gte(0).lt(1).default(0.5).describe('Drop probability in the estimation network, in training.'),
  lambdaEnergy: z.number().gte(0).default(0.1).describe('λ₁, the weight of the sample energy in the loss.'),
  lambdaCovariance: z.number().gte(0).default(0.005).describe('λ₂, the weight of the penalty on small covariance diagonals.'),
}).strict();
type Options = z.output<typeof schema>;

const COVARIANCE_EPS = 1e-6;
const NORM_EPS = 1e-10;
const LOG_2PI = Math.log(2 * Math.PI);

class DagmmNetwork extends Module {
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  readonly estimation: Sequential;

  constructor(features: number, o: Options, rng: Rng) {
    super();
    const block = { rng, activation: o.activation, dropout: 0, batchNorm: false };
    const sizes = [features, ...o.compressionSizes];
    this.encoder = this.registerModule('encoder', denseStack(sizes, block, 'identity'));
    this.decoder = this.registerModule('decoder', denseStack([...sizes].reverse(), block, 'identity'));
    const code = o.compressionSizes[o.compressionSizes.length - 1]! + 2;
    const hidden = denseStack([code, ...o.estimationSizes], { ...block, dropout: 0 });
    this.estimation = this.registerModule('estimation', new Sequential([
      ...hidden.layers,
      new Dropout(o.estimationDropout, rng.fork()),
      new Linear(o.estimationSizes[o.estimationSizes.length - 1]!, o.components, { rng }),
    ]));
  }

  /** The code z = [encoder(x), ‖x − x̂‖/‖x‖, cos(x, x̂)] and the squared reconstruction error per row. */
  compress(x: Tensor): { z: Tensor; error: Tensor } {
    const rows = x.shape[0]!;
    const code = this.encoder.forward(x);
    const reconstruction = this.decoder.forward(code);
    const error = sum(square(sub(x, reconstruction)), 1);
    const norm = sqrt(add(sum(square(x), 1), NORM_EPS));
    const relative = div(sqrt(add(error, NORM_EPS)), norm);
    const cosine = div(sum(mul(x, reconstruction), 1), mul(norm, sqrt(add(sum(square(reconstruction), 1), NORM_EPS))));
    return { z: concat([code, reshape(relative, [rows, 1]), reshape(cosine, [rows, 1])], 1), error };
  }
}

export class DAGMM extends DeepDetector<Options, DagmmNetwork> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'dagmm',
    title: 'Deep Autoencoding Gaussian Mixture Model',
    modality: 'tabular',
    family: 'probabilistic',
    supervision: ['unsupervised'],
    paper: 'Zong et al., ICLR 2018',
    summary: 'An autoencoder code plus reconstruction features, modelled by a jointly trained Gaussian mixture; the sample energy is the score.',
  };

  // the mixture over all training rows, after training: weights [K], means [K × D], lower Cholesky factors [K × D × D]
  private weights: Float64Array = new Float64Array(0);
  private means: Float64Array = new Float64Array(0);
  private factors: Float64Array = new Float64Array(0);
  private logNormalisers: Float64Array = new Float64Array(0);

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected override scaling(): Scaling {
    return this.options.scaling;
  }

  protected buildNetwork(features: number, rng: Rng): DagmmNetwork {
    return new DagmmNetwork(features, this.options, rng);
  }

  protected trainingLoss(network: DagmmNetwork, batch: Tensor, _rng: Rng, epoch: number): Tensor {
    const { lambdaEnergy, lambdaCovariance } = this.options;
    const { z, error } = network.compress(batch);
    const gamma = softmax(network.estimation.forward(z), 1);
    try {
      const { energy, inverseDiagonal } = batchEnergy(z, gamma);
      return add(add(mean(error), mul(mean(energy), lambdaEnergy)), mul(inverseDiagonal, lambdaCovariance));
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new TrainingDivergedError(
        `Training of detector 'dagmm' diverged in epoch ${epoch}: a mixture covariance stopped being positive definite (${error.message}). ` +
        `Lower the learning rate (learningRate is ${this.options.learningRate}), or scale your data (e.g. min-max scaling).`,
      );
    }
  }

  protected override fitNetwork(network: DagmmNetwork, data: TrainingData, rng: Rng): void {
    super.fitNetwork(network, data, rng);
    network.eval();
    this.fitMixture(network, data.validation === undefined ? data.train : concat([data.train, data.validation], 0));
  }

  protected scoreBatch(network: DagmmNetwork, batch: Tensor): Tensor {
    const { z } = network.compress(batch);
    const rows = z.shape[0]!;
    const D = z.shape[1]!;
    const K = this.weights.length;
    const out = new Float32Array(rows);
    const work = new Float64Array(D);
    const terms = new Float64Array(K);
    for (let i = 0; i < rows; i++) {
      let top = -Infinity;
      for (let k = 0; k < K; k++) {
        const m2 = squaredMahalanobis(this.factors.subarray(k * D * D, (k + 1) * D * D), D, this.means.subarray(k * D, (k + 1) * D), z.data, i * D, work);
        terms[k] = Math.log(this.weights[k]!) - 0.5 * m2 - this.logNormalisers[k]!;
        if (terms[k]! > top) top = terms[k]!;
      }
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(terms[k]! - top);
      out[i] = -(top + Math.log(s));
    }
    return tensor(out, [rows]);
  }

  protected override extraState(): DetectorState {
    return { params: {}, arrays: { 'mixture.weights': this.weights, 'mixture.means': this.means, 'mixture.factors': this.factors, 'mixture.logNormalisers': this.logNormalisers } };
  }

  protected override loadExtraState(state: DetectorState): void {
    const K = this.options.components;
    const D = this.options.compressionSizes[this.options.compressionSizes.length - 1]! + 2;
    this.weights = stateArray(state, 'mixture.weights', 'f64', K);
    this.means = stateArray(state, 'mixture.means', 'f64', K * D);
    this.factors = stateArray(state, 'mixture.factors', 'f64', K * D * D);
    this.logNormalisers = stateArray(state, 'mixture.logNormalisers', 'f64', K);
  }

  /** φ, μ, Σ of the mixture from all training rows (Float64), kept as Cholesky factors for scoring. */
  private fitMixture(network: DagmmNetwork, rows: Tensor): void {
    const n = rows.shape[0]!;
    const d = rows.shape[1]!;
    const K = this.options.components;
    let D = 0;
    const zs: Float32Array[] = [];
    const gammas: Float32Array[] = [];
    for (let start = 0; start < n; start += 2048) {
      const end = Math.min(start + 2048, n);
      const batch = tensor(rows.data.subarray(start * d, end * d), [end - start, d]);
      const [z, gamma] = noGrad(() => {
        const { z } = network.compress(batch);
        return [z, softmax(network.estimation.forward(z), 1)];
      });
      D = z!.shape[1]!;
      zs.push(z!.data);
      gammas.push(gamma!.data);
    }
    const total = new Float64Array(K);
    const means = new Float64Array(K * D);
    forEachRow(zs, gammas, D, K, (zi, gi) => {
      for (let k = 0; k < K; k++) {
        const g = gi[k]!;
        total[k]! += g;
        for (let j = 0; j < D; j++) means[k * D + j]! += g * zi[j]!;
      }
    });
    for (let k = 0; k < K; k++) for (let j = 0; j < D; j++) means[k * D + j]! /= Math.max(total[k]!, 1e-300);
    const covariances = new Float64Array(K * D * D);
    forEachRow(zs, gammas, D, K, (zi, gi) => {
      for (let k = 0; k < K; k++) {
        const g = gi[k]!;
        for (let a = 0; a < D; a++) {
          const da = zi[a]! - means[k * D + a]!;
          for (let b = 0; b <= a; b++) covariances[(k * D + a) * D + b]! += g * da * (zi[b]! - means[k * D + b]!);
        }
      }
    });
    this.weights = new Float64Array(K);
    this.factors = new Float64Array(K * D * D);
    this.logNormalisers = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      const cov = new Float64Array(D * D);
      for (let a = 0; a < D; a++) {
        for (let b = 0; b <= a; b++) {
          const v = covariances[(k * D + a) * D + b]! / Math.max(total[k]!, 1e-300);
          cov[a * D + b] = v;
          cov[b * D + a] = v;
        }
        cov[a * D + a]! += COVARIANCE_EPS;
      }
      const { lower } = choleskyWithJitter(cov, D);
      this.factors.set(lower, k * D * D);
      // a component no row belongs to keeps a tiny weight, so its log stays finite
      this.weights[k] = Math.max(total[k]! / n, 1e-300);
      this.logNormalisers[k] = 0.5 * (D * LOG_2PI + logDeterminant(lower, D));
    }
    this.means = means;
  }
}

function forEachRow(zs: Float32Array[], gammas: Float32Array[], D: number, K: number, visit: (z: Float32Array, gamma: Float32Array) => void): void {
  zs.forEach((block, b) => {
    const g = gammas[b]!;
    for (let i = 0; i < block.length / D; i++) visit(block.subarray(i * D, (i + 1) * D), g.subarray(i * K, (i + 1) * K));
  });
}

/**
 * The sample energy of each row under the mixture whose parameters are the γ-weighted statistics of the batch
 * (differentiable in z and γ), and the penalty Σₖ Σⱼ 1/Σₖ,ⱼⱼ.
 */
function batchEnergy(z: Tensor, gamma: Tensor): { energy: Tensor; inverseDiagonal: Tensor } {
  const rows = z.shape[0]!;
  const D = z.shape[1]!;
  const K = gamma.shape[1]!;
  const total = sum(gamma, 0); // [K]
  const identity = new Float32Array(D * D);
  for (let j = 0; j < D; j++) identity[j * D + j] = 1;
  const eye = tensor(identity, [D, D]);
  const terms: Tensor[] = [];
  let inverseDiagonal: Tensor | undefined;
  for (let k = 0; k < K; k++) {
    const g = slice(gamma, 1, k, k + 1); // [rows, 1]
    const tk = slice(total, 0, k, k + 1); // [1]
    const mu = div(matmul(transpose(g), z), tk); // [1, D]
    const centred = sub(z, mu); // [rows, D]
    const cov = add(div(matmul(transpose(mul(centred, g)), centred), tk), mul(eye, COVARIANCE_EPS)); // [D, D]
    const m2 = sum(mul(centred, transpose(solve(cov, transpose(centred)))), 1); // [rows]
    const logWeight = log(div(tk, rows)); // [1]
    const normaliser = mul(add(logDet(cov), D * LOG_2PI), 0.5);
    terms.push(reshape(sub(sub(logWeight, mul(m2, 0.5)), normaliser), [rows, 1]));
    const diagonal = sum(div(1, sum(mul(cov, eye), 1)), 0);
    inverseDiagonal = inverseDiagonal === undefined ? diagonal : add(inverseDiagonal, diagonal);
  }
  const a = concat(terms, 1); // [rows, K]
  const top = max(a, 1, true);
  const logSum = add(reshape(top, [rows]), log(sum(exp(sub(a, top)), 1)));
  return { energy: mul(logSum, -1), inverseDiagonal: inverseDiagonal! };
}
