/**
 * LSTM and GRU over whole sequences, on the backend's fused cell kernels.
 *
 * The input projection of every time step is one GEMM over the whole (time-major) sequence, and so are the weight
 * gradients in the backward pass: only the recurrent h·W_hh product and the cell kernel run per step. Inputs and outputs
 * are batch-first ([batch, time, features], PyTorch's batch_first=True); internally the sequence is time-major so each
 * step's rows are contiguous. Weights are stored [inputs, gates·hidden] (transposed against PyTorch) with PyTorch's gate
 * order: i, f, g, o for the LSTM and r, z, n for the GRU.
 */
import { ShapeError } from '../../core/errors.ts';
import { arena, backend } from '../context.ts';
import { formatShape } from '../shape.ts';
import { gradTarget, needsGrad, recordGroup } from '../tape.ts';
import { Tensor } from '../tensor.ts';

export interface RecurrentResult {
  /** hidden state at every step [batch, time, hidden]; null when sequences were not asked for */
  output: Tensor | null;
  /** last hidden state [batch, hidden] */
  h: Tensor;
  /** last cell state [batch, hidden] (LSTM only) */
  c: Tensor | null;
}

export interface RecurrentOptions {
  /** initial hidden state [batch, hidden] (default zeros) */
  h0?: Tensor;
  /** initial cell state [batch, hidden] (LSTM only, default zeros) */
  c0?: Tensor;
  /** produce the hidden state of every step (default true); false saves a copy when only the last one is used */
  returnSequences?: boolean;
}

/** dst[t, b, :] (+)= src[b, t, :] (or the reverse with toBatchFirst) for a [batch, time, width] block. */
function swapBatchTime(src: Float32Array, batch: number, time: number, width: number, dst: Float32Array, toBatchFirst: boolean, accumulate: boolean): void {
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) {
      const bf = (b * time + t) * width, tm = (t * batch + b) * width;
      const from = toBatchFirst ? tm : bf, to = toBatchFirst ? bf : tm;
      if (accumulate) for (let j = 0; j < width; j++) dst[to + j]! += src[from + j]!;
      else dst.set(src.subarray(from, from + width), to);
    }
  }
}

function checkInputs(what: string, x: Tensor, wih: Tensor, whh: Tensor, gates: number, biases: (Tensor | null)[], states: (Tensor | undefined)[]): [number, number, number, number] {
  if (x.rank !== 3) throw new ShapeError(`${what}: the input must be [batch, time, features]; got ${formatShape(x.shape)}.`);
  const [batch, time, inputs] = x.shape as [number, number, number];
  const hidden = whh.shape[0]!;
  if (wih.rank !== 2 || wih.shape[0] !== inputs || wih.shape[1] !== gates * hidden) {
    throw new ShapeError(`${what}: the input weight ${formatShape(wih.shape)} must be [${inputs}, ${gates * hidden}] for input ${formatShape(x.shape)} and hidden size ${hidden}.`);
  }
  if (whh.rank !== 2 || whh.shape[1] !== gates * hidden) {
    throw new ShapeError(`${what}: the recurrent weight ${formatShape(whh.shape)} must be [${hidden}, ${gates * hidden}].`);
  }
  for (const b of biases) {
    if (b !== null && b.size !== gates * hidden) throw new ShapeError(`${what}: the bias ${formatShape(b.shape)} must have ${gates * hidden} values.`);
  }
  for (const s of states) {
    if (s !== undefined && (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== hidden)) {
      throw new ShapeError(`${what}: an initial state ${formatShape(s.shape)} must be [${batch}, ${hidden}].`);
    }
  }
  if (time < 1) throw new ShapeError(`${what}: the input ${formatShape(x.shape)} has no time steps.`);
  return [batch, time, inputs, hidden];
}

/** Adds bias to every row of a rows × width block in place (or nothing for a null bias). */
function addBias(block: Float32Array, bias: Tensor | null, rows: number, width: number): void {
  if (bias !== null) backend().biasActivation(block, bias.data, rows, width, 'identity', 0, block);
}

