/**
 * What the GAN-based detectors share (GANomaly, ALAD, AnoGAN, SO-GAAL, MO-GAAL): the alternating optimisation of
 * several players — a discriminator step, then one step of each generator — on the same shuffled mini-batch, through
 * the shared loop of training.ts (seeded shuffles, divergence detection, progress events), plus the losses they are
 * built from: the discriminator's binary cross-entropy and the generator's non-saturating −log D(G(z)) (Goodfellow et
 * al., NeurIPS 2014), and the noise they draw.
 *
 * Each player owns its optimiser, so a generator step never moves the discriminator's weights (its gradients reach
 * them, but only the generator's optimiser steps; the discriminator's clears them before its own backward pass). A
 * player may stop learning after some epochs (SO-GAAL's generator), while the others go on.
 *
 * A GAN's losses do not say which epoch fits best, so no rows are held out and the last epoch is kept:
 * `adversarialOptionShape` fixes validationSize at 0.
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import {
  Adam, abs, bceWithLogitsLoss, concat, gather, scope, SGD, sub, sum, tensor, type Module, type Optimizer, type Parameter, type Tensor,
} from '../../engine/index.ts';
import type { ProgressListener } from '../../core/progress.ts';
import { DeepDetector, type DeepOptions, type TrainingData } from './deep-detector.ts';
import { trainingOptionShape, trainLoop, type LoopResult, type TrainingDefaults } from './training.ts';

/** The shared training options (training.ts) without the validation split, which adversarial training does not use. */
export function adversarialOptionShape(defaults: TrainingDefaults) {
  const { validationSize: _validationSize, ...shape } = trainingOptionShape(defaults);
  return {
    ...shape,
    validationSize: z.literal(0).default(0)
      .describe("Always 0: a GAN's losses do not say which epoch fits best, so every row is trained on and the last epoch is kept."),
  };
}

export interface Player {
  /** names the player's losses in the result ('discriminator', 'generator 3') */
  name: string;
  parameters: Parameter[];
  optimizer: { kind: 'adam'; learningRate: number; betas?: readonly [number, number]; weightDecay?: number } |
    { kind: 'sgd'; learningRate: number; momentum: number; weightDecay?: number };
  /** this player's loss on a batch of training rows (inside a gradient scope, modules in training mode) */
  loss: (batch: Tensor, epoch: number) => Tensor;
  /** the player stops learning after this many epochs (the others go on); default: never */
  epochs?: number;
}

export interface AdversarialSpec {
  /** registry name of the detector, for messages and progress events */
  detector: string;
  stage?: string;
  /** the training rows (standardised), [rows, features] */
  train: Tensor;
  epochs: number;
  batchSize: number;
  /** stepped in this order on every batch: the discriminator first, as in the reference implementations */
  players: Player[];
  /** switched to training mode for the loop and back to eval mode after it */
  modules: Module[];
  rng: Rng;
  /** before the players' steps, outside their scopes: draws what all of them share for the batch (its noise, say) */
  beforeBatch?: (rows: Int32Array, epoch: number) => void;
  onProgress?: ProgressListener | undefined;
}

/** The loop's result plus each player's mean loss per epoch it learned in (the loop's own `losses` are their sums). */
export interface AdversarialResult extends LoopResult {
  playerLosses: Record<string, number[]>;
}

/**
 * Runs the alternating optimisation through `trainLoop`. The loss the loop sees (and reports, and checks for
 * divergence) is the sum of the players' batch losses, so a NaN or an explosion in any player stops training with a
 * TrainingDivergedError naming the epoch.
 */
export function trainAdversarial(spec: AdversarialSpec): AdversarialResult {
  const optimizers = spec.players.map((p) => makeOptimizer(p));
  const sums = spec.players.map(() => 0);
  const steps = spec.players.map(() => 0);
  const playerLosses: Record<string, number[]> = Object.fromEntries(spec.players.map((p) => [p.name, [] as number[]]));
  const setMode = (training: boolean): void => { for (const m of spec.modules) m.train(training); };
  const learningRate = Math.max(...spec.players.map((p) => p.optimizer.learningRate));
  setMode(true);
  try {
    const result = trainLoop<never>({
      detector: spec.detector,
      ...(spec.stage !== undefined ? { stage: spec.stage } : {}),
      rows: spec.train.shape[0]!,
      epochs: spec.epochs,
      batchSize: spec.batchSize,
      learningRate,
      rng: spec.rng,
      step: (rows, epoch) => {
        spec.beforeBatch?.(rows, epoch);
        let total = 0;
        spec.players.forEach((player, i) => {
          if (player.epochs !== undefined && epoch > player.epochs) return;
          const optimizer = optimizers[i]!;
          const loss = scope(() => {
            const value = player.loss(gather(spec.train, rows), epoch);
            optimizer.zeroGrad();
            value.backward();
            optimizer.step();
            return value.item();
          });
          sums[i]! += loss;
          steps[i]! += 1;
          total += loss;
        });
        return total;
      },
      afterEpoch: () => {
        // a player that has stopped learning (SO-GAAL's generator) has no more entries
        spec.players.forEach((p, i) => {
          if (steps[i]! > 0) playerLosses[p.name]!.push(sums[i]! / steps[i]!);
          sums[i] = 0;
          steps[i] = 0;
        });
      },
      onProgress: spec.onProgress,
    });
    return { ...result, playerLosses };
  } finally {
    setMode(false);
  }
}

