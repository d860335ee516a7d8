/**
 * SO-GAAL — Single-Objective Generative Adversarial Active Learning. Liu, Li, Zhou, Jiang, Sun, Wang & He,
 * "Generative Adversarial Active Learning for Unsupervised Outlier Detection", IEEE TKDE 2019.
 * Idea: turn outlier detection into classification by generating the missing class. A generator learns to put
 * "potential outliers" where the discriminator is unsure, around and between the real rows; the discriminator learns
 * to tell real rows (1) from them (0), so its boundary comes to enclose the data. The generator is stopped after
 * `stopEpochs` (before it converges onto the data and the boundary collapses) while the discriminator keeps learning
 * against its fixed samples. Score = 1 − D(x), the probability that x is not a real row.
 *
 * Networks and defaults are the authors' code (leibinghe/GAAL-based-outlier-detection, which PyOD ports): generator
 * d → d → d with ReLU from uniform noise in [0, 1)^d, initialised to the identity; discriminator d → ⌈√n⌉ (ReLU) → 1,
 * LeCun-normal weights; SGD with momentum 0.9 at
 * 0.01 (discriminator) and 1e-4 (generator); batch 500 — but at most ⌈n/10⌉: the generator stops after a number of
 * epochs, and with the authors' batch a data set of a few hundred rows would give it one step an epoch, too few to
 * learn anything (on 300 rows that left ROC-AUC near 0.65 on well-separated outliers); the generator stops after 20
 * epochs and training ends after 3 × 20. Rows are min-max scaled to [0, 1] by the training rows, the range the ReLU generator and its uniform noise
 * live in. The score is computed as sigmoid(−logit), which is 1 − D(x) without Float32 rounding D(x) to 1.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import type { Rng } from '../../core/rng.ts';
import { detach, Linear, Module, neg, reshape, Sequential, sigmoid, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState } from '../detector.ts';
import {
  AdversarialDetector, adversarialOptionShape, discriminatorLoss, generatorLoss, noise, type AdversarialPlan,
} from '../deep/adversarial-training.ts';
import type { DeepOptions, Scaling } from '../deep/deep-detector.ts';
import { ModelFileError } from '../../core/errors.ts';

const { standardize: _standardize, ...training } = adversarialOptionShape({ epochs: 60, batchSize: 500, learningRate: 0.01, weightDecay: 0 });

/** The options SO-GAAL and MO-GAAL share (MO-GAAL adds the number of sub-generators). */
export const gaalShape = {
  ...training,
  learningRate: z.number().gt(0).max(1e6).default(0.01).describe('Step size of the discriminator (SGD with momentum).'),
  weightDecay: z.number().gte(0).default(0).describe("L2 penalty on the networks' weights (SGD's weight_decay)."),
  batchSize: z.number().int().min(0).max(1 << 20).default(0)
    .describe('Rows per optimisation step; 0 (default): the authors\' 500, but at most ⌈n / 10⌉ for n training rows, so that a small data set still gets ten steps an epoch.'),
  scaling: z.enum(['minmax', 'standard', 'none']).default('minmax')
    .describe("Scaling of each feature by the training rows: 'minmax' to [0, 1] (default: the generator's range), 'standard', or 'none'."),
  stopEpochs: z.number().int().min(0).max(100000).default(20).describe('Epochs after which the generator stops learning (the discriminator goes on until `epochs`).'),
  generatorLearningRate: z.number().gt(0).max(1e6).default(1e-4).describe('Step size of the generator (SGD); learningRate is the discriminator\'s.'),
  momentum: z.number().gte(0).lt(1).default(0.9).describe('Momentum of both SGD optimisers.'),
  discriminatorUnits: z.number().int().min(1).max(65536).optional().describe('Hidden units of the discriminator; default ⌈√n⌉ for n training rows.'),
};

const schema = baseOptionsSchema.extend(gaalShape).strict();
export type GaalOptions = z.output<typeof schema> & { k?: number };

/** One discriminator and `generators` generators of the GAAL papers. */
export class GaalNetwork extends Module {
  readonly discriminator: Sequential;
  readonly generators: Sequential[];

