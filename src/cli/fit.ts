/** `dad fit <file> --model <path>`: fit a pipeline on a file and save it as a model file. */
import type { Command } from 'commander';
import { readTable } from '../data/index.ts';
import { addDetectorOptions, pipelineFromFlags, type PipelineFlags } from './detector-options.ts';
import { evaluationReport } from './evaluation.ts';
import { createProgress } from './progress.ts';
import { addTableOptions, readOptionsFromFlags, type TableFlags } from './table-options.ts';

interface FitFlags extends PipelineFlags, TableFlags {
  model: string;
  quiet?: boolean;
}

export function registerFit(program: Command): Command {
  const command = program
    .command('fit')
    .description('fit a detector on a file and save the model (table schema, scaling, detector) for `dad score`')
    .argument('<file>', 'training table file: CSV / TSV (gzip or not), JSON lines, .npy or Parquet')
    .requiredOption('-m, --model <path>', 'model file to write');
  addDetectorOptions(command);
  addTableOptions(command);
  command.action(async (file: string, _flags: unknown, self: Command) => fit(file, self.optsWithGlobals<FitFlags>()));
  return command;
}

async function fit(file: string, flags: FitFlags): Promise<void> {
  const pipeline = pipelineFromFlags(flags);
  const progress = createProgress(3, flags.quiet !== true);
  progress.stage(`reading ${file}`);
  const table = await readTable(file, readOptionsFromFlags(flags));
  progress.stage(`fitting ${pipeline.detector.name} on ${table.X.rows} rows`);
  pipeline.fit(table);
  progress.stage(`saving ${flags.model}`);
  await pipeline.save(flags.model, { createdBy: 'dad fit', source: file });
  progress.done();
  const summary = pipeline.detector.summary!;
  if (flags.quiet !== true) {
    process.stderr.write(
      `fitted ${pipeline.detector.name} on ${summary.rows} rows × ${summary.features} features in ${summary.seconds.toFixed(2)} s; ` +
      `threshold ${pipeline.threshold} (${pipeline.detector.thresholdSpec.method}); model written to ${flags.model}\n`,
    );
  }
  if (table.y !== undefined) {
    const scores = pipeline.trainingScores;
    process.stderr.write(`on the training rows: ${evaluationReport(table.y, scores, pipeline.labelsFor(scores))}`);
  }
}
