/**
 * A fitted pipeline: the table schema a file was read with, an optional scaling transform fitted on the training rows
 * only, and a detector. It is what `dad detect / fit / score` run, and what a model file holds: the detector's weights
 * plus this pipeline's `preprocessing` JSON, so that scoring a new file repeats exactly the steps of training.
 */
import { InputError, ModelFileError, NotFittedError, OptionError, ShapeError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';
import { createTransform, parseTableSchema, transformFromJSON, type TableSchema, type Transform } from '../data/index.ts';
import type { Detector } from '../detectors/detector.ts';
import { createDetector } from '../detectors/registry.ts';
import { loadModel, saveModel } from '../model-io/index.ts';
import { defaultDetectorName } from './default-detector.ts';

export const SCALE_METHODS = ['minmax', 'standard', 'robust', 'none'] as const;
export type ScaleMethod = (typeof SCALE_METHODS)[number];

/** What a pipeline needs of a table: the shape `readTable` returns. */
export interface PipelineTable {
  X: Matrix;
  y?: Uint8Array | undefined;
  features: readonly string[];
  /** how the table was read; a Matrix given directly has none */
  schema?: TableSchema | undefined;
}

export interface PipelineConfig {
  /** registry name; default: `defaultDetectorName()` */
  detector?: string;
  /** the detector's options, validated by its schema */
  options?: Record<string, unknown>;
  /** scaling fitted on the training rows; default 'minmax', as the ADBench protocol */
  scale?: ScaleMethod;
}

/** The pipeline's part of a model file (model-io stores it as `preprocessing`). */
export interface PipelinePreprocessing {
  kind: 'dadkit.pipeline';
  version: 1;
  scale: ScaleMethod;
  transform: unknown;
  features: string[];
  schema: TableSchema | null;
}

const PREPROCESSING_KIND = 'dadkit.pipeline';

export class Pipeline {
  readonly detector: Detector;
  readonly scale: ScaleMethod;
  private transform: Transform | undefined;
  private schema: TableSchema | undefined;
  private featureNames: string[] = [];

  constructor(config: PipelineConfig = {}, detector?: Detector) {
    const scale = config.scale ?? 'minmax';
    if (!(SCALE_METHODS as readonly string[]).includes(scale)) {
      throw new OptionError(`The 'scale' option must be one of ${SCALE_METHODS.join(', ')}. Got '${String(scale)}' instead.`);
    }
    this.scale = scale;
    this.detector = detector ?? createDetector(config.detector ?? defaultDetectorName(), config.options ?? {});
  }

  get isFitted(): boolean {
    return this.detector.isFitted;
  }

  /** Feature names seen at fit, in order. */
  get features(): readonly string[] {
    return this.featureNames;
  }

  /** The schema of the training table; pass it to `readTable(path, { schema })` to read new data the same way. */
  get tableSchema(): TableSchema | undefined {
    return this.schema;
  }

  get threshold(): number {
    return this.detector.threshold;
  }

  /**
   * Fits the scaling on the table's rows, then the detector on the scaled rows. Labels reach the detector only when it
   * learns from labels; for an unsupervised detector a label column is for evaluation and stays out of training.
   */
  fit(table: PipelineTable | Matrix): this {
    const { X, y, features, schema } = asTable(table);
    let transform: Transform | undefined;
    let scaled = X;
    if (this.scale !== 'none') {
      transform = createTransform(this.scale);
      transform.fit(X);
      scaled = transform.transform(X);
    }
    const usesLabels = this.detector.info.supervision[0] !== 'unsupervised';
    if (usesLabels && y === undefined) {
      throw new InputError(`Detector '${this.detector.name}' learns from labels: name the label column (--label).`);
    }
    this.detector.fit(scaled, usesLabels ? y : undefined);
    this.transform = transform;
    this.schema = schema;
    this.featureNames = [...features];
    return this;
  }

  /** Anomaly scores (higher = more anomalous) of the table's rows, through the fitted scaling. */
  score(table: PipelineTable | Matrix): Float64Array {
    return this.detector.score(this.prepare(asTable(table)));
  }

  /** 0/1 labels from the detector's threshold. */
  labelsFor(scores: ArrayLike<number>): Uint8Array {
    return this.detector.labelsFor(scores);
  }

  /** The scaled training scores of the rows `fit` saw (the detector's own training scores, as PyOD's decision_scores_). */
  get trainingScores(): Float64Array {
    return this.detector.trainingScores;
  }

  preprocessing(): PipelinePreprocessing {
    if (!this.isFitted) throw new OptionError('The pipeline is not fitted yet: call fit(table) before saving it.');
    return {
      kind: PREPROCESSING_KIND,
      version: 1,
      scale: this.scale,
      transform: this.transform ? this.transform.toJSON() : null,
      features: [...this.featureNames],
      schema: this.schema ?? null,
    };
  }

  /** Writes a model file: the detector through model-io, this pipeline as its preprocessing. */
  async save(path: string, meta: Record<string, unknown> = {}): Promise<void> {
    await saveModel(path, this.detector, { preprocessing: this.preprocessing(), meta });
  }

  /** Reads a model file written by `save` (or by model-io with no preprocessing: then no scaling, no schema). */
  static async load(path: string): Promise<Pipeline> {
    const loaded = await loadModel(path);
    return Pipeline.fromParts(loaded.detector, loaded.preprocessing, path);
  }

  /** Rebuilds a pipeline around a fitted detector from its preprocessing JSON; checks the JSON on the way. */
  static fromParts(detector: Detector, preprocessing: unknown, source = 'the model'): Pipeline {
    if (preprocessing === undefined || preprocessing === null) {
      const pipeline = new Pipeline({ scale: 'none' }, detector);
      pipeline.featureNames = defaultNames(detector.nFeatures);
      return pipeline;
    }
    const p = preprocessing as Partial<PipelinePreprocessing>;
    if (typeof p !== 'object' || p.kind !== PREPROCESSING_KIND) {
      throw new ModelFileError(`${source}: its preprocessing is not a dadkit pipeline (kind ${JSON.stringify(p?.kind)}).`);
    }
    if (p.version !== 1) throw new ModelFileError(`${source}: pipeline format version ${String(p.version)} is not supported by this dadkit (it reads version 1).`);
    if (!(SCALE_METHODS as readonly unknown[]).includes(p.scale) || !Array.isArray(p.features)) {
      throw new ModelFileError(`${source}: its pipeline preprocessing is damaged (scale ${JSON.stringify(p.scale)}).`);
    }
    if (p.features.length !== detector.nFeatures) {
      throw new ModelFileError(`${source}: the pipeline lists ${p.features.length} features but the detector was fitted on ${detector.nFeatures}.`);
    }
    const pipeline = new Pipeline({ scale: p.scale as ScaleMethod }, detector);
    if (p.scale !== 'none') {
      try {
        pipeline.transform = transformFromJSON(p.transform);
      } catch (error) {
        throw new ModelFileError(`${source}: its scaling transform cannot be read: ${(error as Error).message}`, { cause: error });
      }
    }
    pipeline.featureNames = p.features.map(String);
    if (p.schema !== null && p.schema !== undefined) pipeline.schema = parseTableSchema(p.schema);
    return pipeline;
  }

  private prepare(table: PipelineTable): Matrix {
    if (!this.isFitted) throw new NotFittedError(this.detector.name);
    const expected = this.featureNames;
    if (table.X.cols !== expected.length) {
      throw new ShapeError(
        `The model was fitted on ${expected.length} features (${preview(expected)}); the data has ${table.X.cols} (${preview(table.features)}).`,
      );
    }
    return this.transform ? this.transform.transform(table.X) : table.X;
  }
}

function asTable(input: PipelineTable | Matrix): PipelineTable {
  if ('X' in input) return input;
  return { X: input, features: defaultNames(input.cols) };
}

function defaultNames(count: number): string[] {
  return Array.from({ length: count }, (_, j) => `f${j}`);
}

function preview(names: readonly string[]): string {
  return names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')}, …`;
}
