/**
 * DevNet — Deviation Networks. Pang, Shen & van den Hengel, "Deep Anomaly Detection with Deviation Networks", KDD 2019.
 * Idea: a network maps each row straight to an anomaly score, trained with a few labelled anomalies: the deviation
 * loss z = (φ(x) − μ_R) / σ_R against a Gaussian prior of scores (μ_R, σ_R from l = 5,000 draws of N(0, 1)) keeps
 * unlabelled rows near the prior's mean (|z|) and pushes labelled anomalies at least a margin a = 5 above it
 * (max(0, a − z)). Unlabelled rows count as normal: the few anomalies among them are the contamination it tolerates.
 * Score: φ(x).
 *
 * Defaults are the authors' code as ADBench runs it (network_depth 2): d → 20 (ReLU) → 1, 50 epochs of 20 batches of
 * 512 rows, each batch half unlabelled rows and half labelled anomalies drawn with replacement, Keras's RMSprop at 1e-3
 * with each gradient clipped to norm 1 (their `clipnorm=1.`), and their L2 penalty of 0.01 on the hidden layers'
 * weights only, added to the loss as Keras's `l2(0.01)` does (0.01·Σw²; the output layer and biases are free).
 * Without a labelled anomaly only the |z| term is left and every score collapses towards μ_R: the detector still fits,
 * but it needs labelled anomalies to rank anything.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import type { Rng } from '../../core/rng.ts';
import { abs, add, Linear, mean, mul, relu, reshape, RMSprop, square, sub, sum, tensor, type Sequential, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import { DeepDetector, type TrainingData } from '../deep/deep-detector.ts';
import { labelledTrainingData, splitLabelColumn, trainLabels } from '../deep/labelled-rows.ts';
import { activationOption, denseStack, layerSizesOption } from '../deep/networks.ts';
import { trainingOptionShape } from '../deep/training.ts';

const schema = baseOptionsSchema.extend({
  ...trainingOptionShape({ epochs: 50, batchSize: 512, learningRate: 1e-3, weightDecay: 0 }),
  l2: z.number().gte(0).max(1e3).default(0.01).describe("L2 penalty on the hidden layers' weights, added to the loss as l2·Σw² (the authors' Keras regulariser)."),
  hiddenSizes: layerSizesOption([20], 'Units of the hidden layers; the output is one score.'),
  activation: activationOption('relu'),
  batchesPerEpoch: z.number().int().min(1).max(1e6).default(20).describe('Balanced batches drawn per epoch (nb_batch).'),
  margin: z.number().gt(0).max(1e3).default(5).describe('Confidence margin a: labelled anomalies are pushed at least a prior standard deviations above the mean.'),
  referenceSize: z.number().int().min(2).max(1e7).default(5000).describe('Draws l from the N(0, 1) prior that give μ_R and σ_R.'),
}).strict();
type Options = z.output<typeof schema>;

export class DevNet extends DeepDetector<Options, Sequential> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'devnet',
    title: 'Deviation Network',
    modality: 'tabular',
    family: 'deviation',
    supervision: ['semi-supervised'],
    paper: 'Pang, Shen & van den Hengel, KDD 2019',
    summary: 'A network scores rows directly; a deviation loss against a Gaussian prior pushes the few labelled anomalies a margin above normal rows.',
  };

  private labels: Uint8Array = new Uint8Array(0);
  private priorMean = 0;
  private priorStd = 1;

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

  protected buildNetwork(features: number, rng: Rng): Sequential {
    const o = this.options;
    return denseStack([features, ...o.hiddenSizes, 1], { rng, activation: o.activation, dropout: 0, batchNorm: false }, 'identity');
  }

  protected override fitNetwork(network: Sequential, data: TrainingData, rng: Rng): void {
    const o = this.options;
    const reference = rng.fork();
    let sum = 0, sumSquares = 0;
    for (let i = 0; i < o.referenceSize; i++) {
      const v = reference.normal();
      sum += v;
      sumSquares += v * v;
    }
    this.priorMean = sum / o.referenceSize;
    this.priorStd = Math.sqrt(Math.max(sumSquares / o.referenceSize - this.priorMean ** 2, 1e-12));

    // Each epoch trains on freshly drawn balanced batches: a buffer of batchesPerEpoch × batchSize labelled rows that
    // the loop shuffles into batches, refilled after every epoch.
    const labels = trainLabels(data, this.labels);
    const anomalies: number[] = [], unlabelled: number[] = [];
    labels.forEach((v, i) => (v === 1 ? anomalies : unlabelled).push(i));
    if (unlabelled.length === 0) unlabelled.push(...anomalies);
    const d = data.train.shape[1]!;
    const rows = o.batchesPerEpoch * o.batchSize;
    const buffer = tensor(new Float32Array(rows * (d + 1)), [rows, d + 1]);
    const draws = rng.fork();
    const refill = (): void => {
      for (let i = 0; i < rows; i++) {
        const anomaly = i % 2 === 1 && anomalies.length > 0;
        const pool = anomaly ? anomalies : unlabelled;
        const r = pool[draws.int(pool.length)]!;
        buffer.data.set(data.train.data.subarray(r * d, (r + 1) * d), i * (d + 1));
        buffer.data[i * (d + 1) + d] = anomaly ? 1 : 0;
      }
    };
    refill();
    const validation = labelledTrainingData(data, this.labels).validation;
    const lossRng = rng.fork();
    this.trainStage(network, { train: buffer, validation }, rng, {
      loss: (batch, epoch) => this.trainingLoss(network, batch, lossRng, epoch),
      afterEpoch: refill,
      optimizer: (parameters, lr, weightDecay) => new RMSprop(parameters, { lr, weightDecay, clipNorm: 1 }),
    });
  }

  /** The deviation loss of a batch whose last column is the label. */
  protected trainingLoss(network: Sequential, batch: Tensor, _rng: Rng, _epoch: number): Tensor {
    const { x, y } = splitLabelColumn(batch);
    const n = y.length;
    const deviation = mul(add(network.forward(x), -this.priorMean), 1 / this.priorStd);
    const isAnomaly = tensor(y, [n, 1]);
    const isNormal = tensor(Float32Array.from(y, (v) => 1 - v), [n, 1]);
    const loss = mean(add(mul(isNormal, abs(deviation)), mul(isAnomaly, relu(sub(this.options.margin, deviation)))));
    if (this.options.l2 === 0) return loss;
    // the hidden layers' weights: every Linear of the stack but the output layer
    const linears = network.layers.filter((l): l is Linear => l instanceof Linear);
    let penalty: Tensor | undefined;
    for (const layer of linears.slice(0, -1)) {
      const term = sum(square(layer.weight));
      penalty = penalty === undefined ? term : add(penalty, term);
    }
    return penalty === undefined ? loss : add(loss, mul(penalty, this.options.l2));
  }

  protected scoreBatch(network: Sequential, batch: Tensor): Tensor {
    return reshape(network.forward(batch), [batch.shape[0]!]);
  }

}
