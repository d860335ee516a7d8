/**
 * `dad images`: one-class detection on images.
 * - `dad images fit <folder|idx> --save model [--detector deepsvdd] [--size 28] [--grayscale] [--options json]`: learns
 *   from a folder of normal images (PNG / JPEG) or an IDX file; the model file keeps the size and colour it read them
 *   with, so scoring reads new images the same way.
 * - `dad images score <folder|idx> --model model [--out scores.csv] [--maps dir] [--smooth k] [--anomalies folder]`:
 *   one score per image (CSV: image, score, label), an anomaly-map PNG per image with --maps (the image beside its
 *   heat map), frames smoothed over time with --smooth; with --anomalies (a folder of known anomalies) the input is
 *   taken as normal and the ROC-AUC of normal vs. anomalous goes to stderr.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError, OptionError } from '../core/errors.ts';
import { isImageDetector, resolveImageDetector, type ImageDetector, type ImageOptions } from '../detectors/images/index.ts';
import { createDetector } from '../detectors/registry.ts';
import { mapFileStem, mapPng, mapScale } from '../images/heatmap.ts';
import { concatImages, selectImages, type ImageSet } from '../images/image-set.ts';
import { readImages } from '../images/read-images.ts';
import { rocAuc } from '../metrics/roc.ts';
import { writeFileAtomic } from '../model-io/atomic.ts';
import { loadModel, saveModel } from '../model-io/model-file.ts';
import { parseNumber } from './detector-options.ts';
import { addReportOptions, checkReportFlags, commandLine, wantsReport, writeRunReport, type ReportFlags } from './report-option.ts';

interface FitFlags {
  save: string;
  detector: string;
  size?: string;
  grayscale?: boolean;
  options?: string;
  epochs?: string;
  quiet?: boolean;
}

interface ScoreFlags extends ReportFlags {
  model: string;
  out?: string;
  maps?: string;
  smooth?: string;
  anomalies?: string;
  quiet?: boolean;
}

/** How the images were read at fit, stored in the model file. */
interface ImagePreprocessing {
  kind: 'images';
  size: [number, number];
  grayscale: boolean;
}

export function registerImages(program: Command): Command {
  const images = program.command('images').description('images: fit a one-class detector on normal images, score images with anomaly maps');
  images.command('fit')
    .description('learn from a folder of normal images (PNG / JPEG) or an IDX file and save the model')
    .argument('<input>', 'folder of normal images, or an IDX file (gzipped or not)')
    .requiredOption('--save <file>', 'write the fitted model to this file')
    .option('-d, --detector <name>', 'image detector: deepsvdd, dcae, conv-vae, ocnn, rcae, ganomaly (dad list --modality images shows them)', 'deepsvdd')
    .option('--size <n|HxW>', 'resize every image to n × n (or H × W) pixels; default: the images\' own size, which must then be the same for all')
    .addOption(new Option('--grayscale', 'read images as one channel (default: one channel when every image is gray, else RGB)'))
    .option('--options <json>', 'detector options as JSON, e.g. \'{"epochs":20,"objective":"soft-boundary"}\'')
    .option('--epochs <n>', 'shorthand for the detector option epochs')
    .action(async (input: string, _flags: unknown, self: Command) => fit(input, self.optsWithGlobals<FitFlags>()));
  addReportOptions(images.command('score'))
    .description('score images with a saved image model: CSV of image, score, label; anomaly maps with --maps; --report shows the top images beside their maps')
    .argument('<input>', 'folder of images, or an IDX file')
    .requiredOption('--model <file>', 'model saved by dad images fit')
    .option('--out <file>', 'write the scores CSV here (default: stdout)')
    .option('--maps <dir>', 'write one PNG per image into this folder: the image beside its anomaly heat map')
    .option('--smooth <k>', 'the images are frames of a video, in name order: average each score with the k − 1 frames before it')
    .option('--anomalies <folder>', 'a folder of known anomalies: scored too, and the ROC-AUC of <input> (normal) vs. these goes to stderr')
    .action(async (input: string, _flags: unknown, self: Command) => score(input, self.optsWithGlobals<ScoreFlags>()));
  return images;
}

function parseSize(text: string): [number, number] {
  const m = /^(\d+)(?:[x×](\d+))?$/i.exec(text.trim());
  if (!m) throw new OptionError(`--size must be a number of pixels (28) or height×width (32x48); got '${text}'.`);
  const h = Number(m[1]), w = Number(m[2] ?? m[1]);
  if (h < 1 || w < 1 || h > 4096 || w > 4096) throw new OptionError(`--size must be from 1 to 4096 pixels; got '${text}'.`);
  return [h, w];
}

