/**
 * Rows of a request as the matrix a model scores. Objects are keyed by column name and read through the model's
 * table schema (the columns of its training file: categories encoded, missing cells filled as at training); arrays
 * are the model's feature columns in order (`GET /models/{name}` lists them). CSV text is read with the schema too.
 */
import { InputError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';
import { isPlainRecord } from '../data/records.ts';
import { parseCsvText, tableFromRecords } from '../data/index.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';

export type RequestRow = Record<string, unknown> | unknown[];

export function matrixFromRows(pipeline: Pipeline, rows: readonly RequestRow[], source: string): Matrix {
  if (rows.length === 0) throw new InputError(`${source} has no rows.`);
  const objects = rows.filter(isPlainRecord).length;
  if (objects === rows.length) return matrixFromRecords(pipeline, rows as Record<string, unknown>[], source);
  if (objects > 0) throw new InputError(`${source} mixes row objects and row arrays; send one kind.`);
  return matrixFromArrays(pipeline, rows as unknown[][], source);
}

export function matrixFromCsv(pipeline: Pipeline, text: string, source: string): Matrix {
  const schema = pipeline.tableSchema;
  const table = parseCsvText(text, schema ? { schema } : {}, source);
  return table.X;
}

function matrixFromRecords(pipeline: Pipeline, records: Record<string, unknown>[], source: string): Matrix {
  const schema = pipeline.tableSchema;
  if (schema !== undefined) return tableFromRecords(records, { schema }, source).X;
  // a model fitted on a matrix knows only its feature names: each row must give exactly those, as numbers
  const features = pipeline.features;
  const d = features.length;
  const index = new Map(features.map((f, j) => [f, j]));
  const data = new Float64Array(records.length * d);
  records.forEach((record, i) => {
    let given = 0;
    for (const key of Object.keys(record)) {
      const j = index.get(key);
      if (j === undefined) throw new InputError(`${source} row ${i + 1} has a key '${key}' that is not a feature of the model. Its features are: ${features.join(', ')}.`);
      data[i * d + j] = finite(record[key], () => `${source} row ${i + 1}, feature '${key}'`);
      given++;
    }
    if (given !== d) {
      const missing = features.filter((f) => !Object.hasOwn(record, f));
      throw new InputError(`${source} row ${i + 1} lacks feature${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}.`);
    }
  });
  return { rows: records.length, cols: d, data };
}

function matrixFromArrays(pipeline: Pipeline, rows: unknown[][], source: string): Matrix {
  const d = pipeline.features.length;
  const data = new Float64Array(rows.length * d);
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) throw new InputError(`${source} row ${i + 1}: expected an object or an array of numbers. Got ${row === null ? 'null' : typeof row} instead.`);
    if (row.length !== d) throw new InputError(`${source} row ${i + 1} has ${row.length} values; the model takes ${d} (${pipeline.features.join(', ')}).`);
    for (let j = 0; j < d; j++) data[i * d + j] = finite(row[j], () => `${source} row ${i + 1}, value ${j + 1} ('${pipeline.features[j]}')`);
  });
  return { rows: rows.length, cols: d, data };
}

function finite(value: unknown, where: () => string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputError(`${where()}: expected a finite number. Got ${JSON.stringify(value) ?? String(value)} instead.`);
  return value;
}
