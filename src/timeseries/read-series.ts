import { OptionError } from '../core/errors.ts';
import { selectColumns } from '../core/matrix.ts';
import { readTable } from '../data/read-table.ts';
import type { TableReadOptions } from '../data/read-options.ts';
import { inspectSampling, resampleSeries, type ResampleOptions, type SamplingReport } from './gaps.ts';
import type { Series } from './series.ts';
import { parseTimestamp } from './timestamps.ts';

/**
 * Reads a time series from CSV / TSV (gzip or not), JSON lines or .npy / .npy.gz (T × channels) through the tabular
 * readers, so that headers, delimiters, messages and missing values follow the same rules as tables (missing cells
 * are an error naming file, line and column unless `impute` says how to fill them).
 */
export interface SeriesReadOptions {
  /** the timestamp column (name or 0-based index); absent: rows are numbered 0, 1, … and not checked for gaps */
  time?: string | number;
  /** the value columns, in the order wanted; default every column but the time and label columns */
  values?: (string | number)[];
  /** a 0/1 label column (1 = anomalous timestamp), for evaluation only */
  label?: string | number;
  /** as for tables: 'none' (missing values are an error), 'median', 'most-frequent' */
  impute?: TableReadOptions['impute'];
  /** resample onto a regular grid (true: at the median step); default: gaps are only reported */
  resample?: boolean | ResampleOptions;
  format?: TableReadOptions['format'];
  header?: TableReadOptions['header'];
  delimiter?: string;
  maxRows?: number;
}

export interface SeriesFile {
  series: Series;
  /** labels from the label column, when one was named */
  labels?: Uint8Array;
  /** the sampling as read (before any resampling); undefined without a time column */
  sampling?: SamplingReport;
  /** true when the series was resampled */
  resampled: boolean;
  /** true when the time column held plain numbers rather than dates */
  numericTime: boolean;
  source: string;
}

export async function readSeries(path: string, options: SeriesReadOptions = {}): Promise<SeriesFile> {
  const base: TableReadOptions = {};
  if (options.format !== undefined) base.format = options.format;
  if (options.header !== undefined) base.header = options.header;
  if (options.delimiter !== undefined) base.delimiter = options.delimiter;
  // A first look at the column names (one row), so that every column not asked for is ignored rather than parsed.
  const peek = await readTable(path, { ...base, maxRows: 1, categorical: 'frequency', impute: 'most-frequent' });
  const names = peek.features;
  const resolve = (ref: string | number, what: string): string => {
    if (typeof ref === 'number' || (/^\d+$/.test(ref) && !names.includes(ref))) {
      const name = names[Number(ref)];
      if (name === undefined) throw new OptionError(`${path}: the ${what} column index ${ref} is out of range; the file has ${names.length} columns.`);
      return name;
    }
    if (!names.includes(ref)) throw new OptionError(`${path}: no ${what} column '${ref}'. Columns: ${names.join(', ')}.`);
    return ref;
  };
  const time = options.time === undefined ? undefined : resolve(options.time, 'time');
  const label = options.label === undefined ? undefined : resolve(options.label, 'label');
  const values = options.values === undefined || options.values.length === 0
    ? names.filter((n) => n !== time && n !== label)
    : options.values.map((v) => resolve(v, 'value'));
  if (values.length === 0) throw new OptionError(`${path}: no value columns left to read.`);
  for (const v of values) {
    if (v === time || v === label) throw new OptionError(`${path}: column '${v}' cannot be both a value and the ${v === time ? 'time' : 'label'} column.`);
  }
  const read: TableReadOptions = {
    ...base,
    ignore: names.filter((n) => n !== time && n !== label && !values.includes(n)),
    categorical: 'error',
    impute: options.impute ?? 'none',
  };
  if (time !== undefined) read.id = time;
  if (label !== undefined) read.label = label;
  if (options.maxRows !== undefined) read.maxRows = options.maxRows;
  const table = await readTable(path, read);
  const order = values.map((v) => table.features.indexOf(v));
  let series: Series = { values: selectColumns(table.X, order), channels: values };
  let numericTime = true;
  let sampling: SamplingReport | undefined;
  if (time !== undefined) {
    const ids = table.ids!;
    numericTime = ids.every((t) => t.trim() !== '' && Number.isFinite(Number(t)));
    const timestamps = Float64Array.from(ids, (t, i) => parseTimestamp(t, `${path}, data row ${i + 1}, column '${time}'`));
    series = { ...series, timestamps };
    sampling = inspectSampling(timestamps, `${path}, column '${time}'`);
  }
  let resampled = false;
  if (options.resample !== undefined && options.resample !== false) {
    if (time === undefined) throw new OptionError('Resampling needs a time column (--time).');
    if (table.y !== undefined) throw new OptionError('Resampling a labelled series is not supported: labels belong to the rows as recorded.');
    series = resampleSeries(series, options.resample === true ? {} : options.resample);
    resampled = true;
  }
  const out: SeriesFile = { series, resampled, numericTime, source: path };
  if (sampling !== undefined) out.sampling = sampling;
  if (table.y !== undefined) out.labels = table.y;
  return out;
}

/** One line a gap, for people: 'gap of 3 samples after row 41 (…)'. */
export function describeSampling(report: SamplingReport, format: (t: number) => string, limit = 5): string[] {
  if (report.regular) return [];
  const lines = [`${report.gaps.length} gap(s), ${report.missing} sample(s) missing at the step of ${report.step}; ${report.irregular.length} irregular step(s)`];
  for (const g of report.gaps.slice(0, limit)) lines.push(`  gap of ${g.missing} sample(s) after row ${g.after}: ${format(g.from)} → ${format(g.to)}`);
  if (report.gaps.length > limit) lines.push(`  … and ${report.gaps.length - limit} more`);
  return lines;
}
