/**
 * The shared machinery of next-key detectors (DeepLog, LogAnomaly): an LSTM reads the last `windowSize` keys of a
 * session and predicts a distribution over the next key; a key outside the `topG` most likely predictions is
 * unexpected, and a session's score is its number of unexpected keys (threshold 0: one unexpected key makes a session
 * anomalous, as in DeepLog). Subclasses choose the network's extra inputs.
 *
 * Choices beyond the papers, for sessions rather than one endless stream:
 * - `boundaries`: each session is framed by a START padding (so the first keys are predicted too, from a shorter
 *   history) and an END key (so a session that stops early — a block never closed — is unexpected where it stops).
 * - Training examples are deduplicated: each distinct input keeps the counts of the keys that followed it, and the
 *   loss is the count-weighted cross-entropy — the same objective as every window, at a fraction of the cost (HDFS's
 *   4,855 sessions hold ~95,000 windows but a few thousand distinct ones). Scoring caches predictions the same way.
 */
import { z } from 'zod';
import { Rng } from '../../core/rng.ts';
import { Adam, crossEntropyLoss, Embedding, Linear, LSTM, Module, noGrad, scope, tensor, type Tensor, concat, type StateDict } from '../../engine/index.ts';
import { baseOptionsSchema, type DetectorState, stateArray } from '../detector.ts';
import type { ThresholdSpec } from '../../thresholds/strategies.ts';
import { SequenceDetector, type UnexpectedEvent } from './sequence-detector.ts';
import { divergenceWatch } from '../deep/training.ts';

export const nextKeyOptionsSchema = baseOptionsSchema.extend({
  windowSize: z.number().int().min(1).max(1000).default(10).describe('Keys of history the model reads (DeepLog: h = 10).'),
  topG: z.number().int().min(1).default(9).describe('A key is expected when among the g most likely next keys (DeepLog: g = 9).'),
  hiddenSize: z.number().int().min(1).default(64).describe('LSTM units per layer (DeepLog: 64).'),
  layers: z.number().int().min(1).max(4).default(2).describe('Stacked LSTM layers (DeepLog: 2).'),
  embeddingDim: z.number().int().min(1).default(16).describe('Size of the learned vector of each key.'),
  epochs: z.number().int().min(1).default(40).describe('Passes over the (deduplicated) training windows.'),
  batchSize: z.number().int().min(1).default(128).describe('Distinct windows per optimisation step.'),
  learningRate: z.number().gt(0).default(0.005).describe('Adam step size.'),
  boundaries: z.boolean().default(true).describe('Frame sessions with START / END keys, so early ends and first keys are judged too.'),
});
export type NextKeyOptions = z.output<typeof nextKeyOptionsSchema>;

/** One distinct model input: the window of key indices (and, for count-aware models, the counts so far). */
interface Example {
  window: Int32Array;
  counts: Float32Array | null;
}

export interface NextKeyNetwork extends Module {
  forward(windows: Int32Array, counts: Float32Array | null, batch: number): Tensor;
}

/** DeepLog's network: key embedding → stacked LSTM → linear layer over the next key; plus a count branch if asked. */
export class NextKeyLstm extends Module implements NextKeyNetwork {
  private readonly embedding: Embedding;
  private readonly lstm: LSTM;
  private readonly countLayer: Linear | null;
  private readonly output: Linear;

  constructor(readonly inputs: number, readonly classes: number, readonly window: number, options: NextKeyOptions, countWidth: number, rng: Rng) {
    super();
    this.embedding = this.registerModule('embedding', new Embedding(inputs, options.embeddingDim, { rng }));
    this.lstm = this.registerModule('lstm', new LSTM(options.embeddingDim, options.hiddenSize, { rng, numLayers: options.layers }));
    this.countLayer = countWidth > 0 ? this.registerModule('counts', new Linear(countWidth, options.hiddenSize, { rng, activation: 'relu' })) : null;
    const width = options.hiddenSize * (countWidth > 0 ? 2 : 1);
    this.output = this.registerModule('output', new Linear(width, classes, { rng }));
  }

