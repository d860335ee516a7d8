import { Rng } from '../../core/rng.ts';

/**
 * The random-score baseline every time-series table reports beside a detector (Kim et al., AAAI 2022, show that
 * point adjustment lets such a score look state-of-the-art): uniform scores in [0, 1), seeded.
 */
export function randomScores(length: number, seed = 0): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length }, () => rng.next());
}
