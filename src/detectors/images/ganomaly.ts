/**
 * GANomaly on images — Akcay, Atapour-Abarghouei & Breckon, "GANomaly: Semi-Supervised Anomaly Detection via
 * Adversarial Training", ACCV 2018.
 * Idea: a convolutional encoder–decoder–encoder generator, x → z = E₁(x) → x̂ = G(z) → ẑ = E₂(x̂), trained adversarially
 * on normal images only; for an image unlike them the rebuild falls back towards normal content, so ẑ drifts from z.
 * Score = mean (z − ẑ)² (the official code's). Anomaly map = |x − x̂| per pixel, summed over the colour channels: where
 * the rebuild had to change the image.
 *
 * The players and losses are the tabular GANomaly's (tabular/ganomaly.ts `ganomalyPlan`; feature matching on the discriminator's representation,
 * w_adv = 1, w_con = 50, w_enc = 1), through the shared adversarial loop (deep/adversarial-training.ts). The paper's
 * networks are DCGAN encoders and decoders (strided convolutions, batch norm, leaky ReLU); here they are the
 * image detectors' shared convolutional blocks (conv-networks.ts: 5 × 5 convolutions, batch norm, leaky ReLU, 2 × 2
 * pooling; the decoder upsamples with transposed convolutions to a sigmoid output), which serve any image size
 * divisible by 4; the discriminator is another such encoder with a logit on top. Defaults: the official code's Adam at
 * 2e-4 with β₁ = 0.5, batch 64, 15 epochs; channels [8, 4] and a 32-dimensional code (the image detectors' defaults;
 * the paper's nz = 100 is for 32 × 32 colour images and far larger networks). Input: the image base's contrast
 * normalisation and min-max scaling (image-detector.ts).
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { abs, Linear, mean, Module, noGrad, square, sub, tensor, type Sequential, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import type { TrainingData } from '../deep/deep-detector.ts';
import { fitAdversarially } from '../deep/adversarial-training.ts';
import { ganomalyPlan, type GanomalyParts } from '../tabular/ganomaly.ts';
import { convDecoder, convEncoder, convOptionShape } from './conv-networks.ts';
import { channelSum, ImageDetector, imageOptionShape } from './image-detector.ts';

const { validationSize: _validationSize, ...imageShape } = imageOptionShape({ epochs: 15, batchSize: 64, learningRate: 2e-4, weightDecay: 0 });
const schema = baseOptionsSchema.extend({
  ...imageShape,
  validationSize: z.literal(0).default(0)
    .describe("Always 0: a GAN's losses do not say which epoch fits best, so every image is trained on and the last epoch is kept."),
  ...convOptionShape,
  weightAdversarial: z.number().gte(0).default(1).describe('w_adv, the weight of the feature-matching loss of the generator.'),
  weightContextual: z.number().gte(0).default(50).describe('w_con, the weight of the reconstruction loss |x − x̂|.'),
  weightEncoder: z.number().gte(0).default(1).describe('w_enc, the weight of the latent loss (z − ẑ)².'),
}).strict();
type Options = z.output<typeof schema>;

class ConvGanomalyNetwork extends Module implements GanomalyParts {
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  readonly reencoder: Sequential;
  readonly features: Sequential;
  readonly classifier: Linear;

  constructor(detector: { imageShape: NonNullable<ImageGANomaly['imageShape']> }, o: Options, rng: Rng) {
    super();
    const shape = detector.imageShape;
    const conv = { convChannels: o.convChannels, latentDim: o.latentDim, bias: true, rng };
    this.encoder = this.registerModule('encoder', convEncoder(shape, conv));
    this.decoder = this.registerModule('decoder', convDecoder(shape, conv));
    this.reencoder = this.registerModule('reencoder', convEncoder(shape, conv));
    this.features = this.registerModule('features', convEncoder(shape, conv));
    this.classifier = this.registerModule('classifier', new Linear(o.latentDim, 1, { rng }));
  }

  generate(x: Tensor): { z: Tensor; rebuilt: Tensor; zHat: Tensor } {
    const z = this.encoder.forward(x);
    const rebuilt = this.decoder.forward(z);
    return { z, rebuilt, zHat: this.reencoder.forward(rebuilt) };
  }
}

export class ImageGANomaly extends ImageDetector<Options, ConvGanomalyNetwork> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'image-ganomaly',
    title: 'GANomaly (images, convolutional)',
    modality: 'images',
    family: 'gan',
    supervision: ['unsupervised'],
    paper: 'Akcay, Atapour-Abarghouei & Breckon, ACCV 2018',
    summary: 'An adversarially trained convolutional encoder–decoder–encoder; the code distance is the score, |x − x̂| the map.',
  };

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected buildNetwork(_features: number, rng: Rng): ConvGanomalyNetwork {
    return new ConvGanomalyNetwork({ imageShape: this.imageShape! }, this.options, rng);
  }

  protected override fitNetwork(network: ConvGanomalyNetwork, data: TrainingData, rng: Rng): void {
    fitAdversarially(this, network, data.train, ganomalyPlan(network, this.options), { epochs: this.options.epochs, batchSize: this.options.batchSize, rng: rng.fork() });
  }

  /** Unused: the network trains through the players of `plan`. */
  protected trainingLoss(): Tensor {
    throw new Error(`Detector '${this.name}' trains adversarially; it has no single training loss.`);
  }

  protected scoreBatch(network: ConvGanomalyNetwork, batch: Tensor): Tensor {
    const { z, zHat } = network.generate(batch);
    return mean(square(sub(z, zHat)), 1);
  }

  protected override mapBatch(network: ConvGanomalyNetwork, rows: Float32Array, n: number): Float32Array {
    const x = tensor(rows, [n, rows.length / n]);
    const error = noGrad(() => abs(sub(network.generate(x).rebuilt, x)).toArray());
    return channelSum(error, n, this.imageShape!);
  }

}
