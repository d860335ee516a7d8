export { Pipeline, SCALE_METHODS } from './pipeline.ts';
export type { PipelineConfig, PipelinePreprocessing, PipelineTable, ScaleMethod } from './pipeline.ts';
export { DEFAULT_DETECTOR, defaultDetectorName } from './default-detector.ts';
