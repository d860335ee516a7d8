/**
 * ALAD — Adversarially Learned Anomaly Detection. Zenati, Romain, Foo, Lecouat & Chandrasekhar, ICDM 2018.
 * Idea: a bidirectional GAN learns an encoder E (row → code) together with the generator G (code → row); three
 * discriminators hold them to each other: D_xz tells real pairs (x, E(x)) from generated ones (G(z), z), D_xx tells
 * (x, x) from (x, G(E(x))) — cycle consistency in the data space — and D_zz tells (z, z) from (z, E(G(z))) in the latent
 * space. A normal row is rebuilt faithfully by G(E(x)), so D_xx's features of (x, x) and (x, G(E(x))) agree; an
 * anomalous row is not. Score = ‖f_xx(x, x) − f_xx(x, G(E(x)))‖₁, f_xx the last hidden layer of D_xx (the paper's
 * "Features" score, its best).
 *
 * Losses are the reference code's: each discriminator's binary cross-entropy (real 1, fake 0), and for E and G the same
 * terms with the labels swapped. The paper's networks for its tabular data (KDD99, arrhythmia), as dense stacks:
 * E d → 64 → latent 32, G 32 → 64 → 128 → d, D_xz [128], D_xx [128], D_zz [32], leaky ReLU, dropout 0.2 in the
 * discriminators; Adam with β₁ = 0.5. The learning rate is PyOD's 1e-4 (the paper's 1e-5 needs far more epochs than
 * the 50 here); the batch is 256, not the paper's 50: a step runs ten passes through the five networks, and at batch 50
 * one fit on 7,000 rows took 220 s (under load), five times the other GAN detectors. Standardised input.
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { add, concat, detach, Linear, Module, type Parameter, type Sequential, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import {
  AdversarialDetector, adversarialOptionShape, discriminatorLoss, noise, rowL1, type AdversarialPlan,
} from '../deep/adversarial-training.ts';
import { activationOption, denseStack, layerSizesOption } from '../deep/networks.ts';

const schema = baseOptionsSchema.extend({
  ...adversarialOptionShape({ epochs: 50, batchSize: 256, learningRate: 1e-4, weightDecay: 0 }),
  latentDim: z.number().int().min(1).max(4096).default(32).describe('Dimensions of the latent code.'),
  encoderSizes: layerSizesOption([64], 'Hidden units of the encoder E.'),
  generatorSizes: layerSizesOption([64, 128], 'Hidden units of the generator G.'),
  discriminatorXzSizes: layerSizesOption([128], 'Hidden units of D_xz (row and code).'),
  discriminatorXxSizes: layerSizesOption([128], 'Hidden units of D_xx (row and rebuild); its last layer gives the score.'),
  discriminatorZzSizes: layerSizesOption([32], 'Hidden units of D_zz (code and re-encoded code).'),
  activation: activationOption('leaky_relu'),
  dropout: z.number().gte(0).lt(1).default(0.2).describe('Drop probability after each hidden layer of the discriminators, in training.'),
}).strict();
type Options = z.output<typeof schema>;

/** A discriminator on pairs: hidden features of the concatenated pair, then one logit. */
class PairDiscriminator extends Module {
  readonly features: Sequential;
  readonly logit: Linear;

  constructor(inputs: number, sizes: readonly number[], o: Options, rng: Rng) {
    super();
    this.features = this.registerModule('features', denseStack([inputs, ...sizes], { rng, activation: o.activation, dropout: o.dropout, batchNorm: false }));
    this.logit = this.registerModule('logit', new Linear(sizes[sizes.length - 1]!, 1, { rng }));
  }

  hidden(a: Tensor, b: Tensor): Tensor {
    return this.features.forward(concat([a, b], 1));
  }

  forward(a: Tensor, b: Tensor): Tensor {
    return this.logit.forward(this.hidden(a, b));
  }
}