  constructor(d: number, units: number, generators: number, rng: Rng) {
    super();
    // the authors' initialisation: LeCun-normal discriminator (Keras VarianceScaling(1, fan_in, normal)), zero biases;
    // identity generators, which start out passing their uniform noise through — samples spread over the [0, 1] box
    const lecun = (from: number, to: number, activation: 'relu' | 'identity'): Linear => {
      const layer = new Linear(from, to, { rng, activation, init: 'zeros' });
      for (let i = 0; i < layer.weight.size; i++) layer.weight.data[i] = rng.normal(0, Math.sqrt(1 / from));
      return layer;
    };
    const identity = (): Linear => {
      const layer = new Linear(d, d, { rng, activation: 'relu', init: 'zeros' });
      for (let j = 0; j < d; j++) layer.weight.data[j * d + j] = 1;
      return layer;
    };
    this.discriminator = this.registerModule('discriminator', new Sequential([lecun(d, units, 'relu'), lecun(units, 1, 'identity')]));
    this.generators = Array.from({ length: generators }, (_, i) => this.registerModule(`generator${i}`, new Sequential([identity(), identity()])));
  }
}

/** What SO-GAAL and MO-GAAL share: the networks, min-max scaling, the sized discriminator, the score 1 − D(x). */
export abstract class GaalDetector<O extends DeepOptions & GaalOptions> extends AdversarialDetector<O, GaalNetwork> {
  /** hidden units of the discriminator of the current fit (⌈√n⌉ unless set), saved with the model */
  private units = 0;

  protected abstract generatorCount(): number;

  protected override scaling(): Scaling {
    return this.options.scaling;
  }

  protected override fitModel(X: Matrix): Float64Array {
    this.units = this.options.discriminatorUnits ?? Math.ceil(Math.sqrt(X.rows));
    return super.fitModel(X);
  }

  protected override batchSize(rows: number): number {
    return this.options.batchSize > 0 ? this.options.batchSize : Math.min(500, Math.ceil(rows / 10));
  }

  protected buildNetwork(features: number, rng: Rng): GaalNetwork {
    return new GaalNetwork(features, this.units, this.generatorCount(), rng);
  }

  protected override extraState(): DetectorState {
    return { params: { discriminatorUnits: this.units }, arrays: {} };
  }

  protected override loadModel(state: DetectorState): void {
    const units = state.params.discriminatorUnits;
    if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) {
      throw new ModelFileError(`The saved state of detector '${this.name}' lacks its discriminator's hidden units (got ${JSON.stringify(units)}).`);
    }
    this.units = units;
    super.loadModel(state);
  }

  /** SGD with momentum for the discriminator (learningRate) or a generator (generatorLearningRate). */
  protected sgd(generator: boolean) {
    const o = this.options;
    return { kind: 'sgd', learningRate: generator ? o.generatorLearningRate : o.learningRate, momentum: o.momentum, weightDecay: o.weightDecay } as const;
  }

  /** 1 − D(x) = sigmoid(−logit), shape [rows]. */
  protected scoreBatch(network: GaalNetwork, batch: Tensor): Tensor {
    return reshape(sigmoid(neg(network.discriminator.forward(batch))), [batch.shape[0]!]);
  }
}

export class SOGAAL extends GaalDetector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'so-gaal',
    title: 'Single-Objective Generative Adversarial Active Learning',
    modality: 'tabular',
    family: 'gan',
    supervision: ['unsupervised'],
    paper: 'Liu et al., IEEE TKDE 2019',
    summary: 'A discriminator trained against generated potential outliers learns a boundary around the data; 1 − D(x) is the score.',
  };

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected generatorCount(): number {
    return 1;
  }

  protected adversarialPlan(network: GaalNetwork, train: Tensor, rng: Rng): AdversarialPlan {
    const d = train.shape[1]!;
    const generator = network.generators[0]!;
    let latent: Tensor | undefined;
    return {
      beforeBatch: (rows) => { latent = noise(rows.length, d, rng, 'uniform'); },
      players: [
        {
          name: 'discriminator',
          parameters: network.discriminator.parameters(),
          optimizer: this.sgd(false),
          loss: (x) => discriminatorLoss(network.discriminator.forward(x), network.discriminator.forward(detach(generator.forward(latent!)))),
        },
        {
          name: 'generator',
          parameters: generator.parameters(),
          optimizer: this.sgd(true),
          epochs: this.options.stopEpochs,
          loss: () => generatorLoss(network.discriminator.forward(generator.forward(latent!))),
        },
      ],
    };
  }
}
