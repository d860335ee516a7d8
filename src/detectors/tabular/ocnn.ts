/**
 * OC-NN — One-Class Neural Network. Chalapathy, Menon & Chawla, "Anomaly Detection using One-Class Neural Networks",
 * arXiv:1802.06360, 2018.
 * Idea: the one-class SVM's objective with a neural feature map in place of the kernel. On features z of a row (the
 * encoder of an autoencoder pretrained on the training rows, then frozen, as in the paper), a hidden layer V with
 * activation g and an output layer w give ŷ = ⟨w, g(Vz)⟩; training minimises
 *   ½‖w‖² + ½‖V‖² + 1/(νN)·Σₙ max(0, r − ŷₙ) − r,
 * alternating Adam steps on w and V (r fixed) with r re-set, after each epoch, to the value minimising the objective for
 * the current outputs: the ν-quantile of ŷ (the ⌈νN⌉-th smallest output, `ocnnRadius`). Rows with ŷ < r fall outside;
 * score = r − ŷ, so that higher is more anomalous (the paper's decision value ŷ − r, negated).
 *
 * One deliberate change: by default the hidden units are radial, g = exp(−γ‖z − vₖ‖²), not the paper's ridge units
 * g(⟨vₖ, z⟩). The objective is the one-class SVM's, which separates the data from the origin of the feature space; the
 * OC-SVM works because its RBF kernel maps rows far from the data towards that origin. Ridge units do the opposite:
 * a bias-free sigmoid or linear unit is monotone along its direction, so a row far out on the side the data lie on
 * gets the largest output and looks the most normal (ROC-AUC 0.003 with sigmoid units on a seeded blob with far
 * points, 1.000 with radial ones). ‖V‖² still pulls the centres vₖ towards the origin, and γ is scikit-learn's 'scale'
 * (1 / (features · variance of the features)). `hiddenActivation: 'sigmoid' | 'identity'` gives the paper's units.
 * Defaults: the autoencoder pretraining is this package's AutoEncoder with its (PyOD) defaults; 32 hidden units;
 * ν = 0.1 (the share of training rows allowed below r, the default contamination); 100 epochs of the head, batch 32,
 * Adam at 1e-3 (the objective carries its own L2 terms, so no weight decay on the head).
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { add, exp, Linear, matmul, mean, mseLoss, Module, mul, noGrad, relu, square, sub, sum, tensor, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState } from '../detector.ts';
import { DeepDetector, type TrainingData } from '../deep/deep-detector.ts';
import { activationOption, layerSizesOption } from '../deep/networks.ts';
import { trainingOptionShape } from '../deep/training.ts';
import { AutoencoderNetwork } from './autoencoder.ts';

const schema = baseOptionsSchema.extend({
  ...trainingOptionShape({ epochs: 100, batchSize: 32, learningRate: 1e-3, weightDecay: 1e-5 }),
  nu: z.number().gt(0).lt(1).default(0.1).describe('ν: the share of training rows allowed below r (an upper bound on the training outliers).'),
  hiddenUnits: z.number().int().min(1).max(65536).default(32).describe('Units of the one-class hidden layer V.'),
  hiddenActivation: z.enum(['radial', 'sigmoid', 'identity']).default('radial')
    .describe("g: 'radial' units exp(−γ‖z − vₖ‖²), which map rows far from the data towards 0 as the one-class SVM's RBF kernel does (default); or the paper's ridge units g(⟨vₖ, z⟩), sigmoid or linear."),
  encoderSizes: layerSizesOption([64, 32], "Units of the pretrained autoencoder's encoder layers; its last layer gives the features."),
  activation: activationOption('relu'),
  dropout: z.number().gte(0).lt(1).default(0.2).describe('Autoencoder pretraining: drop probability after each hidden layer.'),
  batchNorm: z.boolean().default(true).describe('Autoencoder pretraining: batch normalisation after each hidden linear layer.'),
  pretrainEpochs: z.number().int().min(1).max(100000).default(10).describe('Epochs of the autoencoder pretraining.'),
}).strict();
type Options = z.output<typeof schema>;

class OcnnNetwork extends Module {
  readonly autoencoder: AutoencoderNetwork;
  /** V, stored [features, units]: the rows of Vᵀ are the units' directions (ridge) or centres (radial) */
  readonly hidden: Linear;
  /** w */
  readonly output: Linear;
  /** γ of the radial units, set from the training features before the head trains */
  gamma = 1;

  constructor(features: number, private readonly o: Options, rng: Rng) {
    super();
    this.autoencoder = this.registerModule('autoencoder', new AutoencoderNetwork(features, o.encoderSizes, { rng, activation: o.activation, dropout: o.dropout, batchNorm: o.batchNorm }));
    const width = o.encoderSizes[o.encoderSizes.length - 1]!;
    const ridge = o.hiddenActivation === 'radial' ? 'identity' : o.hiddenActivation;
    this.hidden = this.registerModule('hidden', new Linear(width, o.hiddenUnits, { rng, activation: ridge, bias: false }));
    this.output = this.registerModule('output', new Linear(o.hiddenUnits, 1, { rng, bias: false }));
  }

  /** ŷ = ⟨w, g(V, z)⟩ for features z, shape [rows]. */
  head(z: Tensor): Tensor {
    let g: Tensor;
    if (this.o.hiddenActivation === 'radial') {
      // ‖z − vₖ‖² = ‖z‖² − 2⟨z, vₖ⟩ + ‖vₖ‖²
      const v = this.hidden.weight;
      const d2 = add(sub(sum(square(z), 1, true), mul(matmul(z, v), 2)), sum(square(v), 0, true));
      g = exp(mul(d2, -this.gamma));
    } else {
      g = this.hidden.forward(z);
    }
    return sum(this.output.forward(g), 1);
  }
}

