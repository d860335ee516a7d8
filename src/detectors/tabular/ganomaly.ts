/**
 * GANomaly — Akcay, Atapour-Abarghouei & Breckon, "GANomaly: Semi-Supervised Anomaly Detection via Adversarial
 * Training", ACCV 2018.
 * Idea: the generator is an encoder–decoder–encoder: x → z = E₁(x) → x̂ = D(z) → ẑ = E₂(x̂). Trained on normal rows, it
 * learns to rebuild them and to encode its rebuilds as it encoded the originals; for a row unlike the training rows
 * the rebuild falls back towards the normal patterns, so its second code ẑ drifts from z. Score = mean (z − ẑ)² over
 * the latent dimensions (the official code's score; the paper writes the L1 norm).
 *
 * Training alternates a discriminator step (binary cross-entropy, real x against the detached x̂) and a generator step
 * on w_adv·L_adv + w_con·L_con + w_enc·L_enc: L_adv the squared distance of the discriminator's last hidden features of
 * x and x̂ (feature matching), L_con = mean |x − x̂|, L_enc = mean (z − ẑ)²; weights 1, 50, 1 as in the paper. Adam
 * at 2e-4 with β₁ = 0.5 (the official code). The paper's networks are DCGAN convolutions for images; for rows they are
 * dense stacks (ADBench runs GANomaly on tabular data the same way): hidden [64], latent 16, leaky ReLU, 50 epochs of
 * batch 64, standardised input.
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { abs, detach, Linear, mean, mseLoss, Module, square, sub, add, mul, type Sequential, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import { AdversarialDetector, adversarialOptionShape, discriminatorLoss, type AdversarialPlan } from '../deep/adversarial-training.ts';
import { activationOption, denseStack, layerSizesOption } from '../deep/networks.ts';

const schema = baseOptionsSchema.extend({
  ...adversarialOptionShape({ epochs: 50, batchSize: 64, learningRate: 2e-4, weightDecay: 0 }),
  hiddenSizes: layerSizesOption([64], 'Hidden units of the encoders (the decoder mirrors them) and of the discriminator.'),
  latentDim: z.number().int().min(1).max(4096).default(16).describe('Dimensions of the codes z and ẑ.'),
  activation: activationOption('leaky_relu'),
  weightAdversarial: z.number().gte(0).default(1).describe('w_adv, the weight of the feature-matching loss of the generator.'),
  weightContextual: z.number().gte(0).default(50).describe('w_con, the weight of the reconstruction loss |x − x̂|.'),
  weightEncoder: z.number().gte(0).default(1).describe('w_enc, the weight of the latent loss (z − ẑ)².'),
}).strict();
type Options = z.output<typeof schema>;

class GanomalyNetwork extends Module implements GanomalyParts {
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  readonly reencoder: Sequential;
  readonly features: Sequential;
  readonly classifier: Linear;

  constructor(d: number, o: Options, rng: Rng) {
    super();
    const block = { rng, activation: o.activation, dropout: 0, batchNorm: false };
    const hidden = o.hiddenSizes;
    this.encoder = this.registerModule('encoder', denseStack([d, ...hidden, o.latentDim], block, 'identity'));
    this.decoder = this.registerModule('decoder', denseStack([o.latentDim, ...[...hidden].reverse(), d], block, 'identity'));
    this.reencoder = this.registerModule('reencoder', denseStack([d, ...hidden, o.latentDim], block, 'identity'));
    this.features = this.registerModule('features', denseStack([d, ...hidden], block));
    this.classifier = this.registerModule('classifier', new Linear(hidden[hidden.length - 1]!, 1, { rng }));
  }

  /** The generator's pass: code, rebuild, code of the rebuild. */
  generate(x: Tensor): { z: Tensor; rebuilt: Tensor; zHat: Tensor } {
    const z = this.encoder.forward(x);
    const rebuilt = this.decoder.forward(z);
    return { z, rebuilt, zHat: this.reencoder.forward(rebuilt) };
  }
}

/** What GANomaly's training needs of its network, tabular (dense) or images (convolutional). */
export interface GanomalyParts {
  encoder: Module;
  decoder: Module;
  reencoder: Module;
  features: Sequential;
  classifier: Linear;
  generate(x: Tensor): { z: Tensor; rebuilt: Tensor; zHat: Tensor };
}

export interface GanomalyWeights {
  learningRate: number;
  weightDecay: number;
  weightAdversarial: number;
  weightContextual: number;
  weightEncoder: number;
}

/**
 * The two players: the discriminator on real x against the detached rebuild, and the generator on
 * w_adv·‖f(x) − f(x̂)‖² + w_con·|x − x̂| + w_enc·‖z − ẑ‖²; Adam with β₁ = 0.5 for both (the official code).
 */
export function ganomalyPlan(network: GanomalyParts, o: GanomalyWeights): AdversarialPlan {
  const optimizer = { kind: 'adam', learningRate: o.learningRate, betas: [0.5, 0.999], weightDecay: o.weightDecay } as const;
  const discriminate = (x: Tensor): { hidden: Tensor; logit: Tensor } => {
    const hidden = network.features.forward(x);
    return { hidden, logit: network.classifier.forward(hidden) };
  };
  return {
    players: [
      {
        name: 'discriminator',
        parameters: [...network.features.parameters(), ...network.classifier.parameters()],
        optimizer,
        loss: (x) => discriminatorLoss(discriminate(x).logit, discriminate(detach(network.generate(x).rebuilt)).logit),
      },
      {
        name: 'generator',
        parameters: [...network.encoder.parameters(), ...network.decoder.parameters(), ...network.reencoder.parameters()],
        optimizer,
        loss: (x) => {
          const { z, rebuilt, zHat } = network.generate(x);
          const adversarial = mseLoss(discriminate(rebuilt).hidden, detach(discriminate(x).hidden));
          const contextual = mean(abs(sub(x, rebuilt)));
          const encoder = mseLoss(zHat, z);
          return add(add(mul(adversarial, o.weightAdversarial), mul(contextual, o.weightContextual)), mul(encoder, o.weightEncoder));
        },
      },
    ],
  };
}

export class GANomaly extends AdversarialDetector<Options, GanomalyNetwork> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'ganomaly',
    title: 'GANomaly',
    modality: 'tabular',
    family: 'gan',
    supervision: ['unsupervised'],
    paper: 'Akcay, Atapour-Abarghouei & Breckon, ACCV 2018',
    summary: 'An adversarially trained encoder–decoder–encoder; the distance between the code of a row and the code of its rebuild is the score.',
  };

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected buildNetwork(features: number, rng: Rng): GanomalyNetwork {
    return new GanomalyNetwork(features, this.options, rng);
  }

  protected adversarialPlan(network: GanomalyNetwork): AdversarialPlan {
    return ganomalyPlan(network, this.options);
  }

  protected scoreBatch(network: GanomalyNetwork, batch: Tensor): Tensor {
    const { z, zHat } = network.generate(batch);
    return mean(square(sub(z, zHat)), 1);
  }
}