/**
 * Buffers for the states of every step: all time + 1 of them when the backward pass or the sequence output needs them,
 * else just two used alternately (scoring a long sequence then touches a few kilobytes, not the whole history).
 */
class StepStates {
  readonly data: Float32Array;
  private readonly slots: number;

  constructor(time: number, private readonly stateSize: number, keepAll: boolean, initial: Tensor | undefined) {
    this.slots = keepAll ? time + 1 : 2;
    this.data = arena().take(this.slots * stateSize);
    const first = this.at(0);
    if (initial === undefined) first.fill(0);
    else first.set(initial.data);
  }

  /** the state after t steps (t = 0: the initial state) */
  at(t: number): Float32Array {
    const slot = this.slots === 2 ? t % 2 : t;
    return this.data.subarray(slot * this.stateSize, (slot + 1) * this.stateSize);
  }
}

/** The sequence output [batch, time, hidden] from the time-major hidden states (which must keep every step). */
function sequenceOutput(hs: StepStates, batch: number, time: number, hidden: number): Tensor {
  const output = new Tensor(arena().take(batch * time * hidden), [batch, time, hidden]);
  swapBatchTime(hs.data.subarray(batch * hidden), batch, time, hidden, output.data, true, false);
  return output;
}

/** Gradient of the loss w.r.t. the hidden state of each step arriving from `output` (time-major), or null. */
function sequenceGrad(output: Tensor | null, batch: number, time: number, hidden: number): Float32Array | null {
  if (output === null || !output.hasGrad) return null;
  const g = arena().take(batch * time * hidden);
  swapBatchTime(output.grad!, batch, time, hidden, g, false, false);
  return g;
}

/** Writes the gradients of the input and the two weights shared by both cells, from the stacked gate gradients. */
function projectionGrads(x: Tensor, xt: Float32Array, wih: Tensor, dGx: Float32Array, whh: Tensor, hs: Float32Array, dGh: Float32Array,
  batch: number, time: number, inputs: number, hidden: number, gates: number): void {
  const be = backend();
  const rows = time * batch, width = gates * hidden;
  if (wih.requiresGrad) be.gemm(true, false, inputs, width, rows, 1, xt, dGx, gradTarget(wih), wih.grad!);
  // hs[0 .. time-1] are the hidden states each step started from
  if (whh.requiresGrad) be.gemm(true, false, hidden, width, rows, 1, hs, dGh, gradTarget(whh), whh.grad!);
  if (x.requiresGrad) {
    const dxt = arena().take(rows * inputs);
    be.gemm(false, true, rows, inputs, width, 1, dGx, wih.data, 0, dxt);
    const beta = gradTarget(x);
    if (beta === 0) x.grad!.fill(0);
    swapBatchTime(dxt, batch, time, inputs, x.grad!, true, true);
  }
}

function biasGrad(bias: Tensor | null, dGates: Float32Array, rows: number, width: number): void {
  if (bias === null || !bias.requiresGrad) return;
  const beta = gradTarget(bias);
  backend().sumRows(dGates, rows, width, bias.grad!, beta === 1);
}

function stateGrad(state: Tensor | undefined, g: Float32Array): void {
  if (state === undefined || !state.requiresGrad) return;
  const beta = gradTarget(state);
  const target = state.grad!;
  for (let i = 0; i < g.length; i++) target[i] = beta === 0 ? g[i]! : target[i]! + g[i]!;
}

/**
 * One LSTM layer over x [batch, time, inputs]: wih [inputs, 4·hidden], whh [hidden, 4·hidden], bias [4·hidden] or null
 * (PyTorch's b_ih + b_hh folded into one).
 */
