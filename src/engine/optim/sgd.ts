/**
 * Stochastic gradient descent with momentum (PyTorch's convention, optional Nesterov), on the fused update kernel.
 */
import { backend } from '../context.ts';
import type { JsonValue } from '../state.ts';
import type { Parameter } from '../tensor.ts';
import { Optimizer } from './optimizer.ts';

export interface SgdOptions {
  /** learning rate (default 0.01) */
  lr?: number;
  /** momentum factor (default 0: plain SGD) */
  momentum?: number;
  /** L2 penalty added to the gradient (default 0) */
  weightDecay?: number;
  /** Nesterov momentum (default false) */
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly momentum: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  constructor(params: readonly Parameter[], options: SgdOptions = {}) {
    super(params, options.lr ?? 0.01, ['velocity']);
    this.momentum = options.momentum ?? 0;
    this.weightDecay = options.weightDecay ?? 0;
    this.nesterov = options.nesterov ?? false;
  }

  step(): void {
    const be = backend();
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i]!;
      if (!p.hasGrad) continue;
      this.steps[i]!++;
      be.sgdUpdate(p.data, p.grad!, this.slots[i]!.get('velocity')!.data, p.size, this.lr, this.momentum, this.weightDecay, this.nesterov);
    }
  }

  protected override hyperParameters(): Record<string, JsonValue> {
    return { lr: this.lr, momentum: this.momentum, weightDecay: this.weightDecay, nesterov: this.nesterov };
  }
}
