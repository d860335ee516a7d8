/**
 * What the deep time-series detectors share: per-channel standardisation by the training series, the standardised
 * series as Float32 (the networks' input), and a network's weights saved in and restored from a detector state
 * (`network.<parameter name>`, Float32).
 */
import { ModelFileError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import type { Module, StateDict } from '../../engine/index.ts';
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
