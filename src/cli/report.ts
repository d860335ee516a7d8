/**
 * `dad report <results> -o report.html`: the HTML report from scores saved by `dad detect`, `dad score` or
 * `dad ts detect` (`--out`, CSV or JSON), without refitting. `--data <file>` adds the rows that were scored (their
 * values in the top-anomaly table and the feature view) and, with `--label`, the labels for ROC / PR curves.
 */
import type { Command } from 'commander';
import { InputError, OptionError } from '../core/errors.ts';
import { readTable } from '../data/index.ts';
import { getDetectorClass } from '../detectors/registry.ts';
import { DEFAULT_REPORT_TOP, type ReportInput } from '../report/index.ts';
import { parseNumber } from './detector-options.ts';
import { checkReportFlags, commandLine, writeRunReport } from './report-option.ts';
import { readSavedResults } from './saved-results.ts';
import { addTableOptions, readOptionsFromFlags, type TableFlags } from './table-options.ts';

interface ReportCommandFlags extends TableFlags {
  out?: string;
  png?: string;
  data?: string;
  top?: string;
  threshold?: string;
  quiet?: boolean;
}

export function registerReport(program: Command): Command {
  const command = program
    .command('report')
    .description('write the HTML report of saved results (the --out of dad detect, score or ts detect), without refitting')
    .argument('<results>', 'results file, CSV or JSON, as dad detect / score / ts detect write it')
    .option('-o, --out <file.html>', 'the HTML report to write')
    .option('--png <dir>', 'also write each plot as a PNG file into this folder')
    .option('--data <file>', 'the table that was scored (same rows, same order): values in the report, labels with --label')
    .option('--top <n>', `anomalies listed (default ${DEFAULT_REPORT_TOP})`)
    .option('--threshold <score>', 'the threshold, when the results do not carry it (CSV); default: the highest unflagged score');
  addTableOptions(command);
  command.action(async (file: string, _flags: unknown, self: Command) => report(file, self.optsWithGlobals<ReportCommandFlags>()));
  return command;
}

async function report(file: string, flags: ReportCommandFlags): Promise<void> {
  if (flags.out === undefined && flags.png === undefined) throw new OptionError('Say where the report goes: -o <file.html>, --png <dir>, or both.');
  const reportFlags = { report: flags.out, reportPng: flags.png, reportTop: flags.top };
  checkReportFlags(reportFlags, { report: '--out', png: '--png' });
  if (flags.label !== undefined && flags.data === undefined) throw new OptionError('--label names a column of the --data file; give --data <file> too.');
  const saved = await readSavedResults(file);
  const { scores, labels } = saved;
  let threshold = saved.threshold;
  if (flags.threshold !== undefined) threshold = parseNumber(flags.threshold, '--threshold');
  const inferred = threshold === undefined;
  if (threshold === undefined) {
    // labels are score > threshold, so the threshold is at least the highest unflagged score
    threshold = -Infinity;
    for (let i = 0; i < scores.length; i++) if (labels[i] === 0) threshold = Math.max(threshold, scores[i]!);
    if (threshold === -Infinity) threshold = Math.min(...scores);
  }
  const name = saved.detector ?? 'unknown (not recorded in CSV results)';
  const info = saved.detector === undefined ? undefined : tryInfo(saved.detector);
  const input: ReportInput = {
    source: file,
    command: commandLine(),
    detector: { name, title: info?.title, paper: info?.paper },
    threshold,
    thresholdSpec: flags.threshold !== undefined ? { method: 'fixed', value: threshold } : undefined,
    scores,
    flagged: labels,
    ids: saved.ids,
    savedExplanations: saved.topFeatures,
    notes: [
      'Made from saved results: the detector\'s options and how its threshold was chosen are not part of them.',
      ...(inferred ? ['The results do not carry the threshold (CSV); the line is drawn at the highest unflagged score (pass --threshold to give it).'] : []),
    ],
  };
  if (saved.times !== undefined || saved.channelScores !== undefined) {
    if (flags.data !== undefined) throw new OptionError('--data is for tabular results; for a series, `dad ts detect --report` draws the values with the scores.');
    input.series = { timestamps: saved.times, numericTime: saved.numericTime, channels: saved.channels ?? [], channelScores: saved.channelScores };
  }
  if (flags.data !== undefined) {
    const table = await readTable(flags.data, readOptionsFromFlags(flags));
    if (table.X.rows !== scores.length) {
      throw new InputError(`${flags.data} has ${table.X.rows} rows and ${file} has ${scores.length} results; --data must be the file that was scored, read the same way.`);
    }
    input.source = `${flags.data} (results ${file})`;
    input.table = { X: table.X, features: table.features };
    input.truth = table.y;
    input.ids ??= table.ids;
  }
  await writeRunReport(input, reportFlags, (line) => {
    if (flags.quiet !== true) process.stderr.write(`${line}\n`);
  });
}

function tryInfo(name: string): { title: string; paper: string } | undefined {
  try {
    return getDetectorClass(name).info;
  } catch {
    return undefined; // a plugin's detector, not loaded now: the name alone is shown
  }
}
