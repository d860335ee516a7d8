/**
 * DCAE — deep convolutional autoencoder. Masci et al., "Stacked Convolutional Auto-Encoders for Hierarchical Feature
 * Extraction", ICANN 2011; as the one-class baseline of Ruff et al., "Deep One-Class Classification", ICML 2018.
 * Idea: an autoencoder trained on normal images only reconstructs them well and anything else badly, so the
 * reconstruction error is the score, and where it is made is the anomaly map.
 *
 * Network: the LeNet-type convolutional autoencoder of conv-networks.ts (the one Deep SVDD pretrains; bias-free as
 * in the authors' code). Loss: the mean over images of the sum of squared pixel errors (the authors'). Score: the mean
 * squared pixel error of the image. Map: the squared error per pixel, summed over the colour channels.
 * Defaults: the paper's (sec. 4.1) — Adam, batch 200, its two-phase schedule for DCAE of 250 epochs at 1e-4 then 100
 * at 1e-5; weight decay 0.5e-6 (the authors' code).
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { mean, noGrad, square, sub, sum, tensor, type Tensor } from '../../engine/index.ts';
import type { ImageShape } from '../../images/image-set.ts';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import type { TrainingData } from '../deep/deep-detector.ts';
import { channelSum, ImageDetector, imageOptionShape } from './image-detector.ts';
import { ConvAutoencoder, convOptionShape } from './conv-networks.ts';

const schema = baseOptionsSchema.extend({
  ...imageOptionShape({ epochs: 250, fineTuneEpochs: 100, batchSize: 200, learningRate: 1e-4, weightDecay: 0.5e-6 }),
  ...convOptionShape,
}).strict();
type Options = z.output<typeof schema>;

export class ConvAutoencoderDetector extends ImageDetector<Options, ConvAutoencoder> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'dcae',
    title: 'Deep Convolutional Autoencoder',
    modality: 'images',
    family: 'autoencoder',
    supervision: ['unsupervised'],
    paper: 'Masci et al., ICANN 2011 (one-class baseline in Ruff et al., ICML 2018)',
    summary: 'A convolutional autoencoder trained on normal images; the reconstruction error is the score and, per pixel, the map.',
  };

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected buildNetwork(_features: number, rng: Rng): ConvAutoencoder {
    const o = this.options;
    return new ConvAutoencoder(this.imageShape!, { convChannels: o.convChannels, latentDim: o.latentDim, bias: false, rng });
  }

  protected override fitNetwork(network: ConvAutoencoder, data: TrainingData, rng: Rng): void {
    this.trainPhases(network, data, rng, { epochs: this.options.epochs, loss: (batch) => this.trainingLoss(network, batch) });
  }

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

/** The maps of an autoencoder: the squared reconstruction error per pixel, summed over the colour channels. */
export function squaredErrorMap(network: { forward(x: Tensor): Tensor }, rows: Float32Array, n: number, shape: ImageShape): Float32Array {
  const d = rows.length / n;
  const err = noGrad(() => square(sub(network.forward(tensor(rows, [n, d])), tensor(rows, [n, d]))).toArray());
  return channelSum(err, n, shape);
}
