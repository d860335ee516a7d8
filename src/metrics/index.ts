// Evaluation metrics: pure functions of (labels, scores); labels 1 = anomaly, 0 = normal; higher score = more anomalous.
export { averagePrecision, prAuc, prCurve } from './average-precision.ts';
export type { PrPoint } from './average-precision.ts';
export { bestF1 } from './best-f1.ts';
export type { BestF1 } from './best-f1.ts';
export { precisionRecallF1, precisionRecallF1At } from './classification.ts';
export type { ClassificationScores } from './classification.ts';
export { precisionAtK } from './precision-at-k.ts';
export { rocAuc, rocCurve } from './roc.ts';
export type { RocPoint } from './roc.ts';
