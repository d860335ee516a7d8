/**
 * The base of the deep tabular detectors (after PyOD's `BaseDeepLearningDetector`): a detector supplies its network,
 * its training loss and its per-row score; this class owns the rest — standardisation fitted on the training rows, the
 * validation split, the optimiser and the shared loop (training.ts), batched scoring without a gradient tape, and
 * saving / loading the network's weights as Float32 arrays of the detector's state (`network.<parameter name>`).
 *
 * Training draws everything from one generator seeded by `options.seed` (weights, shuffles, dropout masks, noise), in
 * a fixed order of forks, so the same seed gives the same scores on a backend.
 */
import { ModelFileError } from '../../core/errors.ts';
import { checkMatrix, createMatrix, type Matrix } from '../../core/matrix.ts';
import type { ProgressListener } from '../../core/progress.ts';
import { Rng } from '../../core/rng.ts';
import { Adam, gather, Module, noGrad, scope, tensor, type Optimizer, type Parameter, type StateDict, type Tensor } from '../../engine/index.ts';
import { Detector, stateArray, type BaseOptions, type DetectorState } from '../detector.ts';
import { trainLoop, TrainingDivergedError, type LoopResult } from './training.ts';

export interface DeepOptions extends BaseOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  validationSize: number;
  patience: number;
  /** most detectors have it (training.ts); one that scales otherwise overrides `scaling()` */
  standardize?: boolean;
}

/** How the rows are scaled before the network, by statistics of the training rows. */
export type Scaling = 'standard' | 'minmax' | 'none';

/** Standardised training rows, as engine tensors: the part trained on and the held-out validation part (if any). */
export interface TrainingData {
  train: Tensor;
  validation: Tensor | undefined;
  /** when rows were held out: the training-row index of each row of `train` / `validation` (detectors with labels need it) */
  trainRows?: Int32Array;
  validationRows?: Int32Array;
}

export interface StageSpec {
  /** shown in progress events and error messages when a detector trains in stages */
  stage?: string;
  /** what the optimiser updates (default: every parameter of the network) */
  parameters?: Parameter[];
  /** the modules switched between train and eval mode (default: the network) */
  modules?: Module[];
  /** the loss of a batch of standardised rows, in training mode, inside a gradient scope */
  loss: (batch: Tensor, epoch: number) => Tensor;
  epochs?: number;
  learningRate?: number;
  weightDecay?: number;
  afterEpoch?: (epoch: number) => void;
  /** the optimiser of the stage (default: Adam at the stage's learning rate and weight decay) */
  optimizer?: (parameters: Parameter[], learningRate: number, weightDecay: number) => Optimizer;
}

/** Rows scored per forward pass: large enough for fast GEMMs, small enough to keep memory flat. */
const SCORE_BATCH = 2048;

export abstract class DeepDetector<O extends DeepOptions, N extends Module = Module> extends Detector<O> {
  /** Receives an event after every epoch; when unset, the process-wide listener (src/core/progress.ts) does. */
  onProgress: ProgressListener | undefined;
  /** Loss per epoch of the last fit, one entry per training stage. */
  history: LoopResult[] = [];
  protected network: N | undefined;
  private shift: Float64Array = new Float64Array(0);
  private scale: Float64Array = new Float64Array(0);

  /** A fresh, randomly initialised network for `features` inputs. */
  protected abstract buildNetwork(features: number, rng: Rng): N;
  /** The training loss of a batch of standardised rows (network in training mode, inside a gradient scope). */
  protected abstract trainingLoss(network: N, batch: Tensor, rng: Rng, epoch: number): Tensor;
  /** One score per row of a batch of standardised rows, shape [rows] (network in eval mode, no gradient). */
  protected abstract scoreBatch(network: N, batch: Tensor): Tensor;

  /**
   * Trains the network; the default is one stage on `trainingLoss`. Detectors with an initial pass (Deep SVDD's
   * centre) or several stages (OC-NN's pretraining) override it and call `trainStage`.
   */
  protected fitNetwork(network: N, data: TrainingData, rng: Rng): void {
    const lossRng = rng.fork();
    this.trainStage(network, data, rng, { loss: (batch, epoch) => this.trainingLoss(network, batch, lossRng, epoch) });
  }

  /** The input scaling: standardisation unless `standardize` is false. */
  protected scaling(): Scaling {
    return this.options.standardize === false ? 'none' : 'standard';
  }

  /** Learned values besides the network (a centre, a radius, mixture parameters), saved with it. */
  protected extraState(): DetectorState {
    return { params: {}, arrays: {} };
  }