export function lstm(x: Tensor, wih: Tensor, whh: Tensor, bias: Tensor | null, options: RecurrentOptions = {}): RecurrentResult {
  const [batch, time, inputs, hidden] = checkInputs('lstm', x, wih, whh, 4, [bias], [options.h0, options.c0]);
  const be = backend(), pool = arena();
  const rows = time * batch, width = 4 * hidden, stateSize = batch * hidden;
  const xt = pool.take(rows * inputs);
  swapBatchTime(x.data, batch, time, inputs, xt, false, false);
  const grad = needsGrad(x, wih, whh) || (bias?.requiresGrad ?? false) || (options.h0?.requiresGrad ?? false) || (options.c0?.requiresGrad ?? false);
  const returnSequences = options.returnSequences ?? true;
  // Training keeps every step's activated gates for the backward pass, so the input projection of all steps is one
  // GEMM; without gradients only the current step's gates are needed and they stay small and in cache.
  const stepGates = batch * width;
  const gates = pool.take(grad ? rows * width : stepGates);
  if (grad) {
    be.gemm(false, false, rows, width, inputs, 1, xt, wih.data, 0, gates);
    addBias(gates, bias, rows, width);
  }
  const hs = new StepStates(time, stateSize, grad || returnSequences, options.h0);
  const cs = new StepStates(time, stateSize, grad, options.c0);
  for (let t = 0; t < time; t++) {
    const g = grad ? gates.subarray(t * stepGates, (t + 1) * stepGates) : gates;
    if (!grad) {
      be.gemm(false, false, batch, width, inputs, 1, xt.subarray(t * batch * inputs, (t + 1) * batch * inputs), wih.data, 0, g);
      addBias(g, bias, batch, width);
    }
    be.gemm(false, false, batch, width, hidden, 1, hs.at(t), whh.data, 1, g);
    be.lstmCellForward(g, cs.at(t), batch, hidden, cs.at(t + 1), hs.at(t + 1));
  }
  const output = returnSequences ? sequenceOutput(hs, batch, time, hidden) : null;
  // the final states are views into the step buffers: no copy
  const h = new Tensor(hs.at(time), [batch, hidden]);
  const c = new Tensor(cs.at(time), [batch, hidden]);
  if (grad) {
    const produced = output === null ? [h, c] : [output, h, c];
    recordGroup(produced, () => {
      if (!produced.some((o) => o.hasGrad)) return;
      const dOut = sequenceGrad(output, batch, time, hidden);
      const dGates = pool.take(rows * width);
      const dH = pool.take(stateSize), dC = pool.take(stateSize);
      if (h.hasGrad) dH.set(h.grad!); else dH.fill(0);
      if (c.hasGrad) dC.set(c.grad!); else dC.fill(0);
      for (let t = time - 1; t >= 0; t--) {
        if (dOut !== null) for (let i = 0; i < stateSize; i++) dH[i]! += dOut[t * stateSize + i]!;
        const dg = dGates.subarray(t * batch * width, (t + 1) * batch * width);
        be.lstmCellBackward(gates.subarray(t * stepGates, (t + 1) * stepGates), cs.at(t), cs.at(t + 1), dH, dC, batch, hidden, dg);
        // gradient reaching h_{t-1} through the recurrent weights
        be.gemm(false, true, batch, hidden, width, 1, dg, whh.data, 0, dH);
      }
      stateGrad(options.h0, dH);
      stateGrad(options.c0, dC);
      biasGrad(bias, dGates, rows, width);
      projectionGrads(x, xt, wih, dGates, whh, hs.data, dGates, batch, time, inputs, hidden, 4);
    }, new Tensor(new Float32Array(0), [0]));
  }
  return { output, h, c };
}

/**
 * One GRU layer over x [batch, time, inputs]: wih [inputs, 3·hidden], whh [hidden, 3·hidden], biases bih, bhh
 * [3·hidden] or null (kept apart, since the reset gate multiplies only the recurrent part of the candidate).
 */
