/**
 * Deep SVDD on images — Ruff et al., "Deep One-Class Classification", ICML 2018.
 * Idea: train a convolutional network φ to map the normal images close to a fixed centre c; images it cannot bring
 * near c are anomalous. One-class objective: mean ‖φ(x) − c‖² (+ weight decay); soft-boundary: R² + 1/(νn)·Σ
 * max(0, ‖φ(x) − c‖² − R²) with R re-set after each epoch past a warm-up to the (1 − ν)-quantile of the distances.
 *
 * As in the paper (sec. 4.1) and the authors' code: the LeNet-type network of conv-networks.ts (bias-free, batch norm
 * without affine parameters, leaky ReLU, 5 × 5 convolutions, 2 × 2 max pooling; for MNIST 8 and 4 channels and a
 * 32-dimensional representation); φ starts as the encoder of that convolutional autoencoder trained on the normal
 * images (`pretrainEpochs`); c is the mean of φ over the training images in an initial forward pass after that
 * pretraining, coordinates pushed at least 0.1 away from 0 (the tabular Deep SVDD's `initialCentre`). Input: global
 * contrast normalisation (l1) then min-max scaling by the training images' range (image-detector.ts).
 * Defaults: the paper's (sec. 4.1) — Adam, batch 200, its two-phase schedule ('searching' at 1e-4, 'fine-tuning' at
 * 1e-5): 250 + 100 epochs of autoencoder pretraining (its DCAE), 150 + 100 of Deep SVDD; weight decay 0.5e-6 (the
 * authors' code). Score: ‖φ(x) − c‖² (one-class) or ‖φ(x) − c‖² − R² (soft-boundary). Map: |∂score/∂pixel|.
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { mean, square, sub, sum, type Sequential, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, stateArray, type DetectorInfo, type DetectorState } from '../detector.ts';
import type { TrainingData } from '../deep/deep-detector.ts';
import { distanceToCentre, initialCentre, savedRadius, svddObjective, svddScore } from '../tabular/deep-svdd.ts';
import { convDecoder, convEncoder, convOptionShape } from './conv-networks.ts';
import { ImageDetector, imageOptionShape } from './image-detector.ts';

const schema = baseOptionsSchema.extend({
  ...imageOptionShape({ epochs: 150, fineTuneEpochs: 100, batchSize: 200, learningRate: 1e-4, weightDecay: 0.5e-6 }),
  ...convOptionShape,
  objective: z.enum(['one-class', 'soft-boundary']).default('one-class').describe("'one-class': pull every image to c; 'soft-boundary': a sphere of radius R that leaves out a share ν of the images."),
  nu: z.number().gt(0).lte(1).default(0.1).describe('Soft-boundary: the share of training images allowed outside the sphere.'),
  warmUpEpochs: z.number().int().min(0).default(10).describe('Soft-boundary: epochs before R starts to be updated.'),
  pretrainEpochs: z.number().int().min(0).max(100000).default(250)
    .describe('Epochs of the convolutional autoencoder whose encoder initialises φ, as in the paper (0: start from random weights).'),
}).strict();
type Options = z.output<typeof schema>;

export class ImageDeepSVDD extends ImageDetector<Options, Sequential> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'image-deepsvdd',
    title: 'Deep SVDD (images, LeNet-type CNN)',
    modality: 'images',
    family: 'one-class',
    supervision: ['unsupervised'],
    paper: 'Ruff et al., ICML 2018',
    summary: 'A bias-free CNN maps normal images near a fixed centre; the squared distance is the score, its pixel gradient the map.',
  };

  private centre: Float32Array = new Float32Array(0);
  private radius = 0;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected buildNetwork(_features: number, rng: Rng): Sequential {
    const o = this.options;
    return convEncoder(this.imageShape!, { convChannels: o.convChannels, latentDim: o.latentDim, bias: false, rng });
  }

  protected override fitNetwork(network: Sequential, data: TrainingData, rng: Rng): void {
    const o = this.options;
    if (o.pretrainEpochs > 0) {
      // φ is the encoder of a bias-free convolutional autoencoder trained first; its decoder is dropped afterwards
      const decoder = convDecoder(this.imageShape!, { convChannels: o.convChannels, latentDim: o.latentDim, bias: false, rng: rng.fork() });
      this.trainPhases(network, data, rng, {
        stage: 'autoencoder pretraining',
        parameters: [...network.parameters(), ...decoder.parameters()],
        modules: [network, decoder],
        epochs: o.pretrainEpochs,
        loss: (batch) => mean(sum(square(sub(decoder.forward(network.forward(batch)), batch)), 1)),
      });
    }
    this.centre = initialCentre(network, data.train);
    this.radius = 0;
    const radius = { get: (): number => this.radius, set: (r: number): void => { this.radius = r; } };
    this.trainPhases(network, data, rng, { epochs: o.epochs, ...svddObjective(o, (batch) => this.distance(network, batch), radius) });
  }

  protected trainingLoss(network: Sequential, batch: Tensor): Tensor {
    return mean(this.distance(network, batch));
  }

  protected scoreBatch(network: Sequential, batch: Tensor): Tensor {
    return svddScore(this.distance(network, batch), this.options.objective, this.radius);
  }

  protected override extraState(): DetectorState {
    return { params: { radius: this.radius }, arrays: { centre: this.centre } };
  }

  protected override loadExtraState(state: DetectorState): void {
    this.centre = stateArray(state, 'centre', 'f32', this.options.latentDim);
    this.radius = savedRadius(state);
  }

  /** ‖φ(x) − c‖² per image. */
  private distance(network: Sequential, batch: Tensor): Tensor {
    return distanceToCentre(network, batch, this.centre);
  }
}
