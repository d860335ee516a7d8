/**
 * OC-NN on images — Chalapathy, Menon & Chawla, "Anomaly Detection using One-Class Neural Networks", arXiv:1802.06360,
 * 2018. Idea: the one-class SVM's objective with a neural network in place of the kernel. The encoder of a convolutional
 * autoencoder trained on the normal images gives the features z of an image; it is then frozen (the paper copies the
 * pretrained encoder in front of the one-class network; the authors' image code trains the head on fixed encoder
 * features). A hidden layer V with the paper's activation g (sigmoid, or linear) and an output layer w give
 * ŷ = ⟨w, g(Vz)⟩; training minimises
 *   ½‖w‖² + ½‖V‖² + 1/ν · mean(max(0, r − ŷ)) − r,
 * Adam steps on w and V with r fixed, and r re-set after each epoch to the ν-quantile of the training outputs (the
 * tabular OC-NN's `ocnnRadius` and `ocnnObjective`). Score: r − ŷ (higher = more anomalous). Map: |∂score/∂pixel|
 * through head and encoder (the image contract's default).
 *
 * Unlike the tabular `ocnn`, whose default units are radial, the hidden units here are the paper's sigmoid ridge units:
 * on images, radial units over the encoder's features ranked planted anomalies as more normal than the normal images
 * (their outputs stayed below r), while sigmoid units ranked them correctly.
 * Encoder: the LeNet-type network of conv-networks.ts (bias-free), pretrained with the DCAE / Deep SVDD schedule
 * (Adam, batch 200, `pretrainEpochs` 250 at 1e-4 then `fineTuneEpochs` 100 at 1e-5, weight decay 0.5e-6). Head: 32
 * hidden units, ν = 0.1, `epochs` 100 of Adam at `headLearningRate` 1e-3 (no weight decay: the objective carries its
 * own L2 terms).
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { Linear, mean, Module, noGrad, square, sub, sum, type Sequential, type Tensor } from '../../engine/index.ts';
import type { ImageShape } from '../../images/image-set.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState } from '../detector.ts';
import type { TrainingData } from '../deep/deep-detector.ts';
import { encodeRows, ocnnObjective, ocnnRadius } from '../tabular/ocnn.ts';
import { convDecoder, convEncoder, convOptionShape } from './conv-networks.ts';
import { ImageDetector, imageOptionShape } from './image-detector.ts';

const schema = baseOptionsSchema.extend({
  ...imageOptionShape({ epochs: 100, fineTuneEpochs: 100, batchSize: 200, learningRate: 1e-4, weightDecay: 0.5e-6 }),
  ...convOptionShape,
  nu: z.number().gt(0).lt(1).default(0.1).describe('ν: the share of training images allowed below r (an upper bound on the training outliers).'),
  hiddenUnits: z.number().int().min(1).max(65536).default(32).describe('Units of the one-class hidden layer V.'),
  hiddenActivation: z.enum(['sigmoid', 'identity']).default('sigmoid').describe("g of the hidden layer: the paper's 'sigmoid' or linear ('identity')."),
  headLearningRate: z.number().gt(0).max(1e6).default(1e-3).describe('Adam learning rate of the one-class head (w and V); `learningRate` is the autoencoder pretraining\'s.'),
  pretrainEpochs: z.number().int().min(1).max(100000).default(250)
    .describe('Epochs of the convolutional autoencoder whose frozen encoder gives the features (then `fineTuneEpochs` at `fineTuneLearningRate`); `epochs` are the head\'s.'),
}).strict();
type Options = z.output<typeof schema>;

export class ImageOcnnNetwork extends Module {
  readonly encoder: Sequential;
  /** V, stored [latentDim, hiddenUnits] */
  readonly hidden: Linear;
  /** w */
  readonly output: Linear;

  constructor(shape: ImageShape, o: Options, rng: Rng) {
    super();
    this.encoder = this.registerModule('encoder', convEncoder(shape, { convChannels: o.convChannels, latentDim: o.latentDim, bias: false, rng }));
    this.hidden = this.registerModule('hidden', new Linear(o.latentDim, o.hiddenUnits, { rng, activation: o.hiddenActivation, bias: false }));
    this.output = this.registerModule('output', new Linear(o.hiddenUnits, 1, { rng, bias: false }));
  }

  /** ŷ = ⟨w, g(Vz)⟩ for features z, shape [rows]. */
  head(z: Tensor): Tensor {
    return sum(this.output.forward(this.hidden.forward(z)), 1);
  }
}

export class ImageOCNN extends ImageDetector<Options, ImageOcnnNetwork> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'image-ocnn',
    title: 'One-Class Neural Network (images, CNN encoder)',
    modality: 'images',
    family: 'one-class',
    supervision: ['unsupervised'],
    paper: 'Chalapathy, Menon & Chawla, arXiv:1802.06360, 2018',
    summary: "A one-class SVM objective on a network over a pretrained, frozen convolutional encoder; score = r − the network's output, map = its pixel gradient.",
  };

  /** the learned offset r */
  radius = 0;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected buildNetwork(_features: number, rng: Rng): ImageOcnnNetwork {
    return new ImageOcnnNetwork(this.imageShape!, this.options, rng);
  }

  protected override fitNetwork(network: ImageOcnnNetwork, data: TrainingData, rng: Rng): void {
    const o = this.options;
    const encoder = network.encoder;
    // the autoencoder's decoder only serves the pretraining and is dropped afterwards, as in Deep SVDD
    const decoder = convDecoder(this.imageShape!, { convChannels: o.convChannels, latentDim: o.latentDim, bias: false, rng: rng.fork() });
    this.trainPhases(network, data, rng, {
      stage: 'autoencoder pretraining',
      parameters: [...encoder.parameters(), ...decoder.parameters()],
      modules: [encoder, decoder],
      epochs: o.pretrainEpochs,
      loss: (batch) => mean(sum(square(sub(decoder.forward(encoder.forward(batch)), batch)), 1)),
    });
    encoder.eval();
    const features: TrainingData = { train: encodeRows(encoder, data.train), validation: data.validation && encodeRows(encoder, data.validation) };
    const head = [network.hidden, network.output];
    const outputs = (): Float32Array => noGrad(() => network.head(features.train)).toArray();
    this.radius = ocnnRadius(outputs(), o.nu);
    this.trainStage(network, features, rng, {
      stage: 'one-class head',
      parameters: head.flatMap((m) => m.parameters()),
      modules: head,
      epochs: o.epochs,
      learningRate: o.headLearningRate,
      weightDecay: 0,
      loss: (z) => ocnnObjective(network.hidden, network.output, network.head(z), this.radius, o.nu),
      afterEpoch: () => { this.radius = ocnnRadius(outputs(), o.nu); },
    });
  }

  /** The head's objective on images (fitNetwork trains on precomputed features instead). */
  protected trainingLoss(network: ImageOcnnNetwork, batch: Tensor): Tensor {
    return ocnnObjective(network.hidden, network.output, network.head(network.encoder.forward(batch)), this.radius, this.options.nu);
  }

  protected scoreBatch(network: ImageOcnnNetwork, batch: Tensor): Tensor {
    return sub(this.radius, network.head(network.encoder.forward(batch)));
  }

  protected override extraState(): DetectorState {
    return { params: { radius: this.radius }, arrays: {} };
  }

  protected override loadExtraState(state: DetectorState): void {
    const radius = state.params.radius;
    this.radius = typeof radius === 'number' && Number.isFinite(radius) ? radius : 0;
  }
}
