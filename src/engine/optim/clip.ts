/**
 * Gradient clipping by global norm (PyTorch's clip_grad_norm_): when the L2 norm of all gradients together exceeds
 * maxNorm, every gradient is scaled by maxNorm / norm, which keeps the update's direction. Essential for recurrent nets.
 */
import type { Parameter } from '../tensor.ts';

/** Clips in place and returns the norm before clipping. */
export function clipGradNorm(params: readonly Parameter[], maxNorm: number): number {
  let sumSquares = 0;
  for (const p of params) {
    if (!p.hasGrad) continue;
    const g = p.grad!;
    for (let i = 0; i < g.length; i++) sumSquares += g[i]! * g[i]!;
  }
  const norm = Math.sqrt(sumSquares);
  if (norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-6);
    for (const p of params) {
      if (!p.hasGrad) continue;
      const g = p.grad!;
      for (let i = 0; i < g.length; i++) g[i]! *= scale;
    }
  }
  return norm;
}
