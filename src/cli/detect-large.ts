/**
 * `dad detect` on files larger than memory: the flags that choose the engine (`--engine auto|memory|duckdb`) and tune
 * the out-of-core path (sample size, DuckDB's memory cap and threads, spill folder), and the run itself
 * (src/large). With `--engine auto` (the default) a CSV or Parquet file above a size is read by DuckDB; see
 * docs/large-data.md.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { OptionError } from '../core/errors.ts';
import { formatFromPath } from '../data/index.ts';
import { DEFAULT_MEMORY_LIMIT, DEFAULT_SAMPLE_SEED, DEFAULT_SAMPLE_SIZE, detectOutOfCore, largeFormat, type OutOfCoreSummary } from '../large/index.ts';
import { pipelineFromFlags, parseNumber, type PipelineFlags } from './detector-options.ts';
import { formatEvaluation } from './evaluation.ts';
import { createProgress } from './progress.ts';
import { resolveFormat } from './results.ts';
import { readOptionsFromFlags, type TableFlags } from './table-options.ts';

export const ENGINES = ['auto', 'memory', 'duckdb'] as const;

/** `--engine auto` reads a CSV above this size with DuckDB (the in-memory path holds about as much as the text) */
export const AUTO_CSV_BYTES = 1024 ** 3;
/** … and a Parquet or gzip CSV file above this one (compressed: several times larger once decoded) */
export const AUTO_COMPRESSED_BYTES = 256 * 1024 ** 2;

export interface LargeFlags {
  engine?: string;
  sampleSize?: string;
  sampleSeed?: string;
  memoryLimit?: string;
  duckdbThreads?: string;
  tempDir?: string;
}

export function addLargeDataOptions(command: Command): Command {
  return command
    .addOption(new Option('--engine <engine>', `how the file is read: memory (whole, in JavaScript), duckdb (out of core: fit on a sample, score in streamed chunks; CSV / Parquet), auto (duckdb above ${AUTO_CSV_BYTES / 1024 ** 3} GiB of CSV or ${AUTO_COMPRESSED_BYTES / 1024 ** 2} MiB of Parquet / .csv.gz)`).choices(ENGINES).default('auto'))
    .option('--sample-size <rows>', `out of core: rows of the reservoir sample the detector is fitted on (default ${DEFAULT_SAMPLE_SIZE})`)
    .option('--sample-seed <n>', `out of core: seed of the reservoir sample (default ${DEFAULT_SAMPLE_SEED})`)
    .option('--memory-limit <size>', `out of core: DuckDB's memory cap, e.g. 512MB, 2GB; it spills to --temp-dir beyond it (default ${DEFAULT_MEMORY_LIMIT})`)
    .option('--duckdb-threads <n>', 'out of core: DuckDB\'s threads for reading the file (default: the number of CPUs)')
    .option('--temp-dir <dir>', 'out of core: where DuckDB\'s working database and spill files go (default: the OS temporary folder)');
}

/** Whether the flags and the file's size send this run out of core. */
export async function usesOutOfCore(file: string, flags: LargeFlags & TableFlags & { format?: string }): Promise<boolean> {
  const engine = flags.engine ?? 'auto';
  if (!(ENGINES as readonly string[]).includes(engine)) throw new OptionError(`--engine must be one of ${ENGINES.join(', ')}. Got '${engine}' instead.`);
  if (engine !== 'auto') return engine === 'duckdb';
  const format = formatFromPath(file);
  if (format !== 'csv' && format !== 'parquet') return false;
  let bytes: number;
  try {
    bytes = (await stat(file)).size;
  } catch {
    return false; // the in-memory reader reports a missing file
  }
  return bytes > (format === 'csv' && !/\.gz$/i.test(file) ? AUTO_CSV_BYTES : AUTO_COMPRESSED_BYTES);
}

interface DetectLargeFlags extends PipelineFlags, TableFlags, LargeFlags {
  out?: string;
  format?: string;
  save?: string;
  quiet?: boolean;
  explain?: string | boolean;
}

export async function detectLarge(file: string, flags: DetectLargeFlags): Promise<OutOfCoreSummary> {
  largeFormat(file, undefined);
  if (flags.explain !== undefined && flags.explain !== false) {
    throw new OptionError('--explain is not available out of core (--engine duckdb): explain a sample with --engine memory, or score with `dad score --explain` on a part of the file.');
  }
  const format = resolveFormat(flags.format, flags.out);
  if (format === 'json') throw new OptionError('Out of core (--engine duckdb), results are written as CSV or Parquet (--out <file>.parquet); JSON would hold every row in one document.');
  const pipeline = pipelineFromFlags(flags);
  const progress = createProgress(flags.save === undefined ? 3 : 4, flags.quiet !== true);
  const positive = (text: string | undefined, flag: string): number | undefined => {
    if (text === undefined) return undefined;
    const n = parseNumber(text, flag);
    if (!Number.isInteger(n) || n < 1) throw new OptionError(`${flag} must be a whole number of at least 1. Got '${text}' instead.`);
    return n;
  };
  const summary = await detectOutOfCore(file, pipeline, {
    read: readOptionsFromFlags(flags),
    duckdb: {
      memoryLimit: flags.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
      threads: positive(flags.duckdbThreads, '--duckdb-threads') ?? availableParallelism(),
      tempDir: flags.tempDir,
    },
    sampleSize: positive(flags.sampleSize, '--sample-size') ?? DEFAULT_SAMPLE_SIZE,
    sampleSeed: flags.sampleSeed === undefined ? DEFAULT_SAMPLE_SEED : parseNumber(flags.sampleSeed, '--sample-seed'),
    out: flags.out,
    format,
    save: flags.save,
    onStage: (name) => progress.stage(name),
  });
  progress.done();
  if (flags.quiet !== true) {
    const rate = Math.round(summary.rows / summary.scoreSeconds);
    process.stderr.write(
      `out of core: fitted ${pipeline.detector.name} on ${summary.wholeFile ? 'all' : 'a sample of'} ${summary.sampleRows} rows in ${summary.fitSeconds.toFixed(1)} s; ` +
        `scored ${summary.rows} rows in ${summary.scoreSeconds.toFixed(1)} s (${rate} rows/s)\n`,
    );
  }
  const e = summary.evaluation;
  if (e !== undefined) {
    process.stderr.write(e.anomalies === 0 || e.anomalies === e.rows
      ? `ROC-AUC and PR-AUC need both classes in the label column; it has ${e.anomalies === 0 ? 'no anomalies' : 'only anomalies'} (${e.rows} rows).\n`
      : formatEvaluation(e));
  }
  return summary;
}
