/**
 * What every optimiser shares: the parameters it updates, the learning rate (which schedules change), zeroGrad, and
 * the state dict of its per-parameter buffers (named "<parameter index>.<buffer>") and step counts.
 */
import { ShapeError } from '../../core/errors.ts';
import { backend } from '../context.ts';
import { checkNoUnexpected, emptyStateDict, loadTensor, putTensor, type JsonValue, type StateDict } from '../state.ts';
import { Tensor, type Parameter } from '../tensor.ts';

export abstract class Optimizer {
  readonly params: readonly Parameter[];
  /** the current learning rate; schedules (schedule.ts) set it, steps read it */
  lr: number;
  /** the initial learning rate, from which schedules compute theirs */
  readonly baseLr: number;
  /** per parameter: [buffer name, buffer] (e.g. Adam's m and v), in backend memory */
  protected readonly slots: Map<string, Tensor>[];
  /** per parameter: how many updates it has received (Adam's bias correction counts per parameter, like PyTorch) */
  protected readonly steps: Int32Array;

  constructor(params: readonly Parameter[], lr: number, slotNames: readonly string[]) {
    if (!(lr > 0)) throw new RangeError(`The learning rate must be a positive number. Got ${lr} instead.`);
    if (new Set(params).size !== params.length) throw new Error('An optimiser was given the same parameter twice.');
    this.params = params;
    this.lr = lr;
    this.baseLr = lr;
    this.slots = params.map((p) => new Map(slotNames.map((name) => [name, new Tensor(backend().alloc(p.size), p.shape)])));
    this.steps = new Int32Array(params.length);
  }

  /** Forgets the gradients, so the next backward pass starts them afresh. */
  zeroGrad(): void {
    for (const p of this.params) {
      p.hasGrad = false;
      p.grad?.fill(0);
    }
  }

  /** One update of every parameter that received a gradient since the last zeroGrad (the others are left alone). */
  abstract step(): void;

  protected hyperParameters(): Record<string, JsonValue> {
    return { lr: this.lr };
  }

  stateDict(): StateDict {
    const state = emptyStateDict();
    this.slots.forEach((slots, i) => { for (const [name, t] of slots) putTensor(state, `${i}.${name}`, t); });
    state.metadata = { kind: this.constructor.name, steps: [...this.steps], ...this.hyperParameters() };
    return state;
  }

  /** Restores the buffers, step counts and learning rate saved by stateDict (the same parameters in the same order). */
  loadStateDict(state: StateDict): void {
    const owner = this.constructor.name;
    const steps = state.metadata['steps'];
    if (state.metadata['kind'] !== owner) {
      throw new ShapeError(`${owner}.loadStateDict: the state dict is of a ${String(state.metadata['kind'])} optimiser.`);
    }
    if (!Array.isArray(steps) || steps.length !== this.params.length) {
      throw new ShapeError(`${owner}.loadStateDict: the state dict is for ${Array.isArray(steps) ? steps.length : 'an unknown number of'} parameters; this optimiser has ${this.params.length}.`);
    }
    const entries = this.slots.flatMap((slots, i) => [...slots].map(([name, t]) => [`${i}.${name}`, t] as const));
    checkNoUnexpected(state, entries.map(([n]) => n), owner);
    for (const [name, t] of entries) loadTensor(state, name, t, owner, false);
    for (const [name, t] of entries) loadTensor(state, name, t, owner);
    steps.forEach((s, i) => { this.steps[i] = Number(s); });
    if (typeof state.metadata['lr'] === 'number') this.lr = state.metadata['lr'];
  }
}
