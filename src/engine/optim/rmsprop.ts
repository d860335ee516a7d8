/**
 * RMSprop (Tieleman & Hinton, 2012), as Keras defines it — the optimiser of DevNet's authors' code: a running mean of
 * squared gradients v ← ρ·v + (1 − ρ)·g², and the step w ← w − lr·g / (√v + ε). Keras's `clipnorm` is here too: each
 * parameter's gradient is rescaled to norm at most `clipNorm` before the update (per parameter, as Keras clips each
 * gradient tensor on its own, unlike clipGradNorm's one global norm).
 * Plain loops over the parameter's values: the networks that use it are small, so no fused kernel.
 */
import type { JsonValue } from '../state.ts';
import type { Parameter } from '../tensor.ts';
import { Optimizer } from './optimizer.ts';

export interface RmsPropOptions {
  /** learning rate (default 1e-3, Keras's) */
  lr?: number;
  /** decay of the running mean of squared gradients (default 0.9, Keras's) */
  rho?: number;
  /** added to the root of the running mean (default 1e-7, Keras's) */
  eps?: number;
  /** L2 penalty added to the gradient (default 0) */
  weightDecay?: number;
  /** when set, each parameter's gradient is scaled down to this norm if its norm is larger */
  clipNorm?: number;
}

export class RMSprop extends Optimizer {
  readonly rho: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly clipNorm: number | undefined;

  constructor(params: readonly Parameter[], options: RmsPropOptions = {}) {
    super(params, options.lr ?? 1e-3, ['v']);
    this.rho = options.rho ?? 0.9;
    this.eps = options.eps ?? 1e-7;
    this.weightDecay = options.weightDecay ?? 0;
    this.clipNorm = options.clipNorm;
    if (!(this.rho >= 0 && this.rho < 1)) throw new RangeError(`RMSprop's rho must be in [0, 1). Got ${this.rho} instead.`);
    if (this.clipNorm !== undefined && !(this.clipNorm > 0)) throw new RangeError(`RMSprop's clipNorm must be a positive number. Got ${this.clipNorm} instead.`);
  }

  step(): void {
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i]!;
      if (!p.hasGrad) continue;
      this.steps[i]!++;
      const w = p.data, g = p.grad!, v = this.slots[i]!.get('v')!.data;
      let scale = 1;
      if (this.clipNorm !== undefined) {
        let ss = 0;
        for (let j = 0; j < p.size; j++) ss += g[j]! * g[j]!;
        const norm = Math.sqrt(ss);
        if (norm > this.clipNorm) scale = this.clipNorm / norm;
      }
      for (let j = 0; j < p.size; j++) {
        const grad = g[j]! * scale + this.weightDecay * w[j]!;
        const vj = this.rho * v[j]! + (1 - this.rho) * grad * grad;
        v[j] = vj;
        w[j] = w[j]! - this.lr * grad / (Math.sqrt(vj) + this.eps);
      }
    }
  }

  protected override hyperParameters(): Record<string, JsonValue> {
    return { lr: this.lr, rho: this.rho, eps: this.eps, weightDecay: this.weightDecay, clipNorm: this.clipNorm ?? null };
  }
}
