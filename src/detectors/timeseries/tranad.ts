/**
 * TranAD — Tuli, Casale & Jennings, "TranAD: Deep Transformer Networks for Anomaly Detection in Multivariate Time
 * Series Data", VLDB 2022 (PVLDB 15(6)); code imperial-qore/TranAD (`src/models.py`, `src/dlutils.py`, `main.py`).
 * Idea: a transformer encoder reads a short window W ending at the current timestamp, together with a focus score F;
 * two decoders, cross-attending from the current value to the encoding, rebuild that value. Phase 1 runs with F = 0
 * and gives O1 (decoder 1) and O2 (decoder 2); phase 2 self-conditions on phase 1's error, F = (O1 − W)², so the
 * encoder's attention is drawn to where the first rebuild failed, and decoder 2 gives Ô2. The paper trains the
 * decoders adversarially, the adversarial part weighing more as epochs pass (n = epoch):
 *   L1 = 1/n·‖O1 − x‖² + (1 − 1/n)·‖Ô2 − x‖²   (encoder, decoder 1: make the self-conditioned rebuild good),
 *   L2 = 1/n·‖O2 − x‖² − (1 − 1/n)·‖Ô2 − x‖²   (decoder 2: tell self-conditioned inputs from plain ones),
 * to amplify the errors of inputs unlike the training data. Score of a value, per channel: ½(O1 − x)² + ½(Ô2 − x)²
 * (the paper's); of a timestamp: the mean over channels (the reference's final score).
 *
 * Training objective (`objective`): the default, 'reference', is what the reference code trains and what its published
 * numbers come from: one optimiser on 1/n·‖O1 − x‖² + (1 − 1/n)·‖Ô2 − x‖² (the focus score not detached, so decoder 1
 * is also trained to make phase 2 good). 'adversarial' is the paper's L1 / L2, each stepping its own AdamW on one
 * batch (as USAD's two optimisers); L2 steps decoder 2 and its head only. Measured here on a two-sine series: with
 * L2 maximising ‖Ô2 − x‖ at weight (1 − 1/n) → 1, decoder 2 learns to rebuild every value badly (squared error ≈ 0.5 on
 * [0, 1] values after 20 epochs, also when the encoder takes part in L2), so the score stops telling values apart;
 * hence the reference objective as default.
 *
 * Network as the reference: values min-max scaled by the training series; d_model = 2 × channels (value and focus
 * concatenated), scaled by √channels, plus its sinusoidal position code (sin + cos of position × 10000^(−j/d)) and
 * dropout 0.1; one encoder layer and one layer per decoder, `channels` heads, feed-forward width 16, dropout 0.1,
 * residual connections without layer normalisation (dlutils' layers); the decoders' query is the current value
 * repeated twice; a linear + sigmoid head; windows of 10; AdamW (lr 1e-3 as for SMAP, weight decay 1e-5), batches of
 * 128, 5 epochs. The 1/n weighting is the reference code's (the paper writes ε^(−n)).
 * Divergences: each decoder has its own head (the reference shares one; with the adversarial objective a shared head
 * would be pulled both ways); the score uses both decoders as the paper (the reference code scores with Ô2 alone);
 * the reference writes nn.LeakyReLU(True), whose negative slope is then 1 (an identity); the evident
 * intent, a leaky ReLU of slope 0.01, is used. The reference's learning-rate step (× 0.9 every 5 epochs) never acts
 * within its 5 epochs and is left out; its POT threshold is left to src/thresholds. The reference windows the rows
 * before the current one (`data[i − w : i]`, rebuilding row i − 1 at index i); here the window ends at the row it
 * rebuilds, and the first rows see a window padded with the first row (as the reference pads).
 */
import { z } from 'zod';
import { ModelFileError } from '../../core/errors.ts';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import {
  add, AdamW, broadcastTo, concat, Dropout, Linear, Module, MultiHeadAttention, mseLoss, mul, noGrad, scope, slice, square,
  sub, tensor, type StateDict, type Tensor,
} from '../../engine/index.ts';
import { trainLoop, type LoopResult } from '../deep/training.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState } from '../detector.ts';
import { type ChannelScaling, fitChannelRange, loadDeepSeries, saveDeepSeries } from './deep-series.ts';
import { SeriesDetector, type SeriesScores } from './series-detector.ts';

