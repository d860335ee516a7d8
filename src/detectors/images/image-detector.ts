/**
 * The image detector contract. An image detector is a deep detector (deep-detector.ts: shared training loop,
 * thresholds, snapshots, model files, registry) whose rows are images flattened C·H·W; on top of the tabular contract:
 *
 * - `fitImages(set)` learns from a set of normal images; `scoreImages(set)` gives one score per image, higher = more
 *   anomalous; `anomalyMaps(set)` gives a per-pixel map (H × W per image, higher = more anomalous there) that a report
 *   can overlay on the image; `scoreFrames(set, {smoothing})` scores a sequence of frames (video) in order, with an
 *   optional trailing moving average over time.
 * - The preprocessing is part of the model: global contrast normalisation of each image (l1 by default, as in the
 *   Deep SVDD and OC-NN papers) then min-max scaling with the smallest and largest value seen over the training images
 *   (the papers' per-class scaling), learned at fit and stored in the model file with the image shape.
 * - The default anomaly map is the absolute gradient of the image's score with respect to its (preprocessed) pixels,
 *   summed over the colour channels (a saliency map); reconstruction detectors override it with the per-pixel error.
 *
 * `fit(X)` on a plain matrix also works (each row an image): the rows are taken as square grayscale images unless
 * `fitImages` gave the shape.
 */
import { z } from 'zod';
import { InputError, ModelFileError, ShapeError } from '../../core/errors.ts';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import { Parameter, scope, sum, type Module } from '../../engine/index.ts';
import { formatImageShape, imageSize, sameShape, type ImageSet, type ImageShape } from '../../images/image-set.ts';
import { globalContrastNormalize, minMaxScale, valueRange } from '../../images/normalize.ts';
import type { DetectorState } from '../detector.ts';
import { DeepDetector, type DeepOptions, type Scaling, type StageSpec, type TrainingData } from '../deep/deep-detector.ts';
import type { Rng } from '../../core/rng.ts';
import { trainingOptionShape, type TrainingDefaults } from '../deep/training.ts';

/** The options every image detector has: the training options (no per-pixel standardisation) and the preprocessing. */
export function imageOptionShape(defaults: TrainingDefaults & { fineTuneEpochs?: number }) {
  const { standardize: _standardize, ...training } = trainingOptionShape(defaults);
  return {
    ...training,
    fineTuneEpochs: z.number().int().min(0).max(100000).default(defaults.fineTuneEpochs ?? 0)
      .describe("Epochs added to each training stage at `fineTuneLearningRate`: the Deep SVDD paper's two-phase schedule ('searching' at the learning rate, then 'fine-tuning' at a tenth of it); 0: one phase."),
    fineTuneLearningRate: z.number().gt(0).max(1e6).default(defaults.learningRate / 10).describe('Learning rate of the fine-tuning epochs.'),
    contrastNorm: z.enum(['l1', 'l2', 'none']).default('l1')
      .describe("Global contrast normalisation of each image before min-max scaling by the training images' range: 'l1' (the Deep SVDD / OC-NN papers'), 'l2', or 'none' (pixels as read, in [0, 1])."),
  };
}

export interface ImageOptions extends DeepOptions {
  fineTuneEpochs: number;
  fineTuneLearningRate: number;
  contrastNorm: 'l1' | 'l2' | 'none';
}

export interface FrameOptions {
  /** trailing moving average over this many frames (1 = none); causal, so a live stream can use it */
  smoothing?: number;
}

/** Images scored per forward pass when maps need gradients (memory grows with the batch). */
const MAP_BATCH = 256;

export abstract class ImageDetector<O extends ImageOptions, N extends Module = Module> extends DeepDetector<O, N> {
  /** channels, height and width of the images seen at fit */
  imageShape: ImageShape | undefined;
  /** the shape `fitImages` passes to the fit it starts */
  private pendingShape: ImageShape | undefined;
  private normMin = 0;
  private normMax = 1;

