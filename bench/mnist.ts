/**
 * `npm run bench -- mnist [--detector image-deepsvdd] [--digits 0,1] [--seeds 1] [--options '{…}'] [--jobs 1]`: the
 * one-class protocol of Deep SVDD (Ruff et al., ICML 2018) and OC-NN (Chalapathy et al., 2018). For each digit, the
 * detector trains on that digit's training images only and scores the 10,000 MNIST test images, the other nine digits
 * being the anomalies; ROC-AUC per digit, mean over seeds, and the training time per digit.
 *
 * Training images: the npm package `mnist@1.1.0` (a devDependency), which holds the first 10,000 MNIST training
 * images (about 1,000 per digit — the papers train on about 6,000). Test images: the official t10k IDX files in
 * ../shared/data/images/mnist. The detectors' defaults are the papers' settings; nothing is chosen on test labels.
 * `--jobs n` trains n digits at once in child processes (one GEMM thread each), for machines with cores to spare.
 *
 * Published (reference/README.md, ROC-AUC %): one-class Deep SVDD per digit 98.0, 99.7, 91.7, 91.9, 94.9, 88.5, 98.3,
 * 94.6, 93.9, 96.5 (mean 94.8); OC-NN paper, digit 0: OC-NN 97.6, soft-bound Deep SVDD 98.7, DCAE 99.9, RCAE 99.9,
 * Isolation Forest 95.3. Writes bench/results/mnist[-<detector>].{json,md}.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { InputError, OptionError } from '../src/core/errors.ts';
import { benchmarkDataDir } from '../src/cli/data-dir.ts';
import '../src/detectors/builtins.ts';
import { resolveImageDetector, type ImageDetector, type ImageOptions } from '../src/detectors/images/index.ts';
import { createDetector } from '../src/detectors/registry.ts';
import { readIdxImages, readIdxLabels } from '../src/images/idx.ts';
import type { ImageSet } from '../src/images/image-set.ts';
import { rocAuc } from '../src/metrics/roc.ts';
import { runInChildren } from './child-pool.ts';

/** Published one-class Deep SVDD, MNIST, ROC-AUC % per digit (Ruff et al., ICML 2018, Table 1). */
const DEEP_SVDD_PUBLISHED = [98.0, 99.7, 91.7, 91.9, 94.9, 88.5, 98.3, 94.6, 93.9, 96.5];
/** OC-NN paper, MNIST digit 0 (Chalapathy et al. 2018). */
const DIGIT0_PUBLISHED = { 'OC-NN': 97.6, 'Deep SVDD (one-class)': 97.8, 'Deep SVDD (soft-bound)': 98.7, RCAE: 99.9, DCAE: 99.9, 'OC-SVM': 96.8, 'Isolation Forest': 95.3 };

export interface MnistRow {
  digit: number;
  seed: number;
  rocAuc: number;
  trainImages: number;
  fitSeconds: number;
  epochs: string;
}

/** The npm package's images of one digit, 28 × 28, values in [0, 1] (stored rounded to 3 decimals). */
export function trainingDigit(digit: number): ImageSet {
  const require = createRequire(import.meta.url);
  const path = require.resolve(`mnist/src/digits/${digit}.json`);
  const values = (JSON.parse(readFileSync(path, 'utf8')) as { data: number[] }).data;
  const count = Math.floor(values.length / 784);
  return { count, channels: 1, height: 28, width: 28, data: Float32Array.from(values.slice(0, count * 784)), names: Array.from({ length: count }, (_, i) => `mnist-${digit}#${i}`) };
}

export async function testSet(): Promise<{ images: ImageSet; labels: Int32Array }> {
  const dir = join(benchmarkDataDir(), 'images', 'mnist');
  try {
    const images = await readIdxImages(join(dir, 't10k-images-idx3-ubyte.gz'));
    const labels = await readIdxLabels(join(dir, 't10k-labels-idx1-ubyte.gz'));
    return { images, labels };
  } catch (cause) {
    throw new InputError(`MNIST bench: cannot read the test set in ${dir} (the shared data folder; set DAD_DATA_DIR): ${(cause as Error).message}`, { cause });
  }
}

