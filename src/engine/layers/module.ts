/**
 * The base of every layer and model: named parameters, buffers (non-trained state such as batch-norm running
 * statistics) and sub-modules, in registration order, with PyTorch-style dotted names ("encoder.0.weight");
 * train / eval modes; state dicts.
 */
import type { Parameter, Tensor } from '../tensor.ts';
import { checkNoUnexpected, emptyStateDict, loadTensor, putTensor, type StateDict } from '../state.ts';

export class Module {
  /** training mode (dropout active, batch norm uses batch statistics); switch with train() / eval() */
  training = true;
  private readonly ownParameters = new Map<string, Parameter>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  protected registerParameter<P extends Parameter>(name: string, p: P): P {
    this.ownParameters.set(name, p);
    return p;
  }

  protected registerBuffer<T extends Tensor>(name: string, t: T): T {
    this.ownBuffers.set(name, t);
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** All trainable parameters, this module's first, then each child's in registration order. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedParameters(prefix = ''): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [name, p] of this.ownParameters) out.push([prefix + name, p]);
    for (const [name, child] of this.children) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, t] of this.ownBuffers) out.push([prefix + name, t]);
    for (const [name, child] of this.children) out.push(...child.namedBuffers(`${prefix}${name}.`));
    return out;
  }

  modules(): Module[] {
    return [this, ...[...this.children.values()].flatMap((c) => c.modules())];
  }

  /** Number of trainable values. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Copies of every parameter and buffer, by dotted name. */
  stateDict(): StateDict {
    const state = emptyStateDict();
    for (const [name, t] of [...this.namedParameters(), ...this.namedBuffers()]) putTensor(state, name, t);
    return state;
  }

  /** Restores parameters and buffers; every name must be present with the same shape, and no other names. */
  loadStateDict(state: StateDict): void {
    const entries = [...this.namedParameters(), ...this.namedBuffers()];
    const owner = this.constructor.name;
    checkNoUnexpected(state, entries.map(([n]) => n), owner);
    for (const [name, t] of entries) loadTensor(state, name, t, owner, false);
    for (const [name, t] of entries) loadTensor(state, name, t, owner);
  }
}