  /** Learns from a set of normal images. Refitting forgets the old fit. */
  fitImages(set: ImageSet): this {
    checkSet(set, `${this.name}.fitImages`);
    this.pendingShape = { channels: set.channels, height: set.height, width: set.width };
    try {
      return this.fit(asMatrix(set));
    } finally {
      this.pendingShape = undefined;
    }
  }

  /** One score per image, higher = more anomalous. */
  scoreImages(set: ImageSet): Float64Array {
    this.checkImages(set, 'scoreImages');
    return this.score(asMatrix(set));
  }

  /**
   * A sequence of frames scored in order; with `smoothing` k > 1 each frame's score is the mean of its own and the
   * k − 1 frames before it (fewer at the start), so a single noisy frame weighs less than a lasting change.
   */
  scoreFrames(set: ImageSet, options: FrameOptions = {}): Float64Array {
    const raw = this.scoreImages(set);
    const k = options.smoothing ?? 1;
    if (!Number.isInteger(k) || k < 1) throw new InputError(`${this.name}.scoreFrames: smoothing must be a whole number of frames ≥ 1; got ${k}.`);
    if (k === 1) return raw;
    const out = new Float64Array(raw.length);
    let sum = 0;
    for (let i = 0; i < raw.length; i++) {
      sum += raw[i]!;
      if (i >= k) sum -= raw[i - k]!;
      out[i] = sum / Math.min(i + 1, k);
    }
    return out;
  }

  /** count × height × width values: how anomalous each pixel of each image is (see `mapBatch`). */
  anomalyMaps(set: ImageSet): Float32Array {
    this.checkImages(set, 'anomalyMaps');
    const network = this.network!;
    network.eval();
    const input = this.toFloat32(asMatrix(set));
    const d = imageSize(set);
    const plane = set.height * set.width;
    const out = new Float32Array(set.count * plane);
    for (let start = 0; start < set.count; start += MAP_BATCH) {
      const end = Math.min(start + MAP_BATCH, set.count);
      const map = this.mapBatch(network, input.subarray(start * d, end * d), end - start);
      out.set(map, start * plane);
    }
    return out;
  }

  /**
   * The maps of a batch of preprocessed images (n rows of C·H·W values): by default |∂score/∂pixel| summed over the
   * channels. Runs in eval mode; must not learn.
   */
  protected mapBatch(network: N, rows: Float32Array, n: number): Float32Array {
    const shape = this.imageShape!;
    const d = imageSize(shape);
    const x = new Parameter([n, d], rows);
    scope(() => {
      sum(this.scoreBatch(network, x)).backward();
    });
    return channelSum(Float32Array.from(x.grad!, Math.abs), n, shape);
  }

  /**
   * One training stage in the Deep SVDD paper's two phases: `epochs` at the learning rate, then `fineTuneEpochs` at
   * `fineTuneLearningRate` (the second phase gets a fresh Adam state: the shared loop owns its optimiser). `afterEpoch`
   * sees the epoch counted over both phases.
   */
  protected trainPhases(network: N, data: TrainingData, rng: Rng, spec: StageSpec & { epochs: number }): void {
    const o = this.options;
    this.trainStage(network, data, rng, spec);
    if (o.fineTuneEpochs === 0) return;
    const after = spec.afterEpoch;
    this.trainStage(network, data, rng, {
      ...spec,
      stage: `${spec.stage ?? 'training'} (fine-tuning)`,
      epochs: o.fineTuneEpochs,
      learningRate: o.fineTuneLearningRate,
      ...(after !== undefined ? { afterEpoch: (epoch: number) => after(epoch + spec.epochs) } : {}),
    });
  }

  /** Preprocessing: no per-pixel standardisation (the images are normalised as a whole instead). */
  protected override scaling(): Scaling {
    return 'none';
  }

