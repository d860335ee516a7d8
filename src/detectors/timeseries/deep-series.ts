/**
 * What the deep time-series detectors share: per-channel standardisation by the training series, the standardised
 * series as Float32 (the networks' input), and a network's weights saved in and restored from a detector state
 * (`network.<parameter name>`, Float32).
 */
import { ModelFileError } from '../../core/errors.ts';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import type { Rng } from '../../core/rng.ts';
import { Adam, type Module, noGrad, scope, type StateDict, type Tensor } from '../../engine/index.ts';
import { trainLoop, type LoopResult } from '../deep/training.ts';
import { type DetectorState, stateArray } from '../detector.ts';

export interface ChannelScaling {
  shift: Float64Array;
  scale: Float64Array;
}

/** Mean and population deviation of each channel (a constant channel keeps scale 1). */
export function fitChannelScaling(X: Matrix): ChannelScaling {
  const shift = new Float64Array(X.cols);
  const scale = new Float64Array(X.cols);
  for (let c = 0; c < X.cols; c++) {
    let s = 0;
    for (let i = 0; i < X.rows; i++) s += X.data[i * X.cols + c]!;
    const mean = s / X.rows;
    let v = 0;
    for (let i = 0; i < X.rows; i++) v += (X.data[i * X.cols + c]! - mean) ** 2;
    const sd = Math.sqrt(v / X.rows);
    shift[c] = mean;
    scale[c] = sd > 1e-12 ? sd : 1;
  }
  return { shift, scale };
}

/** Minimum (shift) and range (scale) of each channel, for networks with a sigmoid output (a constant channel keeps scale 1). */
export function fitChannelRange(X: Matrix): ChannelScaling {
  const shift = new Float64Array(X.cols);
  const scale = new Float64Array(X.cols);
  for (let c = 0; c < X.cols; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < X.rows; i++) {
      lo = Math.min(lo, X.data[i * X.cols + c]!);
      hi = Math.max(hi, X.data[i * X.cols + c]!);
    }
    shift[c] = lo;
    scale[c] = hi - lo > 1e-12 ? hi - lo : 1;
  }
  return { shift, scale };
}

/** The standardised series, row-major T × C, as Float32. */
export function standardised(X: Matrix, { shift, scale }: ChannelScaling): Float32Array {
  const out = new Float32Array(X.rows * X.cols);
  for (let i = 0; i < X.rows; i++) for (let c = 0; c < X.cols; c++) out[i * X.cols + c] = (X.data[i * X.cols + c]! - shift[c]!) / scale[c]!;
  return out;
}

/** The scaling and the network's weights as a detector state. */
export function saveDeepSeries(network: Module, scaling: ChannelScaling, params: Record<string, unknown> = {}): DetectorState {
  const arrays: DetectorState['arrays'] = { shift: scaling.shift, scale: scaling.scale };
  for (const [name, values] of Object.entries(network.stateDict().tensors)) arrays[`network.${name}`] = values;
  return { params: { channels: scaling.shift.length, ...params }, arrays };
}

/** Restores what saveDeepSeries saved: `build(channels)` makes a network of the saved shape, whose weights are replaced. */
export function loadDeepSeries<N extends Module>(state: DetectorState, detector: string, build: (channels: number) => N): { network: N; scaling: ChannelScaling } {
  const channels = Number(state.params.channels);
  if (!Number.isInteger(channels) || channels < 1) throw new ModelFileError(`The saved state of '${detector}' lacks its channel count.`);
  const scaling = { shift: stateArray(state, 'shift', 'f64', channels), scale: stateArray(state, 'scale', 'f64', channels) };
  const network = build(channels);
  const fresh = network.stateDict();
  const saved: StateDict = { tensors: {}, shapes: fresh.shapes, metadata: {} };
  for (const [name, values] of Object.entries(fresh.tensors)) saved.tensors[name] = stateArray(state, `network.${name}`, 'f32', values.length);
  network.loadStateDict(saved);
  network.eval();
  return { network, scaling };
}

/** Window starts split into training and held-out validation windows (none held out for fewer than 4 windows). */
export function splitWindows(starts: readonly number[], validationSize: number, rng: Rng): { training: number[]; validation: number[] } {
  const order = rng.fork().permutation(starts.length);
  const held = validationSize > 0 && starts.length >= 4 ? Math.max(1, Math.round(validationSize * starts.length)) : 0;
  return {
    validation: Array.from(order.subarray(0, held), (k) => starts[k]!),
    training: Array.from(order.subarray(held), (k) => starts[k]!),
  };
}

