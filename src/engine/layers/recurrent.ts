/**
 * LSTM and GRU layers (batch-first, optionally stacked), on the sequence ops of ops/recurrent.ts. Initialised as
 * PyTorch does: every weight and bias uniform in ±1/√hidden.
 */
import type { Rng } from '../../core/rng.ts';
import { uniform } from '../init.ts';
import { dropout } from '../ops/dropout.ts';
import { gru, lstm } from '../ops/recurrent.ts';
import { Parameter, type Tensor } from '../tensor.ts';
import { Module } from './module.ts';

export interface RecurrentLayerOptions {
  rng: Rng;
  /** stacked layers (default 1) */
  numLayers?: number;
  bias?: boolean;
  /** dropout on the outputs of every layer but the last, in training (default 0) */
  dropout?: number;
}

export interface RecurrentState {
  h: Tensor;
  /** LSTM only */
  c?: Tensor;
}

export interface RecurrentForwardOptions {
  /** initial state of each layer (default zeros) */
  initial?: readonly RecurrentState[];
  /** hidden states of every step of the last layer (default true); false when only the final state is used */
  returnSequences?: boolean;
}

export interface RecurrentOutput {
  /** [batch, time, hidden] of the last layer, or null with returnSequences false */
  output: Tensor | null;
  /** final hidden state of the last layer [batch, hidden] */
  h: Tensor;
  /** final state of every layer */
  states: RecurrentState[];
}

abstract class RecurrentLayer extends Module {
  protected readonly weights: { wih: Parameter; whh: Parameter; bih: Parameter | null; bhh: Parameter | null }[] = [];
  readonly numLayers: number;
  private readonly dropoutP: number;

  constructor(readonly inputSize: number, readonly hiddenSize: number, gates: number, twoBiases: boolean, protected readonly options: RecurrentLayerOptions) {
    super();
    this.numLayers = options.numLayers ?? 1;
    this.dropoutP = options.dropout ?? 0;
    const limit = 1 / Math.sqrt(hiddenSize), width = gates * hiddenSize;
    for (let l = 0; l < this.numLayers; l++) {
      const wih = this.registerParameter(`weightIh${l}`, new Parameter([l === 0 ? inputSize : hiddenSize, width]));
      const whh = this.registerParameter(`weightHh${l}`, new Parameter([hiddenSize, width]));
      const withBias = options.bias ?? true;
      const bih = withBias ? this.registerParameter(twoBiases ? `biasIh${l}` : `bias${l}`, new Parameter([width])) : null;
      const bhh = withBias && twoBiases ? this.registerParameter(`biasHh${l}`, new Parameter([width])) : null;
      for (const p of [wih, whh, bih, bhh]) if (p !== null) uniform(p, limit, options.rng);
      this.weights.push({ wih, whh, bih, bhh });
    }
  }

  protected abstract layer(l: number, x: Tensor, initial: RecurrentState | undefined, returnSequences: boolean): { output: Tensor | null; state: RecurrentState };

  forward(x: Tensor, options: RecurrentForwardOptions = {}): RecurrentOutput {
    const states: RecurrentState[] = [];
    let input = x;
    let output: Tensor | null = null;
    for (let l = 0; l < this.numLayers; l++) {
      const last = l === this.numLayers - 1;
      const result = this.layer(l, input, options.initial?.[l], !last || (options.returnSequences ?? true));
      states.push(result.state);
      output = result.output;
      if (!last) input = dropout(output!, this.dropoutP, this.options.rng, this.training);
    }
    return { output, h: states[states.length - 1]!.h, states };
  }
}

/** Long short-term memory (Hochreiter & Schmidhuber, 1997), PyTorch's gate order i, f, g, o. */
export class LSTM extends RecurrentLayer {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions) {
    super(inputSize, hiddenSize, 4, false, options);
  }

  protected layer(l: number, x: Tensor, initial: RecurrentState | undefined, returnSequences: boolean): { output: Tensor | null; state: RecurrentState } {
    const w = this.weights[l]!;
    const r = lstm(x, w.wih, w.whh, w.bih, {
      returnSequences,
      ...(initial !== undefined ? { h0: initial.h } : {}),
      ...(initial?.c !== undefined ? { c0: initial.c } : {}),
    });
    return { output: r.output, state: { h: r.h, c: r.c! } };
  }
}

/** Gated recurrent unit (Cho et al., 2014), PyTorch's gate order r, z, n. */
export class GRU extends RecurrentLayer {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions) {
    super(inputSize, hiddenSize, 3, true, options);
  }

  protected layer(l: number, x: Tensor, initial: RecurrentState | undefined, returnSequences: boolean): { output: Tensor | null; state: RecurrentState } {
    const w = this.weights[l]!;
    const r = gru(x, w.wih, w.whh, w.bih, w.bhh, { returnSequences, ...(initial !== undefined ? { h0: initial.h } : {}) });
    return { output: r.output, state: { h: r.h } };
  }
}
