/**
 * `dad detect` for files larger than memory: fit on a reservoir sample, score every row in chunks streamed from DuckDB.
 *
 * 1. DuckDB draws a reservoir sample of `sampleSize` rows (`USING SAMPLE reservoir(n ROWS) REPEATABLE(seed)`, on
 *    one thread so the seed fixes the sample). A file with no more rows than that is read whole, in file order, so
 *    the fit is the in-memory path's fit.
 * 2. The sample goes through src/data's TableBuilder, which learns the schema (feature columns, categories,
 *    imputation values) exactly as when a file is read whole; the pipeline fits its scaling and detector on it, and
 *    its threshold comes from the sample's training scores.
 * 3. The whole file is streamed from DuckDB in file order, `batchRows` rows at a time; each batch is read with the
 *    learned schema (the score-time path of `dad score`), scaled and scored, and its scores and labels are appended to
 *    the output. JavaScript holds one batch at a time: memory is bounded by the batch, the sample and DuckDB's limit.
 */
import { InputError } from '../core/errors.ts';
import type { Cell, Table, TableReadOptions } from '../data/index.ts';
import { resolveReadOptions, type ResolvedReadOptions } from '../data/read-options.ts';
import { TableBuilder } from '../data/table-builder.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { withDuckSession, type DuckDbSettings, type DuckSession } from './duckdb.ts';
import { evaluateResults, type LargeEvaluation } from './evaluation.ts';
import { CsvResultsWriter, ResultsTable } from './output.ts';
import { cellBatches, openLargeSource, scanOf, type LargeSource } from './source.ts';

export const DEFAULT_SAMPLE_SIZE = 100_000;
export const DEFAULT_SAMPLE_SEED = 42;
export const DEFAULT_BATCH_ROWS = 65_536;

export interface OutOfCoreOptions {
  read?: TableReadOptions;
  duckdb: DuckDbSettings;
  /** rows the detector is fitted on (default 100 000) */
  sampleSize?: number;
  /** the reservoir sample's seed (default 42) */
  sampleSeed?: number;
  /** rows scored at a time (default 65 536) */
  batchRows?: number;
  /** the results file; undefined: CSV on stdout */
  out?: string | undefined;
  format: 'csv' | 'parquet';
  /** also save the fitted model here */
  save?: string | undefined;
  /** told each step as it starts */
  onStage?: (name: string) => void;
}

export interface OutOfCoreSummary {
  path: string;
  format: 'csv' | 'parquet';
  rows: number;
  bytes: number;
  sampleRows: number;
  /** true when the file had no more rows than the sample size and was fitted on whole */
  wholeFile: boolean;
  features: number;
  fitSeconds: number;
  scoreSeconds: number;
  /** with a label column */
  evaluation?: LargeEvaluation;
}

export async function detectOutOfCore(path: string, pipeline: Pipeline, options: OutOfCoreOptions): Promise<OutOfCoreSummary> {
  const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const stage = options.onStage ?? (() => undefined);
  if (!Number.isInteger(sampleSize) || sampleSize < 2) throw new InputError(`--sample-size must be a whole number of at least 2. Got ${sampleSize} instead.`);
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new InputError(`The batch size must be a whole number of at least 1. Got ${batchRows} instead.`);
  if (options.format === 'parquet' && options.out === undefined) throw new InputError('Parquet results need a file: give --out <file>.parquet.');
  const read = options.read ?? {};
  return withDuckSession(options.duckdb, async (session) => {
    stage(`reading ${path} with DuckDB`);
    const source = await openLargeSource(session, path, read);
    const wholeFile = source.rows <= sampleSize;
    stage(wholeFile ? `fitting ${pipeline.detector.name} on all ${source.rows} rows` : `fitting ${pipeline.detector.name} on a sample of ${sampleSize} of ${source.rows} rows`);
    const fitStart = performance.now();
    const sample = await sampleTable(session, source, read, sampleSize, options.sampleSeed ?? DEFAULT_SAMPLE_SEED);
    pipeline.fit(sample);
    const fitSeconds = (performance.now() - fitStart) / 1000;
    if (options.save !== undefined) {
      stage(`saving ${options.save}`);
      await pipeline.save(options.save, { createdBy: 'dad detect --engine duckdb', source: path, sampleRows: sample.X.rows, fileRows: source.rows });
    }
    stage(`scoring ${source.rows} rows`);
    const scoreStart = performance.now();
    const evaluation = await scoreFile(session, source, pipeline, sample, batchRows, options);
    const summary: OutOfCoreSummary = {
      path, format: source.format, rows: source.rows, bytes: source.bytes, sampleRows: sample.X.rows, wholeFile,
      features: sample.X.cols, fitSeconds, scoreSeconds: (performance.now() - scoreStart) / 1000,
    };
    if (evaluation !== undefined) summary.evaluation = evaluation;
    return summary;
  });
}

