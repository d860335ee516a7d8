export { computeThreshold, normalQuantile, quantile, quantileSorted, thresholdSchema, THRESHOLD_METHODS } from './strategies.ts';
export type { ThresholdMethod, ThresholdSpec } from './strategies.ts';
