import { DadError, ModelFileError, ShapeError } from '../../core/errors.ts';
import { checkMatrix, type Matrix } from '../../core/matrix.ts';
import type { Transform, TransformJSON, TransformKind } from './transform.ts';

/**
 * The shared body of the scalings: x ↦ (x − center) / scale per column. Each scaling says how it finds center and
 * scale, and how they are named in its JSON. A scale of zero (a constant column) is stored as 1, so the column maps
 * to 0 (standard, robust) or stays at 0 (min-max) instead of dividing by zero.
 */
export abstract class AffineTransform implements Transform {
  abstract readonly kind: TransformKind;
  protected center: Float64Array = new Float64Array(0);
  protected scale: Float64Array = new Float64Array(0);
  private fitted = false;

  /** [name of center, name of scale] in the JSON form, e.g. ['mean', 'std'] */
  protected abstract readonly fieldNames: readonly [string, string];
  /** center and scale of one column's training values (sorted ascending, finite) */
  protected abstract statistics(sorted: Float64Array): [number, number];

  fit(X: Matrix): this {
    checkMatrix(X, `${this.kind} transform fit`, { minRows: 1 });
    const d = X.cols;
    const center = new Float64Array(d);
    const scale = new Float64Array(d);
    const values = new Float64Array(X.rows);
    for (let j = 0; j < d; j++) {
      for (let i = 0, p = j; i < X.rows; i++, p += d) values[i] = X.data[p]!;
      values.sort();
      const [c, s] = this.statistics(values);
      center[j] = c;
      scale[j] = s > 0 && Number.isFinite(s) ? s : 1;
    }
    this.center = center;
    this.scale = scale;
    this.fitted = true;
    return this;
  }

  transform(X: Matrix): Matrix {
    if (!this.fitted) throw new DadError(`The ${this.kind} transform is not fitted yet: call fit(X) on the training data first.`);
    if (X.cols !== this.center.length) {
      throw new ShapeError(`The ${this.kind} transform was fitted on ${this.center.length} columns. Got ${X.cols} instead.`);
    }
    const d = X.cols;
    const out = new Float64Array(X.rows * d);
    const src = X.data;
    for (let i = 0; i < X.rows; i++) {
      const base = i * d;
      for (let j = 0; j < d; j++) out[base + j] = (src[base + j]! - this.center[j]!) / this.scale[j]!;
    }
    return { rows: X.rows, cols: d, data: out };
  }

  toJSON(): TransformJSON {
    if (!this.fitted) throw new DadError(`The ${this.kind} transform is not fitted yet: there is nothing to save.`);
    const [c, s] = this.fieldNames;
    return { kind: this.kind, [c]: Array.from(this.center), [s]: Array.from(this.scale) };
  }

  /** Restores the fitted state from its JSON form; throws ModelFileError naming the first problem. */
  load(json: Record<string, unknown>): this {
    const [c, s] = this.fieldNames;
    const center = numbers(json[c], `${this.kind}.${c}`);
    const scale = numbers(json[s], `${this.kind}.${s}`);
    if (center.length !== scale.length) {
      throw new ModelFileError(`The saved ${this.kind} transform is damaged: '${c}' has ${center.length} values and '${s}' ${scale.length}.`);
    }
    const bad = scale.findIndex((v) => !(v > 0));
    if (bad >= 0) throw new ModelFileError(`The saved ${this.kind} transform is damaged: '${s}' of column ${bad} is ${scale[bad]}; it must be positive.`);
    this.center = center;
    this.scale = scale;
    this.fitted = true;
    return this;
  }
}

function numbers(value: unknown, what: string): Float64Array {
  if (!Array.isArray(value)) throw new ModelFileError(`The saved transform is damaged: '${what}' should be an array of numbers. Got ${value === null ? 'null' : typeof value} instead.`);
  const out = new Float64Array(value.length);
  value.forEach((v, j) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ModelFileError(`The saved transform is damaged: '${what}' column ${j} is ${JSON.stringify(v)}; a finite number is needed.`);
    out[j] = v;
  });
  return out;
}
