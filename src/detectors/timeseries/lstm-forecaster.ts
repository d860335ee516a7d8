/**
 * LSTM forecaster — telemanom. Hundman, Constantinou, Laporte, Colwell & Söderström, "Detecting Spacecraft Anomalies
 * Using LSTMs and Nonparametric Dynamic Thresholding", KDD 2018; code khundman/telemanom (`telemanom/modeling.py`).
 * Idea: a stacked LSTM (paper: 2 layers of 80 units, dropout 0.3, input sequences of l_s = 250 values) learns to
 * predict the next values of the training series; at test time the prediction error of each value, smoothed, is
 * the anomaly evidence, and telemanom's non-parametric dynamic threshold (src/timeseries/thresholds/telemanom.ts,
 * which also smooths) turns it into anomalous sequences.
 *
 * Scores: the per-channel absolute error of the one-step prediction, in training standard deviations (channel
 * scores), and their largest value per timestamp (timestamp score). The first row has no prediction and scores 0.
 *
 * Divergences from telemanom, for cost on a CPU (each keeps its idea):
 * - sequence-to-sequence training: the network reads a window of `window` values and predicts, at every step, the
 *   next value (telemanom reads 250 values and predicts the 10 after them, keeping the first prediction, a one-step
 *   forecast); one window gives `window` training targets instead of 10, so far fewer windows are needed
 *   (`trainStride` apart) — the loss is the mean squared error of all steps after the first `window / 2`;
 * - scoring reads overlapping windows `window / 2` apart and keeps, for each value, a prediction made with at least
 *   `window / 2` values of context (telemanom: exactly 250), instead of one full window per value;
 * - each channel is standardised by its training mean and deviation (telemanom expects values in [−1, 1]); all
 *   channels are inputs and targets (telemanom: one target channel, the others as inputs).
 * Training: Adam (lr 1e-3), batches of 64 windows, MSE, a validation share of the windows (telemanom: 20 %) choosing
 * the epoch and stopping after `patience` epochs without improvement (telemanom: 35 epochs, patience 10).
 */
import { z } from 'zod';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import { Linear, LSTM, Module, mseLoss, noGrad, reshape, slice, tensor, type Tensor } from '../../engine/index.ts';
import { type ChannelScaling, fitChannelScaling, loadDeepSeries, saveDeepSeries, splitWindows, standardised, trainWindowNetwork } from './deep-series.ts';
import type { LoopResult } from '../deep/training.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState } from '../detector.ts';
import { SeriesDetector, type SeriesScores } from './series-detector.ts';

const schema = baseOptionsSchema.extend({
  hidden: z.number().int().min(1).default(80).describe('Units of each LSTM layer (telemanom: 80).'),
  layers: z.number().int().min(1).max(8).default(2).describe('Stacked LSTM layers (telemanom: 2).'),
  dropout: z.number().min(0).lt(1).default(0.3).describe('Dropout between LSTM layers, in training (telemanom: 0.3).'),
  window: z.number().int().min(4).default(250).describe('Values the network reads per window (telemanom l_s: 250).'),
  trainStride: z.number().int().min(1).default(25).describe('Values between the starts of consecutive training windows.'),
  epochs: z.number().int().min(1).default(35).describe('Passes over the training windows (telemanom: 35).'),
  batchSize: z.number().int().min(1).default(64).describe('Windows per optimisation step (telemanom: 64).'),
  learningRate: z.number().gt(0).default(1e-3).describe('Adam step size.'),
  validationSize: z.number().min(0).lt(1).default(0.2).describe('Share of the training windows held out to choose the epoch (telemanom: 0.2); 0: none.'),
  patience: z.number().int().min(1).default(10).describe('Epochs without a lower validation loss before stopping (telemanom: 10).'),
}).strict();

export type LstmForecasterOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

class ForecastNetwork extends Module {
  readonly lstm: LSTM;
  readonly head: Linear;
  constructor(readonly channels: number, hidden: number, layers: number, dropout: number, rng: Rng) {
    super();
    this.lstm = this.registerModule('lstm', new LSTM(channels, hidden, { rng, numLayers: layers, dropout }));
    this.head = this.registerModule('head', new Linear(hidden, channels, { rng }));
  }

  /** [batch, time, channels] → the next-step predictions [batch, time, channels] */
  forward(x: Tensor): Tensor {
    const [b, t] = x.shape as [number, number, number];
    const h = this.lstm.forward(x).output!;
    return reshape(this.head.forward(reshape(h, [b * t, h.shape[2]!])), [b, t, this.channels]);
  }
}

