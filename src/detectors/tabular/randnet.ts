/**
 * RandNet — randomly connected autoencoder ensembles. Chen, Sathe, Aggarwal & Turaga, "Outlier Detection with
 * Autoencoder Ensembles", SDM 2017.
 * Idea: one autoencoder overfits its training rows, outliers included; many autoencoders, each with a different random
 * share of its connections removed and each trained on a different random sample of the rows, disagree where a single
 * one is lucky, and the median of their standardised reconstruction errors is a steadier score.
 * Score: median over members of (‖x − AE_m(x)‖ − mean_m) / std_m, mean_m and std_m over the training rows.
 *
 * The paper's scheme, our defaults: 10 members, each a dense autoencoder shaped as ./autoencoder.ts (d → 64 → 32 → 64 →
 * d, ReLU, identity output, 10 epochs, batch 32, Adam at 1e-3, weight decay 1e-5) with each connection removed with
 * probability 0.5 (every unit keeps at least one input), trained on a random sample of 50–100 % of the rows (its size
 * drawn per member: the paper's varying sample sizes). The paper's layer-wise pretraining is left out.
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { linear, Linear, Module, mseLoss, mul, tensor, type Activation, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, stateArray, type DetectorInfo, type DetectorState } from '../detector.ts';
import { DeepDetector, type TrainingData } from '../deep/deep-detector.ts';
import { activationOption, layerSizesOption } from '../deep/networks.ts';
import { trainingOptionShape } from '../deep/training.ts';
import { rowDistance } from './autoencoder.ts';

const schema = baseOptionsSchema.extend({
  ...trainingOptionShape({ epochs: 10, batchSize: 32, learningRate: 1e-3, weightDecay: 1e-5 }),
  members: z.number().int().min(1).max(1000).default(10).describe('Autoencoders in the ensemble.'),
  hiddenSizes: layerSizesOption([64, 32], 'Units of the encoder layers, the last one the bottleneck; the decoder mirrors them.'),
  activation: activationOption('relu'),
  dropConnections: z.number().gte(0).lt(1).default(0.5).describe('Probability that a connection is removed from a member (fixed for its life).'),
  minSampleShare: z.number().gt(0).lte(1).default(0.5).describe('Each member trains on a random sample of between this share and all of the rows.'),
}).strict();
type Options = z.output<typeof schema>;

/** A dense autoencoder whose weights are multiplied by fixed 0/1 masks. */
class MaskedAutoencoder extends Module {
  readonly layers: Linear[] = [];
  masks: Float32Array[] = [];

  constructor(sizes: readonly number[], private readonly activation: Activation, rng: Rng, drop: number) {
    super();
    for (let l = 0; l + 1 < sizes.length; l++) {
      const from = sizes[l]!, to = sizes[l + 1]!;
      this.layers.push(this.registerModule(String(l), new Linear(from, to, { rng })));
      const mask = new Float32Array(from * to);
      for (let i = 0; i < mask.length; i++) mask[i] = rng.uniform() < drop ? 0 : 1;
      for (let j = 0; j < to; j++) {
        let kept = 0;
        for (let i = 0; i < from; i++) kept += mask[i * to + j]!;
        if (kept === 0) mask[rng.int(from) * to + j] = 1;
      }
      this.masks.push(mask);
    }
  }

  forward(x: Tensor): Tensor {
    let h = x;
    this.layers.forEach((layer, l) => {
      const last = l + 1 === this.layers.length;
      h = linear(h, mul(layer.weight, tensor(this.masks[l]!, layer.weight.shape)), layer.bias, last ? 'identity' : this.activation);
    });
    return h;
  }
}

class RandNetNetwork extends Module {
  readonly members: MaskedAutoencoder[] = [];

  constructor(features: number, o: Options, rng: Rng) {
    super();
    const sizes = [features, ...o.hiddenSizes, ...[...o.hiddenSizes].reverse().slice(1), features];
    for (let m = 0; m < o.members; m++) {
      this.members.push(this.registerModule(`member${m}`, new MaskedAutoencoder(sizes, o.activation, rng.fork(), o.dropConnections)));
    }
  }
}

