/**
 * The training loop every deep detector shares (after PyOD's `base_dl.py`): epochs of shuffled mini-batches, an
 * optimisation step per batch supplied by the detector, divergence detection, an optional validation split of the
 * training rows (no labels) that picks the best epoch and stops early, and progress events.
 *
 * The options that drive it are declared once here (`trainingOptionShape`) and spread into each detector's schema with
 * that detector's defaults, so every deep detector spells them the same way on the command line and in model files.
 */
import { z } from 'zod';
import { DadError } from '../../core/errors.ts';
import { reportProgress, type ProgressListener } from '../../core/progress.ts';
import type { Rng } from '../../core/rng.ts';

/** Training stopped because the loss stopped being a finite number. */
export class TrainingDivergedError extends DadError {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingDivergedError';
  }
}

export interface TrainingDefaults {
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
}

/** The zod fields of the shared training options, with a detector's defaults (its paper's or PyOD's). */
export function trainingOptionShape(defaults: TrainingDefaults) {
  return {
    epochs: z.number().int().min(1).max(100000).default(defaults.epochs).describe('Passes over the training rows.'),
    batchSize: z.number().int().min(1).max(1 << 20).default(defaults.batchSize).describe('Rows per optimisation step.'),
    learningRate: z.number().gt(0).max(1e6).default(defaults.learningRate).describe('Step size of the Adam optimiser.'),
    weightDecay: z.number().gte(0).default(defaults.weightDecay).describe("L2 penalty on the network's weights (Adam's weight_decay)."),
    validationSize: z.number().gte(0).lt(1).default(0)
      .describe('Share of the training rows held out (labels are never used) to keep the epoch with the lowest validation loss and stop early; 0 trains on every row and keeps the last epoch.'),
    patience: z.number().int().min(1).default(10)
      .describe('With a validation split: stop after this many epochs without a lower validation loss.'),
    standardize: z.boolean().default(true)
      .describe("Standardise each feature by the training rows' mean and standard deviation before the network (PyOD's preprocessing=True)."),
  };
}

export interface LoopSpec<Checkpoint> {
  /** registry name of the detector, for messages and progress events */
  detector: string;
  /** names the part being trained when a detector trains in stages */
  stage?: string;
  /** number of training rows; batches are index arrays into them */
  rows: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** generator for the shuffles (the caller's fork: the loop consumes it) */
  rng: Rng;
  /** one optimisation step on the given rows; returns the batch's loss */
  step(rows: Int32Array, epoch: number): number;
  /** the loss on the validation split, when one is held out */
  validationLoss?: () => number;
  patience?: number;
  /** saves / restores the learned state, to go back to the best epoch */
  checkpoint?: { save(): Checkpoint; load(saved: Checkpoint): void };
  /** called after each epoch (e.g. OC-NN re-sets its r); `epoch` counts from 1 */
  afterEpoch?: (epoch: number) => void;
  onProgress?: ProgressListener | undefined;
}

export interface LoopResult {
  /** epochs actually run */
  epochs: number;
  /** mean training loss of each epoch */
  losses: number[];
  /** validation loss of each epoch, when a validation split was held out */
  validationLosses: number[];
  /** the epoch whose state was kept (1-based) */
  bestEpoch: number;
}

/**
 * A batch loss this many times the first one (or 1, if larger) counts as diverged: Adam's steps are bounded by the
 * learning rate, so with batch norm a far too large rate blows the loss up by orders of magnitude long before it
 * overflows to Infinity.
 */
const EXPLODED = 1e6;

/**
 * Runs the loop. A non-finite or exploded batch loss raises a TrainingDivergedError naming the epoch, with a hint. A
 * trailing batch of a single row joins the one before (batch norm cannot learn from one row).
 */
export function trainLoop<C>(spec: LoopSpec<C>): LoopResult {
  const { rows, epochs, rng } = spec;
  const batchSize = Math.min(spec.batchSize, rows);
  const losses: number[] = [];
  const validationLosses: number[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let saved: C | undefined;
  let sinceBest = 0;
  let epoch = 0;
  const watch = divergenceWatch(spec);
  while (epoch < epochs) {
    epoch += 1;
    const order = rng.permutation(rows);
    let total = 0;
    let batches = 0;
    let start = 0;
    while (start < rows) {
      let end = Math.min(start + batchSize, rows);
      if (rows - end === 1) end = rows;
      const loss = spec.step(order.subarray(start, end), epoch);
      watch(loss, epoch, batches + 1);
      total += loss;
      batches += 1;
      start = end;
    }
    spec.afterEpoch?.(epoch);
    const loss = total / batches;
    losses.push(loss);
    let validationLoss: number | undefined;
    if (spec.validationLoss !== undefined) {
      validationLoss = spec.validationLoss();
      if (!Number.isFinite(validationLoss)) throw diverged(spec, epoch, `the validation loss is ${validationLoss}`);
      validationLosses.push(validationLoss);
      if (validationLoss < best) {
        best = validationLoss;
        bestEpoch = epoch;
        sinceBest = 0;
        if (spec.checkpoint !== undefined) saved = spec.checkpoint.save();
      } else {
        sinceBest += 1;
      }
    } else {
      bestEpoch = epoch;
    }
    reportProgress({
      detector: spec.detector,
      ...(spec.stage !== undefined ? { stage: spec.stage } : {}),
      epoch,
      epochs,
      loss,
      ...(validationLoss !== undefined ? { validationLoss } : {}),
    }, spec.onProgress);
    if (spec.validationLoss !== undefined && sinceBest >= (spec.patience ?? Infinity)) break;
  }
  if (saved !== undefined && bestEpoch !== epoch) spec.checkpoint!.load(saved);
  return { epochs: epoch, losses, validationLosses, bestEpoch };
}

/** `hint`: the advice after the learning rate's, where scaling the data is not it (the log detectors read log keys) */
type Named = Pick<LoopSpec<unknown>, 'detector' | 'stage' | 'learningRate'> & { hint?: string };

/**
 * The divergence test of the loop, for it and for detectors that run a loop of their own (the log detectors): call
 * the returned function with each batch loss; a non-finite loss, or one over EXPLODED times the first, throws a
 * TrainingDivergedError naming the epoch (1-based) and the batch, with a hint.
 */
export function divergenceWatch(spec: Named): (loss: number, epoch: number, batch: number) => void {
  let firstLoss: number | undefined;
  return (loss, epoch, batch) => {
    if (!Number.isFinite(loss)) throw diverged(spec, epoch, `the loss of batch ${batch} is ${loss}`);
    firstLoss ??= Math.max(Math.abs(loss), 1);
    if (Math.abs(loss) > EXPLODED * firstLoss) {
      throw diverged(spec, epoch, `the loss of batch ${batch} is ${loss.toPrecision(3)}, over ${EXPLODED.toExponential(0)} times its first value`);
    }
  };
}

function diverged(spec: Named, epoch: number, what: string): TrainingDivergedError {
  const stage = spec.stage !== undefined ? ` (${spec.stage})` : '';
  return new TrainingDivergedError(
    `Training of detector '${spec.detector}'${stage} diverged in epoch ${epoch}: ${what}. ` +
    `Lower the learning rate (learningRate is ${spec.learningRate})${spec.hint ?? ', or scale your data (e.g. standardize: true)'}.`,
  );
}
