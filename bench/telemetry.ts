/**
 * `npm run bench -- telemetry [--spacecraft SMAP|MSL|both] [--detector a,b] [--options '{…}'] [--channels N] [--jobs N]`
 *
 * NASA SMAP and MSL telemetry (Hundman et al., KDD 2018) on telemanom's protocol: per channel, one model trained on
 * the channel's train part and scored on its test part; the series is the telemetry value (column 0; the other
 * columns are command flags, telemanom's inputs but not its target). Labels are `labeled_anomalies.csv`'s inclusive
 * ranges of the test part.
 *
 * Reported, summed or averaged over the channels: event-wise precision / recall / F0.5 as telemanom counts them, with
 * anomalies flagged by telemanom's non-parametric dynamic threshold applied to each detector's test scores (no labels
 * used; src/timeseries/thresholds); point-wise F1 of those same flags; PA%K (F1 at K = 0, i.e. point-adjusted, and the
 * area over K); VUS-ROC and VUS-PR (mean over channels); training seconds per channel. A random-score baseline runs
 * under the same protocol. Writes bench/results/telemetry-<detectors>.json.
 * `--jobs n` trains n channels at once in child processes (one GEMM thread each), for machines with cores to spare;
 * the results are the same as one at a time.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { InputError, OptionError } from '../src/core/errors.ts';
import { createMatrix, type Matrix } from '../src/core/matrix.ts';
import { readNpy } from '../src/data/npy.ts';
import { createDetector } from '../src/detectors/registry.ts';
import '../src/detectors/tabular/index.ts';
import '../src/detectors/timeseries/index.ts';
import type { SeriesDetector } from '../src/detectors/timeseries/series-detector.ts';
import { eventScores, fromEventCounts, type EventScores } from '../src/timeseries/metrics/events.ts';
import { runInChildren } from './child-pool.ts';
import { paKCurve } from '../src/timeseries/metrics/point-adjust.ts';
import { randomScores } from '../src/timeseries/metrics/random-baseline.ts';
import { rangesToLabels, type Range } from '../src/timeseries/metrics/ranges.ts';
import { vus } from '../src/timeseries/metrics/vus.ts';
import { dynamicThreshold } from '../src/timeseries/thresholds/telemanom.ts';
import { precisionRecallF1 } from '../src/metrics/classification.ts';

export interface TelemetryChannel {
  id: string;
  train: Float64Array;
  test: Float64Array;
  anomalies: Range[];
}

export interface TelemetryResult {
  detector: string;
  spacecraft: string;
  channels: number;
  events: EventScores;
  pointF1: number;
  paF1: number;
  paKAuc: number;
  vusRoc: number;
  vusPr: number;
  trainSecondsPerChannel: number;
}

/** telemanom's published event-wise precision / recall (reference/README.md) and the F0.5 the issue sets as target. */
const PUBLISHED: Record<string, { precision: number; recall: number; f05: number }> = {
  SMAP: { precision: 0.855, recall: 0.855, f05: 0.71 },
  MSL: { precision: 0.926, recall: 0.694, f05: 0.69 },
};

function defaultRoot(): string {
  const fromEnv = process.env['DAD_DATA_DIR'];
  const data = fromEnv !== undefined && fromEnv !== '' ? fromEnv : fileURLToPath(new URL('../../shared/data', import.meta.url));
  return join(data, 'timeseries');
}

