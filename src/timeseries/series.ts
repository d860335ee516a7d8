import { InputError, ShapeError } from '../core/errors.ts';
import { checkMatrix, createMatrix, type Matrix } from '../core/matrix.ts';

/**
 * A time series as detectors take it: T × C values (one row a timestamp, one column a channel), optional
 * timestamps (milliseconds since the epoch, or plain numbers when the file's time column is numeric) and channel names.
 */
export interface Series {
  values: Matrix;
  timestamps?: Float64Array;
  channels?: string[];
}

/** A series from one channel of values. */
export function seriesOf(values: ArrayLike<number>, timestamps?: ArrayLike<number>): Series {
  const v = createMatrix(values.length, 1, Float64Array.from(values));
  return timestamps === undefined ? { values: v } : { values: v, timestamps: checkTimestamps(timestamps, values.length) };
}

/** Accepts a Series or a bare T × C matrix. */
export function asSeries(input: Series | Matrix): Series {
  return 'values' in input && typeof (input as Series).values === 'object' && 'rows' in (input as Series).values ? (input as Series) : { values: input as Matrix };
}

export function checkSeries(series: Series, where: string, minLength = 1): void {
  checkMatrix(series.values, where, { minRows: minLength });
  if (series.timestamps !== undefined) checkTimestamps(series.timestamps, series.values.rows, where);
  if (series.channels !== undefined && series.channels.length !== series.values.cols) {
    throw new ShapeError(`${where}: ${series.channels.length} channel names for ${series.values.cols} channels; they must match.`);
  }
}

function checkTimestamps(timestamps: ArrayLike<number>, length: number, where = 'series'): Float64Array {
  if (timestamps.length !== length) {
    throw new ShapeError(`${where}: ${timestamps.length} timestamps for ${length} values; they must match.`);
  }
  const out = Float64Array.from(timestamps);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw new InputError(`${where}: timestamp ${i} is ${out[i]}; timestamps must be finite numbers.`);
  }
  return out;
}
