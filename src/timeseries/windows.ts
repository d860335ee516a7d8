import { OptionError } from '../core/errors.ts';
import { createMatrix, type Matrix } from '../core/matrix.ts';

/**
 * Sliding windows over a T × C series and their inverse. A window of `size` rows starting at s becomes one row of
 * size·C values (time-major: row s, then s+1, …). Starts are 0, stride, 2·stride, …; when the last window stops
 * short of the end, one more window ending at the last row is added, so that every timestamp is covered.
 */
export interface WindowOptions {
  size: number;
  /** default 1 */
  stride?: number;
}

export function windowStarts(length: number, options: WindowOptions): Int32Array {
  const { size } = options;
  const stride = options.stride ?? 1;
  checkWindowOptions(size, stride);
  if (length < size) return new Int32Array(0);
  const starts: number[] = [];
  for (let s = 0; s + size <= length; s += stride) starts.push(s);
  if (starts[starts.length - 1]! + size < length) starts.push(length - size);
  return Int32Array.from(starts);
}

export function slidingWindows(values: Matrix, options: WindowOptions): { windows: Matrix; starts: Int32Array } {
  const starts = windowStarts(values.rows, options);
  const width = options.size * values.cols;
  const out = new Float64Array(starts.length * width);
  for (let k = 0; k < starts.length; k++) out.set(values.data.subarray(starts[k]! * values.cols, starts[k]! * values.cols + width), k * width);
  return { windows: createMatrix(starts.length, width, out), starts };
}

/** How the scores of the windows that cover a timestamp become its score. */
export type WindowReduce = 'mean' | 'max' | 'last';

/**
 * Maps window scores back to timestamps. 'mean' and 'max' pool every window covering a timestamp; 'last' gives each
 * window's score to its last row (a causal reading: a window is judged when it ends) and carries it forward until
 * the next window ends, with the rows before the first window's end taking that first score.
 */
export function windowScoresToPoints(scores: ArrayLike<number>, starts: Int32Array, length: number, size: number, reduce: WindowReduce = 'mean'): Float64Array {
  if (scores.length !== starts.length) throw new OptionError(`windowScoresToPoints: ${scores.length} scores for ${starts.length} windows.`);
  const out = new Float64Array(length);
  if (starts.length === 0) return out;
  if (reduce === 'last') {
    const ends = new Float64Array(length).fill(Number.NaN);
    for (let k = 0; k < starts.length; k++) ends[starts[k]! + size - 1] = scores[k]!;
    let current = scores[0]!;
    for (let i = 0; i < length; i++) {
      if (!Number.isNaN(ends[i]!)) current = ends[i]!;
      out[i] = current;
    }
    return out;
  }
  const count = new Float64Array(length);
  if (reduce === 'max') out.fill(-Infinity);
  for (let k = 0; k < starts.length; k++) {
    const s = scores[k]!;
    for (let i = starts[k]!; i < starts[k]! + size; i++) {
      if (reduce === 'max') out[i] = Math.max(out[i]!, s);
      else out[i]! += s;
      count[i]!++;
    }
  }
  for (let i = 0; i < length; i++) {
    if (count[i] === 0) out[i] = 0;
    else if (reduce === 'mean') out[i]! /= count[i]!;
  }
  return out;
}

function checkWindowOptions(size: number, stride: number): void {
  if (!Number.isInteger(size) || size < 1) throw new OptionError(`The window size must be an integer >= 1. Got ${size} instead.`);
  if (!Number.isInteger(stride) || stride < 1) throw new OptionError(`The window stride must be an integer >= 1. Got ${stride} instead.`);
}
