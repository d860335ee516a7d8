/**
 * Robust Random Cut Forest — Guha, Mishra, Roy & Schrijvers, "Robust Random Cut Forest Based Anomaly Detection on
 * Streams", ICML 2016 (tree operations after the `rrcf` package, Bartos et al., JOSS 2019).
 * Idea: random cut trees, with each cut's dimension chosen in proportion to the data's extent along it, are kept over a
 * sliding sample of the stream; a point is anomalous when inserting it displaces many others — its collusive
 * displacement (CoDisp): the largest ratio, along its path, of the sibling subtree's size to its own subtree's.
 *
 * Per channel, on shingles of the last `shingleSize` values. Each tree holds the last `treeSize` points (FIFO).
 * Scoring inserts the point, reads its CoDisp and removes it; learning inserts it for good and forgets the oldest.
 * The score is the mean CoDisp over the trees. A loaded model scores exactly as the saved one; what it learns
 * afterwards uses a fresh random stream.
 */
import { z } from 'zod';
import { ModelFileError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState, stateArray } from '../detector.ts';
import type { SeriesScores } from './series-detector.ts';
import { ShingleModel, StreamingChannelwiseDetector } from './streaming.ts';

const schema = baseOptionsSchema.extend({
  trees: z.number().int().min(1).default(40).describe('Number of trees (rrcf streaming example: 40).'),
  treeSize: z.number().int().min(2).default(256).describe('Points each tree keeps: the most recent ones (rrcf example: 256).'),
  shingleSize: z.number().int().min(1).default(4).describe('Consecutive values of a channel that make one point (rrcf example: 4).'),
}).strict();

export type RrcfOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

