/**
 * Learning-rate schedules. Call `step()` once per epoch (after the optimiser's steps of that epoch), as with PyTorch's
 * schedulers; each sets optimizer.lr from the optimiser's base rate and the number of epochs done, in closed form, so a
 * schedule restored with `epoch` continues exactly.
 */
import type { Optimizer } from './optimizer.ts';

export abstract class LrSchedule {
  /** epochs completed */
  epoch = 0;

  constructor(protected readonly optimizer: Optimizer) {}

  step(): void {
    this.epoch++;
    this.optimizer.lr = this.rateAt(this.epoch);
  }

  abstract rateAt(epoch: number): number;
}

/** lr · gamma^⌊epoch / stepSize⌋ */
export class StepLR extends LrSchedule {
  constructor(optimizer: Optimizer, readonly stepSize: number, readonly gamma = 0.1) {
    super(optimizer);
  }

  rateAt(epoch: number): number {
    return this.optimizer.baseLr * Math.pow(this.gamma, Math.floor(epoch / this.stepSize));
  }
}

/** lr · gamma^epoch */
export class ExponentialLR extends LrSchedule {
  constructor(optimizer: Optimizer, readonly gamma: number) {
    super(optimizer);
  }

  rateAt(epoch: number): number {
    return this.optimizer.baseLr * Math.pow(this.gamma, epoch);
  }
}

/** Cosine annealing from lr down to minLr over tMax epochs (SGDR without restarts); stays at minLr afterwards. */
export class CosineAnnealingLR extends LrSchedule {
  constructor(optimizer: Optimizer, readonly tMax: number, readonly minLr = 0) {
    super(optimizer);
  }

  rateAt(epoch: number): number {
    const t = Math.min(epoch, this.tMax);
    return this.minLr + (this.optimizer.baseLr - this.minLr) * (1 + Math.cos(Math.PI * t / this.tMax)) / 2;
  }
}