  forward(windows: Int32Array, counts: Float32Array | null, batch: number): Tensor {
    const x = this.embedding.forward(windows, [batch, this.window]);
    const h = this.lstm.forward(x, { returnSequences: false }).h;
    if (this.countLayer === null || counts === null) return this.output.forward(h);
    const q = this.countLayer.forward(tensor(counts, [batch, counts.length / batch]));
    return this.output.forward(concat([h, q], 1));
  }
}

export abstract class NextKeyDetector<O extends NextKeyOptions = NextKeyOptions> extends SequenceDetector<O> {
  protected network: NextKeyNetwork | undefined;
  /** training time and loss, for reports */
  trainingLog: { epoch: number; loss: number }[] = [];
  private cache = new Map<string, Float32Array>();

  /** Width of the count input (0: none); the counts are of key indices 0…V in the session so far. */
  protected abstract countWidth(): number;

  override get thresholdSpec(): ThresholdSpec {
    return this.options.threshold ?? { method: 'fixed', value: 0 };
  }

  /** Input tokens: 0 unknown, 1…V keys, V + 1 START. Output classes: 0…V, V + 1 END. */
  private get startToken(): number {
    return this.keyCount;
  }

  private get classes(): number {
    return this.keyCount + 1;
  }

  protected buildNetwork(rng: Rng): NextKeyNetwork {
    return new NextKeyLstm(this.keyCount + 1, this.classes, this.options.windowSize, this.options, this.countWidth(), rng);
  }

  /** Each position of a session (and its END) as an input and the class that followed it. */
  private *positions(session: Int32Array): Generator<{ example: Example; target: number; position: number }> {
    const w = this.options.windowSize;
    const frame = this.options.boundaries;
    const indexed = this.indexSession(session);
    const counts = this.countWidth() > 0 ? new Float32Array(this.countWidth()) : null;
    const first = frame ? 0 : w;
    const last = frame ? indexed.length : indexed.length - 1;
    for (let t = 0; t < first && t < indexed.length; t++) if (counts) counts[indexed[t]!]! += 1;
    for (let t = first; t <= last; t++) {
      const window = new Int32Array(w);
      for (let j = 0; j < w; j++) {
        const p = t - w + j;
        window[j] = p < 0 ? this.startToken : indexed[p]!;
      }
      const target = t < indexed.length ? indexed[t]! : this.keyCount;
      yield { example: { window, counts: counts ? counts.slice() : null }, target, position: Math.min(t, indexed.length - 1) };
      if (counts && t < indexed.length) counts[indexed[t]!]! += 1;
    }
  }

  private static keyOf(e: Example): string {
    return e.counts === null ? e.window.join(',') : `${e.window.join(',')}|${e.counts.join(',')}`;
  }

