/**
 * MLP classifier — a fully supervised deep detector: a multilayer perceptron trained on normal (0) and anomalous (1)
 * rows with the class imbalance handled by class weights (King & Zeng, "Logistic Regression in Rare Events Data",
 * Political Analysis 2001: weights n / (2·n_class), scikit-learn's 'balanced') or by the focal loss (Lin et al.,
 * "Focal Loss for Dense Object Detection", ICCV 2017: −α_t (1 − p_t)^γ log p_t). The survey's "supervised deep
 * anomaly detection" (Chalapathy & Chawla 2019, §4.1). Score: the predicted probability of the anomaly class.
 *
 * Defaults are scikit-learn's MLPClassifier, the MLP ADBench benchmarks: one hidden layer of 100 ReLU units, Adam at
 * 1e-3, L2 penalty 1e-4 (as weight decay), batches of 200, 200 epochs; with balanced class weights added.
 */
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import type { Rng } from '../../core/rng.ts';
import { bceWithLogitsLoss, exp, mean, mul, neg, pow, reshape, sub, tensor, type Sequential, type Tensor } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import { DeepDetector, type TrainingData } from '../deep/deep-detector.ts';
import { countPositive, labelledTrainingData, splitLabelColumn } from '../deep/labelled-rows.ts';
import { activationOption, denseStack, layerSizesOption } from '../deep/networks.ts';
import { trainingOptionShape } from '../deep/training.ts';

const schema = baseOptionsSchema.extend({
  ...trainingOptionShape({ epochs: 200, batchSize: 200, learningRate: 1e-3, weightDecay: 1e-4 }),
  hiddenSizes: layerSizesOption([100], 'Units of the hidden layers; the output is one logit.'),
  activation: activationOption('relu'),
  dropout: z.number().gte(0).lt(1).default(0).describe('Drop probability after each hidden layer, in training.'),
  loss: z.enum(['weighted-bce', 'focal']).default('weighted-bce')
    .describe("'weighted-bce': cross-entropy with class weights; 'focal': the focal loss (class weights as its α)."),
  classWeight: z.enum(['balanced', 'none']).default('balanced')
    .describe("'balanced': each class weighted n / (2·n_class), so both weigh the same in the loss; 'none': every row 1."),
  focalGamma: z.number().gte(0).max(100).default(2).describe('Focal loss: the exponent γ of (1 − p_t).'),
}).strict();
type Options = z.output<typeof schema>;

export class MLPClassifier extends DeepDetector<Options, Sequential> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'mlp',
    title: 'MLP classifier',
    modality: 'tabular',
    family: 'classifier',
    supervision: ['supervised'],
    paper: 'Chalapathy & Chawla, arXiv 2019 (§4.1); King & Zeng, Political Analysis 2001; Lin et al., ICCV 2017',
    summary: 'A multilayer perceptron trained on labelled rows with class weights or the focal loss; the anomaly probability is the score.',
  };

  private labels: Uint8Array = new Uint8Array(0);
  private classWeights: [number, number] = [1, 1];

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected override fitModel(X: Matrix, y?: Uint8Array): Float64Array {
    const labels = y ?? new Uint8Array(X.rows);
    const positives = countPositive(labels);
    if (positives === 0 || positives === X.rows) {
      throw new InputError(`Detector '${this.name}' is a classifier: its labels need both classes (got ${positives} anomalies in ${X.rows} rows).`);
    }
    this.classWeights = this.options.classWeight === 'balanced'
      ? [X.rows / (2 * (X.rows - positives)), X.rows / (2 * positives)]
      : [1, 1];
    this.labels = labels;
    try {
      return super.fitModel(X);
    } finally {
      this.labels = new Uint8Array(0);
    }
  }

  protected buildNetwork(features: number, rng: Rng): Sequential {
    const o = this.options;
    return denseStack([features, ...o.hiddenSizes, 1], { rng, activation: o.activation, dropout: o.dropout, batchNorm: false }, 'identity');
  }

  protected override fitNetwork(network: Sequential, data: TrainingData, rng: Rng): void {
    const lossRng = rng.fork();
    this.trainStage(network, labelledTrainingData(data, this.labels), rng, {
      loss: (batch, epoch) => this.trainingLoss(network, batch, lossRng, epoch),
    });
  }

  /** The weighted (or focal) cross-entropy of a batch whose last column is the label. */
  protected trainingLoss(network: Sequential, batch: Tensor, _rng: Rng, _epoch: number): Tensor {
    const { x, y } = splitLabelColumn(batch);
    const n = y.length;
    const logits = network.forward(x);
    const crossEntropy = bceWithLogitsLoss(logits, tensor(y, [n, 1]), 'none');
    const weights = tensor(Float32Array.from(y, (v) => this.classWeights[v === 1 ? 1 : 0]), [n, 1]);
    if (this.options.loss === 'weighted-bce') return mean(mul(weights, crossEntropy));
    // p_t = exp(−CE); the focal factor (1 − p_t)^γ down-weights the rows already classified well.
    const focal = pow(sub(1, exp(neg(crossEntropy))), this.options.focalGamma);
    return mean(mul(weights, mul(focal, crossEntropy)));
  }

  /** The logit; scoreModel turns it into a probability in double precision (float32 sigmoid ties confident rows at 1). */
  protected scoreBatch(network: Sequential, batch: Tensor): Tensor {
    return reshape(network.forward(batch), [batch.shape[0]!]);
  }

  protected override scoreModel(X: Matrix): Float64Array {
    const logits = super.scoreModel(X);
    for (let i = 0; i < logits.length; i++) logits[i] = 1 / (1 + Math.exp(-logits[i]!));
    return logits;
  }
}
