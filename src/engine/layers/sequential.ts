/**
 * Layers applied in order. Children are named "0", "1", ... as in PyTorch, so state-dict names match the familiar
 * ones ("3.weight"). A Linear without activation followed by an activation layer runs as one fused kernel.
 *
 * Scoring large image batches (no gradients, eval mode) runs in chunks of rows, each in a scope of its own, so the
 * intermediates of only one chunk are alive at a time: a 4096-image batch through a small convolutional autoencoder
 * otherwise holds every layer's full-batch output (~0.6 GB) until the batch ends. In eval mode every layer treats rows
 * independently, so the result is the same.
 */

/** Chunking applies to inputs of rank ≥ 3 (images, sequences) with at least this many values per row... */
const CHUNK_MIN_ROW_SIZE = 256;
/** ...in chunks of about this many input values (512 rows of 28×28 images: ~25 MB for a 16-channel layer output). */
const CHUNK_VALUES = 1 << 19;
import { scope } from '../scope.ts';
import { isGradEnabled } from '../tape.ts';
import { empty, Tensor } from '../tensor.ts';
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
    const rows = x.shape[0] ?? 0, rowSize = rows > 0 ? x.size / rows : 0;
    const chunk = Math.max(1, Math.floor(CHUNK_VALUES / Math.max(1, rowSize)));
    if (this.training || isGradEnabled() || x.rank < 3 || rowSize < CHUNK_MIN_ROW_SIZE || rows <= chunk) return this.forwardAll(x);
    const part = (start: number): Tensor => {
      const end = Math.min(rows, start + chunk);
      return new Tensor(x.data.subarray(start * rowSize, end * rowSize), [end - start, ...x.shape.slice(1)]);
    };
    const first = scope(() => this.forwardAll(part(0)));
    const outRow = first.size / Math.min(rows, chunk);
    const out = empty([rows, ...first.shape.slice(1)]);
    out.data.set(first.data);
    for (let start = chunk; start < rows; start += chunk) {
      scope(() => {
        out.data.set(this.forwardAll(part(start)).data, start * outRow);
      });
    }
    return out;
  }

  private forwardAll(x: Tensor): Tensor {
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