class AladNetwork extends Module {
  readonly encoder: Sequential;
  readonly generator: Sequential;
  readonly xz: PairDiscriminator;
  readonly xx: PairDiscriminator;
  readonly zz: PairDiscriminator;

  constructor(d: number, o: Options, rng: Rng) {
    super();
    const block = { rng, activation: o.activation, dropout: 0, batchNorm: false };
    this.encoder = this.registerModule('encoder', denseStack([d, ...o.encoderSizes, o.latentDim], block, 'identity'));
    this.generator = this.registerModule('generator', denseStack([o.latentDim, ...o.generatorSizes, d], block, 'identity'));
    this.xz = this.registerModule('xz', new PairDiscriminator(d + o.latentDim, o.discriminatorXzSizes, o, rng));
    this.xx = this.registerModule('xx', new PairDiscriminator(2 * d, o.discriminatorXxSizes, o, rng));
    this.zz = this.registerModule('zz', new PairDiscriminator(2 * o.latentDim, o.discriminatorZzSizes, o, rng));
  }
}

export class ALAD extends AdversarialDetector<Options, AladNetwork> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'alad',
    title: 'Adversarially Learned Anomaly Detection',
    modality: 'tabular',
    family: 'gan',
    supervision: ['unsupervised'],
    paper: 'Zenati, Romain, Foo, Lecouat & Chandrasekhar, ICDM 2018',
    summary: 'A bidirectional GAN with cycle-consistency discriminators; how far the rebuild G(E(x)) sits from x in D_xx\'s features is the score.',
  };

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected buildNetwork(features: number, rng: Rng): AladNetwork {
    return new AladNetwork(features, this.options, rng);
  }

  protected adversarialPlan(network: AladNetwork, _train: Tensor, rng: Rng): AdversarialPlan {
    const o = this.options;
    const optimizer = { kind: 'adam', learningRate: o.learningRate, betas: [0.5, 0.999], weightDecay: o.weightDecay } as const;
    let latent: Tensor | undefined;
    /** The three real / fake logit pairs of a batch (the same for both players; only the labels swap). */
    const pairs = (x: Tensor, generatorFrozen: boolean): [Tensor, Tensor][] => {
      const zReal = latent!;
      const keep = (t: Tensor): Tensor => (generatorFrozen ? detach(t) : t);
      const zOfX = keep(network.encoder.forward(x));
      const xOfZ = keep(network.generator.forward(zReal));
      const rebuilt = keep(network.generator.forward(zOfX));
      const recoded = keep(network.encoder.forward(xOfZ));
      return [
        [network.xz.forward(x, zOfX), network.xz.forward(xOfZ, zReal)],
        [network.xx.forward(x, x), network.xx.forward(x, rebuilt)],
        [network.zz.forward(zReal, zReal), network.zz.forward(zReal, recoded)],
      ];
    };
    const total = (terms: Tensor[]): Tensor => terms.reduce((a, b) => add(a, b));
    const parameters = (...modules: Module[]): Parameter[] => modules.flatMap((m) => m.parameters());
    return {
      beforeBatch: (rows) => { latent = noise(rows.length, o.latentDim, rng); },
      players: [
        {
          name: 'discriminators',
          parameters: parameters(network.xz, network.xx, network.zz),
          optimizer,
          loss: (x) => total(pairs(x, true).map(([real, fake]) => discriminatorLoss(real, fake))),
        },
        {
          name: 'encoder and generator',
          parameters: parameters(network.encoder, network.generator),
          optimizer,
          loss: (x) => total(pairs(x, false).map(([real, fake]) => discriminatorLoss(fake, real))),
        },
      ],
    };
  }

  protected scoreBatch(network: AladNetwork, batch: Tensor): Tensor {
    const rebuilt = network.generator.forward(network.encoder.forward(batch));
    return rowL1(network.xx.hidden(batch, batch), network.xx.hidden(batch, rebuilt));
  }
}
