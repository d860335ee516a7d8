/**
 * LogRobust-style — Zhang, Xu, Lin et al., "Robust Log-based Anomaly Detection on Unstable Log Data", ESEC/FSE 2019.
 * Idea: represent each event of a session by a semantic vector of its template, so that new or changed templates
 * still resemble the ones they came from, and classify the session with a bidirectional LSTM whose steps are pooled
 * by learned attention; supervised (needs labelled sessions). The attention weights say which events decided.
 *
 * Semantic vectors (standardised per dimension over the keys) come from the `keyVectors` option (key → vector: TF-IDF of template words from
 * src/logs/features.ts, or published ones such as logdeep's 300-d HDFS vectors); without them each key gets a learned
 * embedding, and keys unseen in training share one vector. Identical training sessions are merged, their labels kept
 * as counts, and the loss weighs each by its count. Score: the predicted probability of an anomaly; threshold 0.5.
 */
import { z } from 'zod';
import { Rng } from '../../core/rng.ts';
import {
  Adam, add, bceWithLogitsLoss, concat, Embedding, gather, Linear, LSTM, Module, mul, noGrad, reshape, scope, softmax, sum, tensor,
  type StateDict, type Tensor,
} from '../../engine/index.ts';
import type { ThresholdSpec } from '../../thresholds/strategies.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState, stateArray } from '../detector.ts';
import { SequenceDetector, type UnexpectedEvent } from './sequence-detector.ts';
import { OptionError } from '../../core/errors.ts';
import { divergenceWatch } from '../deep/training.ts';

const schema = baseOptionsSchema.extend({
  keyVectors: z.record(z.string(), z.array(z.number())).optional()
    .describe('Semantic vector of each log key (key → numbers, all of one length); default: learned embeddings.'),
  embeddingDim: z.number().int().min(1).default(32).describe('Size of the learned key vectors when `keyVectors` is not given.'),
  hiddenSize: z.number().int().min(1).default(64).describe('LSTM units per direction (LogRobust: 128).'),
  attentionSize: z.number().int().min(1).default(32).describe('Width of the attention scorer.'),
  epochs: z.number().int().min(1).default(12).describe('Passes over the distinct training sessions.'),
  batchSize: z.number().int().min(1).default(64).describe('Sessions per optimisation step (sorted by length, to pad little).'),
  learningRate: z.number().gt(0).default(0.005).describe('Adam step size.'),
  maxLength: z.number().int().min(1).default(512).describe('Longer sessions keep their first maxLength events.'),
}).strict();
type Options = z.output<typeof schema>;

class AttentionBiLstm extends Module {
  private readonly embedding: Embedding | null;
  private readonly forwardLstm: LSTM;
  private readonly backwardLstm: LSTM;
  private readonly attention: Linear;
  private readonly context: Linear;
  private readonly output: Linear;

  constructor(private readonly inputDim: number, tokens: number, learned: boolean, options: Options, rng: Rng) {
    super();
    this.embedding = learned ? this.registerModule('embedding', new Embedding(tokens, inputDim, { rng })) : null;
    this.forwardLstm = this.registerModule('forward', new LSTM(inputDim, options.hiddenSize, { rng }));
    this.backwardLstm = this.registerModule('backward', new LSTM(inputDim, options.hiddenSize, { rng }));
    this.attention = this.registerModule('attention', new Linear(2 * options.hiddenSize, options.attentionSize, { rng, activation: 'tanh' }));
    this.context = this.registerModule('context', new Linear(options.attentionSize, 1, { rng, bias: false }));
    this.output = this.registerModule('output', new Linear(2 * options.hiddenSize, 1, { rng }));
  }

  /**
   * Logits [batch, 1] and attention weights [batch, time]. `tokens` (learned embeddings) or `vectors` ([batch, time,
   * dim]) hold each session left-aligned; `reversed` holds each session reversed, also left-aligned, and `unreverse`
   * maps its steps back to positions; `mask` is 0 on events and −1e9 on padding.
   */
  forward(input: { tokens: Int32Array | null; vectors: Float32Array | null; reversedTokens: Int32Array | null; reversedVectors: Float32Array | null },
    unreverse: Int32Array, mask: Float32Array, batch: number, time: number): { logits: Tensor; weights: Tensor } {
    const embed = (tokens: Int32Array | null, vectors: Float32Array | null): Tensor =>
      this.embedding !== null ? this.embedding.forward(tokens!, [batch, time]) : tensor(vectors!, [batch, time, this.inputDim]);
    const hidden = this.forwardLstm.hiddenSize;
    const ahead = this.forwardLstm.forward(embed(input.tokens, input.vectors)).output!;
    const back = this.backwardLstm.forward(embed(input.reversedTokens, input.reversedVectors)).output!;
    const backAligned = gather(reshape(back, [batch * time, hidden]), unreverse, [batch, time]);
    const states = reshape(concat([ahead, backAligned], 2), [batch * time, 2 * hidden]);
    const energy = reshape(this.context.forward(this.attention.forward(states)), [batch, time]);
    const weights = softmax(add(energy, tensor(mask, [batch, time])), 1);
    const pooled = sum(mul(reshape(states, [batch, time, 2 * hidden]), reshape(weights, [batch, time, 1])), 1);
    return { logits: this.output.forward(pooled), weights };
  }
}