export class OCNN extends DeepDetector<Options, OcnnNetwork> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'ocnn',
    title: 'One-Class Neural Network',
    modality: 'tabular',
    family: 'one-class',
    supervision: ['unsupervised'],
    paper: 'Chalapathy, Menon & Chawla, arXiv:1802.06360, 2018',
    summary: "A one-class SVM objective on a network over pretrained autoencoder features; score = r − the network's output.",
  };

  /** the learned offset r */
  private radius = 0;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected buildNetwork(features: number, rng: Rng): OcnnNetwork {
    return new OcnnNetwork(features, this.options, rng);
  }

  /** Autoencoder pretraining loss. */
  protected trainingLoss(network: OcnnNetwork, batch: Tensor): Tensor {
    return mseLoss(network.autoencoder.forward(batch), batch);
  }

  protected override fitNetwork(network: OcnnNetwork, data: TrainingData, rng: Rng): void {
    const o = this.options;
    const ae = network.autoencoder;
    this.trainStage(network, data, rng, {
      stage: 'autoencoder pretraining',
      parameters: ae.parameters(),
      modules: [ae],
      epochs: o.pretrainEpochs,
      loss: (batch) => this.trainingLoss(network, batch),
    });
    ae.eval();
    const features: TrainingData = { train: this.encode(network, data.train), validation: data.validation && this.encode(network, data.validation) };
    network.gamma = radialGamma(features.train);
    const head = [network.hidden, network.output];
    const outputs = (): Float32Array => noGrad(() => network.head(features.train)).toArray();
    this.radius = ocnnRadius(outputs(), o.nu);
    this.trainStage(network, features, rng, {
      stage: 'one-class head',
      parameters: head.flatMap((m) => m.parameters()),
      modules: head,
      weightDecay: 0,
      loss: (batch) => this.objective(network, batch),
      afterEpoch: () => { this.radius = ocnnRadius(outputs(), o.nu); },
    });
  }

  protected scoreBatch(network: OcnnNetwork, batch: Tensor): Tensor {
    return sub(this.radius, network.head(network.autoencoder.encoder.forward(batch)));
  }

  protected override extraState(): DetectorState {
    return { params: { radius: this.radius, gamma: this.network!.gamma }, arrays: {} };
  }

  protected override loadExtraState(state: DetectorState): void {
    const radius = state.params.radius;
    this.radius = typeof radius === 'number' && Number.isFinite(radius) ? radius : 0;
    const gamma = state.params.gamma;
    this.network!.gamma = typeof gamma === 'number' && Number.isFinite(gamma) ? gamma : 1;
  }

  private objective(network: OcnnNetwork, features: Tensor): Tensor {
    return ocnnObjective(network.hidden, network.output, network.head(features), this.radius, this.options.nu);
  }

  private encode(network: OcnnNetwork, rows: Tensor): Tensor {
    return encodeRows(network.autoencoder.encoder, rows);
  }
}

/** ½‖w‖² + ½‖V‖² + 1/ν · mean(max(0, r − ŷ)) − r for the outputs ŷ of a batch, r fixed (V: `hidden`, w: `output`). */
export function ocnnObjective(hidden: Linear, output: Linear, outputs: Tensor, r: number, nu: number): Tensor {
  const penalty = mul(add(sum(square(hidden.weight)), sum(square(output.weight))), 0.5);
  const hinge = mul(mean(relu(sub(r, outputs))), 1 / nu);
  return add(add(penalty, hinge), -r);
}

/** A frozen encoder's features of all rows, without a gradient, in chunks that keep memory flat. */
export function encodeRows(encoder: { forward(x: Tensor): Tensor }, rows: Tensor): Tensor {
  const n = rows.shape[0]!;
  const d = rows.size / Math.max(n, 1);
  const parts: Float32Array[] = [];
  let width = 0;
  for (let start = 0; start < n; start += 2048) {
    const end = Math.min(start + 2048, n);
    const z = noGrad(() => encoder.forward(tensor(rows.data.subarray(start * d, end * d), [end - start, d])));
    width = z.shape[1]!;
    parts.push(z.toArray());
  }
  const out = new Float32Array(n * width);
  let offset = 0;
  for (const p of parts) { out.set(p, offset); offset += p.length; }
  return tensor(out, [n, width]);
}

/** scikit-learn's gamma = 'scale' for an RBF kernel: 1 / (features · variance of all feature values). */
function radialGamma(features: Tensor): number {
  const x = features.data;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]!;
  const m = sum / x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i]! - m) ** 2;
  const variance = ss / x.length;
  return variance > 0 ? 1 / (features.shape[1]! * variance) : 1;
}

/**
 * The r that minimises f(r) = Σₙ max(0, r − yₙ)/(νN) − r for outputs y: f is piecewise linear with slope
 * #{yₙ < r}/(νN) − 1, which turns non-negative at the ⌈νN⌉-th smallest output.
 */
export function ocnnRadius(outputs: ArrayLike<number>, nu: number): number {
  const sorted = Float64Array.from(outputs).sort();
  const k = Math.min(sorted.length, Math.max(1, Math.ceil(nu * sorted.length - 1e-9)));
  return sorted[k - 1]!;
}

/** f(r) = Σₙ max(0, r − yₙ)/(νN) − r: the part of the OC-NN objective that depends on r. */
export function ocnnRadiusObjective(outputs: ArrayLike<number>, r: number, nu: number): number {
  let s = 0;
  for (let i = 0; i < outputs.length; i++) s += Math.max(0, r - outputs[i]!);
  return s / (nu * outputs.length) - r;
}
