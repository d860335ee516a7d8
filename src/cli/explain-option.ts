/**
 * `--explain [k]` for commands that label rows: the k features that pushed each anomaly's score up most (exact where
 * the detector allows, sampled Shapley values against a sample of the training rows otherwise; see src/explain/).
 */
import type { Command } from 'commander';
import { OptionError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';
import { selectRows } from '../core/matrix.ts';
import { explainPipeline, topPipelineFeatures, type FeatureContribution } from '../explain/index.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';

export const DEFAULT_EXPLAIN_TOP = 3;

export function addExplainOption(command: Command): Command {
  return command.option(
    '--explain [k]',
    `add the top k features of each anomaly (default ${DEFAULT_EXPLAIN_TOP}): exact for ecod, copod, hbos, iforest and autoencoders, sampled Shapley values (slower) for the rest`,
  );
}

/** The k of `--explain [k]`: undefined when the flag is absent; `true` (no value) means the default. */
export function explainTop(flag: string | boolean | undefined): number | undefined {
  if (flag === undefined || flag === false) return undefined;
  if (flag === true) return DEFAULT_EXPLAIN_TOP;
  const k = Number(flag);
  if (!Number.isInteger(k) || k < 1) throw new OptionError(`--explain takes a whole number of features ≥ 1. Got '${flag}' instead.`);
  return k;
}

/** Top-k features of the rows labelled 1; undefined for the others. `reference`: training rows, unscaled. */
export function explainAnomalies(pipeline: Pipeline, X: Matrix, labels: ArrayLike<number>, k: number, reference: Matrix): (FeatureContribution[] | undefined)[] {
  const anomalous: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) anomalous.push(i);
  const out: (FeatureContribution[] | undefined)[] = new Array<FeatureContribution[] | undefined>(labels.length).fill(undefined);
  if (anomalous.length === 0) return out;
  const explanation = explainPipeline(pipeline, selectRows(X, anomalous), { reference });
  topPipelineFeatures(explanation, k).forEach((top, a) => { out[anomalous[a]!] = top; });
  return out;
}
