/**
 * USAD — Audibert, Michiardi, Guyard, Marti & Zuluaga, "USAD: UnSupervised Anomaly Detection on Multivariate Time
 * Series", KDD 2020; code manigalati/usad (`usad.py`).
 * Idea: two autoencoders share one encoder E (decoders D1, D2) and are trained adversarially on flattened windows W:
 * AE1 = D1(E(W)) and AE2 = D2(E(W)) both learn to rebuild W; meanwhile D1 learns to fool D2 (make AE2(AE1(W)) close
 * to W) and D2 to tell real windows from AE1's rebuilds (make AE2(AE1(W)) far from W), the adversarial part weighing
 * more as epochs pass: at epoch n, L1 = 1/n·‖W − AE1‖² + (1 − 1/n)·‖W − AE2(AE1)‖² and
 * L2 = 1/n·‖W − AE2‖² − (1 − 1/n)·‖W − AE2(AE1)‖². Score: α·‖W − AE1‖² + β·‖W − AE2(AE1)‖² (α = β = 0.5).
 * Networks as the reference: encoder in → in/2 → in/4 → latent (ReLU), decoders back (ReLU, sigmoid output), windows
 * min-max scaled by the training series.
 *
 * A timestamp's score is that of the window ending at it (the first `window − 1` timestamps take the first window's);
 * its channel scores split that score by channel (each channel's share of both squared errors over the window).
 * Divergence: one Adam per autoencoder as the reference, but the two steps of a batch share one forward pass of E.
 */
import { z } from 'zod';
import { ModelFileError } from '../../core/errors.ts';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import { Adam, add, mlp, Module, mseLoss, mul, noGrad, scope, sub, tensor, type Sequential, type StateDict, type Tensor } from '../../engine/index.ts';
import { trainLoop, type LoopResult } from '../deep/training.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState } from '../detector.ts';
import { type ChannelScaling, fitChannelRange, loadDeepSeries, saveDeepSeries } from './deep-series.ts';
import { SeriesDetector, type SeriesScores } from './series-detector.ts';

const schema = baseOptionsSchema.extend({
  window: z.number().int().min(1).default(12).describe('Timestamps per window (reference: 12).'),
  latent: z.number().int().min(1).default(40).describe('Latent size (reference: hidden_size 100 on SWaT; 40 here).'),
  epochs: z.number().int().min(1).default(30).describe('Passes over the training windows.'),
  batchSize: z.number().int().min(1).default(128).describe('Windows per optimisation step.'),
  learningRate: z.number().gt(0).default(1e-3).describe('Adam step size (both autoencoders).'),
  alpha: z.number().min(0).max(1).default(0.5).describe('Weight of AE1’s error in the score (β = 1 − α).'),
}).strict();

export type UsadOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

class UsadNetwork extends Module {
  readonly encoder: Sequential;
  readonly decoder1: Sequential;
  readonly decoder2: Sequential;
  constructor(readonly inputs: number, latent: number, rng: Rng) {
    super();
    const h1 = Math.max(1, Math.floor(inputs / 2)), h2 = Math.max(1, Math.floor(inputs / 4));
    this.encoder = this.registerModule('encoder', mlp([inputs, h1, h2, latent], { rng, outputActivation: 'relu' }));
    this.decoder1 = this.registerModule('decoder1', mlp([latent, h2, h1, inputs], { rng, outputActivation: 'sigmoid' }));
    this.decoder2 = this.registerModule('decoder2', mlp([latent, h2, h1, inputs], { rng, outputActivation: 'sigmoid' }));
  }
}

