/**
 * LSTM autoencoder — EncDec-AD. Malhotra, Ramakrishnan, Anand, Vig, Agarwal & Shroff, "LSTM-based Encoder-Decoder
 * for Multi-sensor Anomaly Detection", ICML 2016 Anomaly Detection Workshop (arXiv:1607.00148).
 * Idea: an encoder LSTM reads a window of the (normal) series into its final hidden state; a decoder LSTM rebuilds
 * the window from that state alone, in reverse order; trained on normal windows only, it rebuilds normal behaviour
 * well and unseen behaviour badly, so the reconstruction error is the anomaly evidence.
 *
 * Scores: windows of `window` values, `scoreStride` apart (and one ending at the last value), are rebuilt; a value's
 * channel score is the mean absolute reconstruction error, in training standard deviations, over the windows that
 * contain it; its timestamp score is the largest channel score.
 *
 * Divergences from the paper, for cost: the decoder's input at every step is the encoder's final state (the common
 * "repeat vector" form) instead of the previous rebuilt value, so that decoding is one batched LSTM pass; the score
 * is the mean absolute error rather than the Mahalanobis distance of the error vector under a Gaussian fitted on a
 * held-out normal split. Training: Adam, MSE, a validation share of the windows choosing the epoch.
 */
import { z } from 'zod';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import { broadcastTo, Linear, LSTM, Module, mseLoss, noGrad, reshape, tensor, type Tensor } from '../../engine/index.ts';
import type { LoopResult } from '../deep/training.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState } from '../detector.ts';
import { type ChannelScaling, fitChannelScaling, loadDeepSeries, saveDeepSeries, splitWindows, standardised, trainWindowNetwork, windowStarts } from './deep-series.ts';
import { SeriesDetector, type SeriesScores } from './series-detector.ts';

const schema = baseOptionsSchema.extend({
  hidden: z.number().int().min(1).default(32).describe('Units of the encoder and decoder LSTMs.'),
  window: z.number().int().min(2).default(50).describe('Values per window.'),
  trainStride: z.number().int().min(1).default(5).describe('Values between the starts of consecutive training windows.'),
  scoreStride: z.number().int().min(1).default(5).describe('Values between the starts of consecutive scored windows.'),
  epochs: z.number().int().min(1).default(30).describe('Passes over the training windows.'),
  batchSize: z.number().int().min(1).default(64).describe('Windows per optimisation step.'),
  learningRate: z.number().gt(0).default(1e-3).describe('Adam step size.'),
  validationSize: z.number().min(0).lt(1).default(0.2).describe('Share of the training windows held out to choose the epoch; 0: none.'),
  patience: z.number().int().min(1).default(5).describe('Epochs without a lower validation loss before stopping.'),
}).strict();

export type LstmAutoencoderOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

class EncoderDecoder extends Module {
  readonly encoder: LSTM;
  readonly decoder: LSTM;
  readonly head: Linear;
  constructor(readonly channels: number, readonly hidden: number, rng: Rng) {
    super();
    this.encoder = this.registerModule('encoder', new LSTM(channels, hidden, { rng }));
    this.decoder = this.registerModule('decoder', new LSTM(hidden, hidden, { rng }));
    this.head = this.registerModule('head', new Linear(hidden, channels, { rng }));
  }

  /** [batch, time, channels] → the rebuilt windows, reversed in time ([batch, time, channels]) */
  forward(x: Tensor): Tensor {
    const [b, t] = x.shape as [number, number, number];
    const code = this.encoder.forward(x, { returnSequences: false }).h;
    const repeated = broadcastTo(reshape(code, [b, 1, this.hidden]), [b, t, this.hidden]);
    const h = this.decoder.forward(repeated, { initial: [{ h: code, c: code }] }).output!;
    return reshape(this.head.forward(reshape(h, [b * t, this.hidden])), [b, t, this.channels]);
  }
}

