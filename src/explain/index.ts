// Per-feature explanations of anomaly scores: exact decompositions where a detector allows, sampled Shapley values otherwise.
export { explain, EXPLAIN_METHODS, hasExactExplanation, topFeatures } from './explain.ts';
export type { ExplainMethod, ExplainOptions, Explanation, FeatureContribution, SelfExplaining } from './explain.ts';
export { exactExplainer, type ExactExplainer } from './exact/index.ts';
export { explainPipeline, topPipelineFeatures, type PipelineExplanation } from './pipeline.ts';
export { sampledShapley, type ShapleyOptions, type ShapleyResult } from './shapley.ts';