export interface WindowTraining {
  detector: string;
  network: Module;
  /** the loss of a batch of windows */
  loss: (input: Tensor, target: Tensor) => Tensor;
  /** the input and target tensors of the windows starting at these rows */
  batch: (starts: number[]) => { input: Tensor; target: Tensor };
  training: number[];
  validation: number[];
  options: { epochs: number; batchSize: number; learningRate: number; patience: number };
  rng: Rng;
}

/**
 * Trains a window network with Adam through the shared deep training loop; with held-out windows, the loop stops early
 * on their loss and restores the best weights. The network is left in eval mode.
 */
export function trainWindowNetwork(t: WindowTraining): LoopResult {
  const { network, loss, batch, training, validation, options: o } = t;
  const optimizer = new Adam(network.parameters(), { lr: o.learningRate });
  network.train();
  const result = trainLoop<StateDict>({
    detector: t.detector,
    rows: training.length,
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    rng: t.rng.fork(),
    step: (rows) => scope(() => {
      const { input, target } = batch(Array.from(rows, (r) => training[r]!));
      const l = loss(input, target);
      optimizer.zeroGrad();
      l.backward();
      optimizer.step();
      return l.item();
    }),
    ...(validation.length > 0 ? {
      validationLoss: () => {
        network.eval();
        const { input, target } = batch(validation);
        const l = noGrad(() => loss(input, target).item());
        network.train();
        return l;
      },
      patience: o.patience,
      checkpoint: { save: () => network.stateDict(), load: (saved: StateDict) => network.loadStateDict(saved) },
    } : {}),
  });
  network.eval();
  return result;
}

/** Starts of windows of `length` rows, `stride` apart, plus one ending at the last row (so every row is covered). */
export function windowStarts(rows: number, length: number, stride: number): number[] {
  const out: number[] = [];
  for (let s = 0; s + length <= rows; s += stride) out.push(s);
  if (out[out.length - 1] !== rows - length) out.push(rows - length);
  return out;
}

/** The windows [s, s + length) of a row-major T × cols series, stacked: [starts.length, length, cols] as one Float32Array. */
export function stackWindows(z: Float32Array, cols: number, starts: ArrayLike<number>, length: number): Float32Array {
  const out = new Float32Array(starts.length * length * cols);
  for (let k = 0; k < starts.length; k++) out.set(z.subarray(starts[k]! * cols, (starts[k]! + length) * cols), k * length * cols);
  return out;
}

/**
 * Per-value errors of overlapping windows averaged into per-timestamp channel scores: each value's channel score is
 * the mean of its errors over the windows that contain it; its timestamp score is, by default, the largest channel
 * score (one abnormal signal is enough, and it is the one that shows), or their sum or mean where the method's score
 * is a joint one (a log-likelihood, a mean squared error).
 */
export class WindowErrorAverage {
  private readonly sum: Float64Array;
  private readonly count: Float64Array;
  constructor(readonly rows: number, readonly cols: number) {
    this.sum = new Float64Array(rows * cols);
    this.count = new Float64Array(rows);
  }

  /** `errors` [length, cols] (row-major, in time order) of the window starting at `start`; `offset` into errors. */
  add(start: number, length: number, errors: ArrayLike<number>, offset = 0): void {
    const { cols } = this;
    for (let p = 0; p < length; p++) {
      const row = start + p;
      this.count[row]! += 1;
      for (let c = 0; c < cols; c++) this.sum[row * cols + c]! += errors[offset + p * cols + c]!;
    }
  }

  result(combine: 'max' | 'sum' | 'mean' = 'max'): { scores: Float64Array; channels: Matrix } {
    const { rows, cols } = this;
    const channels = createMatrix(rows, cols);
    const scores = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let best = -Infinity;
      let total = 0;
      for (let c = 0; c < cols; c++) {
        const e = this.count[i]! > 0 ? this.sum[i * cols + c]! / this.count[i]! : 0;
        channels.data[i * cols + c] = e;
        if (e > best) best = e;
        total += e;
      }
      scores[i] = combine === 'max' ? best : combine === 'sum' ? total : total / cols;
    }
    return { scores, channels };
  }
}
