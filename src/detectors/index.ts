import './builtins.ts';

export { baseOptionsSchema, Detector, erf, stateArray } from './detector.ts';
export type { BaseOptions, DetectorClass, DetectorInfo, DetectorSnapshot, DetectorState, FitSummary, Labels, Modality, Supervision } from './detector.ts';
export { createDetector, getDetectorClass, listDetectors, registerDetector } from './registry.ts';