const schema = baseOptionsSchema.extend({
  window: z.number().int().min(1).default(10).describe('Timestamps per window (reference n_window: 10).'),
  feedForward: z.number().int().min(1).default(16).describe('Width of the transformer layers’ feed-forward part (reference: 16).'),
  dropout: z.number().min(0).lt(1).default(0.1).describe('Dropout of the position code, attention and residual branches, in training (reference: 0.1).'),
  epochs: z.number().int().min(1).default(5).describe('Passes over the training windows (reference: 5).'),
  batchSize: z.number().int().min(1).default(128).describe('Windows per optimisation step (reference: 128).'),
  learningRate: z.number().gt(0).default(1e-3).describe('AdamW step size (reference, SMAP: 1e-3).'),
  weightDecay: z.number().min(0).default(1e-5).describe('AdamW weight decay (reference: 1e-5).'),
  objective: z.enum(['reference', 'adversarial']).default('reference')
    .describe("'reference': one optimiser on 1/n·‖O1 − x‖² + (1 − 1/n)·‖Ô2 − x‖², as the reference code trains; 'adversarial': the paper's L1 (encoder, decoder 1) and L2 (decoder 2), each with its own optimiser."),
}).strict();

export type TranAdOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

/** The reference's position code: pe[p, j] = sin(p·d_j) + cos(p·d_j), d_j = 10000^(−j / dModel). */
function positionCode(length: number, dModel: number): Tensor {
  const pe = new Float32Array(length * dModel);
  for (let p = 0; p < length; p++) {
    for (let j = 0; j < dModel; j++) {
      const angle = p * Math.exp((-j * Math.log(10000)) / dModel);
      pe[p * dModel + j] = Math.sin(angle) + Math.cos(angle);
    }
  }
  return tensor(pe, [1, length, dModel]);
}

/** Feed-forward part of a layer: linear → leaky ReLU → dropout → linear. */
class FeedForward extends Module {
  readonly linear1: Linear;
  readonly linear2: Linear;
  readonly drop: Dropout;
  constructor(dModel: number, width: number, dropout: number, rng: Rng) {
    super();
    this.linear1 = this.registerModule('linear1', new Linear(dModel, width, { rng, activation: 'leaky_relu' }));
    this.linear2 = this.registerModule('linear2', new Linear(width, dModel, { rng }));
    this.drop = this.registerModule('drop', new Dropout(dropout, rng));
  }

  forward(x: Tensor): Tensor {
    return this.linear2.forward(this.drop.forward(this.linear1.forward(x)));
  }
}

/** dlutils' encoder layer: x + self-attention(x), then + feed-forward, no normalisation. */
class EncoderLayer extends Module {
  readonly attention: MultiHeadAttention;
  readonly feedForward: FeedForward;
  readonly drop1: Dropout;
  readonly drop2: Dropout;
  constructor(dModel: number, heads: number, o: Options, rng: Rng) {
    super();
    this.attention = this.registerModule('attention', new MultiHeadAttention(dModel, heads, { rng, dropout: o.dropout }));
    this.feedForward = this.registerModule('feedForward', new FeedForward(dModel, o.feedForward, o.dropout, rng));
    this.drop1 = this.registerModule('drop1', new Dropout(o.dropout, rng));
    this.drop2 = this.registerModule('drop2', new Dropout(o.dropout, rng));
  }

  forward(x: Tensor): Tensor {
    const h = add(x, this.drop1.forward(this.attention.forward(x)));
    return add(h, this.drop2.forward(this.feedForward.forward(h)));
  }
}

/** dlutils' decoder layer: self-attention on the query, cross-attention to the encoding, feed-forward; residuals only. */
class DecoderLayer extends Module {
  readonly selfAttention: MultiHeadAttention;
  readonly crossAttention: MultiHeadAttention;
  readonly feedForward: FeedForward;
  readonly drop1: Dropout;
  readonly drop2: Dropout;
  readonly drop3: Dropout;
  constructor(dModel: number, heads: number, o: Options, rng: Rng) {
    super();
    this.selfAttention = this.registerModule('selfAttention', new MultiHeadAttention(dModel, heads, { rng, dropout: o.dropout }));
    this.crossAttention = this.registerModule('crossAttention', new MultiHeadAttention(dModel, heads, { rng, dropout: o.dropout }));
    this.feedForward = this.registerModule('feedForward', new FeedForward(dModel, o.feedForward, o.dropout, rng));
    this.drop1 = this.registerModule('drop1', new Dropout(o.dropout, rng));
    this.drop2 = this.registerModule('drop2', new Dropout(o.dropout, rng));
    this.drop3 = this.registerModule('drop3', new Dropout(o.dropout, rng));
  }

