/**
 * Half-Space Trees — Tan, Ting & Liu, "Fast Anomaly Detection for Streaming Data", IJCAI 2011 (and River's
 * `anomaly.HalfSpaceTrees`). Idea: random trees that halve the feature space without looking at the data count how
 * many recent points fall in each cell; a point landing in a sparsely visited cell, relative to its depth, is
 * anomalous. Mass is counted over tumbling windows: the last complete window is the reference (r) the scores use,
 * the current one (l) is being counted, and at each window's end l becomes r.
 *
 * Per channel, on shingles of the last `shingleSize` values. The work space comes from the first window, as in the
 * paper: for each dimension a split point s drawn in [min, max] of that window, and the space s ± 2·max(s − min,
 * max − s); until that window is complete every point scores 0. Score: −log2 of the mean over trees of
 * (r + 1)·2^depth at the node where the point's path stops (a leaf, or the first node with r < sizeLimit) — higher is
 * more anomalous, about 0 for a point as dense as the average.
 */
import { z } from 'zod';
import { ModelFileError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState, stateArray } from '../detector.ts';
import type { SeriesScores } from './series-detector.ts';
import { ShingleModel, StreamingChannelwiseDetector } from './streaming.ts';

const schema = baseOptionsSchema.extend({
  trees: z.number().int().min(1).default(25).describe('Number of trees (paper: 25).'),
  height: z.number().int().min(1).max(16).default(10).describe('Depth of each tree (paper: 15; paths rarely go past 10 with the size limit).'),
  windowSize: z.number().int().min(2).default(250).describe('Points per mass window (paper: 250).'),
  shingleSize: z.number().int().min(1).default(4).describe('Consecutive values of a channel that make one point.'),
  sizeLimit: z.number().min(0).default(0.1).describe('A path stops at a node whose reference mass is below this share of the window (paper: 0.1).'),
}).strict();

export type HalfSpaceTreesOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

export class HalfSpaceTrees extends StreamingChannelwiseDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'half-space-trees',
    title: 'Half-Space Trees',
    modality: 'timeseries',
    family: 'ensemble',
    supervision: ['unsupervised'],
    paper: 'Tan, Ting & Liu, Fast Anomaly Detection for Streaming Data, IJCAI 2011',
    summary: 'Random half-space trees count recent points per cell; a point in a sparse cell, for its depth, is anomalous.',
  };

  private channelCount = 0;

  constructor(options: HalfSpaceTreesOptions = {}) {
    super(schema, options);
  }

  protected createChannelModel(): HstModel {
    return new HstModel(this.options, new Rng(this.options.seed + 7919 * this.channelCount++));
  }

  override reset(): void {
    super.reset();
    this.channelCount = 0;
  }

  protected override fitSeries(X: Matrix): SeriesScores {
    this.channelCount = 0;
    return super.fitSeries(X);
  }
}

class HstModel extends ShingleModel {
  private readonly nodes: number;
  /** per tree and node: split dimension and value; masses l (counting) and r (reference) */
  private dims: Int32Array = new Int32Array(0);
  private splits: Float64Array = new Float64Array(0);
  private l: Float64Array = new Float64Array(0);
  private r: Float64Array = new Float64Array(0);
  private built = false;
  private firstWindow: Float64Array[] = [];
  private count = 0;

  constructor(private readonly o: Options, private readonly rng: Rng) {
    super(o.shingleSize);
    this.nodes = 2 ** (o.height + 1) - 1;
  }

  protected resetModel(): void {
    this.built = false;
    this.firstWindow = [];
    this.count = 0;
  }

  protected scorePoint(p: Float64Array): number {
    if (!this.built) return 0;
    const limit = this.o.sizeLimit * this.o.windowSize;
    let sum = 0;
    for (let t = 0; t < this.o.trees; t++) {
      const base = t * this.nodes;
      let node = 0;
      let depth = 0;
      while (depth < this.o.height && this.r[base + node]! >= limit) {
        node = p[this.dims[base + node]!]! < this.splits[base + node]! ? 2 * node + 1 : 2 * node + 2;
        depth++;
      }
      sum += (this.r[base + node]! + 1) * 2 ** depth;
    }
    return -Math.log2(sum / this.o.trees / this.o.windowSize);
  }

