/**
 * RCAE on images — Chalapathy, Menon & Chawla, "Robust, Deep and Inductive Anomaly Detection", ECML-PKDD 2017.
 * Idea: robust PCA with a convolutional autoencoder in place of the low-rank part. The training images are split as
 * X = N + (X − N): the autoencoder f rebuilds X − N, and the noise matrix N is sparse, so that X ≈ f(X − N) + N and
 * whatever the autoencoder cannot explain goes to N instead of bending the autoencoder towards it:
 *   min over θ, N of ‖(X − N) − f_θ(X − N)‖² + λ·‖N‖ (+ weight decay on θ),
 * with ‖N‖ the L1 norm (sparse pixels) or the L2,1 norm (sparse whole images: for training images that are outliers
 * as a whole).
 * Alternating optimisation: epochs of Adam on θ with N fixed, then N set to its exact minimiser given θ, the proximal
 * step on the residual X − f_θ(X − N) (`updateNoise`, shared with the tabular `rcae`). Scoring is inductive, as the paper
 * proposes for new data: the reconstruction error of the trained autoencoder, mean squared over the pixels (map: the
 * squared error per pixel, summed over the colour channels, as DCAE's).
 *
 * Network and schedule: DCAE's (conv-networks.ts, bias-free LeNet-type autoencoder; Adam, batch 200, 250 epochs at 1e-4
 * then 100 at 1e-5, weight decay 0.5e-6), with N re-set `alternations` (5) times at even intervals over the 350 epochs.
 * λ = 0.5: a pixel of the (contrast-normalised, [0, 1]-scaled) image goes to N by what its residual exceeds 0.25, a
 * quarter of the pixel range (L2,1: an image by what its residual's norm exceeds 0.25).
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { mean, square, sub, sum, tensor, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import type { TrainingData } from '../deep/deep-detector.ts';
import { updateNoise } from '../tabular/rcae.ts';
import { ConvAutoencoder, convOptionShape } from './conv-networks.ts';
import { squaredErrorMap } from './dcae.ts';
import { ImageDetector, imageOptionShape } from './image-detector.ts';

const schema = baseOptionsSchema.extend({
  ...imageOptionShape({ epochs: 250, fineTuneEpochs: 100, batchSize: 200, learningRate: 1e-4, weightDecay: 0.5e-6 }),
  ...convOptionShape,
  lambda: z.number().gte(0).max(1e6).default(0.5).describe('λ, the weight of the norm of N: residuals beyond λ/2 (pixel values after preprocessing, in [0, 1]) go to the noise matrix.'),
  noisePenalty: z.enum(['l1', 'l21']).default('l1').describe("The norm of N: 'l1' (sparse pixels) or 'l21' (sparse whole images: each image's noise is all zero or its residual shrunk by λ/2)."),
  alternations: z.number().int().min(1).max(100000).default(5).describe('How many times N is re-set, at even intervals over the training epochs (the fine-tuning epochs included).'),
}).strict();
type Options = z.output<typeof schema>;

export class ImageRCAE extends ImageDetector<Options, ConvAutoencoder> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'image-rcae',
    title: 'Robust Convolutional Autoencoder (RCAE, images)',
    modality: 'images',
    family: 'autoencoder',
    supervision: ['unsupervised'],
    paper: 'Chalapathy, Menon & Chawla, ECML-PKDD 2017',
    summary: 'A convolutional autoencoder trained on the images minus a sparse noise matrix (L1 or L2,1, alternating optimisation); the reconstruction error is the score and, per pixel, the map.',
  };

  /** share of the training pixels in N after the last alternation (a diagnostic) */
  noiseShare = 0;
  /**
   * ‖N‖ per training image after the last alternation, in their order (held-out validation images are not in it): the
   * paper's evidence that a training image is itself an outlier. Not saved with the model.
   */
  trainingNoise: Float64Array = new Float64Array(0);

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected buildNetwork(_features: number, rng: Rng): ConvAutoencoder {
    const o = this.options;
    return new ConvAutoencoder(this.imageShape!, { convChannels: o.convChannels, latentDim: o.latentDim, bias: false, rng });
  }

  protected override fitNetwork(network: ConvAutoencoder, data: TrainingData, rng: Rng): void {
    const o = this.options;
    const X = data.train;
    // the autoencoder trains on X − N, kept in `cleaned` and rewritten in place whenever N changes (N starts at 0)
    const cleaned = tensor(X.data.slice(), X.shape);
    const total = o.epochs + o.fineTuneEpochs;
    const every = Math.max(1, Math.floor(total / o.alternations));
    this.noiseShare = 0;
    this.trainingNoise = new Float64Array(X.shape[0]!);
    this.trainPhases(network, { ...data, train: cleaned }, rng, {
      epochs: o.epochs,
      loss: (batch) => this.trainingLoss(network, batch),
      afterEpoch: (epoch) => {
        if (epoch % every !== 0 || epoch >= total) return;
        network.eval();
        this.noiseShare = updateNoise(X, cleaned, (batch) => network.forward(batch), o.lambda / 2, o.noisePenalty);
        this.trainingNoise = rowNorms(X, cleaned);
        network.train();
      },
    });
  }

  /** The mean over images of the sum of squared pixel errors (DCAE's), on X − N. */
  protected trainingLoss(network: ConvAutoencoder, batch: Tensor): Tensor {
    return mean(sum(square(sub(network.forward(batch), batch)), 1));
  }

  protected scoreBatch(network: ConvAutoencoder, batch: Tensor): Tensor {
    return mean(square(sub(network.forward(batch), batch)), 1);
  }

  protected override mapBatch(network: ConvAutoencoder, rows: Float32Array, n: number): Float32Array {
    return squaredErrorMap(network, rows, n, this.imageShape!);
  }
}

/** ‖N‖₂ of each row, N = X − cleaned. */
function rowNorms(X: Tensor, cleaned: Tensor): Float64Array {
  const rows = X.shape[0]!;
  const d = X.size / Math.max(rows, 1);
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = i * d; j < (i + 1) * d; j++) s += (X.data[j]! - cleaned.data[j]!) ** 2;
    out[i] = Math.sqrt(s);
  }
  return out;
}
