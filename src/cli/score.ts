/** `dad score <file> --model <path>`: score a file with a saved model, reading it as the training file was read. */
import type { Command } from 'commander';
import { readTable } from '../data/index.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import type { ThresholdSpec } from '../thresholds/strategies.ts';
import { addThresholdOptions, thresholdFromFlags } from './detector-options.ts';
import { evaluationReport } from './evaluation.ts';
import { createProgress } from './progress.ts';
import { addReportOptions, checkReportFlags, pipelineReportInput, wantsReport, writeRunReport, type ReportFlags } from './report-option.ts';
import { addOutputOptions, resolveFormat, writeResults } from './results.ts';
import { addTableOptions, readOptionsFromFlags, type TableFlags } from './table-options.ts';

interface ScoreFlags extends TableFlags, ReportFlags {
  model: string;
  out?: string;
  format?: string;
  thresholdMethod?: string;
  thresholdValue?: string;
  quiet?: boolean;
}

export function registerScore(program: Command): Command {
  const command = program
    .command('score')
    .description('score a file with a saved model: writes score and 0/1 label per row')
    .argument('<file>', 'table file with the columns the model was fitted on')
    .requiredOption('-m, --model <path>', 'model file written by `dad fit` or `dad detect --save`');
  addTableOptions(command);
  addThresholdOptions(command);
  addOutputOptions(command);
  addReportOptions(command);
  command.action(async (file: string, _flags: unknown, self: Command) => score(file, self.optsWithGlobals<ScoreFlags>()));
  return command;
}

async function score(file: string, flags: ScoreFlags): Promise<void> {
  const format = resolveFormat(flags.format, flags.out);
  checkReportFlags(flags);
  const report = wantsReport(flags);
  const progress = createProgress(report ? 5 : 4, flags.quiet !== true);
  progress.stage(`loading ${flags.model}`);
  const pipeline = await Pipeline.load(flags.model);
  // A new threshold strategy is re-derived from the stored training scores; the model itself is not refitted.
  const threshold = thresholdFromFlags(flags);
  if (threshold !== undefined) pipeline.detector.setThreshold(threshold as ThresholdSpec);
  progress.stage(`reading ${file}`);
  const schema = pipeline.tableSchema;
  const table = await readTable(file, { ...readOptionsFromFlags(flags), ...(schema ? { schema } : {}) });
  progress.stage(`scoring ${table.X.rows} rows`);
  const scores = pipeline.score(table);
  const labels = pipeline.labelsFor(scores);
  progress.stage('writing results');
  await writeResults({ detector: pipeline.detector.name, threshold: pipeline.threshold, scores, labels, ids: table.ids }, format, flags.out);
  if (report) {
    progress.stage('writing the report');
    const input = pipelineReportInput(pipeline, table, file, scores, labels, `Scored with the saved model ${flags.model}; its threshold was set on the training scores.`);
    await writeRunReport(input, flags, (line) => {
      if (flags.quiet !== true) process.stderr.write(`${line}\n`);
    });
  }
  progress.done();
  if (table.y !== undefined) process.stderr.write(evaluationReport(table.y, scores, labels));
}
