/** `dad detect <file>`: fit a pipeline on a file and score its rows in one go. */
import type { Command } from 'commander';
import { OptionError } from '../core/errors.ts';
import { readTable } from '../data/index.ts';
import { addDetectorOptions, pipelineFromFlags, type PipelineFlags } from './detector-options.ts';
import { addLargeDataOptions, detectLarge, usesOutOfCore, type LargeFlags } from './detect-large.ts';
import { evaluationReport } from './evaluation.ts';
import { addExplainOption, explainAnomalies, explainTop } from './explain-option.ts';
import { createProgress } from './progress.ts';
import { addReportOptions, checkReportFlags, pipelineReportInput, wantsReport, writeRunReport, type ReportFlags } from './report-option.ts';
import { addOutputOptions, resolveFormat, writeResults } from './results.ts';
import { addTableOptions, readOptionsFromFlags, type TableFlags } from './table-options.ts';

interface DetectFlags extends PipelineFlags, TableFlags, LargeFlags, ReportFlags {
  out?: string;
  format?: string;
  save?: string;
  quiet?: boolean;
  explain?: string | boolean;
}

export function registerDetect(program: Command): Command {
  const command = program
    .command('detect')
    .description('fit a detector on a file and score every row of it: writes score and 0/1 label per row')
    .argument('<file>', 'table file: CSV / TSV (gzip or not), JSON lines, .npy or Parquet');
  addDetectorOptions(command);
  addTableOptions(command);
  addOutputOptions(command);
  addExplainOption(command);
  addLargeDataOptions(command);
  addReportOptions(command);
  command
    .option('--save <model>', 'also save the fitted model to this file (for `dad score --model`)')
    .action(async (file: string, _flags: unknown, self: Command) => detect(file, self.optsWithGlobals<DetectFlags>()));
  return command;
}

async function detect(file: string, flags: DetectFlags): Promise<void> {
  // Files larger than memory (or --engine duckdb): fit on a sample, score in streamed chunks (src/large).
  checkReportFlags(flags);
  if (await usesOutOfCore(file, flags)) {
    if (wantsReport(flags)) throw new OptionError(`--report needs every row in memory, and ${file} is read out of core (--engine duckdb, or a file above the size limit); pass --engine memory, or report on a sample of the file.`);
    await detectLarge(file, flags);
    return;
  }
  const format = resolveFormat(flags.format, flags.out);
  const top = explainTop(flags.explain);
  const report = wantsReport(flags);
  const pipeline = pipelineFromFlags(flags);
  const progress = createProgress(3 + (flags.save === undefined ? 0 : 1) + (report ? 1 : 0), flags.quiet !== true);
  progress.stage(`reading ${file}`);
  const table = await readTable(file, readOptionsFromFlags(flags));
  progress.stage(`fitting ${pipeline.detector.name} on ${table.X.rows} rows`);
  pipeline.fit(table);
  // The detector's own training scores, as PyOD's fit_predict: for neighbour methods a row is not its own neighbour.
  const scores = pipeline.trainingScores;
  const labels = pipeline.labelsFor(scores);
  if (flags.save !== undefined) {
    progress.stage(`saving ${flags.save}`);
    await pipeline.save(flags.save, { createdBy: 'dad detect', source: file });
  }
  const explanations = top === undefined ? undefined : explainAnomalies(pipeline, table.X, labels, top, table.X);
  progress.stage('writing results');
  await writeResults({ detector: pipeline.detector.name, threshold: pipeline.threshold, scores, labels, ids: table.ids, explanations }, format, flags.out);
  if (report) {
    progress.stage('writing the report');
    const input = pipelineReportInput(pipeline, table, file, scores, labels, 'Fitted on this file; the scores are the training scores (a row is not its own neighbour).');
    await writeRunReport(input, flags, (line) => {
      if (flags.quiet !== true) process.stderr.write(`${line}\n`);
    });
  }
  progress.done();
  if (table.y !== undefined) process.stderr.write(evaluationReport(table.y, scores, labels));
}
