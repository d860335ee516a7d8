/**
 * Time-series evaluation: pure functions of (labels, predictions or scores), labels 1 = anomalous timestamp.
 * Point-wise precision / recall / F1 are src/metrics' precisionRecallF1; the NAB score is src/timeseries/nab.
 */
export { precisionRecallF1, precisionRecallF1At, bestF1 } from '../../metrics/index.ts';
export { labelRanges, rangesToLabels, predictionsAt, type Range } from './ranges.ts';
export { pointAdjust, paKScores, paKCurve, type PaKCurve } from './point-adjust.ts';
export { eventScores, eventScoresOf, fromEventCounts, type EventScores } from './events.ts';
export { vus, type VusOptions, type VusScores } from './vus.ts';
export { randomScores } from './random-baseline.ts';