export class Usad extends SeriesDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'usad',
    title: 'USAD',
    modality: 'timeseries',
    family: 'deep',
    supervision: ['unsupervised'],
    paper: 'Audibert et al., KDD 2020',
    summary: 'Two adversarially trained autoencoders sharing an encoder; rebuild errors of a window, direct and through both.',
  };

  history: LoopResult[] = [];
  private network: UsadNetwork | undefined;
  /** min-max scaling: shift = minimum, scale = range */
  private scaling: ChannelScaling = { shift: new Float64Array(0), scale: new Float64Array(0) };

  constructor(options: UsadOptions = {}) {
    super(schema, options);
  }

  protected override minTrainingRows(): number {
    return 2;
  }

  /** window length fixed at fit (at most the training length) */
  private k = 0;

  /** Flattened scaled windows ending at each timestamp ≥ K − 1 ([T − K + 1, K·C]); a series shorter than K is padded with its first row. */
  private windows(X: Matrix): Tensor {
    const K = this.k;
    const C = X.cols;
    const pad = Math.max(0, K - X.rows);
    const n = X.rows + pad - K + 1;
    const out = new Float32Array(n * K * C);
    for (let w = 0; w < n; w++) {
      for (let k = 0; k < K; k++) {
        const row = Math.max(0, w + k - pad);
        for (let c = 0; c < C; c++) out[(w * K + k) * C + c] = (X.data[row * C + c]! - this.scaling.shift[c]!) / this.scaling.scale[c]!;
      }
    }
    return tensor(out, [n, K * C]);
  }

  protected fitSeries(X: Matrix): SeriesScores {
    const o = this.options;
    const rng = this.rng();
    this.history = [];
    this.scaling = fitChannelRange(X);
    this.k = Math.min(o.window, X.rows);
    const W = this.windows(X);
    const network = new UsadNetwork(W.shape[1]!, o.latent, rng.fork());
    this.network = network;
    const opt1 = new Adam([...network.encoder.parameters(), ...network.decoder1.parameters()], { lr: o.learningRate });
    const opt2 = new Adam([...network.encoder.parameters(), ...network.decoder2.parameters()], { lr: o.learningRate });
    const rows = W.shape[0]!;
    const width = W.shape[1]!;
    network.train();
    this.history.push(trainLoop<StateDict>({
      detector: this.name,
      rows,
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      rng: rng.fork(),
      step: (batchRows, epoch) => {
        const batch = new Float32Array(batchRows.length * width);
        batchRows.forEach((r, k) => batch.set(W.data.subarray(r * width, (r + 1) * width), k * width));
        const w = tensor(batch, [batchRows.length, width]);
        const n = epoch;
        const l1 = scope(() => {
          const z = network.encoder.forward(w);
          const ae1 = network.decoder1.forward(z);
          const ae2ae1 = network.decoder2.forward(network.encoder.forward(ae1));
          const loss = add(mul(mseLoss(ae1, w), 1 / n), mul(mseLoss(ae2ae1, w), 1 - 1 / n));
          opt1.zeroGrad();
          loss.backward();
          opt1.step();
          return loss.item();
        });
        scope(() => {
          const z = network.encoder.forward(w);
          const ae1 = network.decoder1.forward(z);
          const ae2 = network.decoder2.forward(z);
          const ae2ae1 = network.decoder2.forward(network.encoder.forward(ae1));
          const loss = sub(mul(mseLoss(ae2, w), 1 / n), mul(mseLoss(ae2ae1, w), 1 - 1 / n));
          opt2.zeroGrad();
          loss.backward();
          opt2.step();
        });
        return l1;
      },
    }));
    network.eval();
    return this.scoreSeries(X);
  }

  protected scoreSeries(X: Matrix): SeriesScores {
    const network = this.network!;
    network.eval();
    const C = X.cols;
    const K = this.k;
    const pad = Math.max(0, K - X.rows);
    const W = this.windows(X);
    const n = W.shape[0]!;
    const width = W.shape[1]!;
    const { alpha } = this.options;
    const channels = createMatrix(X.rows, C);
    const scores = new Float64Array(X.rows);
    for (let start = 0; start < n; start += 1024) {
      const end = Math.min(n, start + 1024);
      const w = tensor(W.data.subarray(start * width, end * width), [end - start, width]);
      const [ae1, ae2ae1] = noGrad(() => {
        const a = network.decoder1.forward(network.encoder.forward(w));
        const b = network.decoder2.forward(network.encoder.forward(a));
        return [a.toArray(), b.toArray()];
      });
      for (let i = start; i < end; i++) {
        const row = i + K - 1 - pad;
        let total = 0;
        for (let j = 0; j < width; j++) {
          const at = (i - start) * width + j;
          const v = W.data[i * width + j]!;
          const e = (alpha * (v - ae1![at]!) ** 2 + (1 - alpha) * (v - ae2ae1![at]!) ** 2) / width;
          channels.data[row * C + (j % C)]! += e;
          total += e;
        }
        scores[row] = total;
      }
    }
    const first = K - 1 - pad;
    for (let row = 0; row < first; row++) {
      scores[row] = scores[first]!;
      for (let c = 0; c < C; c++) channels.data[row * C + c] = channels.data[first * C + c]!;
    }
    return { scores, channels };
  }

  protected saveModel(): DetectorState {
    return saveDeepSeries(this.network!, this.scaling, { window: this.k });
  }

  protected loadModel(state: DetectorState): void {
    const k = Number(state.params.window);
    if (!Number.isInteger(k) || k < 1) throw new ModelFileError("The saved state of 'usad' lacks its window length.");
    const { network, scaling } = loadDeepSeries(state, this.name, (channels) => new UsadNetwork(channels * k, this.options.latent, new Rng(0)));
    this.k = k;
    this.network = network;
    this.scaling = scaling;
  }
}
