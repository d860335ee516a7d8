/** Scores (and, when asked, explains) a matrix with a loaded model: the part of /score that is not HTTP. */
import { InputError } from '../core/errors.ts';
import { selectRows, type Matrix } from '../core/matrix.ts';
import { explainPipeline, hasExactExplanation, topPipelineFeatures, type ExplainMethod, type FeatureContribution } from '../explain/index.ts';
import type { LoadedModel } from './model-store.ts';

export interface ExplainSpec {
  top: number;
  rows: 'anomalies' | 'all';
  method: ExplainMethod;
}

export interface ScoreResult {
  scores: number[];
  labels: (0 | 1)[];
  explanations?: (FeatureContribution[] | null)[];
  explanationMethod?: 'exact' | 'shapley';
}

/** Shapley sampling needs this many reference rows at least, or its baseline is one arbitrary row. */
export const MIN_REFERENCE_ROWS = 2;

export function scoreMatrix(model: LoadedModel, X: Matrix, explain?: ExplainSpec, reference?: Matrix): ScoreResult {
  const { pipeline } = model;
  const scores = pipeline.score({ X, features: pipeline.features });
  const labels = pipeline.labelsFor(scores);
  const result: ScoreResult = { scores: Array.from(scores), labels: Array.from(labels, (l) => (l === 1 ? 1 : 0)) };
  if (explain === undefined) return result;
  const chosen: number[] = [];
  for (let i = 0; i < X.rows; i++) if (explain.rows === 'all' || labels[i] === 1) chosen.push(i);
  const explanations: (FeatureContribution[] | null)[] = new Array<FeatureContribution[] | null>(X.rows).fill(null);
  const exact = explain.method !== 'shapley' && hasExactExplanation(pipeline.detector);
  result.explanationMethod = exact ? 'exact' : 'shapley';
  if (chosen.length > 0) {
    const ref = reference ?? X;
    if (!exact && ref.rows < MIN_REFERENCE_ROWS) {
      throw new InputError(
        `Detector '${pipeline.detector.name}' is explained by Shapley sampling against reference rows: send 'reference' rows (typical training rows) or at least ${MIN_REFERENCE_ROWS} rows to score.`,
      );
    }
    const explanation = explainPipeline(pipeline, selectRows(X, chosen), { method: explain.method, ...(exact ? {} : { reference: ref }) });
    topPipelineFeatures(explanation, explain.top).forEach((top, k) => { explanations[chosen[k]!] = top; });
  }
  result.explanations = explanations;
  return result;
}