function makeOptimizer(player: Player): Optimizer {
  const o = player.optimizer;
  const weightDecay = o.weightDecay ?? 0;
  return o.kind === 'adam'
    ? new Adam(player.parameters, { lr: o.learningRate, weightDecay, ...(o.betas !== undefined ? { betas: o.betas } : {}) })
    : new SGD(player.parameters, { lr: o.learningRate, momentum: o.momentum, weightDecay });
}

/** A [rows, 1] column of one value: the real (1) / fake (0) targets, or MO-GAAL's soft ones. */
export function targetColumn(rows: number, value: number): Tensor {
  return tensor(new Float32Array(rows).fill(value), [rows, 1]);
}

/**
 * The discriminator's loss: real rows should score 1, generated ones 0 — the binary cross-entropy of the logits, averaged
 * over real and generated rows together (the GAAL papers train on one stacked batch; with equal halves this is half
 * the sum of the two means that GANomaly's and ALAD's code use, which Adam does not notice).
 */
export function discriminatorLoss(realLogits: Tensor, fakeLogits: Tensor): Tensor {
  const real = realLogits.shape[0]!, fake = fakeLogits.shape[0]!;
  const target = new Float32Array(real + fake);
  target.fill(1, 0, real);
  return bceWithLogitsLoss(concat([realLogits, fakeLogits], 0), tensor(target, [real + fake, 1]));
}

/**
 * The generator's non-saturating loss −log D(G(z)): the generated rows' logits against the target 1 (or another
 * target, as MO-GAAL's sub-generators aim at a quantile of the discriminator's outputs).
 */
export function generatorLoss(fakeLogits: Tensor, target = 1): Tensor {
  return bceWithLogitsLoss(fakeLogits, targetColumn(fakeLogits.shape[0]!, target));
}

/** Per row: the sum of absolute differences of two [rows, k] tensors, shape [rows]. */
export function rowL1(a: Tensor, b: Tensor): Tensor {
  return sum(abs(sub(a, b)), 1);
}

/** A heap-backed [rows, cols] tensor of N(0, 1) (or U(0, 1)) noise: it outlives the scopes of the players' steps. */
export function noise(rows: number, cols: number, rng: Rng, kind: 'normal' | 'uniform' = 'normal'): Tensor {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = kind === 'normal' ? rng.normal() : rng.next();
  return tensor(data, [rows, cols]);
}

/** What a GAN-based detector trains: its players, the modules switched to training mode, and a per-batch hook. */
export interface AdversarialPlan {
  players: Player[];
  modules?: Module[];
  beforeBatch?: (rows: Int32Array, epoch: number) => void;
}

/**
 * Trains a plan on the training rows for a detector (any DeepDetector: the image GANomaly extends the image base) and
 * keeps the result in its history; progress goes to the detector's listener.
 */
export function fitAdversarially(
  detector: { readonly name: string; onProgress: ProgressListener | undefined; history: LoopResult[] },
  network: Module, train: Tensor, plan: AdversarialPlan, run: { epochs: number; batchSize: number; rng: Rng },
): AdversarialResult {
  const result = trainAdversarial({
    detector: detector.name,
    train,
    epochs: run.epochs,
    batchSize: run.batchSize,
    players: plan.players,
    modules: plan.modules ?? [network],
    rng: run.rng,
    ...(plan.beforeBatch !== undefined ? { beforeBatch: plan.beforeBatch } : {}),
    onProgress: detector.onProgress,
  });
  detector.history.push(result);
  return result;
}

/**
 * The base of the GAN-based tabular detectors: a DeepDetector (scaling, batched scoring, saving the network) whose
 * training is the alternating optimisation above instead of one loss.
 */
export abstract class AdversarialDetector<O extends DeepOptions, N extends Module> extends DeepDetector<O, N> {
  /** The players of a fit, built on the fresh network; `train` is the scaled training rows. */
  protected abstract adversarialPlan(network: N, train: Tensor, rng: Rng): AdversarialPlan;

  protected override fitNetwork(network: N, data: TrainingData, rng: Rng): void {
    const plan = this.adversarialPlan(network, data.train, rng.fork());
    fitAdversarially(this, network, data.train, plan, { epochs: this.options.epochs, batchSize: this.batchSize(data.train.shape[0]!), rng: rng.fork() });
  }

  /** Rows per step for `rows` training rows: the option, unless a detector derives it from the data. */
  protected batchSize(_rows: number): number {
    return this.options.batchSize;
  }

  /** Unused: adversarial detectors train through their players' losses (fitNetwork). */
  protected trainingLoss(): Tensor {
    throw new Error(`Detector '${this.name}' trains adversarially; it has no single training loss.`);
  }
}
