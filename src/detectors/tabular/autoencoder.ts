/**
 * AutoEncoder — a dense autoencoder scored by reconstruction error. Hinton & Salakhutdinov, "Reducing the
 * Dimensionality of Data with Neural Networks", Science 2006; as an anomaly detector, Sakurada & Yairi, "Anomaly
 * Detection Using Autoencoders with Nonlinear Dimensionality Reduction", MLSDA 2014.
 * Idea: a network squeezed through a bottleneck learns to rebuild the common patterns of the training rows; rows it
 * rebuilds badly are anomalous. Score = ‖x − decoder(encoder(x))‖ (Euclidean, on the standardised row).
 *
 * Defaults are PyOD 2's AutoEncoder: hidden sizes [64, 32] (decoder mirrored: d → 64 → 32 → 64 → d), each hidden layer
 * Linear → BatchNorm → ReLU → Dropout(0.2), 10 epochs, batch 32, Adam at 1e-3 with weight decay 1e-5, MSE loss,
 * standardised input.
 *
 * The denoising autoencoder (Vincent et al., ICML 2008) is this network trained to rebuild x from a corrupted copy
 * x + N(0, noise²): the `noise` option, and the registered variant `dae` whose only difference is a default noise of 0.1.
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { add, mseLoss, Module, randn, sqrt, square, sub, sum, type Sequential, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import { DeepDetector } from '../deep/deep-detector.ts';
import { activationOption, denseStack, layerSizesOption } from '../deep/networks.ts';
import { trainingOptionShape } from '../deep/training.ts';

const autoencoderShape = (noise: number) => ({
  ...trainingOptionShape({ epochs: 10, batchSize: 32, learningRate: 1e-3, weightDecay: 1e-5 }),
  hiddenSizes: layerSizesOption([64, 32], 'Units of the encoder layers, the last one the bottleneck; the decoder mirrors them.'),
  activation: activationOption('relu'),
  dropout: z.number().gte(0).lt(1).default(0.2).describe('Drop probability after each hidden layer, in training.'),
  batchNorm: z.boolean().default(true).describe('Batch normalisation after each hidden linear layer.'),
  noise: z.number().gte(0).max(100).default(noise)
    .describe('Standard deviation of the Gaussian noise added to the (standardised) input in training: > 0 makes it a denoising autoencoder.'),
});

const schema = baseOptionsSchema.extend(autoencoderShape(0)).strict();
const denoisingSchema = baseOptionsSchema.extend(autoencoderShape(0.1)).strict();
type Options = z.output<typeof schema>;

/** Encoder and decoder as two stacks, so state-dict names read 'encoder.0.weight', 'decoder.3.bias'. */
export class AutoencoderNetwork extends Module {
  readonly encoder: Sequential;
  readonly decoder: Sequential;

  constructor(features: number, hidden: readonly number[], options: { rng: Rng; activation: Options['activation']; dropout: number; batchNorm: boolean }) {
    super();
    const block = { rng: options.rng, activation: options.activation, dropout: options.dropout, batchNorm: options.batchNorm };
    this.encoder = this.registerModule('encoder', denseStack([features, ...hidden], block));
    this.decoder = this.registerModule('decoder', denseStack([...[...hidden].reverse(), features], block, 'identity'));
  }

  forward(x: Tensor): Tensor {
    return this.decoder.forward(this.encoder.forward(x));
  }
}

/** Euclidean distance of each row to its reconstruction, shape [rows] (PyOD's pairwise_distances_no_broadcast). */
export function rowDistance(x: Tensor, reconstruction: Tensor): Tensor {
  return sqrt(sum(square(sub(x, reconstruction)), 1));
}

export class AutoEncoder extends DeepDetector<Options, AutoencoderNetwork> {
  static readonly schema: z.ZodObject = schema;
  static readonly info: DetectorInfo = {
    name: 'autoencoder',
    title: 'AutoEncoder',
    modality: 'tabular',
    family: 'autoencoder',
    supervision: ['unsupervised'],
    paper: 'Hinton & Salakhutdinov, Science 2006; Sakurada & Yairi, MLSDA 2014',
    summary: 'A bottlenecked network learns to rebuild normal rows; the reconstruction error is the score.',
  };

  constructor(options: z.input<typeof schema> = {}) {
    super((new.target as unknown as { schema: z.ZodObject }).schema, options);
  }

  protected buildNetwork(features: number, rng: Rng): AutoencoderNetwork {
    const o = this.options;
    return new AutoencoderNetwork(features, o.hiddenSizes, { rng, activation: o.activation, dropout: o.dropout, batchNorm: o.batchNorm });
  }

  protected trainingLoss(network: AutoencoderNetwork, batch: Tensor, rng: Rng): Tensor {
    const noisy = this.options.noise > 0 ? add(batch, randn(batch.shape, rng, this.options.noise)) : batch;
    return mseLoss(network.forward(noisy), batch);
  }

  protected scoreBatch(network: AutoencoderNetwork, batch: Tensor): Tensor {
    return rowDistance(batch, network.forward(batch));
  }
}

/** The denoising autoencoder: the same detector with input noise on by default. */
export class DenoisingAutoEncoder extends AutoEncoder {
  static override readonly schema: z.ZodObject = denoisingSchema;
  static override readonly info: DetectorInfo = {
    name: 'dae',
    title: 'Denoising AutoEncoder',
    modality: 'tabular',
    family: 'autoencoder',
    supervision: ['unsupervised'],
    paper: 'Vincent, Larochelle, Bengio & Manzagol, ICML 2008',
    summary: 'An autoencoder trained to rebuild rows from noisy copies; the reconstruction error of the clean row is the score.',
  };
}
