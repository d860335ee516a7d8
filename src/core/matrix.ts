import { InputError, ShapeError } from './errors.ts';

/**
 * A dense row-major matrix of float64 values: the data type every tabular detector takes.
 *
 * Why float64 here while the engine trains in float32: classic detectors (covariances for MCD / GMM, distances for
 * KNN / LOF, empirical CDFs for ECOD) lose visible accuracy in float32 on unscaled data, and the data layer is
 * memory-cheap next to the neighbour indexes. Deep detectors convert to float32 once, at fit / score time.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function createMatrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new ShapeError(`A matrix needs non-negative integer dimensions. Got ${rows} × ${cols} instead.`);
  }
  const values = data ?? new Float64Array(rows * cols);
  if (values.length !== rows * cols) {
    throw new ShapeError(`A ${rows} × ${cols} matrix needs ${rows * cols} values. Got ${values.length} instead.`);
  }
  return { rows, cols, data: values };
}

/** From an array of rows (number[][]); every row must have the same length. */
export function fromRows(rows: readonly (readonly number[])[] | readonly Float64Array[]): Matrix {
  const n = rows.length;
  const d = n === 0 ? 0 : rows[0]!.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (r.length !== d) throw new ShapeError(`Row ${i} has ${r.length} values; row 0 has ${d}. Every row needs the same number of features.`);
    for (let j = 0; j < d; j++) data[i * d + j] = r[j]!;
  }
  return { rows: n, cols: d, data };
}

export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** A view (no copy) of row i. */
export function row(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** A copy of column j. */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0, p = j; i < m.rows; i++, p += m.cols) out[i] = m.data[p]!;
  return out;
}

/** A new matrix of the given rows, in the given order. */
export function selectRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const d = m.cols;
  const out = new Float64Array(indices.length * d);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    out.set(m.data.subarray(i * d, (i + 1) * d), k * d);
  }
  return { rows: indices.length, cols: d, data: out };
}

/** A new matrix of the given columns, in the given order. */
export function selectColumns(m: Matrix, columns: ArrayLike<number>): Matrix {
  const k = columns.length;
  const out = new Float64Array(m.rows * k);
  for (let i = 0; i < m.rows; i++) {
    const base = i * m.cols;
    for (let c = 0; c < k; c++) out[i * k + c] = m.data[base + columns[c]!]!;
  }
  return { rows: m.rows, cols: k, data: out };
}

/** The same values as float32, for the engine. */
export function toFloat32(m: Matrix): Float32Array {
  return Float32Array.from(m.data);
}

/**
 * Checks that X is a usable matrix for a detector: at least `minRows` rows, at least one feature, the expected
 * feature count, and only finite values. The message says where the first bad value is.
 */
export function checkMatrix(X: Matrix, what: string, options: { minRows?: number; features?: number } = {}): void {
  const minRows = options.minRows ?? 1;
  if (X === null || typeof X !== 'object' || !(X.data instanceof Float64Array)) {
    throw new InputError(`${what}: expected a Matrix {rows, cols, data: Float64Array}. Got ${describe(X)} instead.`);
  }
  if (X.data.length !== X.rows * X.cols) {
    throw new ShapeError(`${what}: a ${X.rows} × ${X.cols} matrix needs ${X.rows * X.cols} values; it has ${X.data.length}.`);
  }
  if (X.rows < minRows) throw new InputError(`${what}: needs at least ${minRows} row${minRows === 1 ? '' : 's'}. Got ${X.rows}.`);
  if (X.cols < 1) throw new InputError(`${what}: needs at least one feature column. Got 0.`);
  if (options.features !== undefined && X.cols !== options.features) {
    throw new ShapeError(`${what}: the model was fitted on ${options.features} features. Got ${X.cols} instead.`);
  }
  const data = X.data;
  for (let p = 0; p < data.length; p++) {
    const v = data[p]!;
    if (!Number.isFinite(v)) {
      const i = Math.floor(p / X.cols);
      const j = p % X.cols;
      throw new InputError(`${what}: row ${i}, feature ${j} is ${v}. Only finite numbers are accepted (impute missing values first, or read the file with --impute).`);
    }
  }
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array (use fromRows to make a Matrix)';
  return typeof x;
}