/** The fitting table: the reservoir sample (or the whole small file) read by src/data's TableBuilder. */
export async function sampleTable(session: DuckSession, source: LargeSource, read: TableReadOptions, sampleSize: number, seed: number): Promise<Table> {
  const names = source.columns.map((c) => c.name);
  checkCellTypes(source, read);
  // Columns of a type no cell can hold are ignored ones (checked above): selected as NULL, so that column indices in
  // --label / --id / --ignore keep meaning what they mean in the file.
  const scan = { list: source.columns.map((c) => c.expression ?? 'NULL').join(', '), layout: names.map((_, j) => j) };
  const wholeFile = source.rows <= sampleSize;
  const sampleClause = wholeFile ? '' : ` USING SAMPLE reservoir(${sampleSize} ROWS) REPEATABLE (${Math.trunc(seed)})`;
  const label = wholeFile ? source.path : `${source.path} (reservoir sample)`;
  const { format: _f, header: _h, delimiter: _d, maxRows: _m, ...rest } = read;
  const builder = new TableBuilder(resolveReadOptions(rest), { source: label, unit: 'row', names });
  // DuckDB's reservoir sample is repeatable for a seed only on one thread.
  if (!wholeFile) await session.run('SET threads = 1', 'DuckDB');
  try {
    let at = 0;
    for await (const rows of cellBatches(session, source, scan, 8192, sampleClause, (i, j) => `${label} row ${i + 1}, column '${names[j]}'`)) {
      for (const cells of rows) builder.push(cells, ++at);
    }
  } finally {
    if (!wholeFile) await session.run(`SET threads = ${session.settings.threads}`, 'DuckDB');
  }
  const table = builder.finish();
  // Named columns were given to the builder; the schema says whether the file itself had a header (CSV).
  table.schema.header = source.header;
  table.source = source.path;
  return table;
}

async function scoreFile(session: DuckSession, source: LargeSource, pipeline: Pipeline, sample: Table, batchRows: number, options: OutOfCoreOptions): Promise<LargeEvaluation | undefined> {
  const schema = sample.schema;
  const used = schema.columns.filter((c) => c.role !== 'ignored').map((c) => c.name);
  const hasIds = schema.columns.some((c) => c.role === 'id');
  const hasTruth = schema.columns.some((c) => c.role === 'label');
  const numeric = new Set(schema.columns.filter((c) => c.role === 'feature' && c.kind === 'numeric').map((c) => c.name));
  const scan = scanOf(source, used, numeric);
  const readOptions = resolveReadOptions({ schema });
  const csv = options.format === 'csv' ? await CsvResultsWriter.create(options.out, pipeline.detector.name, pipeline.threshold) : undefined;
  let table: ResultsTable | undefined;
  try {
    if (options.format === 'parquet' || hasTruth) table = await ResultsTable.create(session, hasIds, hasTruth);
    let offset = 0;
    for await (const rows of cellBatches(session, source, scan, batchRows, '', (i, j) => `${source.path} row ${i + 1}, column '${used[j]}'`)) {
      const batch = batchTable(rows, offset, source.path, used, readOptions);
      offset += rows.length;
      const scores = pipeline.score(batch);
      const labels = pipeline.labelsFor(scores);
      const scored = { scores, labels, ids: batch.ids, truth: batch.y };
      if (csv) await csv.write(scored);
      table?.append(scored);
    }
    if (offset !== source.rows) throw new InputError(`${source.path}: DuckDB counted ${source.rows} rows but ${offset} were read (did the file change while it was read?).`);
    table?.close();
    const evaluation = hasTruth ? await evaluateResults(session) : undefined;
    if (options.format === 'parquet') await table!.writeParquet(options.out!);
    await csv?.commit();
    return evaluation;
  } catch (error) {
    await csv?.abort();
    try {
      table?.close();
    } catch {
      // the error that stopped the run is the one to report
    }
    throw error;
  }
}

/** One batch read with the training schema: the same columns, encodings and fill values as the fitted sample. */
function batchTable(rows: Cell[][], offset: number, path: string, names: string[], readOptions: ResolvedReadOptions): Table {
  const builder = new TableBuilder(readOptions, { source: path, unit: 'row', names });
  for (let i = 0; i < rows.length; i++) builder.push(rows[i]!, offset + i + 1);
  return builder.finish();
}

/** A column DuckDB reads as a date, list, blob … can only be an ignored column; say so before reading any row. */
function checkCellTypes(source: LargeSource, read: TableReadOptions): void {
  const names = source.columns.map((c) => c.name);
  const ignored = new Set((read.ignore ?? []).map((ref) => {
    if (typeof ref === 'number') return ref;
    const j = names.indexOf(ref);
    return j >= 0 ? j : /^\d+$/.test(ref) ? Number(ref) : -1;
  }));
  source.columns.forEach((c, j) => {
    if (c.expression === undefined && !ignored.has(j)) {
      throw new InputError(`${source.path}, column '${c.name}': its type ${c.type} cannot be a table cell (numbers, text and true / false can). Leave it out with --ignore ${c.name}.`);
    }
  });
}