export class RobustRandomCutForest extends StreamingChannelwiseDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'rrcf',
    title: 'Robust Random Cut Forest',
    modality: 'timeseries',
    family: 'ensemble',
    supervision: ['unsupervised'],
    paper: 'Guha, Mishra, Roy & Schrijvers, Robust Random Cut Forest Based Anomaly Detection on Streams, ICML 2016',
    summary: 'A point whose insertion into random cut trees over a sliding sample displaces many others (CoDisp) is anomalous.',
  };

  private channelCount = 0;

  constructor(options: RrcfOptions = {}) {
    super(schema, options);
  }

  protected createChannelModel(): RrcfModel {
    return new RrcfModel(this.options, this.options.seed + 7919 * this.channelCount++);
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

interface Leaf {
  leaf: true;
  point: Float64Array;
  n: number;
  parent: Branch | null;
}

interface Branch {
  leaf: false;
  dim: number;
  cut: number;
  left: TreeNode;
  right: TreeNode;
  n: number;
  min: Float64Array;
  max: Float64Array;
  parent: Branch | null;
}

type TreeNode = Leaf | Branch;

/** One random cut tree: insert, forget, CoDisp. */
export class RandomCutTree {
  root: TreeNode | null = null;
  constructor(private readonly rng: Rng) {}

  /** Inserts a point (cuts drawn from `rng`, by default the tree's own stream) and returns its leaf. */
  insert(point: Float64Array, rng: Rng = this.rng): Leaf {
    if (this.root === null) {
      const leaf: Leaf = { leaf: true, point, n: 1, parent: null };
      this.root = leaf;
      return leaf;
    }
    const d = point.length;
    let node: TreeNode = this.root;
    for (;;) {
      const lo = node.leaf ? node.point : node.min;
      const hi = node.leaf ? node.point : node.max;
      let range = 0;
      for (let q = 0; q < d; q++) range += Math.max(hi[q]!, point[q]!) - Math.min(lo[q]!, point[q]!);
      if (range === 0) {
        // the same point as this leaf: count it twice
        const leaf = node as Leaf;
        for (let a: TreeNode | null = leaf; a !== null; a = a.parent) a.n++;
        return leaf;
      }
      const r = rng.uniform(0, range);
      let acc = 0;
      let dim = 0;
      let cut = 0;
      for (let q = 0; q < d; q++) {
        const lq = Math.min(lo[q]!, point[q]!);
        const span = Math.max(hi[q]!, point[q]!) - lq;
        if (acc + span >= r && span > 0) {
          dim = q;
          cut = lq + acc + span - r;
          break;
        }
        acc += span;
      }
      const outsideLow = cut <= lo[dim]!;
      const outsideHigh = cut >= hi[dim]!;
      if (outsideLow || outsideHigh || node.leaf) {
        const leaf: Leaf = { leaf: true, point, n: 1, parent: null };
        const parent: Branch | null = node.parent;
        const min = Float64Array.from(lo, (v, q) => Math.min(v, point[q]!));
        const max = Float64Array.from(hi, (v, q) => Math.max(v, point[q]!));
        const left: TreeNode = point[dim]! <= cut ? leaf : node;
        const right: TreeNode = left === leaf ? node : leaf;
        const branch: Branch = { leaf: false, dim, cut, left, right, n: node.n + 1, min, max, parent };
        leaf.parent = branch;
        node.parent = branch;
        if (parent === null) this.root = branch;
        else if (parent.left === node) parent.left = branch;
        else parent.right = branch;
        for (let a = parent; a !== null; a = a.parent) {
          a.n++;
          for (let q = 0; q < d; q++) {
            if (point[q]! < a.min[q]!) a.min[q] = point[q]!;
            if (point[q]! > a.max[q]!) a.max[q] = point[q]!;
          }
        }
        return leaf;
      }
      node = point[node.dim]! <= node.cut ? node.left : node.right;
    }
  }

  forget(leaf: Leaf): void {
    if (leaf.n > 1) {
      for (let a: TreeNode | null = leaf; a !== null; a = a.parent) a.n--;
      return;
    }
    const parent = leaf.parent;
    if (parent === null) {
      this.root = null;
      return;
    }
    const sibling = parent.left === leaf ? parent.right : parent.left;
    const grand = parent.parent;
    sibling.parent = grand;
    if (grand === null) this.root = sibling;
    else if (grand.left === parent) grand.left = sibling;
    else grand.right = sibling;
    for (let a = grand; a !== null; a = a.parent) {
      a.n--;
      const l = a.left;
      const r = a.right;
      for (let q = 0; q < a.min.length; q++) {
        a.min[q] = Math.min(l.leaf ? l.point[q]! : l.min[q]!, r.leaf ? r.point[q]! : r.min[q]!);
        a.max[q] = Math.max(l.leaf ? l.point[q]! : l.max[q]!, r.leaf ? r.point[q]! : r.max[q]!);
      }
    }
  }

  /** Collusive displacement of a leaf: max over its ancestors of sibling size / own subtree size. */
  codisp(leaf: Leaf): number {
    let best = 0;
    let node: TreeNode = leaf;
    while (node.parent !== null) {
      const parent: Branch = node.parent;
      const sibling = parent.left === node ? parent.right : parent.left;
      best = Math.max(best, sibling.n / node.n);
      node = parent;
    }
    return best;
  }
}

class RrcfModel extends ShingleModel {
  private trees: RandomCutTree[] = [];
  private queues: Leaf[][] = [];
  private rng: Rng;
  private learned = 0;

  constructor(private readonly o: Options, private readonly seed: number) {
    super(o.shingleSize);
    this.rng = new Rng(seed);
    this.resetModel();
  }

  protected resetModel(): void {
    this.rng = new Rng(this.seed);
    this.learned = 0;
    this.trees = Array.from({ length: this.o.trees }, () => new RandomCutTree(this.rng.fork()));
    this.queues = this.trees.map(() => []);
  }

  protected scorePoint(p: Float64Array): number {
    if (this.queues[0]!.length === 0) return 0;
    // the trial insertion's cuts come from a stream fixed by the model's state, so scoring is repeatable and
    // leaves the learning stream untouched
    const rng = new Rng(this.seed * 1_000_003 + this.learned);
    let sum = 0;
    for (const tree of this.trees) {
      const leaf = tree.insert(p, rng);
      sum += tree.codisp(leaf);
      tree.forget(leaf);
    }
    return sum / this.trees.length;
  }

  protected learnPoint(p: Float64Array): void {
    this.learned++;
    this.trees.forEach((tree, t) => {
      const queue = this.queues[t]!;
      if (queue.length >= this.o.treeSize) tree.forget(queue.shift()!);
      queue.push(tree.insert(p));
    });
  }

  /** Each tree in preorder (kind, dim, cut; leaf points and counts), and each queue as leaf numbers in that order. */
  protected saveModel(): DetectorState {
    const kind: number[] = [];
    const dims: number[] = [];
    const cuts: number[] = [];
    const points: number[] = [];
    const counts: number[] = [];
    const order: number[] = [];
    const sizes: number[] = [];
    this.trees.forEach((tree, t) => {
      const leafIndex = new Map<Leaf, number>();
      const start = kind.length;
      const walk = (node: TreeNode | null): void => {
        if (node === null) return;
        if (node.leaf) {
          kind.push(1);
          dims.push(0);
          cuts.push(0);
          leafIndex.set(node, leafIndex.size);
          points.push(...node.point);
          counts.push(node.n);
          return;
        }
        kind.push(0);
        dims.push(node.dim);
        cuts.push(node.cut);
        walk(node.left);
        walk(node.right);
      };
      walk(tree.root);
      sizes.push(kind.length - start);
      for (const leaf of this.queues[t]!) order.push(leafIndex.get(leaf)!);
    });
    return {
      params: { queueLengths: this.queues.map((q) => q.length), treeSizes: sizes, learned: this.learned },
      arrays: { kind: Uint8Array.from(kind), dims: Int32Array.from(dims), cuts: Float64Array.from(cuts), points: Float64Array.from(points), counts: Int32Array.from(counts), order: Int32Array.from(order) },
    };
  }

  protected loadModel(state: DetectorState): void {
    const queueLengths = state.params.queueLengths;
    const treeSizes = state.params.treeSizes;
    if (!Array.isArray(queueLengths) || !Array.isArray(treeSizes) || queueLengths.length !== this.o.trees || treeSizes.length !== this.o.trees) {
      throw new ModelFileError(`rrcf: the saved state does not hold ${this.o.trees} trees.`);
    }
    const kind = stateArray(state, 'kind', 'u8');
    const dims = stateArray(state, 'dims', 'i32', kind.length);
    const cuts = stateArray(state, 'cuts', 'f64', kind.length);
    const points = stateArray(state, 'points', 'f64');
    const counts = stateArray(state, 'counts', 'i32');
    const order = stateArray(state, 'order', 'i32');
    const d = this.shingleSize;
    this.learned = Number(state.params.learned);
    if (!Number.isInteger(this.learned) || this.learned < 0) throw new ModelFileError('rrcf: the saved count of learned points is invalid.');
    this.rng = new Rng(this.seed ^ 0x5bd1e995);
    this.trees = [];
    this.queues = [];
    let pos = 0;
    let leafPos = 0;
    let orderPos = 0;
    for (let t = 0; t < this.o.trees; t++) {
      const tree = new RandomCutTree(this.rng.fork());
      const leaves: Leaf[] = [];
      const end = pos + Number(treeSizes[t]);
      const build = (parent: Branch | null): TreeNode => {
        if (pos >= end) throw new ModelFileError('rrcf: a saved tree is truncated.');
        const k = kind[pos]!;
        if (k === 1) {
          pos++;
          const point = points.slice(leafPos * d, (leafPos + 1) * d);
          if (point.length !== d) throw new ModelFileError('rrcf: the saved leaf points are truncated.');
          const leaf: Leaf = { leaf: true, point, n: counts[leafPos]!, parent };
          leafPos++;
          leaves.push(leaf);
          return leaf;
        }
        const branch: Branch = { leaf: false, dim: dims[pos]!, cut: cuts[pos]!, left: null as unknown as TreeNode, right: null as unknown as TreeNode, n: 0, min: new Float64Array(d), max: new Float64Array(d), parent };
        pos++;
        branch.left = build(branch);
        branch.right = build(branch);
        const l = branch.left;
        const r = branch.right;
        branch.n = l.n + r.n;
        for (let q = 0; q < d; q++) {
          branch.min[q] = Math.min(l.leaf ? l.point[q]! : l.min[q]!, r.leaf ? r.point[q]! : r.min[q]!);
          branch.max[q] = Math.max(l.leaf ? l.point[q]! : l.max[q]!, r.leaf ? r.point[q]! : r.max[q]!);
        }
        return branch;
      };
      tree.root = pos < end ? build(null) : null;
      if (pos !== end) throw new ModelFileError('rrcf: a saved tree has trailing nodes.');
      const queue: Leaf[] = [];
      for (let k = 0; k < Number(queueLengths[t]); k++) {
        const leaf = leaves[order[orderPos++]!];
        if (leaf === undefined) throw new ModelFileError('rrcf: the saved queue names a leaf that does not exist.');
        queue.push(leaf);
      }
      this.trees.push(tree);
      this.queues.push(queue);
    }
  }
}
