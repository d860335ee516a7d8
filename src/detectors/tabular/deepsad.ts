/**
 * Deep SAD — Deep Semi-supervised Anomaly Detection. Ruff et al., "Deep Semi-Supervised Anomaly Detection", ICLR 2020.
 * Idea: Deep SVDD with labels: a bias-free network φ pulls unlabelled rows towards a fixed centre c (‖φ(x) − c‖²)
 * and pushes labelled anomalies away from it, their loss being the inverse η·(‖φ(x) − c‖² + ε)⁻¹. Score: ‖φ(x) − c‖².
 * With no labelled anomaly it is Deep SVDD with the same pretraining.
 *
 * Defaults are the authors' code as ADBench runs it: φ = d → 100 → 20 → 10, bias-free, leaky ReLU; first an
 * autoencoder with φ as its encoder is trained for 100 epochs (the pretraining that initialises φ), then c is the mean
 * of φ over the training rows (each coordinate at least 0.1 from 0), then 50 epochs of the Deep SAD loss; batch 128,
 * Adam at 1e-3, weight decay 1e-6, η = 1, ε = 1e-6. Each hidden layer is Linear → BatchNorm without learned scale and
 * shift (eps 1e-4) → leaky ReLU, as theirs: the normalisation keeps φ from shrinking to the constant map, and having no
 * affine shift keeps the network bias-free. Their decoder ends in a sigmoid for [0, 1] inputs; ours, on standardised
 * input, ends linear.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import type { Rng } from '../../core/rng.ts';
import { ActivationLayer, add, BatchNorm1d, Linear, mean, mseLoss, mul, Module, pow, Sequential, square, sub, sum, tensor, type Layer, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, stateArray, type DetectorInfo, type DetectorState } from '../detector.ts';
import { DeepDetector, type TrainingData } from '../deep/deep-detector.ts';
import { labelledTrainingData, splitLabelColumn } from '../deep/labelled-rows.ts';
import { activationOption, layerSizesOption } from '../deep/networks.ts';
import { trainingOptionShape } from '../deep/training.ts';
import { initialCentre } from './deep-svdd.ts';

const schema = baseOptionsSchema.extend({
  ...trainingOptionShape({ epochs: 50, batchSize: 128, learningRate: 1e-3, weightDecay: 1e-6 }),
  hiddenSizes: layerSizesOption([100, 20], 'Units of the hidden layers of φ (the pretraining decoder mirrors them).'),
  latentDim: z.number().int().min(1).max(4096).default(10).describe('Dimension of the output space of φ, where the centre lies.'),
  activation: activationOption('leaky_relu'),
  pretrainEpochs: z.number().int().min(0).max(100000).default(100).describe('Epochs of the autoencoder that initialises φ (0: no pretraining).'),
  eta: z.number().gt(0).max(1e6).default(1).describe('Weight η of the labelled anomalies\' inverse-distance term.'),
}).strict();
type Options = z.output<typeof schema>;

const EPS = 1e-6;

/** φ and the decoder used only to pretrain it. */
class SadNetwork extends Module {
  readonly encoder: Sequential;
  readonly decoder: Sequential;

  constructor(features: number, o: Options, rng: Rng) {
    super();
    this.encoder = this.registerModule('encoder', stack([features, ...o.hiddenSizes, o.latentDim], o.activation, rng));
    this.decoder = this.registerModule('decoder', stack([o.latentDim, ...[...o.hiddenSizes].reverse(), features], o.activation, rng));
  }

  forward(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }
}

export class DeepSAD extends DeepDetector<Options, SadNetwork> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'deepsad',
    title: 'Deep SAD',
    modality: 'tabular',
    family: 'one-class',
    supervision: ['semi-supervised'],
    paper: 'Ruff et al., ICLR 2020',
    summary: 'Deep SVDD that also pushes labelled anomalies away from the centre (inverse squared distance); the squared distance is the score.',
  };

  private labels: Uint8Array = new Uint8Array(0);
  private centre: Float32Array = new Float32Array(0);

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected override fitModel(X: Matrix, y?: Uint8Array): Float64Array {
    this.labels = y ?? new Uint8Array(X.rows);
    try {
      return super.fitModel(X);
    } finally {
      this.labels = new Uint8Array(0);
    }
  }

  protected buildNetwork(features: number, rng: Rng): SadNetwork {
    return new SadNetwork(features, this.options, rng);
  }

  protected override fitNetwork(network: SadNetwork, data: TrainingData, rng: Rng): void {
    const o = this.options;
    if (o.pretrainEpochs > 0) {
      this.trainStage(network, data, rng, {
        stage: 'pretraining',
        epochs: o.pretrainEpochs,
        loss: (batch) => mseLoss(network.decoder.forward(network.encoder.forward(batch)), batch),
      });
    }
    this.centre = initialCentre(network.encoder, data.train);
    const lossRng = rng.fork();
    this.trainStage(network, labelledTrainingData(data, this.labels), rng, {
      parameters: network.encoder.parameters(),
      loss: (batch, epoch) => this.trainingLoss(network, batch, lossRng, epoch),
    });
  }

  /** The Deep SAD loss of a batch whose last column is the label (1 = labelled anomaly, 0 = unlabelled). */
  protected trainingLoss(network: SadNetwork, batch: Tensor, _rng: Rng, _epoch: number): Tensor {
    const { x, y } = splitLabelColumn(batch);
    const dist = this.distance(network, x);
    const isAnomaly = tensor(y);
    const isUnlabelled = tensor(Float32Array.from(y, (v) => 1 - v));
    return mean(add(mul(isUnlabelled, dist), mul(isAnomaly, mul(pow(add(dist, EPS), -1), this.options.eta))));
  }

  protected scoreBatch(network: SadNetwork, batch: Tensor): Tensor {
    return this.distance(network, batch);
  }

  protected override extraState(): DetectorState {
    return { params: {}, arrays: { centre: this.centre } };
  }

  protected override loadExtraState(state: DetectorState): void {
    this.centre = stateArray(state, 'centre', 'f32', this.options.latentDim);
  }

  /** ‖φ(x) − c‖² per row. */
  private distance(network: SadNetwork, x: Tensor): Tensor {
    return sum(square(sub(network.forward(x), tensor(this.centre, [1, this.centre.length]))), 1);
  }
}

/** Bias-free Linear → affine-free BatchNorm → activation blocks, then a bias-free linear last layer (the authors' MLP). */
function stack(sizes: readonly number[], activation: Options['activation'], rng: Rng): Sequential {
  const layers: Layer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i]!, sizes[i + 1]!, { rng, bias: false }));
    if (i + 2 < sizes.length) layers.push(new BatchNorm1d(sizes[i + 1]!, { affine: false, eps: 1e-4 }), new ActivationLayer(activation));
  }
  return new Sequential(layers);
}