  protected fitSequences(sessions: Int32Array[]): Float64Array {
    const rng = this.rng();
    this.cache.clear();
    const distinct = new Map<string, { example: Example; targets: Float32Array }>();
    for (const s of sessions) {
      for (const { example, target } of this.positions(s)) {
        const key = NextKeyDetector.keyOf(example);
        let entry = distinct.get(key);
        if (entry === undefined) {
          entry = { example, targets: new Float32Array(this.classes) };
          distinct.set(key, entry);
        }
        entry.targets[target]! += 1;
      }
    }
    const examples = [...distinct.values()];
    const network = this.buildNetwork(rng);
    const optimizer = new Adam(network.parameters(), { lr: this.options.learningRate });
    const { batchSize, epochs, windowSize } = this.options;
    const width = this.countWidth();
    this.trainingLog = [];
    const watch = divergenceWatch({ detector: this.name, learningRate: this.options.learningRate, hint: '' });
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = rng.permutation(examples.length);
      let total = 0;
      let weight = 0;
      for (let start = 0, batch = 1; start < order.length; start += batchSize, batch++) {
        const rows = order.subarray(start, start + batchSize);
        const b = rows.length;
        const windows = new Int32Array(b * windowSize);
        const counts = width > 0 ? new Float32Array(b * width) : null;
        const targets = new Float32Array(b * this.classes);
        rows.forEach((r, i) => {
          const e = examples[r]!;
          windows.set(e.example.window, i * windowSize);
          if (counts) counts.set(e.example.counts!, i * width);
          targets.set(e.targets, i * this.classes);
        });
        const loss = scope(() => {
          const loss = crossEntropyLoss(network.forward(windows, counts, b), tensor(targets, [b, this.classes]), 'sum');
          optimizer.zeroGrad();
          loss.backward();
          optimizer.step();
          return loss.item();
        });
        watch(loss, epoch + 1, batch);
        total += loss;
        for (const v of targets) weight += v;
      }
      this.trainingLog.push({ epoch: epoch + 1, loss: total / Math.max(weight, 1) });
    }
    network.eval();
    this.network = network;
    return this.scoreSequences(sessions);
  }

  /** The rank (0 = most likely) of every class after each distinct input, computed once per input. */
  private ranks(examples: Example[]): Float32Array[] {
    const missing = new Map<string, Example>();
    for (const e of examples) {
      const k = NextKeyDetector.keyOf(e);
      if (!this.cache.has(k)) missing.set(k, e);
    }
    const todo = [...missing];
    const w = this.options.windowSize;
    const width = this.countWidth();
    const batch = 512;
    for (let start = 0; start < todo.length; start += batch) {
      const part = todo.slice(start, start + batch);
      const windows = new Int32Array(part.length * w);
      const counts = width > 0 ? new Float32Array(part.length * width) : null;
      part.forEach(([, e], i) => {
        windows.set(e.window, i * w);
        if (counts) counts.set(e.counts!, i * width);
      });
      const logits = noGrad(() => this.network!.forward(windows, counts, part.length));
      const c = this.classes;
      part.forEach(([k], i) => {
        const row = logits.data.subarray(i * c, (i + 1) * c);
        const order = Array.from({ length: c }, (_, j) => j).sort((a, b) => row[b]! - row[a]! || a - b);
        const rank = new Float32Array(c);
        order.forEach((cls, r) => { rank[cls] = r; });
        this.cache.set(k, rank);
      });
    }
    return examples.map((e) => this.cache.get(NextKeyDetector.keyOf(e))!);
  }

  /** Unexpected positions of a session: an unknown key, or a class ranked g or worse. */
  private unexpected(session: Int32Array): { position: number; target: number; rank: number }[] {
    const items = [...this.positions(session)];
    const ranks = this.ranks(items.map((x) => x.example));
    const out: { position: number; target: number; rank: number }[] = [];
    items.forEach((x, i) => {
      const rank = ranks[i]![x.target]!;
      if (x.target === 0 || rank >= this.options.topG) out.push({ position: x.position, target: x.target, rank });
    });
    return out;
  }

  protected scoreSequences(sessions: Int32Array[]): Float64Array {
    return Float64Array.from(sessions, (s) => (s.length === 0 ? 0 : this.unexpected(s).length));
  }

  protected explainSequence(session: Int32Array): UnexpectedEvent[] {
    if (session.length === 0) return [];
    const g = this.options.topG;
    return this.unexpected(session).map(({ position, target, rank }) => ({
      position,
      key: session[position]!,
      reason: target === 0 ? 'never seen in training'
        : target === this.keyCount ? `the session ends here; the model expected it to go on (end ranked ${rank + 1}, top ${g} expected)`
          : `not among the ${g} most likely next keys (ranked ${rank + 1} of ${this.classes})`,
    }));
  }

  protected saveModel(): DetectorState {
    const state = this.network!.stateDict();
    return {
      params: { shapes: state.shapes },
      arrays: { ...this.vocabularyState(), ...Object.fromEntries(Object.entries(state.tensors).map(([k, v]) => [`net.${k}`, v])) },
    };
  }

  protected loadModel(state: DetectorState): void {
    this.loadVocabulary(state);
    this.cache.clear();
    const network = this.buildNetwork(new Rng(this.options.seed));
    const dict: StateDict = { tensors: {}, shapes: {}, metadata: {} };
    for (const [name, p] of [...network.namedParameters(), ...network.namedBuffers()]) {
      dict.tensors[name] = stateArray(state, `net.${name}`, 'f32', p.size);
      dict.shapes[name] = [...p.shape];
    }
    network.loadStateDict(dict);
    network.eval();
    this.network = network;
  }
}