  forward(query: Tensor, memory: Tensor): Tensor {
    let h = add(query, this.drop1.forward(this.selfAttention.forward(query)));
    h = add(h, this.drop2.forward(this.crossAttention.forward(h, { keyValue: memory })));
    return add(h, this.drop3.forward(this.feedForward.forward(h)));
  }
}

class TranAdNetwork extends Module {
  readonly encoder: EncoderLayer;
  readonly decoder1: DecoderLayer;
  readonly decoder2: DecoderLayer;
  readonly head1: Linear;
  readonly head2: Linear;
  readonly positionDrop: Dropout;
  private readonly position: Tensor;
  constructor(readonly channels: number, readonly window: number, o: Options, rng: Rng) {
    super();
    const dModel = 2 * channels;
    this.encoder = this.registerModule('encoder', new EncoderLayer(dModel, channels, o, rng));
    this.decoder1 = this.registerModule('decoder1', new DecoderLayer(dModel, channels, o, rng));
    this.decoder2 = this.registerModule('decoder2', new DecoderLayer(dModel, channels, o, rng));
    this.head1 = this.registerModule('head1', new Linear(dModel, channels, { rng, activation: 'sigmoid' }));
    this.head2 = this.registerModule('head2', new Linear(dModel, channels, { rng, activation: 'sigmoid' }));
    this.positionDrop = this.registerModule('positionDrop', new Dropout(o.dropout, rng));
    this.position = positionCode(window, dModel);
  }

  /** The encoding of the window w [batch, K, C] with the focus score f [batch, K, C]. */
  private encode(w: Tensor, f: Tensor): Tensor {
    const [b, k] = w.shape as [number, number, number];
    const src = mul(concat([w, f], 2), Math.sqrt(this.channels));
    return this.encoder.forward(this.positionDrop.forward(add(src, broadcastTo(this.position, [b, k, 2 * this.channels]))));
  }

  /** The decoders' query: the window's last value, repeated twice along the features ([batch, 1, 2C]). */
  private query(w: Tensor): Tensor {
    const last = slice(w, 1, this.window - 1, this.window);
    return concat([last, last], 2);
  }

  /** Phase 1 (F = 0): O1 and, when asked, O2; each [batch, 1, C]. */
  phase1(w: Tensor, both: boolean): { o1: Tensor; o2: Tensor | undefined } {
    const memory = this.encode(w, mul(w, 0));
    const q = this.query(w);
    return {
      o1: this.head1.forward(this.decoder1.forward(q, memory)),
      o2: both ? this.head2.forward(this.decoder2.forward(q, memory)) : undefined,
    };
  }

  /** Phase 2: decoder 2 on the window self-conditioned by the focus score F = (O1 − W)² ([batch, 1, C]). */
  phase2(w: Tensor, o1: Tensor): Tensor {
    const focus = square(sub(broadcastTo(o1, w.shape), w));
    return this.head2.forward(this.decoder2.forward(this.query(w), this.encode(w, focus)));
  }
}

