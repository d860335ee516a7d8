/**
 * `npm run bench -- nab [--detector windowed-gaussian] [--options '{"windowSize":6400}'] [--precision 12|full] [--probation]`
 *
 * The Numenta Anomaly Benchmark in its streaming setting: for each of the 58 series a fresh detector scores every
 * value before learning it (no look-ahead, no labels, no tuning per file). As NAB does, one threshold per detector and
 * profile is chosen by sweeping the whole corpus (its optimiser), and the corpus is scored at it with the official
 * scorer (src/timeseries/nab, checked against NAB's published results), normalised so that the null detector is 0 and
 * the perfect one 100. Prints NAB's whole published scoreboard beside ours; writes bench/results/nab-<detector>.json.
 *
 * NAB scores the CSV files its detectors wrote, and the published results were written by Python 2, whose floats keep
 * 12 significant digits; scores within 5e-13 of 1 then read back as exactly 1.0, which is what a threshold of 1.0
 * catches. `--precision 12` (the default) rounds our scores the same way, so that they compare with the published
 * ones; `--precision full` scores the raw doubles.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { InputError, OptionError } from '../src/core/errors.ts';
import { createDetector, getDetectorClass } from '../src/detectors/registry.ts';
import '../src/detectors/timeseries/index.ts';
import { normalise, nullScore, probationaryLength, perfectScore, PROFILE_NAMES, readNabCorpus, scoreNab, sweepThreshold, type NabCorpus, type ProfileName, type ScoredSeries } from '../src/timeseries/nab/index.ts';

/** What a detector needs for NAB's streaming setting: score a value, then learn it. */
export interface StreamingDetector {
  scoreOne(value: number): number;
  learnOne(value: number): void;
}

export interface NabRunOptions {
  /** registry name of a detector with scoreOne / learnOne; default 'windowed-gaussian' */
  detector?: string;
  /** its options */
  options?: Record<string, unknown>;
  /** significant digits kept of each score (NAB's published pipeline: 12); undefined keeps full precision */
  precision?: number | undefined;
  /**
   * NAB's detector API gives every detector the file's probationary period (min(0.15 n, 750) rows); with this set,
   * a detector with the anomaly likelihood's learningPeriod / estimationSamples options gets NAB's Numenta setting:
   * half the probationary period to learn, the other half to estimate (numenta_detector.py)
   */
  probation?: boolean;
  /** the NAB folder (data/, labels/, config/); default $DAD_DATA_DIR/timeseries/nab or ../shared/data/timeseries/nab */
  root?: string;
}

export interface NabProfileResult {
  /** threshold chosen by sweeping the corpus */
  threshold: number;
  /** raw NAB score at that threshold */
  raw: number;
  /** normalised score: null detector 0, perfect 100 */
  score: number;
  tp: number;
  fp: number;
  fn: number;
}

export interface NabRunResult {
  detector: string;
  options: Record<string, unknown>;
  precision: number | 'full';
  /** NAB's probationary period given to the detector (learningPeriod / estimationSamples per file) */
  probation: boolean;
  files: number;
  rows: number;
  detectSeconds: number;
  profiles: Record<ProfileName, NabProfileResult>;
}

/** Runs one streaming detector over the NAB corpus and scores it in all three profiles. */
export function runNab(run: NabRunOptions = {}): NabRunResult {
  const detectorName = run.detector ?? 'windowed-gaussian';
  const options = run.options ?? {};
  const precision = run.precision;
  if (precision !== undefined && (!Number.isInteger(precision) || precision < 1 || precision > 17)) {
    throw new OptionError(`The 'precision' option of the NAB benchmark must be an integer in [1, 17] or absent. Got ${precision} instead.`);
  }
  const corpus = readNabCorpus(run.root ?? defaultRoot());
  const started = performance.now();
  const scored = detectAll(corpus, detectorName, options, precision, run.probation ?? false);
  const detectSeconds = (performance.now() - started) / 1000;

  const profiles = {} as Record<ProfileName, NabProfileResult>;
  for (const name of PROFILE_NAMES) {
    const profile = corpus.profiles[name];
    if (profile === undefined) throw new InputError(`${corpus.root}/config/profiles.json: no profile '${name}'.`);
    const best = sweepThreshold(scored, profile);
    const check = scoreNab(scored, profile, best.threshold);
    const score = normalise(check.score, nullScore(corpus.series, profile), perfectScore(corpus.windowCount, profile));
    profiles[name] = { threshold: best.threshold, raw: check.score, score, tp: check.tp, fp: check.fp, fn: check.fn };
  }
  return {
    detector: detectorName,
    options,
    precision: precision ?? 'full',
    probation: run.probation ?? false,
    files: corpus.series.length,
    rows: corpus.series.reduce((n, s) => n + s.timestamps.length, 0),
    detectSeconds,
    profiles,
  };
}