async function runDigit(detector: string, options: Record<string, unknown>, digit: number, seed: number, test: { images: ImageSet; labels: Int32Array }): Promise<MnistRow> {
  const train = trainingDigit(digit);
  const model = createDetector(detector, { ...options, seed }) as ImageDetector<ImageOptions>;
  model.onProgress = (e) => {
    if (e.epoch === e.epochs || e.epoch % 25 === 0) process.stderr.write(`  digit ${digit} seed ${seed} ${e.stage ?? 'training'}: epoch ${e.epoch}/${e.epochs} loss ${e.loss.toPrecision(4)}\n`);
  };
  const started = performance.now();
  model.fitImages(train);
  const fitSeconds = (performance.now() - started) / 1000;
  const scores = model.scoreImages(test.images);
  const y = Int32Array.from(test.labels, (l) => (l === digit ? 0 : 1));
  return { digit, seed, rocAuc: rocAuc(y, scores), trainImages: train.count, fitSeconds, epochs: model.history.map((h) => h.epochs).join('+') };
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      detector: { type: 'string', default: 'image-deepsvdd' },
      digits: { type: 'string', default: '0,1,2,3,4,5,6,7,8,9' },
      seeds: { type: 'string', default: '1' },
      options: { type: 'string', default: '{}' },
      jobs: { type: 'string', default: '1' },
      child: { type: 'boolean', default: false },
      'first-seed': { type: 'string', default: '0' },
    },
  });
  const detector = resolveImageDetector(values.detector);
  const digits = values.digits.split(',').map((d) => Number(d.trim()));
  if (digits.some((d) => !Number.isInteger(d) || d < 0 || d > 9)) throw new OptionError(`--digits must list digits 0…9 separated by commas; got '${values.digits}'.`);
  const seeds = Number(values.seeds);
  if (!Number.isInteger(seeds) || seeds < 1) throw new OptionError(`--seeds must be a whole number ≥ 1; got '${values.seeds}'.`);
  let options: Record<string, unknown>;
  try {
    options = JSON.parse(values.options) as Record<string, unknown>;
  } catch {
    throw new OptionError(`--options must be a JSON object; got '${values.options}'.`);
  }
  const jobs = Math.max(1, Math.min(Number(values.jobs) || 1, cpus().length));

  let rows: MnistRow[] = [];
  if (jobs > 1 && !values.child) {
    const tasks = digits.flatMap((d) => Array.from({ length: seeds }, (_, s) => ['--child', '--detector', detector, '--digits', String(d), '--seeds', '1', '--first-seed', String(s), '--options', values.options]));
    rows = (await runInChildren<MnistRow[]>(fileURLToPath(import.meta.url), tasks, jobs)).flat();
  } else {
    const test = await testSet();
    for (const digit of digits) {
      const first = Number(values['first-seed']);
      for (let seed = first; seed < first + seeds; seed++) {
        const row = await runDigit(detector, options, digit, seed, test);
        process.stderr.write(`digit ${digit} seed ${seed}: ROC-AUC ${(100 * row.rocAuc).toFixed(1)} (${row.fitSeconds.toFixed(0)} s to train on ${row.trainImages} images)\n`);
        rows.push(row);
      }
    }
  }
  if (values.child) {
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  rows = rows.sort((a, b) => a.digit - b.digit || a.seed - b.seed);
  writeResults(detector, options, rows, argv, jobs);
}

function writeResults(detector: string, options: Record<string, unknown>, rows: MnistRow[], argv: string[], jobs: number): void {
  const digits = [...new Set(rows.map((r) => r.digit))];
  const perDigit = digits.map((digit) => {
    const rs = rows.filter((r) => r.digit === digit);
    const mean = rs.reduce((s, r) => s + r.rocAuc, 0) / rs.length;
    const sd = Math.sqrt(rs.reduce((s, r) => s + (r.rocAuc - mean) ** 2, 0) / rs.length);
    return { digit, rocAuc: mean, sd, seeds: rs.length, fitSeconds: rs.reduce((s, r) => s + r.fitSeconds, 0) / rs.length, trainImages: rs[0]!.trainImages, epochs: rs[0]!.epochs, published: DEEP_SVDD_PUBLISHED[digit]! };
  });
  const mean = perDigit.reduce((s, r) => s + r.rocAuc, 0) / perDigit.length;
  const publishedMean = perDigit.reduce((s, r) => s + r.published, 0) / perDigit.length;
  const command = `npm run bench -- mnist ${argv.join(' ')}`.trim();
  const lines = [
    `# MNIST one-class benchmark — ${detector}`,
    '',
    `Command: \`${command}\``,
    '',
    'Protocol (Deep SVDD / OC-NN): train on one digit, test on the 10,000 MNIST test images with the other nine digits as anomalies; ROC-AUC %.',
    `Training images: the npm package mnist@1.1.0 — the first 10,000 MNIST training images, ${perDigit.map((r) => r.trainImages).join(' / ')} per digit (the papers use ≈6,000 per digit).`,
    `Options: defaults${Object.keys(options).length > 0 ? ` with ${JSON.stringify(options)}` : ''}. Training seconds per digit on ${cpus().length} cores with ${jobs} digit${jobs > 1 ? 's' : ''} at a time${jobs > 1 ? ' (one GEMM thread each)' : ''}.`,
    '',
    '| digit | ROC-AUC (ours) | ± sd over seeds | seeds | Deep SVDD published | train images | epochs | train s |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...perDigit.map((r) => `| ${r.digit} | ${(100 * r.rocAuc).toFixed(1)} | ${(100 * r.sd).toFixed(1)} | ${r.seeds} | ${r.published.toFixed(1)} | ${r.trainImages} | ${r.epochs} | ${r.fitSeconds.toFixed(0)} |`),
    `| **mean** | **${(100 * mean).toFixed(1)}** | | | **${publishedMean.toFixed(1)}** | | | |`,
    '',
    `Published, digit 0 (OC-NN paper): ${Object.entries(DIGIT0_PUBLISHED).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
  ];
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const base = detector === 'image-deepsvdd' ? 'mnist' : `mnist-${detector}`;
  writeFileSync(join(dir, `${base}.md`), lines.join('\n'));
  writeFileSync(join(dir, `${base}.json`), `${JSON.stringify({ command, detector, options, perDigit, mean, publishedMean, rows }, null, 2)}\n`);
  process.stdout.write(lines.join('\n'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await run(process.argv.slice(2));
}