export async function readTelemetry(root: string, spacecraft: 'SMAP' | 'MSL', limit?: number): Promise<TelemetryChannel[]> {
  const dir = join(root, spacecraft.toLowerCase());
  const csv = join(dir, 'labeled_anomalies.csv');
  if (!existsSync(csv)) throw new InputError(`${csv} not found: the telemetry data is expected under ${dir}.`);
  const out: TelemetryChannel[] = [];
  for (const line of readFileSync(csv, 'utf8').split(/\r?\n/).slice(1)) {
    const m = /^([^,]+),([^,]+),"(\[.*?\])"/.exec(line);
    if (m === null || m[2] !== spacecraft) continue;
    const id = m[1]!;
    const trainPath = join(dir, 'train', `${id}.npy.gz`);
    const testPath = join(dir, 'test', `${id}.npy.gz`);
    if (!existsSync(trainPath) || !existsSync(testPath)) continue;
    const first = (a: { shape: [number, number]; data: Float64Array }): Float64Array => Float64Array.from({ length: a.shape[0] }, (_, i) => a.data[i * a.shape[1]]!);
    out.push({ id, train: first(await readNpy(trainPath)), test: first(await readNpy(testPath)), anomalies: JSON.parse(m[3]!) as Range[] });
    if (limit !== undefined && out.length >= limit) break;
  }
  return out;
}

/** A channel's test scores from a fresh detector fitted on its train part ('random' = the baseline). */
export interface ChannelScores {
  scores: Float64Array;
  trainSeconds: number;
}

export function scoreChannel(ch: TelemetryChannel, k: number, detector: string, options: Record<string, unknown>): ChannelScores {
  if (detector === 'random') return { scores: randomScores(ch.test.length, k), trainSeconds: 0 };
  const d = createDetector(detector, options) as SeriesDetector;
  const started = performance.now();
  d.fit(column(ch.train));
  const trainSeconds = (performance.now() - started) / 1000;
  return { scores: d.detect(column(ch.test)).scores, trainSeconds };
}

/** Every channel scored and judged as telemanom does; `scored` gives the channels' scores when computed elsewhere (--jobs). */
export function evaluateTelemetry(channels: TelemetryChannel[], detector: string, options: Record<string, unknown>, spacecraft: string, scored?: readonly ChannelScores[]): TelemetryResult {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let trainSeconds = 0;
  const allTruth: number[] = [];
  const allFlags: number[] = [];
  let vusRoc = 0;
  let vusPr = 0;
  channels.forEach((ch, k) => {
    const channel = scored?.[k] ?? scoreChannel(ch, k, detector, options);
    const scores = channel.scores;
    trainSeconds += channel.trainSeconds;
    const flags = dynamicThreshold(scores, undefined, { minError: 0, inverse: false });
    const e = eventScores(ch.anomalies, flags.sequences);
    tp += e.truePositives;
    fp += e.falsePositives;
    fn += e.falseNegatives;
    const truth = rangesToLabels(ch.anomalies, ch.test.length);
    for (let i = 0; i < truth.length; i++) {
      allTruth.push(truth[i]!);
      allFlags.push(flags.labels[i]!);
    }
    const v = vus(truth, scores);
    vusRoc += v.vusRoc;
    vusPr += v.vusPr;
  });
  const pak = paKCurve(allTruth, allFlags);
  return {
    detector,
    spacecraft,
    channels: channels.length,
    events: fromEventCounts(tp, fp, fn, 0.5),
    pointF1: precisionRecallF1(allTruth, allFlags).f1,
    paF1: pak.f1[0]!,
    paKAuc: pak.auc,
    vusRoc: vusRoc / channels.length,
    vusPr: vusPr / channels.length,
    trainSecondsPerChannel: trainSeconds / Math.max(1, channels.length),
  };
}

