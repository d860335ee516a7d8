/**
 * `--report <file.html>` and `--report-png <dir>` for the commands that label rows (`detect`, `ts detect`): the HTML
 * report of the run (src/report/) and each of its plots as a PNG. Both come from one build of the report.
 */
import type { Command } from 'commander';
import { OptionError } from '../core/errors.ts';
import { selectRows } from '../core/matrix.ts';
import type { Table } from '../data/index.ts';
import { explainPipeline } from '../explain/index.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { buildReport, DEFAULT_REPORT_TOP, writeReportHtml, writeReportPngs, type ReportInput } from '../report/index.ts';

export interface ReportFlags {
  report?: string | undefined;
  reportPng?: string | undefined;
  reportTop?: string | undefined;
}

export function addReportOptions(command: Command): Command {
  return command
    .option('--report <file.html>', 'also write an HTML report: summary, score histogram with the threshold, ROC / PR curves with --label, top anomalies with their explanations')
    .option('--report-png <dir>', 'also write each plot of the report as a PNG file into this folder')
    .option('--report-top <n>', `anomalies listed (and explained) in the report (default ${DEFAULT_REPORT_TOP})`);
}

export function wantsReport(flags: ReportFlags): boolean {
  return flags.report !== undefined || flags.reportPng !== undefined;
}

/** Checks the report flags before any work is done. */
export function checkReportFlags(flags: ReportFlags, names = { report: '--report', png: '--report-png' }): void {
  if (flags.report !== undefined && !/\.html?$/i.test(flags.report)) {
    throw new OptionError(`${names.report} writes one HTML page; give it a .html file (for PNG files of the plots, use ${names.png} <dir>). Got '${flags.report}' instead.`);
  }
  reportTop(flags);
}

/** The n of `--report-top`. */
export function reportTop(flags: ReportFlags): number {
  if (flags.reportTop === undefined) return DEFAULT_REPORT_TOP;
  const n = Number(flags.reportTop);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new OptionError(`--report-top takes a whole number from 1 to 1000. Got '${flags.reportTop}' instead.`);
  return n;
}

/** The command line as typed, for the report's header. */
export function commandLine(): string {
  return ['dad', ...process.argv.slice(2)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
}

/** The report of a fitted pipeline's scores on a table (`dad detect`, `dad score`); `how` says where the scores came from. */
export function pipelineReportInput(pipeline: Pipeline, table: Table, file: string, scores: Float64Array, labels: Uint8Array, how: string): ReportInput {
  const detector = pipeline.detector;
  return {
    source: file,
    command: commandLine(),
    detector: { name: detector.name, title: detector.info.title, paper: detector.info.paper, options: { ...detector.options } },
    preprocessing: pipeline.scale === 'none' ? 'none' : `${pipeline.scale} scaling fitted on the training rows`,
    threshold: pipeline.threshold,
    thresholdSpec: detector.thresholdSpec,
    scores,
    flagged: labels,
    truth: table.y,
    ids: table.ids,
    table: { X: table.X, features: table.features },
    // every feature's contribution for the listed rows (--explain keeps only the top k), the rows read as reference
    explain: (rows) => {
      const e = explainPipeline(pipeline, selectRows(table.X, rows), { reference: table.X });
      return { method: e.method, description: e.description, features: e.features, contributions: e.contributions };
    },
    fitSeconds: detector.summary?.seconds,
    notes: [how],
  };
}

/** Builds the report once and writes what the flags ask for; `note` receives one line per file written. */
export async function writeRunReport(input: ReportInput, flags: ReportFlags, note: (line: string) => void): Promise<void> {
  const report = await buildReport({ ...input, top: reportTop(flags) });
  if (flags.report !== undefined) {
    await writeReportHtml(flags.report, report);
    note(`report written to ${flags.report}`);
  }
  if (flags.reportPng !== undefined) {
    const paths = await writeReportPngs(flags.reportPng, report);
    note(`${paths.length} plots written to ${flags.reportPng} as PNG`);
  }
}
