import './builtins.ts';

export { baseOptionsSchema, Detector, stateArray } from './detector.ts';
export { erf, erfc, normalUpperTail } from '../core/normal-tail.ts';
export type { BaseOptions, DetectorClass, DetectorInfo, DetectorSnapshot, DetectorState, FitSummary, Labels, Modality, Supervision } from './detector.ts';
export { createDetector, getDetectorClass, listDetectors, registerDetector } from './registry.ts';
