/**
 * The results of `dad detect` and `dad score`: one row per input row with its score and 0/1 label (and id, when the
 * table has an id column), as CSV or JSON, to stdout or to a file written atomically (a reader never sees half a file),
 * or as Parquet to a file (written by DuckDB, as the out-of-core path writes it; loaded only when asked for).
 * Scores are printed in full precision (shortest round-trip form), so results read back are the numbers computed.
 */
import { Option, type Command } from 'commander';
import { OptionError } from '../core/errors.ts';
import type { FeatureContribution } from '../explain/index.ts';
import { writeFileAtomic } from '../model-io/index.ts';

export const RESULT_FORMATS = ['csv', 'json', 'parquet'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

export interface Results {
  detector: string;
  threshold: number;
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
  ids?: readonly string[] | undefined;
  /** `--explain`: the top features of each anomaly (undefined for normal rows); adds a `top_features` column / field */
  explanations?: readonly (readonly FeatureContribution[] | undefined)[] | undefined;
}

export function addOutputOptions(command: Command): Command {
  return command
    .option('-o, --out <file>', 'write the results to this file instead of stdout')
    .addOption(new Option('-f, --format <format>', 'results as CSV (id,score,label), JSON or Parquet (to --out only); default: from --out\'s extension, else csv').choices(RESULT_FORMATS));
}

/** The format asked for, else the one the output file's extension names, else CSV. */
export function resolveFormat(format: string | undefined, out: string | undefined): ResultFormat {
  if (format !== undefined) {
    if (!(RESULT_FORMATS as readonly string[]).includes(format)) throw new OptionError(`--format must be csv, json or parquet. Got '${format}' instead.`);
    if (format === 'parquet' && out === undefined) throw new OptionError('--format parquet writes a file: give it with --out <file>.parquet (stdout takes CSV or JSON).');
    return format as ResultFormat;
  }
  const lower = out?.toLowerCase();
  return lower?.endsWith('.json') ? 'json' : lower?.endsWith('.parquet') ? 'parquet' : 'csv';
}

export function formatResults(results: Results, format: Exclude<ResultFormat, 'parquet'>): string {
  const { scores, labels, ids, explanations } = results;
  if (format === 'json') {
    const rows = Array.from({ length: scores.length }, (_, i) => {
      const row = ids ? { id: ids[i], score: scores[i], label: labels[i] } : { score: scores[i], label: labels[i] };
      return explanations?.[i] ? { ...row, top_features: explanations[i] } : row;
    });
    return `${JSON.stringify({ detector: results.detector, threshold: results.threshold, rows })}\n`;
  }
  const extra = explanations ? ',top_features' : '';
  const parts: string[] = [ids ? `id,score,label${extra}\n` : `score,label${extra}\n`];
  for (let i = 0; i < scores.length; i++) {
    const top = explanations ? `,${csvField((explanations[i] ?? []).map((f) => `${f.feature}:${f.contribution.toPrecision(4)}`).join(';'))}` : '';
    parts.push(ids ? `${csvField(ids[i]!)},${scores[i]},${labels[i]}${top}\n` : `${scores[i]},${labels[i]}${top}\n`);
  }
  return parts.join('');
}

export async function writeResults(results: Results, format: ResultFormat, out: string | undefined): Promise<void> {
  if (format === 'parquet') return writeParquetResults(results, out);
  const text = formatResults(results, format);
  if (out === undefined) await writeStdout(text);
  else await writeFileAtomic(out, text);
}

async function writeParquetResults(results: Results, out: string | undefined): Promise<void> {
  if (out === undefined) throw new OptionError('Parquet results go to a file: give it with --out <file>.parquet.');
  if (results.explanations !== undefined) throw new OptionError('--explain adds a column of nested values that Parquet results do not carry: write CSV or JSON with --explain.');
  const { withDuckSession, ResultsTable, DEFAULT_MEMORY_LIMIT } = await import('../large/index.ts');
  await withDuckSession({ memoryLimit: DEFAULT_MEMORY_LIMIT, threads: 1 }, async (session) => {
    const table = await ResultsTable.create(session, results.ids !== undefined, false);
    table.append({ scores: Float64Array.from(results.scores), labels: Uint8Array.from(results.labels), ids: results.ids });
    table.close();
    await table.writeParquet(out);
  });
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Resolves once the text is handed to the OS, so the process may exit without cutting a piped output short. */
function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}
