/**
 * Convolutional VAE — Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014; as an anomaly detector, An & Cho,
 * "Variational Autoencoder based Anomaly Detection using Reconstruction Probability", SNU 2015.
 * Idea: the encoder maps an image to a Gaussian over a small latent space and the decoder rebuilds the image from a
 * sample of it; trained on normal images by maximising the evidence lower bound, it rebuilds other images badly.
 * Loss per image: Σ pixels (x − x̂)² + KL(q(z|x) ‖ N(0, I)). Score: the mean squared error of decoder(μ(x)) — the
 * decoder at the posterior mean, so that scores are deterministic (as the tabular `vae`). Map: that squared error
 * per pixel, summed over the colour channels.
 *
 * Network: the LeNet-type encoder and decoder of conv-networks.ts (with biases: nothing here needs them gone), the
 * encoder's dense layer giving 2 × latentDim values, the mean and log-variance. Training defaults as the DCAE's (the
 * Deep SVDD paper's autoencoder schedule: Adam, batch 200, 250 epochs at 1e-4 then 100 at 1e-5), latent 32.
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { add, exp, gaussianKL, mean, Module, mul, noGrad, randn, slice, square, sub, sum, tensor, type Sequential, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import type { TrainingData } from '../deep/deep-detector.ts';
import { convDecoder, convEncoder, convOptionShape } from './conv-networks.ts';
import { channelSum, ImageDetector, imageOptionShape } from './image-detector.ts';
import type { ImageShape } from '../../images/image-set.ts';

const schema = baseOptionsSchema.extend({
  ...imageOptionShape({ epochs: 250, fineTuneEpochs: 100, batchSize: 200, learningRate: 1e-4, weightDecay: 0.5e-6 }),
  ...convOptionShape,
}).strict();
type Options = z.output<typeof schema>;

export class ConvVaeNetwork extends Module {
  readonly encoder: Sequential;
  readonly decoder: Sequential;

  constructor(shape: ImageShape, o: Options, rng: Rng) {
    super();
    this.encoder = this.registerModule('encoder', convEncoder(shape, { convChannels: o.convChannels, latentDim: 2 * o.latentDim, bias: true, rng }));
    this.decoder = this.registerModule('decoder', convDecoder(shape, { convChannels: o.convChannels, latentDim: o.latentDim, bias: true, rng }));
  }

  /** μ and log σ² of q(z | x). */
  posterior(x: Tensor): { mu: Tensor; logVar: Tensor } {
    const h = this.encoder.forward(x);
    const k = h.shape[1]! / 2;
    return { mu: slice(h, 1, 0, k), logVar: slice(h, 1, k, 2 * k) };
  }
}

export class ConvVAE extends ImageDetector<Options, ConvVaeNetwork> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'conv-vae',
    title: 'Convolutional Variational Autoencoder',
    modality: 'images',
    family: 'autoencoder',
    supervision: ['unsupervised'],
    paper: 'Kingma & Welling, ICLR 2014; An & Cho, SNU 2015',
    summary: 'A convolutional VAE trained on normal images; the reconstruction error at the posterior mean is the score and, per pixel, the map.',
  };

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected buildNetwork(_features: number, rng: Rng): ConvVaeNetwork {
    return new ConvVaeNetwork(this.imageShape!, this.options, rng);
  }

  protected override fitNetwork(network: ConvVaeNetwork, data: TrainingData, rng: Rng): void {
    const noise = rng.fork();
    this.trainPhases(network, data, rng, { epochs: this.options.epochs, loss: (batch) => this.trainingLoss(network, batch, noise) });
  }

  protected trainingLoss(network: ConvVaeNetwork, batch: Tensor, rng: Rng): Tensor {
    const { mu, logVar } = network.posterior(batch);
    const z = add(mu, mul(exp(mul(logVar, 0.5)), randn(mu.shape, rng)));
    const error = mean(sum(square(sub(network.decoder.forward(z), batch)), 1));
    return add(error, gaussianKL(mu, logVar));
  }

  protected scoreBatch(network: ConvVaeNetwork, batch: Tensor): Tensor {
    return mean(square(sub(this.reconstruct(network, batch), batch)), 1);
  }

  protected override mapBatch(network: ConvVaeNetwork, rows: Float32Array, n: number): Float32Array {
    const x = tensor(rows, [n, rows.length / n]);
    const err = noGrad(() => square(sub(this.reconstruct(network, x), x)).toArray());
    return channelSum(err, n, this.imageShape!);
  }

  private reconstruct(network: ConvVaeNetwork, batch: Tensor): Tensor {
    return network.decoder.forward(network.posterior(batch).mu);
  }
}