  /** Restores what `extraState` saved; the network is already loaded. */
  protected loadExtraState(_state: DetectorState): void {}

  protected fitModel(X: Matrix): Float64Array {
    const rng = this.rng();
    this.history = [];
    this.fitStandardization(X);
    const all = this.toTensor(X);
    const data = this.split(all, rng.fork());
    const network = this.buildNetwork(X.cols, rng.fork());
    this.network = network;
    this.fitNetwork(network, data, rng.fork());
    network.eval();
    const scores = this.scoreModel(X);
    for (let i = 0; i < scores.length; i++) {
      if (!Number.isFinite(scores[i]!)) {
        throw new TrainingDivergedError(
          `Training of detector '${this.name}' ended with a non-finite score (${scores[i]}) for training row ${i}. ` +
          `Lower the learning rate (learningRate is ${this.options.learningRate}), or scale your data (e.g. standardize: true).`,
        );
      }
    }
    return scores;
  }

  /**
   * Rows of X through `part` of the fitted network — scaled as in training, eval mode, no gradient, in batches — one
   * output row per input row: how a hybrid detector reads a deep detector's latent representation.
   */
  transformRows(X: Matrix, part: (network: N, batch: Tensor) => Tensor): Matrix {
    this.checkFitted();
    checkMatrix(X, `${this.name}.transformRows`, { minRows: 0, features: this.nFeatures });
    const network = this.network!;
    network.eval();
    const input = this.toFloat32(X);
    const d = X.cols;
    let out: Float64Array | undefined;
    let width = 0;
    for (let start = 0; start < X.rows; start += SCORE_BATCH) {
      const end = Math.min(start + SCORE_BATCH, X.rows);
      const values = noGrad(() => part(network, tensor(input.subarray(start * d, end * d), [end - start, d])).toArray());
      width = values.length / (end - start);
      out ??= new Float64Array(X.rows * width);
      out.set(values, start * width);
    }
    return createMatrix(X.rows, width, out ?? new Float64Array(0));
  }

  protected scoreModel(X: Matrix): Float64Array {
    const network = this.network!;
    network.eval();
    const input = this.toFloat32(X);
    const d = X.cols;
    const out = new Float64Array(X.rows);
    for (let start = 0; start < X.rows; start += SCORE_BATCH) {
      const end = Math.min(start + SCORE_BATCH, X.rows);
      const batch = tensor(input.subarray(start * d, end * d), [end - start, d]);
      const scores = noGrad(() => this.scoreBatch(network, batch));
      for (let i = 0; i < scores.size; i++) out[start + i] = scores.data[i]!;
    }
    return out;
  }

  /**
   * One training stage through the shared loop: Adam over the stage's parameters, the detector's loss per batch, the
   * validation loss (same loss, eval mode, no gradient) when rows are held out, and a return to the best epoch.
   */
  protected trainStage(network: N, data: TrainingData, rng: Rng, spec: StageSpec): LoopResult {
    const o = this.options;
    const parameters = spec.parameters ?? network.parameters();
    const modules = spec.modules ?? [network];
    const learningRate = spec.learningRate ?? o.learningRate;
    const weightDecay = spec.weightDecay ?? o.weightDecay;
    const optimizer = spec.optimizer?.(parameters, learningRate, weightDecay) ?? new Adam(parameters, { lr: learningRate, weightDecay });
    const { train, validation } = data;
    const setMode = (training: boolean): void => { for (const m of modules) m.train(training); };
    setMode(true);
    const result = trainLoop<StateDict>({
      detector: this.name,
      ...(spec.stage !== undefined ? { stage: spec.stage } : {}),
      rows: train.shape[0]!,
      epochs: spec.epochs ?? o.epochs,
      batchSize: o.batchSize,
      learningRate,
      rng: rng.fork(),
      step: (rows, epoch) => scope(() => {
        const loss = spec.loss(gather(train, rows), epoch);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        return loss.item();
      }),
      ...(validation !== undefined ? {
        validationLoss: () => {
          setMode(false);
          const loss = this.meanLoss(validation, (batch) => spec.loss(batch, 0));
          setMode(true);
          return loss;
        },
        patience: o.patience,
        checkpoint: { save: () => network.stateDict(), load: (saved: StateDict) => network.loadStateDict(saved) },
      } : {}),
      ...(spec.afterEpoch !== undefined ? { afterEpoch: spec.afterEpoch } : {}),
      onProgress: this.onProgress,
    });
    setMode(false);
    this.history.push(result);
    return result;
  }