function column(v: Float64Array): Matrix {
  return createMatrix(v.length, 1, Float64Array.from(v));
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      spacecraft: { type: 'string', default: 'both' },
      detector: { type: 'string', default: 'matrix-profile,spectral-residual,seasonal-residual' },
      options: { type: 'string', default: '{}' },
      channels: { type: 'string' },
      jobs: { type: 'string', default: '1' },
      child: { type: 'string' },
    },
    strict: true,
  });
  let options: Record<string, unknown>;
  try {
    options = JSON.parse(values.options) as Record<string, unknown>;
  } catch (cause) {
    throw new OptionError(`--options must be a JSON object. Got ${JSON.stringify(values.options)} instead.`, { cause });
  }
  const crafts = values.spacecraft === 'both' ? ['SMAP', 'MSL'] as const : [values.spacecraft.toUpperCase()];
  for (const c of crafts) if (c !== 'SMAP' && c !== 'MSL') throw new OptionError(`--spacecraft must be SMAP, MSL or both. Got '${values.spacecraft}' instead.`);
  const limit = values.channels === undefined ? undefined : Number(values.channels);
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new OptionError(`--jobs must be a whole number of at least 1. Got '${values.jobs}' instead.`);
  if (values.child !== undefined) {
    // a child of --jobs: one channel of one spacecraft, its scores printed as one JSON line
    const [craft, index] = values.child.split(':') as ['SMAP' | 'MSL', string];
    const k = Number(index);
    const ch = (await readTelemetry(defaultRoot(), craft, k + 1))[k]!; // read only up to the channel asked for
    const r = scoreChannel(ch, k, values.detector, options);
    process.stdout.write(`${JSON.stringify({ scores: [...r.scores], trainSeconds: r.trainSeconds })}\n`);
    return;
  }
  const detectors = [...values.detector.split(',').map((d) => d.trim()).filter((d) => d !== ''), 'random'];
  const results: TelemetryResult[] = [];
  const lines: string[] = [];
  for (const craft of crafts as ('SMAP' | 'MSL')[]) {
    const channels = await readTelemetry(defaultRoot(), craft, limit);
    const pub = PUBLISHED[craft]!;
    lines.push('', `${craft}: ${channels.length} channels, telemanom's dynamic threshold on each detector's test scores. telemanom (LSTM, published): event precision ${pub.precision}, recall ${pub.recall}; target F0.5 ${pub.f05}`);
    lines.push(`${'detector'.padEnd(20)} ${'ev.prec'.padStart(8)} ${'ev.rec'.padStart(8)} ${'ev.F0.5'.padStart(8)} ${'pw.F1'.padStart(7)} ${'PA.F1'.padStart(7)} ${'PA%K'.padStart(7)} ${'VUS-ROC'.padStart(8)} ${'VUS-PR'.padStart(8)} ${'train s/ch'.padStart(11)}`);
    for (const detector of detectors) {
      const detectorOptions = detector === 'random' ? {} : options;
      let scored: ChannelScores[] | undefined;
      if (jobs > 1 && detector !== 'random') {
        const tasks = channels.map((_, k) => ['--child', `${craft}:${k}`, '--detector', detector, '--options', JSON.stringify(detectorOptions)]);
        const rows = await runInChildren<{ scores: number[]; trainSeconds: number }>(fileURLToPath(import.meta.url), tasks, jobs);
        scored = rows.map((r) => ({ scores: Float64Array.from(r.scores), trainSeconds: r.trainSeconds }));
      }
      const r = evaluateTelemetry(channels, detector, detectorOptions, craft, scored);
      results.push(r);
      lines.push(`${detector.padEnd(20)} ${r.events.precision.toFixed(3).padStart(8)} ${r.events.recall.toFixed(3).padStart(8)} ${r.events.fBeta.toFixed(3).padStart(8)} ${r.pointF1.toFixed(3).padStart(7)} ${r.paF1.toFixed(3).padStart(7)} ${r.paKAuc.toFixed(3).padStart(7)} ${r.vusRoc.toFixed(3).padStart(8)} ${r.vusPr.toFixed(3).padStart(8)} ${r.trainSecondsPerChannel.toFixed(3).padStart(11)}`);
      process.stderr.write(`${craft} ${detector} done\n`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `telemetry-${detectors.filter((d) => d !== 'random').join('+')}.json`), `${JSON.stringify({ options, channels: limit ?? 'all', results }, null, 2)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await run(process.argv.slice(2));
}
