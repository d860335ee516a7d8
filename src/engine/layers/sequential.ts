/**
 * Layers applied in order. Children are named "0", "1", ... as in PyTorch, so state-dict names match the familiar
 * ones ("3.weight"). A Linear without activation followed by an activation layer runs as one fused kernel.
 */
import type { Tensor } from '../tensor.ts';
import { ActivationLayer } from './activation.ts';
import { Linear } from './linear.ts';
import { Module } from './module.ts';

/** Anything with a single-tensor forward: what Sequential chains. */
export interface Layer extends Module {
  forward(x: Tensor): Tensor;
}

export class Sequential extends Module {
  readonly layers: readonly Layer[];

  constructor(layers: readonly Layer[]) {
    super();
    this.layers = layers;
    layers.forEach((layer, i) => this.registerModule(String(i), layer));
  }

  forward(x: Tensor): Tensor {
    let y = x;
    const layers = this.layers;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      const next = layers[i + 1];
      if (layer instanceof Linear && layer.activation === 'identity' && next instanceof ActivationLayer) {
        y = layer.forwardWithActivation(y, next.activation, next.alpha);
        i++;
      } else {
        y = layer.forward(y);
      }
    }
    return y;
  }
}
