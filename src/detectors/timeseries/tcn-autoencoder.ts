/**
 * Temporal convolutional autoencoder — TCN-AE. Thill, Konen, Wang & Bäck, "Temporal convolutional autoencoder for
 * unsupervised anomaly detection in time series", Applied Soft Computing 112, 2021 (and Thill, Konen & Bäck, BIOMA
 * 2020; reference code MarkusThill/bioma-tcn-ae), on the temporal convolutional network of Bai, Kolter & Koltun, "An
 * Empirical Evaluation of Generic Convolutional and Recurrent Networks for Sequence Modeling", arXiv:1803.01271, 2018.
 * Idea: a TCN (residual blocks of dilated causal convolutions, the dilation doubling from block to block, so the
 * receptive field grows exponentially with depth) encodes a long window; a 1×1 convolution and average pooling
 * squeeze it into a short, low-dimensional sequence; nearest-neighbour upsampling and a second TCN rebuild the window.
 * Trained on normal windows, the bottleneck keeps what normal behaviour has in common, so unseen behaviour is rebuilt
 * badly and its reconstruction error is the anomaly evidence.
 *
 * Network as the reference: dilations 1, 2, 4, 8, 16, 20 filters of width 20, two convolutions (ReLU) per block with
 * a residual connection (a 1×1 convolution where the channel count changes), the TCN's output the sum of its blocks'
 * outputs (keras-tcn's skip connections), no dropout, Glorot-normal kernels; latent 8 channels, pooling by 42,
 * log-cosh loss, Adam (lr 1e-3), batches of 32, 40 epochs, training windows of 1050 values (= 25 · 42).
 * `causal` (default true) pads each convolution on the past side only, Bai et al.'s causal TCN; false pads both sides
 * as the reference's padding='same'.
 *
 * Scores: windows of `window` values (rounded down to a multiple of `pool`), `scoreStride` apart (and one ending at
 * the last value) are rebuilt; a value's channel score is its absolute reconstruction error (in training standard
 * deviations) averaged over the windows that contain it, its timestamp score the largest channel score. A series
 * shorter than one window is extended by repeating its last value (those rows are not scored).
 * Divergences: the reference scores the squared Mahalanobis distance of 128-value windows of the error, with mean and
 * covariance estimated on the series being scored, smoothed by a 50-value moving average; that score is one per
 * timestamp for all channels, so the per-channel absolute error is kept here (channels stay comparable and the one
 * that broke shows). AMSGrad is plain Adam. Training windows are `trainStride` apart (default: half a window) to keep
 * the cost of a long-window network bounded on a CPU.
 */
import { z } from 'zod';
import { ModelFileError } from '../../core/errors.ts';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import {
  add, avgPool1d, Conv1d, mean, Module, noGrad, permute, relu, slice, softplus, sub, tensor, type Tensor, upsample1d, mul,
} from '../../engine/index.ts';
import type { LoopResult } from '../deep/training.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState } from '../detector.ts';
import {
  type ChannelScaling, fitChannelScaling, loadDeepSeries, saveDeepSeries, splitWindows, stackWindows, standardised, trainWindowNetwork,
  WindowErrorAverage, windowStarts,
} from './deep-series.ts';
import { SeriesDetector, type SeriesScores } from './series-detector.ts';

const schema = baseOptionsSchema.extend({
  filters: z.number().int().min(1).default(20).describe('Filters of every dilated convolution (reference: 20).'),
  kernelSize: z.number().int().min(1).default(20).describe('Width of the dilated convolutions (reference: 20).'),
  dilations: z.array(z.number().int().min(1)).min(1).default([1, 2, 4, 8, 16]).describe('Dilation of each residual block, in order (reference: 1, 2, 4, 8, 16).'),
  latent: z.number().int().min(1).default(8).describe('Channels of the compressed sequence (reference filters_conv1d: 8).'),
  pool: z.number().int().min(1).default(42).describe('Average-pooling (and upsampling) factor of the bottleneck (reference latent_sample_rate: 42).'),
  causal: z.boolean().default(true).describe("Causal convolutions (Bai et al.'s TCN); false: centred, the reference's padding='same'."),
  window: z.number().int().min(1).default(1050).describe('Values per window, rounded down to a multiple of pool (reference training sequences: 1050).'),
  trainStride: z.number().int().min(1).optional().describe('Values between the starts of consecutive training windows (default: half a window).'),
  scoreStride: z.number().int().min(1).optional().describe('Values between the starts of consecutive scored windows (default: half a window).'),
  epochs: z.number().int().min(1).default(40).describe('Passes over the training windows (reference: 40).'),
  batchSize: z.number().int().min(1).default(32).describe('Windows per optimisation step (reference: 32).'),
  learningRate: z.number().gt(0).default(1e-3).describe('Adam step size (reference: 1e-3).'),
  validationSize: z.number().min(0).lt(1).default(0).describe('Share of the training windows held out to choose the epoch; 0 (the reference): none, the last epoch is kept.'),
  patience: z.number().int().min(1).default(5).describe('With a validation share: epochs without a lower validation loss before stopping.'),
}).strict();

