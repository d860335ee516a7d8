/**
 * `dad ts detect <file> --time <col> --value <col>[,<col>…] [--detector …]`: fits a time-series detector on a series
 * and writes, per timestamp, the score, the 0/1 label and each channel's score; gaps and irregular steps are reported
 * on stderr (or resampled away with --resample); with --label, the time-series metrics are printed; --report writes
 * the HTML report (the series with its anomalies marked, the score with the threshold, each channel's score).
 */
import { Option, type Command } from 'commander';
import { OptionError } from '../core/errors.ts';
import { getDetectorClass } from '../detectors/registry.ts';
import { SeriesDetector } from '../detectors/timeseries/series-detector.ts';
import { writeFileAtomic } from '../model-io/index.ts';
import { DEFAULT_REPORT_TOP } from '../report/index.ts';
import { eventScoresOf } from '../timeseries/metrics/events.ts';
import { paKCurve } from '../timeseries/metrics/point-adjust.ts';
import { vus } from '../timeseries/metrics/vus.ts';
import { precisionRecallF1 } from '../metrics/classification.ts';
import { describeSampling, readSeries, type SeriesReadOptions } from '../timeseries/read-series.ts';
import { formatTimestamp } from '../timeseries/timestamps.ts';
import { detectorOptionsFromFlags, type DetectorFlags, addThresholdOptions } from './detector-options.ts';
import { collect, collectList } from './table-options.ts';
import { checkReportFlags, commandLine, wantsReport, writeRunReport, type ReportFlags } from './report-option.ts';

export const DEFAULT_SERIES_DETECTOR = 'spectral-residual';

interface TsDetectFlags extends DetectorFlags, ReportFlags {
  detector?: string;
  time?: string;
  value?: string[];
  label?: string;
  impute?: 'none' | 'median' | 'most-frequent';
  resample?: string | boolean;
  delimiter?: string;
  out?: string;
  format?: 'csv' | 'json';
  quiet?: boolean;
}

export function registerTs(program: Command): Command {
  const ts = program.command('ts').description('time series: detect anomalies per timestamp (see `dad ts detect --help`)');
  const detect = ts
    .command('detect')
    .description('fit a time-series detector on a series and score every timestamp: writes timestamp, score, label and per-channel scores')
    .argument('<file>', 'series file: CSV / TSV (gzip or not), JSON lines, .npy or .npy.gz (T × channels)')
    .option('--time <column>', 'timestamp column (ISO 8601 or numbers); default: rows are numbered')
    .option('--value <columns>', 'value column(s), comma-separated (repeatable); default: every other column', collectList)
    .option('-d, --detector <name>', `time-series detector (see \`dad list\`); default ${DEFAULT_SERIES_DETECTOR}`)
    .option('-c, --contamination <share>', 'expected share of anomalous timestamps, in (0, 0.5]; sets the threshold (default 0.1)')
    .option('--option <key=value>', 'a detector option; the value is read as JSON when it parses (repeatable)', collect)
    .option('--options <json>', 'detector options as one JSON object')
    .option('--label <column>', 'column of 0/1 labels: prints point-wise, event-wise, PA%K and VUS metrics on stderr')
    .addOption(new Option('--impute <method>', 'fill missing values (default: a missing value is an error)').choices(['none', 'median', 'most-frequent']))
    .option('--resample [step]', 'resample onto a regular grid (default step: the median step) instead of only reporting gaps')
    .option('--delimiter <char>', 'field separator (default: sniffed)')
    .option('-o, --out <file>', 'write the results to this file instead of stdout')
    .addOption(new Option('-f, --format <format>', 'results as CSV or JSON').choices(['csv', 'json']))
    .option('--report <file.html>', 'also write an HTML report: the series with its anomalies marked, the score with the threshold, each channel\'s score, the top anomalous stretches')
    .option('--report-png <dir>', 'also write each plot of the report as a PNG file into this folder')
    .option('--report-top <n>', `anomalous stretches listed in the report (default ${DEFAULT_REPORT_TOP})`);
  addThresholdOptions(detect);
  detect.action(async (file: string, _flags: unknown, self: Command) => tsDetect(file, self.optsWithGlobals<TsDetectFlags>()));
  return ts;
}