  protected learnPoint(p: Float64Array): void {
    if (!this.built) {
      this.firstWindow.push(p);
      if (this.firstWindow.length === this.o.windowSize) this.build();
      return;
    }
    this.addMass(p, this.l);
    if (++this.count === this.o.windowSize) this.swap();
  }

  private build(): void {
    const d = this.shingleSize;
    // one range for every dimension: they are all the same channel, shifted in time
    let min = Infinity;
    let max = -Infinity;
    for (const p of this.firstWindow) for (const v of p) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    if (max === min) {
      min -= 0.5;
      max += 0.5;
    }
    const total = this.o.trees * this.nodes;
    this.dims = new Int32Array(total);
    this.splits = new Float64Array(total);
    this.l = new Float64Array(total);
    this.r = new Float64Array(total);
    for (let t = 0; t < this.o.trees; t++) {
      const lo = new Float64Array(d);
      const hi = new Float64Array(d);
      for (let q = 0; q < d; q++) {
        const s = this.rng.uniform(min, max);
        const half = 2 * Math.max(s - min, max - s);
        lo[q] = s - half;
        hi[q] = s + half;
      }
      this.grow(t * this.nodes, 0, 0, lo, hi);
    }
    for (const p of this.firstWindow) this.addMass(p, this.r);
    this.firstWindow = [];
    this.built = true;
    this.count = 0;
  }

  private grow(base: number, node: number, depth: number, lo: Float64Array, hi: Float64Array): void {
    if (depth === this.o.height) return;
    const q = this.rng.int(lo.length);
    const mid = (lo[q]! + hi[q]!) / 2;
    this.dims[base + node] = q;
    this.splits[base + node] = mid;
    const saved = hi[q]!;
    hi[q] = mid;
    this.grow(base, 2 * node + 1, depth + 1, lo, hi);
    hi[q] = saved;
    const savedLo = lo[q]!;
    lo[q] = mid;
    this.grow(base, 2 * node + 2, depth + 1, lo, hi);
    lo[q] = savedLo;
  }

  private addMass(p: Float64Array, mass: Float64Array): void {
    for (let t = 0; t < this.o.trees; t++) {
      const base = t * this.nodes;
      let node = 0;
      for (let depth = 0; ; depth++) {
        mass[base + node]!++;
        if (depth === this.o.height) break;
        node = p[this.dims[base + node]!]! < this.splits[base + node]! ? 2 * node + 1 : 2 * node + 2;
      }
    }
  }

  private swap(): void {
    const r = this.r;
    this.r = this.l;
    this.l = r;
    this.l.fill(0);
    this.count = 0;
  }

  protected saveModel(): DetectorState {
    return {
      params: { built: this.built, count: this.count },
      arrays: { dims: this.dims, splits: this.splits, l: this.l, r: this.r, firstWindow: Float64Array.from(this.firstWindow.flatMap((p) => [...p])) },
    };
  }

  protected loadModel(state: DetectorState): void {
    this.built = state.params.built === true;
    this.count = Number(state.params.count);
    if (!Number.isInteger(this.count) || this.count < 0) throw new ModelFileError('half-space-trees: the saved window count is invalid.');
    const total = this.built ? this.o.trees * this.nodes : undefined;
    this.dims = stateArray(state, 'dims', 'i32', total);
    this.splits = stateArray(state, 'splits', 'f64', total);
    this.l = stateArray(state, 'l', 'f64', total);
    this.r = stateArray(state, 'r', 'f64', total);
    const flat = stateArray(state, 'firstWindow', 'f64');
    this.firstWindow = [];
    for (let k = 0; k + this.shingleSize <= flat.length; k += this.shingleSize) this.firstWindow.push(flat.slice(k, k + this.shingleSize));
  }
}