function parseJsonOptions(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new OptionError(`--options must be a JSON object: ${(error as Error).message}.`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new OptionError(`--options must be a JSON object; got ${text}.`);
  return value as Record<string, unknown>;
}

async function fit(input: string, flags: FitFlags): Promise<void> {
  const name = resolveImageDetector(flags.detector);
  const options = parseJsonOptions(flags.options);
  if (flags.epochs !== undefined) options['epochs'] = parseNumber(flags.epochs, '--epochs');
  const detector = createDetector(name, options) as ImageDetector<ImageOptions>;
  const set = await readImages(input, {
    ...(flags.size !== undefined ? { size: parseSize(flags.size) } : {}),
    ...(flags.grayscale === true ? { grayscale: true } : {}),
  });
  if (flags.quiet !== true) {
    process.stderr.write(`dad: fitting ${name} on ${set.count} images of ${set.width}×${set.height}, ${set.channels === 1 ? 'grayscale' : 'RGB'}\n`);
    detector.onProgress = (e) => {
      if (e.epoch === e.epochs || e.epoch % 10 === 0) process.stderr.write(`  ${e.stage ?? 'training'}: epoch ${e.epoch}/${e.epochs}, loss ${e.loss.toPrecision(4)}\n`);
    };
  }
  detector.fitImages(set);
  const preprocessing: ImagePreprocessing = { kind: 'images', size: [set.height, set.width], grayscale: set.channels === 1 };
  await saveModel(flags.save, detector, { preprocessing });
  if (flags.quiet !== true) process.stderr.write(`dad: saved ${flags.save} (threshold ${detector.threshold.toPrecision(4)})\n`);
}

async function score(input: string, flags: ScoreFlags): Promise<void> {
  checkReportFlags(flags);
  const saved = await loadModel(flags.model);
  const detector = saved.detector;
  if (!isImageDetector(detector)) {
    throw new InputError(`Model '${flags.model}' holds detector '${detector.name}', which is not an image detector; use dad score for tables.`);
  }
  const shape = detector.imageShape!;
  const read = { size: [shape.height, shape.width] as [number, number], grayscale: shape.channels === 1 };
  let set = await readImages(input, read);
  const normalCount = set.count;
  if (flags.anomalies !== undefined) set = concatImages(set, await readImages(flags.anomalies, read));
  const smoothing = flags.smooth === undefined ? 1 : parseNumber(flags.smooth, '--smooth');
  if (!Number.isInteger(smoothing) || smoothing < 1) throw new OptionError(`--smooth must be a whole number of frames ≥ 1; got '${flags.smooth}'.`);
  const scores = smoothing > 1 ? detector.scoreFrames(set, { smoothing }) : detector.scoreImages(set);
  const labels = detector.labelsFor(scores);
  const csv = ['image,score,label', ...set.names.map((n, i) => `${csvField(n)},${scores[i]},${labels[i]}`)].join('\n') + '\n';
  if (flags.out !== undefined) await writeFileAtomic(flags.out, csv);
  else process.stdout.write(csv);
  if (flags.anomalies !== undefined) {
    const y = Int32Array.from({ length: set.count }, (_, i) => (i < normalCount ? 0 : 1));
    process.stderr.write(`dad: ROC-AUC ${rocAuc(y, scores).toFixed(4)} (${normalCount} normal images, ${set.count - normalCount} known anomalies)\n`);
  }
  if (flags.maps !== undefined) {
    await mkdir(flags.maps, { recursive: true });
    const maps = detector.anomalyMaps(set);
    const scale = mapScale(maps);
    const plane = set.height * set.width;
    const used = new Set<string>();
    for (let i = 0; i < set.count; i++) {
      let stem = mapFileStem(set.names[i]!);
      for (let k = 2; used.has(stem); k++) stem = `${mapFileStem(set.names[i]!)}-${k}`;
      used.add(stem);
      await writeFileAtomic(join(flags.maps, `${stem}.map.png`), mapPng(set, i, maps.subarray(i * plane, (i + 1) * plane), scale));
    }
    if (flags.quiet !== true) process.stderr.write(`dad: wrote ${set.count} anomaly maps to ${flags.maps}\n`);
  }
  if (wantsReport(flags)) {
    const truth = flags.anomalies === undefined ? undefined : Uint8Array.from({ length: set.count }, (_, i) => (i < normalCount ? 0 : 1));
    await writeRunReport({
      source: input,
      command: commandLine(),
      unit: 'image',
      detector: { name: detector.name, title: detector.info.title, paper: detector.info.paper, options: { ...detector.options } },
      preprocessing: `images read as ${set.width}×${set.height} ${set.channels === 1 ? 'grayscale' : 'RGB'}, then the model's own normalisation`,
      threshold: detector.threshold,
      thresholdSpec: detector.thresholdSpec,
      scores,
      flagged: labels,
      truth,
      ids: set.names,
      pictures: (rows) => mapPictures(detector, set, rows),
      ...(smoothing > 1 ? { notes: [`Scores averaged over ${smoothing} frames.`] } : {}),
    }, flags, (line) => {
      if (flags.quiet !== true) process.stderr.write(`dad: ${line}\n`);
    });
  }
}

/** The listed images beside their anomaly maps (one shared heat scale), each as a small SVG holding the PNG. */
function mapPictures(detector: ImageDetector<ImageOptions>, set: ImageSet, rows: readonly number[]): string[] {
  const listed = selectImages(set, rows);
  const maps = detector.anomalyMaps(listed);
  const scale = mapScale(maps);
  const plane = set.height * set.width;
  const width = 2 * set.width + 2;
  const shown = Math.min(320, Math.max(160, 4 * width));
  return rows.map((_, r) => {
    const png = Buffer.from(mapPng(listed, r, maps.subarray(r * plane, (r + 1) * plane), scale)).toString('base64');
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${shown}" height="${Math.round((shown * set.height) / width)}" viewBox="0 0 ${width} ${set.height}">` +
      `<image width="${width}" height="${set.height}" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/></svg>`;
  });
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

