/**
 * The k best candidates seen so far for one query: a bounded max-heap on (distance, index).
 *
 * Ordering by index after distance makes ties deterministic: among equidistant reference rows the lower row index
 * wins, whatever order a search visits them in. A search may skip a region only when its lower bound is strictly
 * worse than the current k-th candidate (see `accepts`), so tie-breaking is the same for every search strategy.
 */
export class NearestSet {
  readonly k: number;
  private readonly dist: Float64Array;
  private readonly idx: Int32Array;
  private size = 0;

  constructor(k: number) {
    this.k = k;
    this.dist = new Float64Array(k);
    this.idx = new Int32Array(k);
  }

  reset(): void {
    this.size = 0;
  }

  get count(): number {
    return this.size;
  }

  /** The distance a candidate must beat (or tie with a lower index) to enter; Infinity until k are held. */
  get bound(): number {
    return this.size < this.k ? Infinity : this.dist[0]!;
  }

  /** The index of the k-th candidate, which a candidate exactly at `bound` must undercut; max int until k are held. */
  get boundIndex(): number {
    return this.size < this.k ? 0x7fffffff : this.idx[0]!;
  }

  /** Offers a candidate (squared distance or any monotone distance, and its reference index). */
  push(d: number, i: number): void {
    const k = this.k;
    if (this.size < k) {
      // Sift up from the new leaf.
      let c = this.size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(d, i, this.dist[p]!, this.idx[p]!)) break;
        this.dist[c] = this.dist[p]!;
        this.idx[c] = this.idx[p]!;
        c = p;
      }
      this.dist[c] = d;
      this.idx[c] = i;
      return;
    }
    if (!worse(this.dist[0]!, this.idx[0]!, d, i)) return;
    // Replace the root (the worst held) and sift down.
    this.siftDown(d, i, k);
  }

  /** Puts (d, i) at the root of the max-heap of the first `size` slots and sifts it down to its place. */
  private siftDown(d: number, i: number, size: number): void {
    let p = 0;
    for (;;) {
      const l = 2 * p + 1;
      if (l >= size) break;
      const r = l + 1;
      let c = l;
      if (r < size && worse(this.dist[r]!, this.idx[r]!, this.dist[l]!, this.idx[l]!)) c = r;
      if (!worse(this.dist[c]!, this.idx[c]!, d, i)) break;
      this.dist[p] = this.dist[c]!;
      this.idx[p] = this.idx[c]!;
      p = c;
    }
    this.dist[p] = d;
    this.idx[p] = i;
  }

  /**
   * Writes the held candidates, nearest first, into `indices` / `distances` at `offset`, applying `transform` to each
   * distance (e.g. Math.sqrt for squared distances). Empties the set.
   */
  drain(indices: Int32Array, distances: Float64Array, offset: number, transform: (d: number) => number = identity): void {
    // Popping the max-heap yields farthest first: fill from the back.
    for (let slot = this.size - 1; slot >= 0; slot--) {
      indices[offset + slot] = this.idx[0]!;
      distances[offset + slot] = transform(this.dist[0]!);
      const last = --this.size;
      this.siftDown(this.dist[last]!, this.idx[last]!, last);
    }
  }
}

/** (da, ia) ranks after (db, ib): farther, or as far with a higher index. */
function worse(da: number, ia: number, db: number, ib: number): boolean {
  return da > db || (da === db && ia > ib);
}

function identity(d: number): number {
  return d;
}
