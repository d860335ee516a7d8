/**
 * Exact k-nearest neighbours with a KD-tree (Bentley, "Multidimensional binary search trees used for associative
 * searching", CACM 1975; Friedman, Bentley & Finkel, ACM TOMS 1977).
 *
 * Idea: split the reference rows at the median of their widest feature, recursively, and keep each node's bounding
 * box; a query visits the nearer child first and skips any node whose box is farther than its current k-th neighbour.
 * In low dimensions that visits a few leaves instead of all rows, which is what lets KNN / LOF fit half a million
 * rows. Memory is O(n·d): a reordered copy of the rows plus two boxes per node.
 */
import type { Matrix } from '../../../core/matrix.ts';
import { checkQuery } from './check-query.ts';
import { squaredDistance } from './distance.ts';
import { NearestSet } from './nearest-set.ts';
import type { NeighborSearch, Neighbors, QueryOptions } from './types.ts';

export class KDTree implements NeighborSearch {
  readonly algorithm = 'kd-tree';
  readonly reference: Matrix;
  readonly leafSize: number;
  /** tree position → reference row index */
  private readonly order: Int32Array;
  /** reference rows in tree order, so a leaf's rows are contiguous in memory */
  private readonly points: Float64Array;
  private nodeStart: Int32Array = new Int32Array(0);
  private nodeEnd: Int32Array = new Int32Array(0);
  /** children of each node; −1 marks a leaf */
  private nodeLeft: Int32Array = new Int32Array(0);
  private nodeRight: Int32Array = new Int32Array(0);
  /** nodes × d lower and upper corners of each node's bounding box */
  private boxLow: Float64Array = new Float64Array(0);
  private boxHigh: Float64Array = new Float64Array(0);
  /** lowest reference row index under each node, to skip nodes that can only hold losing ties */
  private nodeMinIndex: Int32Array = new Int32Array(0);
  /** 1 for a leaf of identical rows (stored in ascending index order) */
  private nodeIdentical: Uint8Array = new Uint8Array(0);
  private nodes = 0;

  // Per-query state, kept on the instance so the recursive visit takes no closures.
  private query_: Float64Array = new Float64Array(0);
  private queryOffset = 0;
  private exclude = -1;
  private set: NearestSet = new NearestSet(1);

  constructor(reference: Matrix, leafSize = 32) {
    this.reference = reference;
    this.leafSize = Math.max(1, Math.floor(leafSize));
    const n = reference.rows;
    const d = reference.cols;
    this.order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    // Median splits leave leaves of more than leafSize / 2 rows, so fewer than 4n / leafSize + 1 nodes.
    const capacity = 4 * Math.ceil(n / this.leafSize) + 1;
    this.allocate(capacity, d);
    if (n > 0) this.build(0, n);
    this.points = new Float64Array(n * d);
    for (let p = 0; p < n; p++) this.points.set(reference.data.subarray(this.order[p]! * d, (this.order[p]! + 1) * d), p * d);
  }

  query(queries: Matrix, k: number, options: QueryOptions = {}): Neighbors {
    checkQuery(this.reference, queries, k, options);
    const d = queries.cols;
    const indices = new Int32Array(queries.rows * k);
    const distances = new Float64Array(queries.rows * k);
    this.set = new NearestSet(k);
    if (options.excludeSelf) {
      // Query the reference rows in tree order: consecutive queries then walk the same leaves, which stay in cache.
      this.query_ = this.points;
      for (let p = 0; p < this.order.length; p++) {
        const row = this.order[p]!;
        this.queryOffset = p * d;
        this.exclude = row;
        this.visit(0, this.boxDistance(0));
        this.set.drain(indices, distances, row * k, Math.sqrt);
      }
    } else {
      this.query_ = queries.data;
      this.exclude = -1;
      for (let i = 0; i < queries.rows; i++) {
        this.queryOffset = i * d;
        this.visit(0, this.boxDistance(0));
        this.set.drain(indices, distances, i * k, Math.sqrt);
      }
    }
    this.query_ = new Float64Array(0);
    return { k, indices, distances };
  }

