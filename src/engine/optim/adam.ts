/**
 * Adam (Kingma & Ba, 2015) and AdamW (Loshchilov & Hutter, 2019), on the backend's fused update kernel: one pass over
 * each parameter updates m, v and the value together.
 */
import { backend } from '../context.ts';
import type { JsonValue } from '../state.ts';
import type { Parameter } from '../tensor.ts';
import { Optimizer } from './optimizer.ts';

export interface AdamOptions {
  /** learning rate (default 1e-3) */
  lr?: number;
  /** decay rates of the first and second moment estimates (default [0.9, 0.999]) */
  betas?: readonly [number, number];
  /** added to the denominator for stability (default 1e-8) */
  eps?: number;
  /** L2 penalty (Adam: added to the gradient; AdamW: decoupled, default 0 for Adam and 0.01 for AdamW) */
  weightDecay?: number;
}

export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  protected readonly decoupled: boolean = false;

  constructor(params: readonly Parameter[], options: AdamOptions = {}, defaultWeightDecay = 0) {
    super(params, options.lr ?? 1e-3, ['m', 'v']);
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? defaultWeightDecay;
  }

  step(): void {
    const be = backend();
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i]!;
      if (!p.hasGrad) continue;
      const slots = this.slots[i]!;
      const step = ++this.steps[i]!;
      be.adamUpdate(p.data, p.grad!, slots.get('m')!.data, slots.get('v')!.data, p.size, this.lr,
        this.beta1, this.beta2, this.eps, this.weightDecay, step, this.decoupled);
    }
  }

  protected override hyperParameters(): Record<string, JsonValue> {
    return { lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }
}

/** Adam with decoupled weight decay: the parameter shrinks by lr·weightDecay each step, apart from the gradient. */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(params: readonly Parameter[], options: AdamOptions = {}) {
    super(params, options, 0.01);
  }
}
