/**
 * MO-GAAL — Multiple-Objective Generative Adversarial Active Learning. Liu, Li, Zhou, Jiang, Sun, Wang & He,
 * "Generative Adversarial Active Learning for Unsupervised Outlier Detection", IEEE TKDE 2019.
 * Idea: SO-GAAL's single generator tends to collapse onto one region, leaving the discriminator's boundary open
 * elsewhere. MO-GAAL trains k sub-generators, each aiming at a different level of the discriminator's output: sub-
 * generator i targets T_i, the (i/k)-quantile of D over the training rows, so together they place potential outliers
 * from far outside the data (low D) to right at its edge. The discriminator learns real rows (1) against all of their
 * samples (0); the sub-generators stop after `stopEpochs`, the discriminator goes on. Score = 1 − D(x).
 *
 * Defaults are the authors' code (leibinghe/GAAL-based-outlier-detection; PyOD's MO_GAAL): k = 10; per batch of B rows,
 * sub-generator i draws (k − i)·⌊B / (k(k+1)/2)⌋ noise rows (the last one the rest), so the generators aiming lowest
 * produce the most; the targets T_i are recomputed over all training rows after every discriminator step; networks,
 * optimisers, scaling and the epochs as SO-GAAL (so-gaal.ts).
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { concat, detach, noGrad, sigmoid, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import { discriminatorLoss, generatorLoss, noise, type AdversarialPlan, type Player } from '../deep/adversarial-training.ts';
import { GaalDetector, gaalShape, type GaalNetwork } from './so-gaal.ts';

const schema = baseOptionsSchema.extend({
  ...gaalShape,
  k: z.number().int().min(1).max(1000).default(10).describe('Number of sub-generators, each aiming at another quantile of the discriminator\'s output.'),
}).strict();
type Options = z.output<typeof schema>;

/** Noise rows of each sub-generator for a batch of `rows`: (k − i)·⌊rows / (k(k+1)/2)⌋, the last the rest, at least 1. */
export function subGeneratorRows(rows: number, k: number): number[] {
  const unit = Math.floor(rows / ((k * (k + 1)) / 2));
  const sizes = Array.from({ length: k }, (_, i) => (k - i) * unit);
  sizes[k - 1] = rows - sizes.slice(0, k - 1).reduce((a, b) => a + b, 0);
  return sizes.map((s) => Math.max(1, s));
}

/** The q-quantile of sorted values, interpolated linearly between neighbours (numpy's default percentile). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (position - low) * (sorted[high]! - sorted[low]!);
}

export class MOGAAL extends GaalDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'mo-gaal',
    title: 'Multiple-Objective Generative Adversarial Active Learning',
    modality: 'tabular',
    family: 'gan',
    supervision: ['unsupervised'],
    paper: 'Liu et al., IEEE TKDE 2019',
    summary: 'A discriminator trained against k sub-generators, each aiming at another quantile of its output; 1 − D(x) is the score.',
  };

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected generatorCount(): number {
    return this.options.k;
  }

  protected adversarialPlan(network: GaalNetwork, train: Tensor, rng: Rng): AdversarialPlan {
    const { k, stopEpochs } = this.options;
    const d = train.shape[1]!;
    const discriminator = network.discriminator;
    let latents: Tensor[] = [];
    let targets: number[] | undefined;
    const generated = (i: number): Tensor => network.generators[i]!.forward(latents[i]!);
    /** T_i over all training rows, with the discriminator as its last step left it */
    const quantiles = (): number[] => {
      const outputs = Float64Array.from(noGrad(() => sigmoid(discriminator.forward(train))).data).sort();
      return Array.from({ length: k }, (_, i) => quantile(outputs, i / k));
    };
    const generators: Player[] = network.generators.map((generator, i) => ({
      name: `generator ${i + 1}`,
      parameters: generator.parameters(),
      optimizer: this.sgd(true),
      epochs: stopEpochs,
      loss: () => {
        targets ??= quantiles();
        return generatorLoss(discriminator.forward(generated(i)), targets[i]!);
      },
    }));
    return {
      beforeBatch: (rows) => {
        latents = subGeneratorRows(rows.length, k).map((n) => noise(n, d, rng, 'uniform'));
        targets = undefined;
      },
      players: [
        {
          name: 'discriminator',
          parameters: discriminator.parameters(),
          optimizer: this.sgd(false),
          loss: (x) => discriminatorLoss(discriminator.forward(x), discriminator.forward(concat(latents.map((_, i) => detach(generated(i))), 0))),
        },
        ...generators,
      ],
    };
  }
}