  private visit(node: number, minDistance: number): void {
    // A box exactly at the bound may still hold a tie that wins on a lower index.
    const bound = this.set.bound;
    if (minDistance > bound || (minDistance === bound && this.nodeMinIndex[node]! > this.set.boundIndex)) return;
    const left = this.nodeLeft[node]!;
    if (left < 0) {
      const d = this.reference.cols;
      const end = this.nodeEnd[node]!;
      if (this.nodeIdentical[node] === 1) {
        // Duplicated rows (94 % of donors.csv are duplicates) all lie at one distance, so only the lowest indices can
        // enter: measuring once and stopping at the first refusal keeps a leaf of 100,000 copies from costing 100,000.
        const start = this.nodeStart[node]!;
        const dist = squaredDistance(this.query_, this.queryOffset, this.points, start * d, d);
        for (let p = start; p < end; p++) {
          const row = this.order[p]!;
          if (row === this.exclude) continue;
          if (dist > this.set.bound || (dist === this.set.bound && row > this.set.boundIndex)) break;
          this.set.push(dist, row);
        }
        return;
      }
      for (let p = this.nodeStart[node]!; p < end; p++) {
        const row = this.order[p]!;
        if (row === this.exclude) continue;
        this.set.push(squaredDistance(this.query_, this.queryOffset, this.points, p * d, d), row);
      }
      return;
    }
    const right = this.nodeRight[node]!;
    const dl = this.boxDistance(left);
    const dr = this.boxDistance(right);
    if (dl <= dr) {
      this.visit(left, dl);
      this.visit(right, dr);
    } else {
      this.visit(right, dr);
      this.visit(left, dl);
    }
  }

  /** Squared distance from the current query to the node's box (0 inside); never more than to any row in it. */
  private boxDistance(node: number): number {
    const d = this.reference.cols;
    const q = this.query_;
    const base = node * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = q[this.queryOffset + j]!;
      const lo = this.boxLow[base + j]!;
      if (v < lo) {
        const t = lo - v;
        s += t * t;
        continue;
      }
      const hi = this.boxHigh[base + j]!;
      if (v > hi) {
        const t = v - hi;
        s += t * t;
      }
    }
    return s;
  }

  private build(start: number, end: number): number {
    const node = this.nodes++;
    const d = this.reference.cols;
    const data = this.reference.data;
    const base = node * d;
    for (let j = 0; j < d; j++) {
      this.boxLow[base + j] = Infinity;
      this.boxHigh[base + j] = -Infinity;
    }
    for (let p = start; p < end; p++) {
      const r = this.order[p]! * d;
      for (let j = 0; j < d; j++) {
        const v = data[r + j]!;
        if (v < this.boxLow[base + j]!) this.boxLow[base + j] = v;
        if (v > this.boxHigh[base + j]!) this.boxHigh[base + j] = v;
      }
    }
    this.nodeStart[node] = start;
    this.nodeEnd[node] = end;
    this.nodeLeft[node] = -1;
    this.nodeRight[node] = -1;
    this.nodeIdentical[node] = 0;
    let minIndex = 0x7fffffff;
    for (let p = start; p < end; p++) if (this.order[p]! < minIndex) minIndex = this.order[p]!;
    this.nodeMinIndex[node] = minIndex;
    let dim = 0;
    let spread = -1;
    for (let j = 0; j < d; j++) {
      const s = this.boxHigh[base + j]! - this.boxLow[base + j]!;
      if (s > spread) {
        spread = s;
        dim = j;
      }
    }
    if (spread <= 0) {
      // All rows identical: no split can separate them, however many there are.
      this.order.subarray(start, end).sort();
      this.nodeIdentical[node] = 1;
      return node;
    }
    if (end - start <= this.leafSize) return node;
    const mid = (start + end) >> 1;
    this.select(start, end - 1, mid, dim);
    this.nodeLeft[node] = this.build(start, mid);
    this.nodeRight[node] = this.build(mid, end);
    return node;
  }

  /** Reorders order[lo..hi] so that position kth holds the row of rank kth on feature `dim` (Hoare's FIND). */
  private select(lo: number, hi: number, kth: number, dim: number): void {
    const d = this.reference.cols;
    const data = this.reference.data;
    const order = this.order;
    const value = (p: number): number => data[order[p]! * d + dim]!;
    while (hi > lo) {
      // Median of three as the pivot guards against sorted input.
      const m = (lo + hi) >> 1;
      const a = value(lo);
      const b = value(m);
      const c = value(hi);
      const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (value(i) < pivot) i++;
        while (value(j) > pivot) j--;
        if (i <= j) {
          const t = order[i]!;
          order[i] = order[j]!;
          order[j] = t;
          i++;
          j--;
        }
      }
      if (kth <= j) hi = j;
      else if (kth >= i) lo = i;
      else return;
    }
  }

  private allocate(capacity: number, d: number): void {
    this.nodeStart = new Int32Array(capacity);
    this.nodeEnd = new Int32Array(capacity);
    this.nodeLeft = new Int32Array(capacity);
    this.nodeRight = new Int32Array(capacity);
    this.boxLow = new Float64Array(capacity * d);
    this.boxHigh = new Float64Array(capacity * d);
    this.nodeMinIndex = new Int32Array(capacity);
    this.nodeIdentical = new Uint8Array(capacity);
  }
}