export class LstmForecaster extends SeriesDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'lstm-forecaster',
    title: 'LSTM forecaster (telemanom)',
    modality: 'timeseries',
    family: 'deep',
    supervision: ['unsupervised'],
    paper: 'Hundman et al., KDD 2018 (telemanom)',
    summary: "Absolute one-step prediction error of a stacked LSTM trained on the normal series; pair with telemanom's dynamic threshold.",
  };

  history: LoopResult[] = [];
  private network: ForecastNetwork | undefined;
  private scaling: ChannelScaling = { shift: new Float64Array(0), scale: new Float64Array(0) };

  constructor(options: LstmForecasterOptions = {}) {
    super(schema, options);
  }

  protected override minTrainingRows(): number {
    return 3;
  }

  /** Windows [start, start + length] (inputs then shifted targets) of a standardised series, stacked. */
  private batch(z: Float32Array, cols: number, starts: ArrayLike<number>, length: number): { input: Tensor; target: Tensor } {
    const n = starts.length;
    const input = new Float32Array(n * length * cols);
    const target = new Float32Array(n * length * cols);
    for (let k = 0; k < n; k++) {
      const s = starts[k]!;
      input.set(z.subarray(s * cols, (s + length) * cols), k * length * cols);
      target.set(z.subarray((s + 1) * cols, (s + 1 + length) * cols), k * length * cols);
    }
    return { input: tensor(input, [n, length, cols]), target: tensor(target, [n, length, cols]) };
  }

  protected fitSeries(X: Matrix): SeriesScores {
    const o = this.options;
    const rng = this.rng();
    this.history = [];
    this.scaling = fitChannelScaling(X);
    const z = standardised(X, this.scaling);
    const length = Math.min(o.window, X.rows - 1);
    const starts: number[] = [];
    for (let s = 0; s + length + 1 <= X.rows; s += o.trainStride) starts.push(s);
    if (starts[starts.length - 1] !== X.rows - length - 1) starts.push(X.rows - length - 1);
    const { training, validation } = splitWindows(starts, o.validationSize, rng);
    const network = new ForecastNetwork(X.cols, o.hidden, o.layers, o.dropout, rng.fork());
    this.network = network;
    const burn = Math.floor(length / 2);
    const loss = (input: Tensor, target: Tensor): Tensor => {
      const pred = network.forward(input);
      return mseLoss(slice(pred, 1, burn), slice(target, 1, burn));
    };
    this.history.push(trainWindowNetwork({
      detector: this.name, network, loss, training, validation, options: o, rng,
      batch: (rows) => this.batch(z, X.cols, rows, length),
    }));
    return this.scoreSeries(X);
  }

  /** One-step predictions of every row after the first, each with at least window / 2 rows of context (all at the start). */
  protected scoreSeries(X: Matrix): SeriesScores {
    const network = this.network!;
    network.eval();
    const cols = X.cols;
    const channels = createMatrix(X.rows, cols);
    const scores = new Float64Array(X.rows);
    if (X.rows < 2) return { scores, channels };
    const z = standardised(X, this.scaling);
    const w = Math.min(this.options.window, X.rows - 1);
    const half = Math.max(1, Math.floor(w / 2));
    // windows: inputs [s, s + len) predict rows s + 1 … s + len; rows r + 1 … s + len are taken from it
    const jobs: { s: number; len: number; from: number }[] = [];
    let r = 0;
    while (r < X.rows - 1) {
      const s = Math.max(0, r - half);
      const len = Math.min(w, X.rows - 1 - s);
      jobs.push({ s, len, from: r + 1 });
      r = s + len;
    }
    const groups = new Map<number, typeof jobs>();
    for (const j of jobs) groups.set(j.len, [...(groups.get(j.len) ?? []), j]);
    for (const [len, group] of groups) {
      for (let g = 0; g < group.length; g += 64) {
        const part = group.slice(g, g + 64);
        const pred = noGrad(() => network.forward(this.batch(z, cols, part.map((j) => j.s), len).input).toArray());
        part.forEach((j, k) => {
          for (let row = j.from; row <= j.s + len; row++) {
            const p = row - 1 - j.s;
            let best = 0;
            for (let c = 0; c < cols; c++) {
              const e = Math.abs(pred[(k * len + p) * cols + c]! - z[row * cols + c]!);
              channels.data[row * cols + c] = e;
              if (e > best) best = e;
            }
            scores[row] = best;
          }
        });
      }
    }
    return { scores, channels };
  }

  protected saveModel(): DetectorState {
    return saveDeepSeries(this.network!, this.scaling);
  }

  protected loadModel(state: DetectorState): void {
    const o = this.options;
    const { network, scaling } = loadDeepSeries(state, this.name, (channels) => new ForecastNetwork(channels, o.hidden, o.layers, o.dropout, new Rng(0)));
    this.network = network;
    this.scaling = scaling;
  }
}