export type TcnAutoencoderOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

/** A dilated convolution that keeps the length: padded on the past side only (causal) or on both (centred). */
class DilatedConv extends Module {
  readonly conv: Conv1d;
  private readonly reach: number;
  private readonly pad: number;
  constructor(inChannels: number, outChannels: number, kernelSize: number, dilation: number, readonly causal: boolean, rng: Rng) {
    super();
    this.reach = (kernelSize - 1) * dilation;
    // the engine pads both sides alike: pad by the full reach (causal) or half of it (rounded up), then cut
    this.pad = causal ? this.reach : Math.ceil(this.reach / 2);
    this.conv = this.registerModule('conv', new Conv1d(inChannels, outChannels, kernelSize, { rng, dilation, padding: this.pad, init: 'glorot-normal' }));
  }

  forward(x: Tensor): Tensor {
    const length = x.shape[2]!;
    const y = this.conv.forward(x);
    // output i sees inputs i − pad … i − pad + reach; causal keeps the first `length` (i sees up to i), centred keeps
    // the window Keras's 'same' keeps (the odd padding unit on the future side)
    const start = this.causal ? 0 : 2 * this.pad - this.reach;
    return slice(y, 2, start, start + length);
  }
}

/** Bai et al.'s residual block: two dilated convolutions with ReLU, plus the input (1×1-projected when widths differ). */
class ResidualBlock extends Module {
  readonly conv1: DilatedConv;
  readonly conv2: DilatedConv;
  readonly match: Conv1d | null;
  constructor(inChannels: number, filters: number, kernelSize: number, dilation: number, causal: boolean, rng: Rng) {
    super();
    this.conv1 = this.registerModule('conv1', new DilatedConv(inChannels, filters, kernelSize, dilation, causal, rng));
    this.conv2 = this.registerModule('conv2', new DilatedConv(filters, filters, kernelSize, dilation, causal, rng));
    this.match = inChannels === filters ? null : this.registerModule('match', new Conv1d(inChannels, filters, 1, { rng }));
  }

  /** → [the block's output (next block's input), its skip output] */
  forward(x: Tensor): [Tensor, Tensor] {
    const inner = relu(this.conv2.forward(relu(this.conv1.forward(x))));
    return [relu(add(inner, this.match === null ? x : this.match.forward(x))), inner];
  }
}

/** A stack of residual blocks, one per dilation; its output is the sum of the blocks' skip outputs. Exported for its causality test. */
export class Tcn extends Module {
  readonly blocks: ResidualBlock[];
  constructor(inChannels: number, o: Options, rng: Rng) {
    super();
    this.blocks = o.dilations.map((d, k) => this.registerModule(`block${k}`, new ResidualBlock(k === 0 ? inChannels : o.filters, o.filters, o.kernelSize, d, o.causal, rng)));
  }

  forward(x: Tensor): Tensor {
    let h = x;
    let skips: Tensor | undefined;
    for (const block of this.blocks) {
      const [out, skip] = block.forward(h);
      h = out;
      skips = skips === undefined ? skip : add(skips, skip);
    }
    return skips!;
  }
}

class TcnAeNetwork extends Module {
  readonly encoder: Tcn;
  readonly squeeze: Conv1d;
  readonly decoder: Tcn;
  readonly head: Conv1d;
  constructor(channels: number, readonly o: Options, readonly pool: number, rng: Rng) {
    super();
    this.encoder = this.registerModule('encoder', new Tcn(channels, o, rng));
    this.squeeze = this.registerModule('squeeze', new Conv1d(o.filters, o.latent, 1, { rng }));
    this.decoder = this.registerModule('decoder', new Tcn(o.latent, o, rng));
    this.head = this.registerModule('head', new Conv1d(o.filters, channels, 1, { rng }));
  }

  /** [batch, channels, length] (length a multiple of pool) → the rebuilt windows, same shape */
  forward(x: Tensor): Tensor {
    const code = avgPool1d(this.squeeze.forward(this.encoder.forward(x)), this.pool);
    return this.head.forward(this.decoder.forward(upsample1d(code, this.pool)));
  }
}

/** log cosh(e) = e + softplus(−2e) − log 2, written so that it does not overflow for large |e|. */
function logCosh(e: Tensor): Tensor {
  return sub(add(e, softplus(mul(e, -2))), Math.LN2);
}