  protected override fitModel(X: Matrix): Float64Array {
    this.imageShape = this.pendingShape ?? squareShape(X.cols, this.name);
    if (imageSize(this.imageShape) !== X.cols) {
      throw new ShapeError(`${this.name}.fit: images of ${formatImageShape(this.imageShape)} have ${imageSize(this.imageShape)} values; the rows have ${X.cols}.`);
    }
    this.normMin = 0;
    this.normMax = 1;
    if (this.options.contrastNorm !== 'none') {
      const { min, max } = valueRange(globalContrastNormalize(Float32Array.from(X.data), X.cols, this.options.contrastNorm));
      this.normMin = min;
      this.normMax = max;
    }
    return super.fitModel(X);
  }

  /** The network's input: each image contrast-normalised, then scaled by the training range. */
  protected override toFloat32(X: Matrix): Float32Array {
    const raw = Float32Array.from(X.data);
    if (this.options.contrastNorm === 'none') return raw;
    return minMaxScale(globalContrastNormalize(raw, X.cols, this.options.contrastNorm), this.normMin, this.normMax);
  }

  protected override saveModel(): DetectorState {
    const state = super.saveModel();
    const s = this.imageShape!;
    return { params: { ...state.params, image: { channels: s.channels, height: s.height, width: s.width }, normMin: this.normMin, normMax: this.normMax }, arrays: state.arrays };
  }

  protected override loadModel(state: DetectorState): void {
    const image = state.params.image as Partial<ImageShape> | undefined;
    const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
    if (image === undefined || !ok(image.channels) || !ok(image.height) || !ok(image.width)) {
      throw new ModelFileError(`The saved state of image detector '${this.name}' lacks its image shape (got ${JSON.stringify(image)}).`);
    }
    const { normMin, normMax } = state.params;
    if (typeof normMin !== 'number' || typeof normMax !== 'number' || !Number.isFinite(normMin) || !Number.isFinite(normMax)) {
      throw new ModelFileError(`The saved state of image detector '${this.name}' lacks its normalisation range (got ${JSON.stringify([normMin, normMax])}).`);
    }
    this.imageShape = { channels: image.channels, height: image.height, width: image.width };
    this.normMin = normMin;
    this.normMax = normMax;
    super.loadModel(state);
  }

  private checkImages(set: ImageSet, what: string): void {
    this.checkFitted();
    checkSet(set, `${this.name}.${what}`);
    if (!sameShape(set, this.imageShape!)) {
      throw new ShapeError(`${this.name}.${what}: the model was fitted on images of ${formatImageShape(this.imageShape!)} (channels×height×width); these are ${formatImageShape(set)}. Read them with the same size and colour.`);
    }
  }
}

export function isImageDetector(d: unknown): d is ImageDetector<ImageOptions> {
  return d instanceof ImageDetector;
}

/** Sums n maps of C × H × W over C. */
export function channelSum(values: Float32Array, n: number, shape: ImageShape): Float32Array {
  const plane = shape.height * shape.width;
  if (shape.channels === 1) return values;
  const out = new Float32Array(n * plane);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < shape.channels; c++) {
      const from = (i * shape.channels + c) * plane;
      for (let p = 0; p < plane; p++) out[i * plane + p]! += values[from + p]!;
    }
  }
  return out;
}

function asMatrix(set: ImageSet): Matrix {
  return createMatrix(set.count, imageSize(set), Float64Array.from(set.data));
}

function checkSet(set: ImageSet, where: string): void {
  if (set.data.length !== set.count * imageSize(set)) {
    throw new ShapeError(`${where}: ${set.count} images of ${formatImageShape(set)} need ${set.count * imageSize(set)} values; got ${set.data.length}.`);
  }
}

function squareShape(cols: number, name: string): ImageShape {
  const side = Math.round(Math.sqrt(cols));
  if (side * side !== cols) {
    throw new InputError(`${name}.fit: rows of ${cols} values are not square grayscale images; use fitImages(set) to give the image shape.`);
  }
  return { channels: 1, height: side, width: side };
}