async function tsDetect(file: string, flags: TsDetectFlags): Promise<void> {
  const name = flags.detector ?? DEFAULT_SERIES_DETECTOR;
  const cls = getDetectorClass(name);
  if (cls.info.modality !== 'timeseries') throw new OptionError(`Detector '${name}' is for ${cls.info.modality} data; \`dad ts detect\` takes a time-series detector (\`dad list\`), or tabular-windows with --option detector=${name}.`);
  const detector = new cls(detectorOptionsFromFlags(flags));
  checkReportFlags(flags);
  const read: SeriesReadOptions = {};
  if (flags.time !== undefined) read.time = flags.time;
  if (flags.value !== undefined) read.values = flags.value;
  if (flags.label !== undefined) read.label = flags.label;
  if (flags.impute !== undefined) read.impute = flags.impute;
  if (flags.delimiter !== undefined) read.delimiter = flags.delimiter === '\\t' ? '\t' : flags.delimiter;
  if (flags.resample !== undefined && flags.resample !== false) {
    const step = flags.resample === true ? undefined : Number(flags.resample);
    if (step !== undefined && !(step > 0)) throw new OptionError(`--resample takes a positive step (in the time column's units; milliseconds for dates). Got '${flags.resample}' instead.`);
    read.resample = step === undefined ? true : { step };
  }
  const input = await readSeries(file, read);
  const { series } = input;
  const showTime = (t: number): string => formatTimestamp(t, input.numericTime);
  const note = (text: string): void => {
    if (flags.quiet !== true) process.stderr.write(`${text}\n`);
  };
  if (input.sampling !== undefined && !input.sampling.regular) {
    for (const line of describeSampling(input.sampling, showTime)) note(`${file}: ${line}`);
    note(input.resampled ? `${file}: resampled to ${series.values.rows} rows` : `${file}: not resampled (pass --resample to fill the gaps)`);
  }
  detector.fit(series.values);
  const scores = detector.trainingScores;
  const labels = detector.labelsFor(scores);
  const channels = detector instanceof SeriesDetector ? detector.trainingChannelScores : undefined;
  const names = series.channels ?? Array.from({ length: series.values.cols }, (_, c) => `channel${c}`);
  const time = (i: number): string => (series.timestamps === undefined ? String(i) : showTime(series.timestamps[i]!));
  let text: string;
  if (flags.format === 'json' || (flags.format === undefined && flags.out?.toLowerCase().endsWith('.json'))) {
    const rows = Array.from({ length: scores.length }, (_, i) => ({
      time: time(i),
      score: scores[i],
      label: labels[i],
      ...(channels === undefined ? {} : { channels: Object.fromEntries(names.map((n, c) => [n, channels.data[i * channels.cols + c]])) }),
    }));
    text = `${JSON.stringify({ detector: name, threshold: detector.threshold, rows })}\n`;
  } else {
    const out: string[] = [`time,score,label${channels === undefined ? '' : names.map((n) => `,score_${csvName(n)}`).join('')}\n`];
    for (let i = 0; i < scores.length; i++) {
      let row = `${time(i)},${scores[i]},${labels[i]}`;
      if (channels !== undefined) for (let c = 0; c < channels.cols; c++) row += `,${channels.data[i * channels.cols + c]}`;
      out.push(`${row}\n`);
    }
    text = out.join('');
  }
  if (flags.out === undefined) process.stdout.write(text);
  else await writeFileAtomic(flags.out, text);
  if (wantsReport(flags)) {
    const truth = input.labels;
    await writeRunReport({
      source: file,
      command: commandLine(),
      detector: { name, title: cls.info.title, paper: cls.info.paper, options: { ...detector.options } },
      ...(input.resampled ? { preprocessing: 'resampled onto a regular grid' } : {}),
      threshold: detector.threshold,
      thresholdSpec: detector.thresholdSpec,
      scores,
      flagged: labels,
      truth,
      series: { timestamps: series.timestamps, numericTime: input.numericTime, values: series.values, channels: names, channelScores: channels },
      metrics: truth !== undefined && truth.some((v) => v === 1) ? seriesMetrics(truth, scores, labels) : undefined,
      fitSeconds: detector.summary?.seconds,
    }, flags, note);
  }
  if (input.labels !== undefined) process.stderr.write(seriesEvaluation(input.labels, scores, labels));
}

/** The time-series metrics of one labelled series (with anomalies), as [name, values] for stderr and the report. */
export function seriesMetrics(truth: Uint8Array, scores: Float64Array, predictions: Uint8Array): [string, string][] {
  const point = precisionRecallF1(truth, predictions);
  const events = eventScoresOf(truth, predictions, 0.5);
  const pak = paKCurve(truth, predictions);
  const v = vus(truth, scores);
  return [
    ['point-wise', `precision ${point.precision.toFixed(3)}  recall ${point.recall.toFixed(3)}  F1 ${point.f1.toFixed(3)}`],
    ['event-wise', `precision ${events.precision.toFixed(3)}  recall ${events.recall.toFixed(3)}  F0.5 ${events.fBeta.toFixed(3)}`],
    ['PA%K', `F1 at K=0 (point-adjusted) ${pak.f1[0]!.toFixed(3)}  area over K ${pak.auc.toFixed(3)}`],
    ['VUS', `ROC ${v.vusRoc.toFixed(3)}  PR ${v.vusPr.toFixed(3)} (buffer up to ${v.window})`],
  ];
}

/** The time-series metrics of one labelled series, one line each. */
export function seriesEvaluation(truth: Uint8Array, scores: Float64Array, predictions: Uint8Array): string {
  if (!truth.some((v) => v === 1)) return 'labels: no anomalous timestamp, nothing to evaluate\n';
  return seriesMetrics(truth, scores, predictions).map(([name, values]) => `${name.padEnd(13)}${values}\n`).join('');
}

function csvName(n: string): string {
  return /[",\r\n]/.test(n) ? `"${n.replaceAll('"', '""')}"` : n;
}