/** A fresh detector per file, fed the values in order: each scored before it is learned. */
function detectAll(corpus: NabCorpus, detectorName: string, options: Record<string, unknown>, precision: number | undefined, probation: boolean): ScoredSeries[] {
  const shape = (getDetectorClass(detectorName).schema as { shape?: Record<string, unknown> }).shape ?? {};
  const takesNabInputs = 'inputMin' in shape && 'inputMax' in shape && 'length' in shape;
  return corpus.series.map((series) => {
    const p = probationaryLength(series.values.length);
    const learningPeriod = Math.floor(p / 2);
    let fileOptions = probation ? { ...options, learningPeriod, estimationSamples: p - learningPeriod } : options;
    // NAB's detector API (nab/detectors/base.py) hands every detector the file's inputMin and inputMax, and its
    // length fixes the probationary period; a detector that declares these options gets them, as in NAB.
    if (takesNabInputs) {
      let min = Infinity;
      let max = -Infinity;
      for (const v of series.values) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      fileOptions = { inputMin: min, inputMax: max, length: series.values.length, ...fileOptions };
    }
    const detector = createDetector(detectorName, fileOptions) as unknown as Partial<StreamingDetector>;
    if (typeof detector.scoreOne !== 'function' || typeof detector.learnOne !== 'function') {
      throw new OptionError(`Detector '${detectorName}' cannot run on NAB: it has no streaming interface (scoreOne / learnOne).`);
    }
    const scores = new Float64Array(series.values.length);
    for (let i = 0; i < series.values.length; i++) {
      const value = series.values[i]!;
      const s = detector.scoreOne(value);
      scores[i] = precision === undefined ? s : Number(s.toPrecision(precision));
      detector.learnOne(value);
    }
    return { name: series.name, timestamps: series.timestamps, windows: series.windows, scores };
  });
}

function defaultRoot(): string {
  const fromEnv = process.env['DAD_DATA_DIR'];
  const data = fromEnv !== undefined && fromEnv !== '' ? fromEnv : fileURLToPath(new URL('../../shared/data', import.meta.url));
  return join(data, 'timeseries', 'nab');
}

/** NAB's published normalised scores of every detector (results/final_results.json of the NAB folder), or none. */
export function publishedScoreboard(root: string = defaultRoot()): Record<string, Record<ProfileName, number>> {
  const path = join(root, 'results', 'final_results.json');
  if (!existsSync(path)) return {};
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<ProfileName, number>>;
}

/** Our registry names of the detectors NAB also published. */
const PUBLISHED_NAME: Record<string, string> = { 'windowed-gaussian': 'windowedGaussian' };

/** The whole published scoreboard with our run in it, best standard score first. */
export function scoreboardLines(result: NabRunResult, board: Record<string, Record<ProfileName, number>>): string[] {
  const ours = `dadkit ${result.detector}`;
  const rows: [string, Record<ProfileName, number>][] = Object.entries(board).map(([name, scores]) => [`NAB ${name}`, scores]);
  rows.push([ours, Object.fromEntries(PROFILE_NAMES.map((p) => [p, result.profiles[p].score])) as Record<ProfileName, number>]);
  rows.sort((a, b) => b[1].standard - a[1].standard);
  return [
    `${'scoreboard (published: NAB results/final_results.json)'.padEnd(40)} ${'standard'.padStart(9)} ${'low FP'.padStart(9)} ${'low FN'.padStart(9)}`,
    ...rows.map(([name, s]) => `${(name === ours ? `> ${name}` : `  ${name}`).padEnd(40)} ${s.standard.toFixed(2).padStart(9)} ${s.reward_low_FP_rate.toFixed(2).padStart(9)} ${s.reward_low_FN_rate.toFixed(2).padStart(9)}`),
  ];
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      detector: { type: 'string', default: 'windowed-gaussian' },
      options: { type: 'string', default: '{}' },
      precision: { type: 'string', default: '12' },
      probation: { type: 'boolean', default: false },
    },
    strict: true,
  });
  let options: Record<string, unknown>;
  try {
    options = JSON.parse(values.options) as Record<string, unknown>;
  } catch (cause) {
    throw new OptionError(`--options must be a JSON object. Got ${JSON.stringify(values.options)} instead.`, { cause });
  }
  const precision = values.precision === 'full' ? undefined : Number(values.precision);
  const result = runNab({ detector: values.detector, options, precision, probation: values.probation });
  const board = publishedScoreboard();
  const published = board[PUBLISHED_NAME[result.detector] ?? result.detector];
  const lines = [
    `NAB, streaming, ${result.files} files, ${result.rows} rows; detection ${result.detectSeconds.toFixed(1)} s; scores kept to ${result.precision} digits`,
    `${'profile'.padEnd(20)} ${'threshold'.padStart(16)} ${'raw'.padStart(10)} ${'score'.padStart(8)} ${'published'.padStart(10)}`,
    ...PROFILE_NAMES.map((p) => {
      const r = result.profiles[p];
      return `${p.padEnd(20)} ${String(r.threshold).padStart(16)} ${r.raw.toFixed(3).padStart(10)} ${r.score.toFixed(2).padStart(8)} ${(published?.[p]?.toFixed(2) ?? '–').padStart(10)}`;
    }),
    '',
    ...scoreboardLines(result, board),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `nab-${result.detector}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