export class LstmAutoencoder extends SeriesDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'lstm-autoencoder',
    title: 'LSTM autoencoder (EncDec-AD)',
    modality: 'timeseries',
    family: 'deep',
    supervision: ['unsupervised'],
    paper: 'Malhotra et al., ICML 2016 AD workshop (EncDec-AD)',
    summary: 'Reconstruction error of windows rebuilt (in reverse) by an LSTM decoder from an LSTM encoder’s final state.',
  };

  history: LoopResult[] = [];
  private network: EncoderDecoder | undefined;
  private scaling: ChannelScaling = { shift: new Float64Array(0), scale: new Float64Array(0) };

  constructor(options: LstmAutoencoderOptions = {}) {
    super(schema, options);
  }

  protected override minTrainingRows(): number {
    return 2;
  }

  /** Windows [s, s + length) of a standardised series, and the same windows reversed in time (the targets). */
  private batch(z: Float32Array, cols: number, starts: ArrayLike<number>, length: number): { input: Tensor; target: Tensor } {
    const n = starts.length;
    const input = new Float32Array(n * length * cols);
    const target = new Float32Array(n * length * cols);
    for (let k = 0; k < n; k++) {
      const s = starts[k]!;
      input.set(z.subarray(s * cols, (s + length) * cols), k * length * cols);
      for (let p = 0; p < length; p++) target.set(z.subarray((s + length - 1 - p) * cols, (s + length - p) * cols), (k * length + p) * cols);
    }
    return { input: tensor(input, [n, length, cols]), target: tensor(target, [n, length, cols]) };
  }

  protected fitSeries(X: Matrix): SeriesScores {
    const o = this.options;
    const rng = this.rng();
    this.history = [];
    this.scaling = fitChannelScaling(X);
    const z = standardised(X, this.scaling);
    const length = Math.min(o.window, X.rows);
    const starts = windowStarts(X.rows, length, o.trainStride);
    const { training, validation } = splitWindows(starts, o.validationSize, rng);
    const network = new EncoderDecoder(X.cols, o.hidden, rng.fork());
    this.network = network;
    const loss = (input: Tensor, target: Tensor): Tensor => mseLoss(network.forward(input), target);
    this.history.push(trainWindowNetwork({
      detector: this.name, network, loss, training, validation, options: o, rng,
      batch: (rows) => this.batch(z, X.cols, rows, length),
    }));
    return this.scoreSeries(X);
  }

  protected scoreSeries(X: Matrix): SeriesScores {
    const network = this.network!;
    network.eval();
    const cols = X.cols;
    const z = standardised(X, this.scaling);
    const length = Math.min(this.options.window, X.rows);
    const starts = windowStarts(X.rows, length, this.options.scoreStride);
    const sum = new Float64Array(X.rows * cols);
    const count = new Float64Array(X.rows);
    for (let g = 0; g < starts.length; g += 64) {
      const part = starts.slice(g, g + 64);
      const { input, target } = this.batch(z, cols, part, length);
      const rebuilt = noGrad(() => network.forward(input).toArray());
      part.forEach((s, k) => {
        for (let p = 0; p < length; p++) {
          const row = s + length - 1 - p;
          count[row]! += 1;
          for (let c = 0; c < cols; c++) {
            const at = (k * length + p) * cols + c;
            sum[row * cols + c]! += Math.abs(rebuilt[at]! - target.data[at]!);
          }
        }
      });
    }
    const channels = createMatrix(X.rows, cols);
    const scores = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let c = 0; c < cols; c++) {
        const e = count[i]! > 0 ? sum[i * cols + c]! / count[i]! : 0;
        channels.data[i * cols + c] = e;
        if (e > best) best = e;
      }
      scores[i] = best;
    }
    return { scores, channels };
  }

  protected saveModel(): DetectorState {
    return saveDeepSeries(this.network!, this.scaling);
  }

  protected loadModel(state: DetectorState): void {
    const { network, scaling } = loadDeepSeries(state, this.name, (channels) => new EncoderDecoder(channels, this.options.hidden, new Rng(0)));
    this.network = network;
    this.scaling = scaling;
  }
}
