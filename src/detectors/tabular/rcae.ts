/**
 * RCAE — Robust Convolutional (here: dense) AutoEncoder. Chalapathy, Menon & Chawla, "Robust, Deep and Inductive Anomaly
 * Detection", ECML-PKDD 2017.
 * Idea: robust PCA with an autoencoder in place of the low-rank part. The training rows are split as X = N + (X − N),
 * where the autoencoder f must rebuild X − N and the noise matrix N is sparse:
 *   min over θ, N of ‖(X − N) − f_θ(X − N)‖² + λ‖N‖₁ (+ weight decay on θ),
 * by alternating optimisation: some epochs of Adam on θ with N fixed, then N set to its exact minimiser given θ, the
 * soft-thresholded residual N = shrink(X − f_θ(X − N), λ/2). Rows (and entries) the autoencoder cannot explain end up in
 * N instead of bending the autoencoder towards them. Scoring is inductive, as the paper proposes for new rows: the
 * reconstruction error ‖x − f_θ(x)‖ of the trained autoencoder, for training and new rows alike.
 *
 * Defaults: the autoencoder is this package's AutoEncoder with its (PyOD) defaults ([64, 32], batch norm, dropout 0.2,
 * Adam at 1e-3, weight decay 1e-5, batch 32, standardised input), trained for 20 epochs in 5 rounds of 4 with N re-set
 * between rounds; λ = 2, so an entry goes to N by what its residual exceeds 1 (one standard deviation of its feature).
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { mseLoss, noGrad, tensor, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import { DeepDetector, type TrainingData } from '../deep/deep-detector.ts';
import { activationOption, layerSizesOption } from '../deep/networks.ts';
import { trainingOptionShape } from '../deep/training.ts';
import { AutoencoderNetwork, rowDistance } from './autoencoder.ts';

const schema = baseOptionsSchema.extend({
  ...trainingOptionShape({ epochs: 20, batchSize: 32, learningRate: 1e-3, weightDecay: 1e-5 }),
  hiddenSizes: layerSizesOption([64, 32], 'Units of the encoder layers, the last one the bottleneck; the decoder mirrors them.'),
  activation: activationOption('relu'),
  dropout: z.number().gte(0).lt(1).default(0.2).describe('Drop probability after each hidden layer, in training.'),
  batchNorm: z.boolean().default(true).describe('Batch normalisation after each hidden linear layer.'),
  lambda: z.number().gte(0).default(2).describe('λ, the weight of ‖N‖₁: residual entries beyond λ/2 (in standardised units) go to the noise matrix.'),
  alternations: z.number().int().min(1).default(5).describe('Rounds of autoencoder training (epochs / alternations epochs each); N is re-set between rounds.'),
}).strict();
type Options = z.output<typeof schema>;

export class RCAE extends DeepDetector<Options, AutoencoderNetwork> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'rcae',
    title: 'Robust AutoEncoder (RCAE)',
    modality: 'tabular',
    family: 'autoencoder',
    supervision: ['unsupervised'],
    paper: 'Chalapathy, Menon & Chawla, ECML-PKDD 2017',
    summary: 'An autoencoder trained on the data minus a sparse noise matrix (L1, alternating optimisation); the reconstruction error is the score.',
  };

  /** share of training entries in N after the last alternation (a diagnostic) */
  noiseShare = 0;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected buildNetwork(features: number, rng: Rng): AutoencoderNetwork {
    const o = this.options;
    return new AutoencoderNetwork(features, o.hiddenSizes, { rng, activation: o.activation, dropout: o.dropout, batchNorm: o.batchNorm });
  }

  protected trainingLoss(network: AutoencoderNetwork, batch: Tensor): Tensor {
    return mseLoss(network.forward(batch), batch);
  }

  protected override fitNetwork(network: AutoencoderNetwork, data: TrainingData, rng: Rng): void {
    const o = this.options;
    const X = data.train;
    // the autoencoder trains on X − N, kept in `cleaned` and rewritten in place whenever N changes (N starts at 0)
    const cleaned = tensor(X.data.slice(), X.shape);
    const every = Math.max(1, Math.floor(o.epochs / o.alternations));
    const threshold = o.lambda / 2;
    this.trainStage(network, { train: cleaned, validation: data.validation }, rng, {
      loss: (batch) => this.trainingLoss(network, batch),
      afterEpoch: (epoch) => {
        if (epoch % every !== 0 || epoch >= o.epochs) return;
        network.eval();
        this.noiseShare = updateNoise(X, cleaned, (batch) => network.forward(batch), threshold, 'l1');
        network.train();
      },
    });
  }

  protected scoreBatch(network: AutoencoderNetwork, batch: Tensor): Tensor {
    return rowDistance(batch, network.forward(batch));
  }
}

/**
 * RCAE's step on N with the autoencoder fixed: N = prox(X − f(X − N)), the exact minimiser of ‖X − N − f‖² + λ·penalty(N)
 * at threshold λ/2. 'l1' shrinks each entry (soft-thresholding: entries within the threshold become 0); 'l21' shrinks
 * each row as a whole (group soft-thresholding by the row's Euclidean norm: a row is all-zero or moved by the
 * threshold towards 0), for outliers that are whole rows. `cleaned` (X − N) is rewritten in place; returns the share of
 * entries of N that are not zero.
 */
export function updateNoise(X: Tensor, cleaned: Tensor, reconstruct: (batch: Tensor) => Tensor, threshold: number, penalty: 'l1' | 'l21'): number {
  let nonZero = 0;
  const rows = X.shape[0]!;
  const d = X.size / Math.max(rows, 1);
  const residual = new Float64Array(d);
  for (let start = 0; start < rows; start += 2048) {
    const end = Math.min(start + 2048, rows);
    const input = tensor(cleaned.data.subarray(start * d, end * d), [end - start, d]);
    const reconstruction = noGrad(() => reconstruct(input)).data;
    for (let row = start; row < end; row++) {
      let norm2 = 0;
      for (let j = 0; j < d; j++) {
        residual[j] = X.data[row * d + j]! - reconstruction[(row - start) * d + j]!;
        norm2 += residual[j]! ** 2;
      }
      const keep = penalty === 'l21' ? Math.max(0, 1 - threshold / Math.sqrt(norm2)) : 1;
      for (let j = 0; j < d; j++) {
        const r = residual[j]!;
        const noise = penalty === 'l21' ? keep * r : r > threshold ? r - threshold : r < -threshold ? r + threshold : 0;
        if (noise !== 0) nonZero += 1;
        cleaned.data[row * d + j] = X.data[row * d + j]! - noise;
      }
    }
  }
  return nonZero / Math.max(X.size, 1);
}
