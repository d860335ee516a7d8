/** The Numenta Anomaly Benchmark's scorer, ported from numenta/NAB, and a reader for its corpus. */
export { NAB_PROFILES, PROFILE_NAMES, checkProfile, parseProfiles } from './profiles.ts';
export type { CostProfile, ProfileName } from './profiles.ts';
export { locateWindows, windowsToLabels, probationaryLength, formatTimestamp } from './windows.ts';
export type { NabWindow, WindowRows } from './windows.ts';
export type { LabelledSeries, ScoredSeries } from './series.ts';
export { scaledSigmoid, rowRewards, OUTSIDE_WINDOWS, PROBATIONARY } from './reward.ts';
export type { RowRewards } from './reward.ts';
export { scoresByThreshold, sweepThreshold } from './sweep.ts';
export type { ThresholdScore, SweepOptions } from './sweep.ts';
export { scoreNab, scoreNabFile } from './score.ts';
export type { FileScore, NabScore } from './score.ts';
export { normalise, nullScore, perfectScore } from './normalise.ts';
export { readNabCorpus, readSeriesCsv, readDetectorScores, attachScores, parseNabTimestamp } from './corpus.ts';
export type { NabCorpus, NabSeries, NabThresholds, CorpusOptions } from './corpus.ts';
