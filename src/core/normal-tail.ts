/**
 * The two-sided tail of the standard normal distribution, to full double precision. Scores like NAB's
 * windowed-Gaussian 1 − Q(|z|) sit within 1e-12 of 1 for the outliers that matter, where a 1e-7 approximation of erf
 * (A&S 7.1.26, which the project once used besides) would blur which rows reach a threshold of 1.0. One erf for the
 * whole project: predictProba's 'unify' mode, windowed Gaussian and the anomaly likelihood all read it from here.
 */

/** erf(x) for x >= 0, with absolute error near machine precision. */
function erfNonNegative(x: number): number {
  if (x < 2.5) {
    // erf(x) = 2/√π · e^{−x²} · Σ (2x²)^n x / (1·3·…·(2n+1)): all terms positive, so no cancellation.
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 0; n < 200 && term > sum * 1e-17; n++) {
      term *= (2 * x2) / (2 * n + 3);
      sum += term;
    }
    return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  }
  return 1 - erfcLarge(x);
}

/** erfc(x) for x >= 2.5 by its continued fraction (modified Lentz), accurate relative to its own size. */
function erfcLarge(x: number): number {
  if (x > 27) return 0; // below the smallest double
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

export function erf(x: number): number {
  return x < 0 ? -erfNonNegative(-x) : erfNonNegative(x);
}

export function erfc(x: number): number {
  if (x >= 2.5) return erfcLarge(x);
  return 1 - erf(x);
}

/** Q(z) = P(Z > z) for a standard normal Z: the upper tail probability. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}