export class TranAd extends SeriesDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'tranad',
    title: 'TranAD',
    modality: 'timeseries',
    family: 'deep',
    supervision: ['unsupervised'],
    paper: 'Tuli, Casale & Jennings, VLDB 2022',
    summary: 'Transformer rebuild of each value from its window, two decoders trained adversarially, phase 2 self-conditioned on phase 1’s error.',
  };

  history: LoopResult[] = [];
  private network: TranAdNetwork | undefined;
  /** min-max scaling: shift = minimum, scale = range */
  private scaling: ChannelScaling = { shift: new Float64Array(0), scale: new Float64Array(0) };

  constructor(options: TranAdOptions = {}) {
    super(schema, options);
  }

  protected override minTrainingRows(): number {
    return 2;
  }

  /** Scaled windows ending at each row ([rows, K, C]; before row K − 1, padded with the first row). */
  private windows(X: Matrix): Float32Array {
    const K = this.network!.window;
    const C = X.cols;
    const { shift, scale } = this.scaling;
    const out = new Float32Array(X.rows * K * C);
    for (let t = 0; t < X.rows; t++) {
      for (let k = 0; k < K; k++) {
        const row = Math.max(0, t - K + 1 + k);
        for (let c = 0; c < C; c++) out[(t * K + k) * C + c] = (X.data[row * C + c]! - shift[c]!) / scale[c]!;
      }
    }
    return out;
  }

  protected fitSeries(X: Matrix): SeriesScores {
    const o = this.options;
    const rng = this.rng();
    this.history = [];
    this.scaling = fitChannelRange(X);
    const C = X.cols;
    const K = o.window;
    const network = new TranAdNetwork(C, K, o, rng.fork());
    this.network = network;
    const W = this.windows(X);
    const width = K * C;
    const adversarial = o.objective === 'adversarial';
    // reference: one optimiser on everything; adversarial: L1 steps the encoder and decoder 1, L2 decoder 2
    const opt1 = new AdamW(adversarial ? [...network.encoder.parameters(), ...network.decoder1.parameters(), ...network.head1.parameters()] : network.parameters(), { lr: o.learningRate, weightDecay: o.weightDecay });
    const opt2 = new AdamW([...network.decoder2.parameters(), ...network.head2.parameters()], { lr: o.learningRate, weightDecay: o.weightDecay });
    network.train();
    this.history.push(trainLoop<StateDict>({
      detector: this.name,
      rows: X.rows,
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      rng: rng.fork(),
      step: (rows, n) => {
        const batch = new Float32Array(rows.length * width);
        rows.forEach((r, k) => batch.set(W.subarray(r * width, (r + 1) * width), k * width));
        const w = tensor(batch, [rows.length, K, C]);
        const x = slice(w, 1, K - 1, K);
        const l1 = scope(() => {
          const { o1 } = network.phase1(w, false);
          const loss = add(mul(mseLoss(o1, x), 1 / n), mul(mseLoss(network.phase2(w, o1), x), 1 - 1 / n));
          opt1.zeroGrad();
          loss.backward();
          opt1.step();
          return loss.item();
        });
        if (adversarial) scope(() => {
          const { o1, o2 } = network.phase1(w, true);
          const loss = sub(mul(mseLoss(o2!, x), 1 / n), mul(mseLoss(network.phase2(w, o1), x), 1 - 1 / n));
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
    const K = network.window;
    const W = this.windows(X);
    const channels = createMatrix(X.rows, C);
    const scores = new Float64Array(X.rows);
    for (let start = 0; start < X.rows; start += 1024) {
      const end = Math.min(X.rows, start + 1024);
      const w = tensor(W.subarray(start * K * C, end * K * C), [end - start, K, C]);
      const [o1, o2] = noGrad(() => {
        const first = network.phase1(w, false).o1;
        return [first.toArray(), network.phase2(w, first).toArray()];
      });
      for (let t = start; t < end; t++) {
        let total = 0;
        for (let c = 0; c < C; c++) {
          const x = W[((t * K) + K - 1) * C + c]!;
          const at = (t - start) * C + c;
          const e = 0.5 * (o1![at]! - x) ** 2 + 0.5 * (o2![at]! - x) ** 2;
          channels.data[t * C + c] = e;
          total += e;
        }
        scores[t] = total / C;
      }
    }
    return { scores, channels };
  }

  protected saveModel(): DetectorState {
    return saveDeepSeries(this.network!, this.scaling, { window: this.network!.window });
  }

  protected loadModel(state: DetectorState): void {
    const k = Number(state.params.window);
    if (!Number.isInteger(k) || k < 1) throw new ModelFileError(`The saved state of '${this.name}' lacks its window length.`);
    const { network, scaling } = loadDeepSeries(state, this.name, (channels) => new TranAdNetwork(channels, k, this.options, new Rng(0)));
    this.network = network;
    this.scaling = scaling;
  }
}
