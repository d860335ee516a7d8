/**
 * Explanations of a fitted pipeline, named by its features. The detector sees scaled rows; scaling is per feature, so
 * a contribution of scaled column j is the contribution of the pipeline's feature j. Reference rows are given as the
 * pipeline's input (unscaled), like the rows to explain, and go through the same scaling.
 */
import type { Matrix } from '../core/matrix.ts';
import { ShapeError } from '../core/errors.ts';
import { transformFromJSON, type Transform } from '../data/index.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { explain, topFeatures, type ExplainOptions, type Explanation, type FeatureContribution } from './explain.ts';

export interface PipelineExplanation extends Explanation {
  features: string[];
}

export function explainPipeline(pipeline: Pipeline, X: Matrix, options: ExplainOptions = {}): PipelineExplanation {
  const scale = scalingOf(pipeline);
  const features = [...pipeline.features];
  if (pipeline.isFitted && X.cols !== features.length) {
    throw new ShapeError(`The model was fitted on ${features.length} features; the rows to explain have ${X.cols}.`);
  }
  const { reference, ...rest } = options;
  const explanation = explain(pipeline.detector, scale(X), { ...rest, ...(reference !== undefined ? { reference: scale(reference) } : {}) });
  return { ...explanation, features };
}

/** The top-k features of each row of a pipeline explanation. */
export function topPipelineFeatures(explanation: PipelineExplanation, k: number): FeatureContribution[][] {
  return topFeatures(explanation.contributions, explanation.features, k);
}

/** The pipeline's fitted scaling as a function (identity without one), rebuilt from its saved form. */
function scalingOf(pipeline: Pipeline): (X: Matrix) => Matrix {
  if (!pipeline.isFitted) return (X) => X;
  const json = pipeline.preprocessing().transform;
  if (json === null || json === undefined) return (X) => X;
  const transform: Transform = transformFromJSON(json);
  return (X) => transform.transform(X);
}