export class LogRobust extends SequenceDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'logrobust',
    title: 'LogRobust (attention Bi-LSTM)',
    modality: 'logs',
    family: 'sequence model',
    supervision: ['supervised'],
    paper: 'Zhang et al., ESEC/FSE 2019',
    summary: 'An attention-pooled bidirectional LSTM over semantic vectors of the events classifies a session as normal or anomalous.',
  };

  private network: AttentionBiLstm | undefined;
  private vectorTable = new Map<number, Float32Array>();
  private vectorDim = 0;
  trainingLog: { epoch: number; loss: number }[] = [];

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
    const table = this.options.keyVectors;
    if (table !== undefined) {
      for (const [k, v] of Object.entries(table)) {
        const key = Number(k);
        if (!Number.isInteger(key) || key < 0) throw new OptionError(`The 'keyVectors' option of detector 'logrobust' has key ${JSON.stringify(k)}; keys must be integers ≥ 0.`);
        if (this.vectorDim === 0) this.vectorDim = v.length;
        if (v.length !== this.vectorDim || v.length === 0) {
          throw new OptionError(`The 'keyVectors' option of detector 'logrobust': key ${k} has ${v.length} numbers, key ${Object.keys(table)[0]} has ${this.vectorDim}; all must have the same, non-zero length.`);
        }
        this.vectorTable.set(key, Float32Array.from(v));
      }
      standardize([...this.vectorTable.values()], this.vectorDim);
    }
  }

  override get thresholdSpec(): ThresholdSpec {
    return this.options.threshold ?? { method: 'fixed', value: 0.5 };
  }

  private buildNetwork(rng: Rng): AttentionBiLstm {
    const learned = this.vectorTable.size === 0;
    return new AttentionBiLstm(learned ? this.options.embeddingDim : this.vectorDim, this.keyCount, learned, this.options, rng);
  }

  /** The padded inputs of a batch of sessions. */
  private batchInputs(sessions: readonly Int32Array[]) {
    const b = sessions.length;
    const time = Math.max(1, ...sessions.map((s) => Math.min(s.length, this.options.maxLength)));
    const learned = this.vectorTable.size === 0;
    const d = this.vectorDim;
    const tokens = learned ? new Int32Array(b * time) : null;
    const reversedTokens = learned ? new Int32Array(b * time) : null;
    const vectors = learned ? null : new Float32Array(b * time * d);
    const reversedVectors = learned ? null : new Float32Array(b * time * d);
    const unreverse = new Int32Array(b * time);
    const mask = new Float32Array(b * time).fill(-1e9);
    sessions.forEach((full, i) => {
      const s = full.subarray(0, Math.min(full.length, this.options.maxLength));
      const n = s.length;
      for (let t = 0; t < time; t++) unreverse[i * time + t] = i * time + (t < n ? n - 1 - t : t);
      for (let t = 0; t < n; t++) {
        mask[i * time + t] = 0;
        const r = n - 1 - t;
        if (learned) {
          tokens![i * time + t] = this.keyIndex(s[t]!);
          reversedTokens![i * time + t] = this.keyIndex(s[r]!);
        } else {
          const v = this.vectorTable.get(s[t]!);
          const w = this.vectorTable.get(s[r]!);
          if (v) vectors!.set(v, (i * time + t) * d);
          if (w) reversedVectors!.set(w, (i * time + t) * d);
        }
      }
    });
    return { input: { tokens, vectors, reversedTokens, reversedVectors }, unreverse, mask, time };
  }

  protected fitSequences(sessions: Int32Array[], y?: Uint8Array): Float64Array {
    const rng = this.rng();
    const distinct = new Map<string, { session: Int32Array; anomalous: number; total: number }>();
    sessions.forEach((s, i) => {
      const k = s.join(' ');
      let e = distinct.get(k);
      if (e === undefined) distinct.set(k, (e = { session: s, anomalous: 0, total: 0 }));
      e.total++;
      e.anomalous += y![i]!;
    });
    const items = [...distinct.values()];
    const network = this.buildNetwork(rng);
    const optimizer = new Adam(network.parameters(), { lr: this.options.learningRate });
    const { batchSize } = this.options;
    this.trainingLog = [];
    const watch = divergenceWatch({ detector: this.name, learningRate: this.options.learningRate, hint: '' });
    for (let epoch = 0; epoch < this.options.epochs; epoch++) {
      network.train();
      // Shuffled, then sorted by length within pools of 8 batches: batches mix labels yet pad little.
      const order = Array.from(rng.permutation(items.length));
      const pool = 8 * batchSize;
      for (let p = 0; p < order.length; p += pool) {
        const part = order.slice(p, p + pool).sort((a, b) => items[a]!.session.length - items[b]!.session.length);
        order.splice(p, part.length, ...part);
      }
      let total = 0;
      let seen = 0;
      for (let start = 0, batch = 1; start < order.length; start += batchSize, batch++) {
        const rows = order.slice(start, start + batchSize).map((r) => items[r]!);
        const { input, unreverse, mask, time } = this.batchInputs(rows.map((r) => r.session));
        const target = tensor(rows.map((r) => r.anomalous / r.total), [rows.length, 1]);
        // Merged sessions weigh by their count, normalised per batch so that every step has the same scale for Adam.
        const counts = rows.reduce((a, r) => a + r.total, 0);
        const weight = tensor(rows.map((r) => r.total / counts), [rows.length, 1]);
        const loss = scope(() => {
          const { logits } = network.forward(input, unreverse, mask, rows.length, time);
          const loss = sum(mul(bceWithLogitsLoss(logits, target, 'none'), weight));
          optimizer.zeroGrad();
          loss.backward();
          optimizer.step();
          return loss.item();
        });
        watch(loss, epoch + 1, batch);
        total += loss * counts;
        seen += counts;
      }
      this.trainingLog.push({ epoch: epoch + 1, loss: total / seen });
    }
    network.eval();
    this.network = network;
    return this.scoreSequences(sessions);
  }

  private run(sessions: readonly Int32Array[]): { probability: Float64Array; weights: Float32Array[] } {
    const probability = new Float64Array(sessions.length);
    const weights: Float32Array[] = new Array(sessions.length);
    const order = Array.from(sessions.keys()).sort((a, b) => sessions[a]!.length - sessions[b]!.length);
    const size = 256;
    for (let start = 0; start < order.length; start += size) {
      const idx = order.slice(start, start + size);
      const { input, unreverse, mask, time } = this.batchInputs(idx.map((i) => sessions[i]!));
      const out = noGrad(() => {
        const r = this.network!.forward(input, unreverse, mask, idx.length, time);
        return concat([r.logits, r.weights], 1);
      });
      idx.forEach((i, j) => {
        const row = out.data.subarray(j * (time + 1), (j + 1) * (time + 1));
        probability[i] = 1 / (1 + Math.exp(-row[0]!));
        weights[i] = row.slice(1, 1 + Math.min(sessions[i]!.length, this.options.maxLength));
      });
    }
    return { probability, weights };
  }

  protected scoreSequences(sessions: Int32Array[]): Float64Array {
    return this.run(sessions).probability;
  }

  /** Keys unseen in training, then the events with the largest attention weight (those above twice the average). */
  protected explainSequence(session: Int32Array): UnexpectedEvent[] {
    if (session.length === 0) return [];
    const w = this.run([session]).weights[0]!;
    const out: UnexpectedEvent[] = [];
    const average = 1 / w.length;
    session.forEach((key, position) => {
      if (this.keyIndex(key) === 0) out.push({ position, key, reason: 'never seen in training' });
    });
    const heavy = Array.from(w.keys()).filter((t) => w[t]! > 2 * average && this.keyIndex(session[t]!) !== 0).sort((a, b) => w[b]! - w[a]!);
    for (const position of heavy.slice(0, 5)) {
      out.push({ position, key: session[position]!, reason: `carries ${(100 * w[position]!).toFixed(0)}% of the attention` });
    }
    return out;
  }

  protected saveModel(): DetectorState {
    const state = this.network!.stateDict();
    return {
      params: {},
      arrays: { ...this.vocabularyState(), ...Object.fromEntries(Object.entries(state.tensors).map(([k, v]) => [`net.${k}`, v])) },
    };
  }

  protected loadModel(state: DetectorState): void {
    this.loadVocabulary(state);
    const network = this.buildNetwork(new Rng(this.options.seed));
    const dict: StateDict = { tensors: {}, shapes: {}, metadata: {} };
    for (const [name, p] of network.namedParameters()) {
      dict.tensors[name] = stateArray(state, `net.${name}`, 'f32', p.size);
      dict.shapes[name] = [...p.shape];
    }
    network.loadStateDict(dict);
    network.eval();
    this.network = network;
  }
}

/**
 * Each dimension of the semantic vectors to zero mean and unit deviation over the keys: published vectors (averaged
 * word embeddings) are small, ~0.02 per dimension, which leaves an LSTM's input gates near zero at the start.
 */
function standardize(vectors: Float32Array[], dim: number): void {
  for (let j = 0; j < dim; j++) {
    let mean = 0;
    for (const v of vectors) mean += v[j]!;
    mean /= vectors.length;
    let variance = 0;
    for (const v of vectors) variance += (v[j]! - mean) ** 2;
    const std = Math.sqrt(variance / vectors.length) || 1;
    for (const v of vectors) v[j] = (v[j]! - mean) / std;
  }
}