export function gru(x: Tensor, wih: Tensor, whh: Tensor, bih: Tensor | null, bhh: Tensor | null, options: RecurrentOptions = {}): RecurrentResult {
  const [batch, time, inputs, hidden] = checkInputs('gru', x, wih, whh, 3, [bih, bhh], [options.h0]);
  const be = backend(), pool = arena();
  const rows = time * batch, width = 3 * hidden, stateSize = batch * hidden, stepSize = batch * width;
  const xt = pool.take(rows * inputs);
  swapBatchTime(x.data, batch, time, inputs, xt, false, false);
  const grad = needsGrad(x, wih, whh) || (bih?.requiresGrad ?? false) || (bhh?.requiresGrad ?? false) || (options.h0?.requiresGrad ?? false);
  const returnSequences = options.returnSequences ?? true;
  // as in lstm: every step's projections are kept (and computed in one GEMM) only when the backward pass needs them
  const gx = pool.take(grad ? rows * width : stepSize);
  if (grad) {
    be.gemm(false, false, rows, width, inputs, 1, xt, wih.data, 0, gx);
    addBias(gx, bih, rows, width);
  }
  const gh = pool.take(grad ? rows * width : stepSize), saved = pool.take(grad ? rows * width : stepSize);
  const hs = new StepStates(time, stateSize, grad || returnSequences, options.h0);
  for (let t = 0; t < time; t++) {
    const step = grad ? t : 0;
    const gxt = gx.subarray(step * stepSize, (step + 1) * stepSize), ght = gh.subarray(step * stepSize, (step + 1) * stepSize);
    if (!grad) {
      be.gemm(false, false, batch, width, inputs, 1, xt.subarray(t * batch * inputs, (t + 1) * batch * inputs), wih.data, 0, gxt);
      addBias(gxt, bih, batch, width);
    }
    be.gemm(false, false, batch, width, hidden, 1, hs.at(t), whh.data, 0, ght);
    addBias(ght, bhh, batch, width);
    be.gruCellForward(gxt, ght, hs.at(t), batch, hidden, hs.at(t + 1), saved.subarray(step * stepSize, (step + 1) * stepSize));
  }
  const output = returnSequences ? sequenceOutput(hs, batch, time, hidden) : null;
  const h = new Tensor(hs.at(time), [batch, hidden]);
  if (grad) {
    const produced = output === null ? [h] : [output, h];
    recordGroup(produced, () => {
      if (!produced.some((o) => o.hasGrad)) return;
      const dOut = sequenceGrad(output, batch, time, hidden);
      const dGx = pool.take(rows * width), dGh = pool.take(rows * width);
      let dH = pool.take(stateSize), dNext = pool.take(stateSize);
      if (h.hasGrad) dH.set(h.grad!); else dH.fill(0);
      for (let t = time - 1; t >= 0; t--) {
        if (dOut !== null) for (let i = 0; i < stateSize; i++) dH[i]! += dOut[t * stateSize + i]!;
        const dgx = dGx.subarray(t * stepSize, (t + 1) * stepSize), dgh = dGh.subarray(t * stepSize, (t + 1) * stepSize);
        be.gruCellBackward(saved.subarray(t * stepSize, (t + 1) * stepSize), gh.subarray(t * stepSize, (t + 1) * stepSize),
          hs.at(t), dH, batch, hidden, dgx, dgh, dNext);
        // direct path (z ⊙ h_{t-1}) written by the kernel, plus the path through the recurrent weights
        be.gemm(false, true, batch, hidden, width, 1, dgh, whh.data, 1, dNext);
        [dH, dNext] = [dNext, dH];
      }
      stateGrad(options.h0, dH);
      biasGrad(bih, dGx, rows, width);
      biasGrad(bhh, dGh, rows, width);
      projectionGrads(x, xt, wih, dGx, whh, hs.data, dGh, batch, time, inputs, hidden, 3);
    }, new Tensor(new Float32Array(0), [0]));
  }
  return { output, h, c: null };
}
