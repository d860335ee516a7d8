/**
 * AnoGAN — Schlegl, Seeböck, Waldstein, Schmidt-Erfurth & Langs, "Unsupervised Anomaly Detection with Generative
 * Adversarial Networks to Guide Marker Discovery", IPMI 2017.
 * Idea: a GAN trained on normal rows learns a generator G whose outputs cover the normal patterns. To score a row x,
 * search the latent space for the z whose G(z) is most like x, by gradient descent on
 *   L(z) = (1 − λ)·‖x − G(z)‖₁ + λ·‖f(x) − f(G(z))‖₁,
 * the residual loss plus the discrimination loss (f the discriminator's last hidden layer, the paper's feature-matching
 * variant), λ = 0.1. A normal row is found on the generator's manifold; an anomalous one is not. Score = L(z) after the
 * search.
 *
 * The search runs at score time (the cost of the method): Adam on z for `queryIterations` steps, every row's z its own,
 * so a row's score never depends on the other rows of its batch. Instead of one random start, each row starts from the
 * nearest (in residual) of `latentCandidates` fixed latent vectors drawn at fit time and saved with the model, which makes
 * scores deterministic. The paper's DCGAN convolutions become dense stacks for rows (as in PyOD's AnoGAN): G 16 → 64 →
 * d, D d → 64 → 1, leaky ReLU, dropout 0.2 in D; DCGAN's Adam at 2e-4 with β₁ = 0.5, 50 epochs of batch 64;
 * the search 50 Adam steps at 0.05 (the paper runs 500, PyOD 20 at 0.01). Standardised input.
 */
import { z } from 'zod';
import { checkMatrix, type Matrix } from '../../core/matrix.ts';
import type { Rng } from '../../core/rng.ts';
import {
  Adam, add, detach, Linear, Module, mul, noGrad, Parameter, scope, sum, tensor, type Sequential, type Tensor,
} from '../../engine/index.ts';
import { baseOptionsSchema, stateArray, type DetectorInfo, type DetectorState } from '../detector.ts';
import {
  AdversarialDetector, adversarialOptionShape, discriminatorLoss, generatorLoss, noise, rowL1, type AdversarialPlan,
} from '../deep/adversarial-training.ts';
import type { TrainingData } from '../deep/deep-detector.ts';
import { activationOption, denseStack, layerSizesOption } from '../deep/networks.ts';

const schema = baseOptionsSchema.extend({
  ...adversarialOptionShape({ epochs: 50, batchSize: 64, learningRate: 2e-4, weightDecay: 0 }),
  latentDim: z.number().int().min(1).max(4096).default(16).describe('Dimensions of the latent space searched at score time.'),
  generatorSizes: layerSizesOption([64], 'Hidden units of the generator.'),
  discriminatorSizes: layerSizesOption([64], 'Hidden units of the discriminator; the last layer gives the features f.'),
  activation: activationOption('leaky_relu'),
  dropout: z.number().gte(0).lt(1).default(0.2).describe('Drop probability after each hidden layer of the discriminator, in training.'),
  lambda: z.number().gte(0).lte(1).default(0.1).describe('λ, the weight of the discrimination loss in the latent search (1 − λ weighs the residual).'),
  queryIterations: z.number().int().min(0).max(100000).default(50).describe('Adam steps of the latent search for each scored row.'),
  queryLearningRate: z.number().gt(0).max(1e3).default(0.05).describe('Step size of the latent search.'),
  latentCandidates: z.number().int().min(1).max(65536).default(64)
    .describe('Fixed latent vectors drawn at fit time; each row starts its search from the one whose G(z) is nearest to it.'),
}).strict();
type Options = z.output<typeof schema>;

/** Rows scored per latent search: the search's buffers are a few times rows × width. */
const QUERY_BATCH = 1024;

class AnoganNetwork extends Module {
  readonly generator: Sequential;
  readonly features: Sequential;
  readonly classifier: Linear;

  constructor(d: number, o: Options, rng: Rng) {
    super();
    const block = { rng, activation: o.activation, dropout: 0, batchNorm: false };
    this.generator = this.registerModule('generator', denseStack([o.latentDim, ...o.generatorSizes, d], block, 'identity'));
    this.features = this.registerModule('features', denseStack([d, ...o.discriminatorSizes], { ...block, dropout: o.dropout }));
    this.classifier = this.registerModule('classifier', new Linear(o.discriminatorSizes[o.discriminatorSizes.length - 1]!, 1, { rng }));
  }

  discriminate(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x));
  }
}

/** The latent search of a batch of rows: its per-row loss after the search, and the batch's mean loss at each step. */
export interface LatentSearch {
  scores: Float32Array;
  /** mean over rows of L(z) before each Adam step, then after the last one */
  losses: number[];
}

