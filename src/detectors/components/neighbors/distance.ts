/**
 * Squared Euclidean distance between two rows stored in flat row-major arrays.
 *
 * Every search (KD-tree, brute force) and every detector that re-measures a neighbour calls this one function, so the
 * same pair always gives the bit-identical value: that is what makes the two searches return the same neighbours,
 * ties included. The direct Σ(a−b)² form is used rather than ‖a‖²+‖b‖²−2a·b because without a BLAS the expansion
 * buys no speed in JavaScript, and it loses digits (and gives tiny negative values) for near-duplicate rows.
 */
export function squaredDistance(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = a[aOffset + j]! - b[bOffset + j]!;
    s += t * t;
  }
  return s;
}
