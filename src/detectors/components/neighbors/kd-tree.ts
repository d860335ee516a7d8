/**
 * Exact k-nearest neighbours with a KD-tree (Bentley, "Multidimensional binary search trees used for associative
 * searching", CACM 1975; Friedman, Bentley & Finkel, ACM TOMS 1977).
 *
 * Idea: split the reference rows at the median of their widest feature, recursively, and keep each node's bounding
 * box; a query visits the nearer child first and skips any node whose box is farther than its current k-th neighbour.
 * In low dimensions that visits a few leaves instead of all rows, which is what lets KNN / LOF fit half a million rows.
 *
 * The tree holds each distinct row once, with the list of reference rows equal to it. Real tables repeat rows a lot
 * (94 % of donors.csv, 61 % of http.csv are repeats): without this, a query inside a group of 100,000 copies must
 * sift all of them for the lowest indices, and every copy asks the same question again. Memory is O(n·d).
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
  /** distinct rows, in tree order, so a leaf's rows are contiguous in memory */
  private readonly points: Float64Array;
  /** the reference rows equal to distinct row g are members[memberStart[g] … memberStart[g+1]), ascending */
  private readonly memberStart: Int32Array;
  private readonly members: Int32Array;
  private nodeStart: Int32Array = new Int32Array(0);
  private nodeEnd: Int32Array = new Int32Array(0);
  /** children of each node; −1 marks a leaf */
  private nodeLeft: Int32Array = new Int32Array(0);
  private nodeRight: Int32Array = new Int32Array(0);
  /** lowest reference row index under each node, to skip nodes that can only hold losing ties */
  private nodeMinIndex: Int32Array = new Int32Array(0);
  /** nodes × d lower and upper corners of each node's bounding box */
  private boxLow: Float64Array = new Float64Array(0);
  private boxHigh: Float64Array = new Float64Array(0);
  private nodes = 0;

  // Per-query state, kept on the instance so the recursive visit takes no closures.
  private query_: Float64Array = new Float64Array(0);
  private queryOffset = 0;
  private set: NearestSet = new NearestSet(1);

  constructor(reference: Matrix, leafSize = 32) {
    this.reference = reference;
    this.leafSize = Math.max(1, Math.floor(leafSize));
    const groups = distinctRows(reference);
    const u = groups.length;
    const d = reference.cols;
    // Tree positions are built over distinct rows; `order` maps a position to its group while building.
    const order = new Int32Array(u);
    for (let g = 0; g < u; g++) order[g] = g;
    // Median splits leave leaves of more than leafSize / 2 rows, so fewer than 4u / leafSize + 1 nodes.
    this.allocate(4 * Math.ceil(u / this.leafSize) + 1, d);
    const firstRow = new Int32Array(u);
    for (let g = 0; g < u; g++) firstRow[g] = groups[g]![0]!;
    if (u > 0) this.build(order, firstRow, 0, u);
    this.points = new Float64Array(u * d);
    this.memberStart = new Int32Array(u + 1);
    this.members = new Int32Array(reference.rows);
    let m = 0;
    for (let p = 0; p < u; p++) {
      const group = groups[order[p]!]!;
      this.points.set(reference.data.subarray(group[0]! * d, (group[0]! + 1) * d), p * d);
      this.memberStart[p] = m;
      for (const row of group) this.members[m++] = row;
    }
    this.memberStart[u] = m;
  }

  query(queries: Matrix, k: number, options: QueryOptions = {}): Neighbors {
    checkQuery(this.reference, queries, k, options);
    const d = queries.cols;
    const indices = new Int32Array(queries.rows * k);
    const distances = new Float64Array(queries.rows * k);
    if (options.excludeSelf) {
      // All copies of a row share one answer: the k + 1 nearest of the whole set, less the row itself where it is
      // among them (else less the last). That is exact under the (distance, index) order, and asks once per group.
      const wide = k + 1;
      this.set = new NearestSet(wide);
      const groupIndices = new Int32Array(wide);
      const groupDistances = new Float64Array(wide);
      this.query_ = this.points;
      for (let p = 0; p + 1 < this.memberStart.length; p++) {
        this.queryOffset = p * d;
        this.visit(0, 0);
        this.set.drain(groupIndices, groupDistances, 0, Math.sqrt);
        for (let m = this.memberStart[p]!; m < this.memberStart[p + 1]!; m++) {
          const row = this.members[m]!;
          let out = row * k;
          for (let c = 0; c < wide && out < (row + 1) * k; c++) {
            if (groupIndices[c] === row) continue;
            indices[out] = groupIndices[c]!;
            distances[out++] = groupDistances[c]!;
          }
        }
      }
    } else {
      // Repeated query rows (scoring a table against itself, or data with many copies) are searched once.
      this.set = new NearestSet(k);
      this.query_ = queries.data;
      for (const group of distinctRows(queries)) {
        const first = group[0]!;
        this.queryOffset = first * d;
        this.visit(0, this.boxDistance(0));
        this.set.drain(indices, distances, first * k, Math.sqrt);
        for (let m = 1; m < group.length; m++) {
          indices.copyWithin(group[m]! * k, first * k, (first + 1) * k);
          distances.copyWithin(group[m]! * k, first * k, (first + 1) * k);
        }
      }
    }
    this.query_ = new Float64Array(0);
    return { k, indices, distances };
  }

  private visit(node: number, minDistance: number): void {
    // A box exactly at the bound may still hold a tie that wins on a lower index.
    const set = this.set;
    if (minDistance > set.bound || (minDistance === set.bound && this.nodeMinIndex[node]! > set.boundIndex)) return;
    const left = this.nodeLeft[node]!;
    if (left < 0) {
      const d = this.reference.cols;
      const end = this.nodeEnd[node]!;
      for (let p = this.nodeStart[node]!; p < end; p++) {
        const dist = squaredDistance(this.query_, this.queryOffset, this.points, p * d, d);
        // Copies share the distance and come in ascending index: the first one refused ends the group.
        for (let m = this.memberStart[p]!; m < this.memberStart[p + 1]!; m++) {
          const row = this.members[m]!;
          if (dist > set.bound || (dist === set.bound && row > set.boundIndex)) break;
          set.push(dist, row);
        }
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

  /** Builds the node over order[start, end) (group ids, whose first rows are firstRow[g]); returns its number. */
  private build(order: Int32Array, firstRow: Int32Array, start: number, end: number): number {
    const node = this.nodes++;
    const d = this.reference.cols;
    const data = this.reference.data;
    const base = node * d;
    for (let j = 0; j < d; j++) {
      this.boxLow[base + j] = Infinity;
      this.boxHigh[base + j] = -Infinity;
    }
    let minIndex = 0x7fffffff;
    for (let p = start; p < end; p++) {
      const row = firstRow[order[p]!]!;
      if (row < minIndex) minIndex = row;
      const r = row * d;
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
    this.nodeMinIndex[node] = minIndex;
    if (end - start <= this.leafSize) return node;
    let dim = 0;
    let spread = -1;
    for (let j = 0; j < d; j++) {
      const s = this.boxHigh[base + j]! - this.boxLow[base + j]!;
      if (s > spread) {
        spread = s;
        dim = j;
      }
    }
    const mid = (start + end) >> 1;
    select(order, (p) => data[firstRow[order[p]!]! * d + dim]!, start, end - 1, mid);
    this.nodeLeft[node] = this.build(order, firstRow, start, mid);
    this.nodeRight[node] = this.build(order, firstRow, mid, end);
    return node;
  }

  private allocate(capacity: number, d: number): void {
    this.nodeStart = new Int32Array(capacity);
    this.nodeEnd = new Int32Array(capacity);
    this.nodeLeft = new Int32Array(capacity);
    this.nodeRight = new Int32Array(capacity);
    this.nodeMinIndex = new Int32Array(capacity);
    this.boxLow = new Float64Array(capacity * d);
    this.boxHigh = new Float64Array(capacity * d);
  }
}

/** Reorders order[lo..hi] so that position kth holds the element of rank kth by `value` (Hoare's FIND). */
function select(order: Int32Array, value: (p: number) => number, lo: number, hi: number, kth: number): void {
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

/** Groups of equal rows, each listed in ascending row index, groups in order of their first row. */
function distinctRows(X: Matrix): Int32Array[] {
  const n = X.rows;
  const d = X.cols;
  const data = X.data;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    for (let j = 0; j < d; j++) {
      const t = data[a * d + j]! - data[b * d + j]!;
      if (t !== 0) return t;
    }
    return a - b;
  });
  const lists: number[][] = [];
  for (let p = 0; p < n; p++) {
    const row = order[p]!;
    const prev = p > 0 ? order[p - 1]! : -1;
    let same = prev >= 0;
    for (let j = 0; same && j < d; j++) same = data[row * d + j] === data[prev * d + j];
    if (!same) lists.push([]);
    lists[lists.length - 1]!.push(row);
  }
  lists.sort((a, b) => a[0]! - b[0]!);
  return lists.map((l) => Int32Array.from(l));
}