export class TcnAutoencoder extends SeriesDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'tcn-autoencoder',
    title: 'Temporal convolutional autoencoder (TCN-AE)',
    modality: 'timeseries',
    family: 'deep',
    supervision: ['unsupervised'],
    paper: 'Thill et al., Applied Soft Computing 2021 (TCN-AE); TCN: Bai et al. 2018',
    summary: 'Reconstruction error of windows squeezed through a dilated-convolution (TCN) encoder, pooling and a TCN decoder.',
  };

  history: LoopResult[] = [];
  private network: TcnAeNetwork | undefined;
  private scaling: ChannelScaling = { shift: new Float64Array(0), scale: new Float64Array(0) };
  /** pooling factor and window length fixed at fit */
  private pool = 1;
  private length = 1;

  constructor(options: TcnAutoencoderOptions = {}) {
    super(schema, options);
  }

  protected override minTrainingRows(): number {
    return 2;
  }

  /** The standardised series, extended by its last row to at least `length` rows. */
  private padded(X: Matrix): { zs: Float32Array; rows: number } {
    const zs = standardised(X, this.scaling);
    if (X.rows >= this.length) return { zs, rows: X.rows };
    const out = new Float32Array(this.length * X.cols);
    out.set(zs);
    for (let i = X.rows; i < this.length; i++) out.set(zs.subarray((X.rows - 1) * X.cols, X.rows * X.cols), i * X.cols);
    return { zs: out, rows: this.length };
  }

  /** Windows as [batch, channels, length], the convolutions' layout. */
  private windows(zs: Float32Array, cols: number, starts: number[]): Tensor {
    return permute(tensor(stackWindows(zs, cols, starts, this.length), [starts.length, this.length, cols]), [0, 2, 1]);
  }

  protected fitSeries(X: Matrix): SeriesScores {
    const o = this.options;
    const rng = this.rng();
    this.history = [];
    this.scaling = fitChannelScaling(X);
    // a series shorter than one pooling step is squeezed to a single code
    this.pool = Math.min(o.pool, X.rows);
    this.length = this.pool * Math.max(1, Math.floor(Math.min(o.window, X.rows) / this.pool));
    const { zs, rows } = this.padded(X);
    const stride = o.trainStride ?? Math.max(1, Math.floor(this.length / 2));
    const { training, validation } = splitWindows(windowStarts(rows, this.length, stride), o.validationSize, rng);
    const network = new TcnAeNetwork(X.cols, o, this.pool, rng.fork());
    this.network = network;
    const loss = (input: Tensor, target: Tensor): Tensor => mean(logCosh(sub(network.forward(input), target)));
    this.history.push(trainWindowNetwork({
      detector: this.name, network, loss, training, validation, options: o, rng,
      batch: (starts) => {
        const w = this.windows(zs, X.cols, starts);
        return { input: w, target: w };
      },
    }));
    return this.scoreSeries(X);
  }

  protected scoreSeries(X: Matrix): SeriesScores {
    const network = this.network!;
    network.eval();
    const cols = X.cols;
    const { zs, rows } = this.padded(X);
    const L = this.length;
    const starts = windowStarts(rows, L, this.options.scoreStride ?? Math.max(1, Math.floor(L / 2)));
    const average = new WindowErrorAverage(rows, cols);
    const errors = new Float32Array(L * cols);
    for (let g = 0; g < starts.length; g += 16) {
      const part = starts.slice(g, g + 16);
      const rebuilt = noGrad(() => network.forward(this.windows(zs, cols, part)).toArray());
      part.forEach((s, k) => {
        // rebuilt is [batch, channels, length]; the average wants [length, channels]
        for (let p = 0; p < L; p++) {
          for (let c = 0; c < cols; c++) errors[p * cols + c] = Math.abs(rebuilt[(k * cols + c) * L + p]! - zs[(s + p) * cols + c]!);
        }
        average.add(s, L, errors);
      });
    }
    const { scores, channels } = average.result();
    if (rows === X.rows) return { scores, channels };
    return { scores: scores.slice(0, X.rows), channels: createMatrix(X.rows, cols, channels.data.slice(0, X.rows * cols)) };
  }

  protected saveModel(): DetectorState {
    return saveDeepSeries(this.network!, this.scaling, { pool: this.pool, length: this.length });
  }

  protected loadModel(state: DetectorState): void {
    const pool = Number(state.params.pool);
    const length = Number(state.params.length);
    if (!Number.isInteger(pool) || pool < 1 || !Number.isInteger(length) || length < pool || length % pool !== 0) {
      throw new ModelFileError(`The saved state of '${this.name}' lacks a valid pooling factor and window length (pool ${state.params.pool}, length ${state.params.length}).`);
    }
    const { network, scaling } = loadDeepSeries(state, this.name, (channels) => new TcnAeNetwork(channels, this.options, pool, new Rng(0)));
    this.pool = pool;
    this.length = length;
    this.network = network;
    this.scaling = scaling;
  }
}
