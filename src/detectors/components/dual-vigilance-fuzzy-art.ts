/**
 * Dual-vigilance fuzzy ART (DVFA) — da Silva, Elnabarawy & Wunsch, "Dual vigilance fuzzy adaptive resonance theory",
 * Neural Networks 109, 2019; in the variant ARTime uses (Hampton 2021, after AdaptiveResonance.jl): an energy term
 * on the newest feature multiplies the fuzzy match, M = (|x ∧ w|₁ / |w|₁)³ · e², where e compares the newest value
 * and its complement with the category's.
 *
 * Fuzzy ART keeps categories as hyper-boxes (complement-coded weights); a sample resonates with a category whose match
 * passes the vigilance ρ, which then shrinks to include it (fast commit: w ← x ∧ w). Dual vigilance adds a lower bound:
 * a sample between ρ_lb and ρ_ub starts a new category of the same cluster, one below ρ_lb starts a new cluster. A new
 * cluster is what ARTime calls a novelty.
 *
 * Categories are copy-on-write (a commit replaces a category's array rather than writing into it), so `clone()` is
 * cheap: a streaming detector can try a sample on a clone and keep or drop the result.
 */

export interface ArtResult {
  /** the sample's cluster label, or −1 when it started a new cluster */
  label: number;
  /** match of the best category (ARTime's A) */
  similarity: number;
  /** energy similarity of that category (ARTime's Ae) */
  energy: number;
}

export class DualVigilanceFuzzyArt {
  rhoLower = 0;
  rhoUpper = 0;
  /** complement-coded weights, 2·dim values each */
  weights: Float64Array[] = [];
  labels: number[] = [];
  clusters = 0;

  constructor(readonly dim: number) {}

  clone(): DualVigilanceFuzzyArt {
    const c = new DualVigilanceFuzzyArt(this.dim);
    c.rhoLower = this.rhoLower;
    c.rhoUpper = this.rhoUpper;
    c.weights = this.weights.slice();
    c.labels = this.labels.slice();
    c.clusters = this.clusters;
    return c;
  }

  private complement(x: ArrayLike<number>): Float64Array {
    const out = new Float64Array(2 * this.dim);
    for (let k = 0; k < this.dim; k++) {
      out[k] = x[k]!;
      out[this.dim + k] = 1 - x[k]!;
    }
    return out;
  }

  /** The first sample ever seeds one all-ones category (cluster 1) and is not itself learned, as AdaptiveResonance.jl does. */
  private initialise(): ArtResult {
    this.weights = [new Float64Array(2 * this.dim).fill(1)];
    this.labels = [1];
    this.clusters = 1;
    return { label: 1, similarity: 0, energy: 0 };
  }

  /** Presents one sample; with `learning` false only the match is computed (no category changes). */
  train(sample: ArrayLike<number>, learning = true): ArtResult {
    if (this.weights.length === 0) return this.initialise();
    return this.present(this.complement(sample), learning);
  }

  /** Presents samples in order, the first of a fresh network seeding it; returns each sample's similarity. */
  trainAll(samples: readonly ArrayLike<number>[]): number[] {
    const out: number[] = [];
    for (const s of samples) out.push(this.train(s).similarity);
    return out;
  }

  private present(x: Float64Array, learning: boolean): ArtResult {
    const n = this.weights.length;
    const d = this.dim;
    const match = new Float64Array(n);
    const energy = new Float64Array(n);
    const meets: Float64Array[] = [];
    for (let j = 0; j < n; j++) {
      const w = this.weights[j]!;
      const meet = new Float64Array(2 * d);
      let num = 0;
      let norm = 0;
      for (let k = 0; k < 2 * d; k++) {
        const m = x[k]! < w[k]! ? x[k]! : w[k]!;
        meet[k] = m;
        num += m;
        norm += w[k]!;
      }
      meets.push(meet);
      if (norm === 0) norm = 0.001;
      const we = w[d - 1]! + w[2 * d - 1]!;
      const e = we === 0 ? 0 : (meet[d - 1]! + meet[2 * d - 1]!) / we;
      match[j] = (num / norm) ** 3 * e * e;
      energy[j] = e;
    }
    // categories by match, best first (stable, as Julia's sortperm)
    const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => match[b]! - match[a]!);
    let best = 0;
    let bestEnergy = 0;
    let mismatch = true;
    let label = -1;
    for (const j of order) {
      if (match[j]! > best) {
        best = match[j]!;
        bestEnergy = energy[j]!;
      }
      if (!learning) continue;
      if (match[j]! >= this.rhoUpper) {
        this.weights[j] = meets[j]!; // fast commit w ← x ∧ w, as a new array (copy-on-write)
        if (match[j]! >= best) label = this.labels[j]!;
        mismatch = false;
      } else if (match[j]! >= this.rhoLower && mismatch) {
        if (match[j]! >= best) label = this.labels[j]!;
        this.labels.push(label);
        this.weights.push(x);
        mismatch = false;
        break;
      } else break;
    }
    if (mismatch && learning) {
      label = -1;
      this.labels.push(this.clusters + 1);
      this.weights.push(x);
      this.clusters += 1;
    }
    return { label, similarity: best, energy: bestEnergy };
  }
}
