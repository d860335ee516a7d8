export { dynamicThreshold, findEpsilon, smoothErrors, type DynamicThresholdOptions, type DynamicThresholdResult } from './telemanom.ts';