export class AnoGAN extends AdversarialDetector<Options, AnoganNetwork> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'anogan',
    title: 'AnoGAN',
    modality: 'tabular',
    family: 'gan',
    supervision: ['unsupervised'],
    paper: 'Schlegl, Seeböck, Waldstein, Schmidt-Erfurth & Langs, IPMI 2017',
    summary: "A GAN of normal rows; each row's score is how far a latent search gets G(z) to it (residual plus discriminator features).",
  };

  /** the fixed starting points of the search, [latentCandidates × latentDim] */
  private candidates: Float32Array = new Float32Array(0);

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected buildNetwork(features: number, rng: Rng): AnoganNetwork {
    return new AnoganNetwork(features, this.options, rng);
  }

  protected override fitNetwork(network: AnoganNetwork, data: TrainingData, rng: Rng): void {
    super.fitNetwork(network, data, rng);
    const o = this.options;
    this.candidates = noise(o.latentCandidates, o.latentDim, rng.fork()).data;
  }

  protected adversarialPlan(network: AnoganNetwork, _train: Tensor, rng: Rng): AdversarialPlan {
    const o = this.options;
    const optimizer = { kind: 'adam', learningRate: o.learningRate, betas: [0.5, 0.999], weightDecay: o.weightDecay } as const;
    let latent: Tensor | undefined;
    return {
      beforeBatch: (rows) => { latent = noise(rows.length, o.latentDim, rng); },
      players: [
        {
          name: 'discriminator',
          parameters: [...network.features.parameters(), ...network.classifier.parameters()],
          optimizer,
          loss: (x) => discriminatorLoss(network.discriminate(x), network.discriminate(detach(network.generator.forward(latent!)))),
        },
        {
          name: 'generator',
          parameters: network.generator.parameters(),
          optimizer,
          loss: () => generatorLoss(network.discriminate(network.generator.forward(latent!))),
        },
      ],
    };
  }

  /** Scoring runs the latent search, which needs gradients, so it does not go through the base's no-gradient loop. */
  protected override scoreModel(X: Matrix): Float64Array {
    const network = this.network!;
    network.eval();
    const input = this.toFloat32(X);
    const d = X.cols;
    const out = new Float64Array(X.rows);
    for (let start = 0; start < X.rows; start += QUERY_BATCH) {
      const end = Math.min(start + QUERY_BATCH, X.rows);
      const { scores } = this.search(network, tensor(input.subarray(start * d, end * d), [end - start, d]));
      for (let i = 0; i < scores.length; i++) out[start + i] = scores[i]!;
    }
    return out;
  }

  /** The latent search for rows of X (scaled as in training): how its loss falls, and the scores it ends with. */
  latentSearch(X: Matrix): LatentSearch {
    this.checkFitted();
    checkMatrix(X, `${this.name}.latentSearch`, { minRows: 1, features: this.nFeatures });
    this.network!.eval();
    return this.search(this.network!, tensor(this.toFloat32(X), [X.rows, X.cols]));
  }

  protected scoreBatch(network: AnoganNetwork, batch: Tensor): Tensor {
    return tensor(this.search(network, batch).scores, [batch.shape[0]!]);
  }

  protected override extraState(): DetectorState {
    return { params: {}, arrays: { 'search.candidates': this.candidates } };
  }

  protected override loadExtraState(state: DetectorState): void {
    this.candidates = stateArray(state, 'search.candidates', 'f32', this.options.latentCandidates * this.options.latentDim);
  }

  private search(network: AnoganNetwork, x: Tensor): LatentSearch {
    const o = this.options;
    const rows = x.shape[0]!;
    const latent = new Parameter([rows, o.latentDim], this.startingPoints(network, x));
    const optimizer = new Adam([latent], { lr: o.queryLearningRate });
    // copies: the search's scopes reuse the buffers of whatever scope a noGrad result landed in
    const realFeatures = detachedCopy(noGrad(() => network.features.forward(x)));
    const rowLoss = (): Tensor => {
      const generated = network.generator.forward(latent);
      return add(mul(rowL1(x, generated), 1 - o.lambda), mul(rowL1(realFeatures, network.features.forward(generated)), o.lambda));
    };
    const losses: number[] = [];
    for (let step = 0; step < o.queryIterations; step++) {
      // the sum over rows: each row's z gets the gradient of its own loss, whatever else is in the batch
      losses.push(scope(() => {
        const total = sum(rowLoss());
        optimizer.zeroGrad();
        total.backward();
        optimizer.step();
        return total.item();
      }) / rows);
    }
    const scores = noGrad(rowLoss).data.slice();
    let mean = 0;
    for (const s of scores) mean += s / rows;
    losses.push(mean);
    return { scores, losses };
  }

  /** Each row's nearest candidate by residual ‖x − G(c)‖₁: a deterministic start that is already near the row. */
  private startingPoints(network: AnoganNetwork, x: Tensor): Float32Array {
    const o = this.options;
    const k = o.latentCandidates;
    const generated = noGrad(() => network.generator.forward(tensor(this.candidates, [k, o.latentDim]))).data;
    const rows = x.shape[0]!;
    const d = x.shape[1]!;
    const out = new Float32Array(rows * o.latentDim);
    for (let i = 0; i < rows; i++) {
      let best = 0;
      let bestDistance = Infinity;
      for (let c = 0; c < k; c++) {
        let distance = 0;
        for (let j = 0; j < d; j++) distance += Math.abs(x.data[i * d + j]! - generated[c * d + j]!);
        if (distance < bestDistance) {
          bestDistance = distance;
          best = c;
        }
      }
      out.set(this.candidates.subarray(best * o.latentDim, (best + 1) * o.latentDim), i * o.latentDim);
    }
    return out;
  }
}

function detachedCopy(t: Tensor): Tensor {
  return tensor(t.data.slice(), t.shape);
}