  /** A per-batch loss averaged over all rows of `data` (weighted by batch size), without a gradient. */
  protected meanLoss(data: Tensor, loss: (batch: Tensor) => Tensor): number {
    const rows = data.shape[0]!;
    const d = data.size / Math.max(rows, 1);
    let total = 0;
    for (let start = 0; start < rows; start += SCORE_BATCH) {
      const end = Math.min(start + SCORE_BATCH, rows);
      const batch = tensor(data.data.subarray(start * d, end * d), [end - start, d]);
      total += noGrad(() => loss(batch).item()) * (end - start);
    }
    return total / Math.max(rows, 1);
  }

  /** Standardised rows of X as Float32 (the network's input). */
  protected toFloat32(X: Matrix): Float32Array {
    const d = X.cols;
    const out = new Float32Array(X.rows * d);
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < d; j++) out[i * d + j] = (X.data[i * d + j]! - this.shift[j]!) / this.scale[j]!;
    }
    return out;
  }

  protected toTensor(X: Matrix): Tensor {
    return tensor(this.toFloat32(X), [X.rows, X.cols]);
  }

  protected saveModel(): DetectorState {
    const network = this.network!;
    const arrays: DetectorState['arrays'] = { 'standardize.shift': this.shift, 'standardize.scale': this.scale };
    const state = network.stateDict();
    for (const [name, values] of Object.entries(state.tensors)) arrays[`network.${name}`] = values;
    const extra = this.extraState();
    return { params: { features: this.shift.length, ...extra.params }, arrays: { ...arrays, ...extra.arrays } };
  }

  protected loadModel(state: DetectorState): void {
    const features = state.params.features;
    if (typeof features !== 'number' || !Number.isInteger(features) || features < 1) {
      throw new ModelFileError(`The saved state of detector '${this.name}' lacks its number of features (got ${JSON.stringify(features)}).`);
    }
    this.shift = stateArray(state, 'standardize.shift', 'f64', features);
    this.scale = stateArray(state, 'standardize.scale', 'f64', features);
    const network = this.buildNetwork(features, new Rng(0));
    const fresh = network.stateDict();
    const saved: StateDict = { tensors: {}, shapes: fresh.shapes, metadata: {} };
    for (const [name, values] of Object.entries(fresh.tensors)) saved.tensors[name] = stateArray(state, `network.${name}`, 'f32', values.length);
    network.loadStateDict(saved);
    network.eval();
    this.network = network;
    this.loadExtraState(state);
  }

  /**
   * Shift and scale per feature: mean and population standard deviation ('standard'), minimum and range ('minmax'), or 0
   * and 1 ('none'); a constant feature keeps scale 1.
   */
  private fitStandardization(X: Matrix): void {
    const d = X.cols;
    this.shift = new Float64Array(d);
    this.scale = new Float64Array(d).fill(1);
    const scaling = this.scaling();
    if (scaling === 'none') return;
    if (scaling === 'minmax') {
      for (let j = 0; j < d; j++) {
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = 0; i < X.rows; i++) {
          const v = X.data[i * d + j]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        this.shift[j] = lo;
        this.scale[j] = hi - lo > 1e-12 ? hi - lo : 1;
      }
      return;
    }
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let i = 0; i < X.rows; i++) sum += X.data[i * d + j]!;
      const mean = sum / X.rows;
      let ss = 0;
      for (let i = 0; i < X.rows; i++) ss += (X.data[i * d + j]! - mean) ** 2;
      const std = Math.sqrt(ss / X.rows);
      this.shift[j] = mean;
      this.scale[j] = std > 1e-12 ? std : 1;
    }
  }

  /** Holds out `validationSize` of the rows (at least one, and at least two left to train on), chosen at random. */
  private split(all: Tensor, rng: Rng): TrainingData {
    const rows = all.shape[0]!;
    const held = Math.min(rows - 2, Math.round(this.options.validationSize * rows));
    if (this.options.validationSize === 0 || held < 1) return { train: all, validation: undefined };
    const order = rng.permutation(rows);
    const d = all.shape[1]!;
    const pick = (indices: Int32Array): Tensor => {
      const out = new Float32Array(indices.length * d);
      indices.forEach((r, k) => out.set(all.data.subarray(r * d, (r + 1) * d), k * d));
      return tensor(out, [indices.length, d]);
    };
    const trainRows = order.subarray(held), validationRows = order.subarray(0, held);
    return { train: pick(trainRows), validation: pick(validationRows), trainRows, validationRows };
  }
}