export class RandNet extends DeepDetector<Options, RandNetNetwork> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'randnet',
    title: 'RandNet',
    modality: 'tabular',
    family: 'ensemble',
    supervision: ['unsupervised', 'semi-supervised'],
    paper: 'Chen, Sathe, Aggarwal & Turaga, SDM 2017',
    summary: 'Autoencoders with randomly removed connections, each trained on a random sample; the median standardised reconstruction error is the score.',
  };

  private errorMean: Float64Array = new Float64Array(0);
  private errorStd: Float64Array = new Float64Array(0);

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected buildNetwork(features: number, rng: Rng): RandNetNetwork {
    return new RandNetNetwork(features, this.options, rng);
  }

  protected override fitNetwork(network: RandNetNetwork, data: TrainingData, rng: Rng): void {
    const rows = data.train.shape[0]!, d = data.train.shape[1]!;
    network.members.forEach((member, m) => {
      const memberRng = rng.fork();
      const share = memberRng.uniform(this.options.minSampleShare, 1);
      const sample = memberRng.sample(rows, Math.max(2, Math.round(share * rows)));
      const subset = new Float32Array(sample.length * d);
      sample.forEach((r, k) => subset.set(data.train.data.subarray(r * d, (r + 1) * d), k * d));
      this.trainStage(network, { train: tensor(subset, [sample.length, d]), validation: undefined }, memberRng, {
        stage: `member ${m + 1} of ${network.members.length}`,
        parameters: member.parameters(),
        modules: [member],
        loss: (batch) => mseLoss(member.forward(batch), batch),
      });
    });
    // Each member's error statistics over all training rows, for the standardisation.
    this.errorMean = new Float64Array(network.members.length);
    this.errorStd = new Float64Array(network.members.length);
    network.members.forEach((member, m) => {
      let sum = 0, sumSquares = 0;
      this.meanLoss(data.train, (batch) => {
        const errors = rowDistance(batch, member.forward(batch));
        for (const e of errors.data) { sum += e; sumSquares += e * e; }
        return tensor([0]);
      });
      const mean = sum / rows;
      this.errorMean[m] = mean;
      this.errorStd[m] = Math.sqrt(Math.max(sumSquares / rows - mean * mean, 0)) || 1;
    });
  }

  protected trainingLoss(network: RandNetNetwork, batch: Tensor): Tensor {
    return mseLoss(network.members[0]!.forward(batch), batch);
  }

  protected scoreBatch(network: RandNetNetwork, batch: Tensor): Tensor {
    const rows = batch.shape[0]!, k = network.members.length;
    const standardised = new Float64Array(rows * k);
    network.members.forEach((member, m) => {
      const errors = rowDistance(batch, member.forward(batch)).data;
      for (let i = 0; i < rows; i++) standardised[i * k + m] = (errors[i]! - this.errorMean[m]!) / this.errorStd[m]!;
    });
    const out = new Float32Array(rows);
    for (let i = 0; i < rows; i++) out[i] = median(standardised.subarray(i * k, (i + 1) * k));
    return tensor(out, [rows]);
  }

  protected override extraState(): DetectorState {
    const arrays: DetectorState['arrays'] = { errorMean: this.errorMean, errorStd: this.errorStd };
    this.network!.members.forEach((member, m) => member.masks.forEach((mask, l) => { arrays[`mask.${m}.${l}`] = mask; }));
    return { params: {}, arrays };
  }

  protected override loadExtraState(state: DetectorState): void {
    const members = this.network!.members;
    this.errorMean = stateArray(state, 'errorMean', 'f64', members.length);
    this.errorStd = stateArray(state, 'errorStd', 'f64', members.length);
    members.forEach((member, m) => { member.masks = member.masks.map((mask, l) => stateArray(state, `mask.${m}.${l}`, 'f32', mask.length)); });
  }
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
