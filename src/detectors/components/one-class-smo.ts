/**
 * The one-class SVM dual (Schölkopf et al., Neural Computation 2001) solved by SMO as in LIBSVM (Chang & Lin, ACM
 * TIST 2011; working-set selection by second-order information, Fan, Chen & Lin, JMLR 2005):
 *
 *   minimise ½ αᵀQα   subject to 0 ≤ αᵢ ≤ 1 and Σ αᵢ = ν·l,
 *
 * LIBSVM's scaling (upper bound 1, sum ν·l), so α and ρ equal scikit-learn's dual_coef_ and −intercept_. Each step
 * moves the pair (i, j) that most violates the optimality conditions — i the steepest feasible descent, j the partner
 * that decreases the objective most under a second-order model — until the gap between them falls below `tolerance`.
 */
export interface KernelRows {
  readonly size: number;
  row(i: number): Float32Array;
  diagonal(i: number): number;
}

export interface OneClassSolution {
  alpha: Float64Array;
  rho: number;
  /** Qα at the solution */
  gradient: Float64Array;
  iterations: number;
  /** false when the iteration cap stopped the solver before the tolerance was met */
  converged: boolean;
}

/** LIBSVM's TAU: stands in for a non-positive curvature so that a step stays finite. */
const TAU = 1e-12;

export function solveOneClass(kernel: KernelRows, nu: number, tolerance: number, maxIterations?: number): OneClassSolution {
  const l = kernel.size;
  const alpha = new Float64Array(l);
  // LIBSVM's start: the first ⌊ν·l⌋ at the bound, the remainder on the next one, so Σα = ν·l holds from the start.
  const atBound = Math.floor(nu * l);
  for (let i = 0; i < atBound; i++) alpha[i] = 1;
  if (atBound < l) alpha[atBound] = nu * l - atBound;
  const G = new Float64Array(l);
  for (let j = 0; j < l; j++) {
    const a = alpha[j]!;
    if (a === 0) continue;
    const Qj = kernel.row(j);
    for (let t = 0; t < l; t++) G[t]! += a * Qj[t]!;
  }
  const diag = new Float64Array(l);
  for (let i = 0; i < l; i++) diag[i] = kernel.diagonal(i);
  const cap = maxIterations ?? Math.max(10_000_000, 100 * l);
  let iterations = 0;
  let converged = false;
  while (iterations < cap) {
    // i: the largest −G among rows that can still grow.
    let gMax = -Infinity;
    let i = -1;
    for (let t = 0; t < l; t++) {
      if (alpha[t]! < 1 && -G[t]! >= gMax) {
        gMax = -G[t]!;
        i = t;
      }
    }
    // j: among rows that can shrink, the one whose pairing with i decreases the objective most.
    let gMax2 = -Infinity;
    let j = -1;
    let best = Infinity;
    const Qi = i >= 0 ? kernel.row(i) : undefined;
    for (let t = 0; t < l; t++) {
      if (alpha[t]! <= 0) continue;
      const g = G[t]!;
      if (g >= gMax2) gMax2 = g;
      const gradDiff = gMax + g;
      if (gradDiff > 0 && Qi !== undefined) {
        const quad = diag[i]! + diag[t]! - 2 * Qi[t]!;
        const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
        if (objDiff <= best) {
          best = objDiff;
          j = t;
        }
      }
    }
    if (gMax + gMax2 < tolerance || i < 0 || j < 0) {
      converged = true;
      break;
    }
    iterations++;
    // Qi stays valid: the cache evicts least recently used rows first and holds at least two.
    const Qj = kernel.row(j);
    const Qi2 = Qi!;
    const oldI = alpha[i]!;
    const oldJ = alpha[j]!;
    let quad = diag[i]! + diag[j]! - 2 * Qi2[j]!;
    if (quad <= 0) quad = TAU;
    const delta = (G[i]! - G[j]!) / quad;
    const sum = oldI + oldJ;
    let ai = oldI - delta;
    let aj = oldJ + delta;
    // Clip to the box along the line αᵢ + αⱼ = sum (LIBSVM's four cases with both bounds 1).
    if (sum > 1) {
      if (ai > 1) {
        ai = 1;
        aj = sum - 1;
      }
    } else if (aj < 0) {
      aj = 0;
      ai = sum;
    }
    if (sum > 1) {
      if (aj > 1) {
        aj = 1;
        ai = sum - 1;
      }
    } else if (ai < 0) {
      ai = 0;
      aj = sum;
    }
    alpha[i] = ai;
    alpha[j] = aj;
    const dI = ai - oldI;
    const dJ = aj - oldJ;
    for (let t = 0; t < l; t++) G[t]! += Qi2[t]! * dI + Qj[t]! * dJ;
  }
  return { alpha, rho: offset(alpha, G), gradient: G, iterations, converged };
}

/**
 * ρ: the mean gradient over free αs (0 < α < 1), which all equal ρ at the optimum; with none free, the middle of the
 * interval the bounded ones allow (LIBSVM's calculate_rho).
 */
function offset(alpha: Float64Array, G: Float64Array): number {
  let upper = Infinity;
  let lower = -Infinity;
  let sum = 0;
  let free = 0;
  for (let t = 0; t < alpha.length; t++) {
    const g = G[t]!;
    if (alpha[t]! >= 1) lower = Math.max(lower, g);
    else if (alpha[t]! <= 0) upper = Math.min(upper, g);
    else {
      free++;
      sum += g;
    }
  }
  return free > 0 ? sum / free : (upper + lower) / 2;
}
