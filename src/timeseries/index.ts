/**
 * Time series: reading (timestamps, value columns, gaps, resampling), sliding windows and their inverse, the
 * evaluation metrics of the field, and telemanom's dynamic threshold. The NAB scorer is ./nab.
 */
export { asSeries, checkSeries, seriesOf, type Series } from './series.ts';
export { parseTimestamp, formatTimestamp } from './timestamps.ts';
export { inspectSampling, resampleSeries, type Gap, type ResampleOptions, type SamplingReport } from './gaps.ts';
export { readSeries, describeSampling, type SeriesFile, type SeriesReadOptions } from './read-series.ts';
export { slidingWindows, windowScoresToPoints, windowStarts, type WindowOptions, type WindowReduce } from './windows.ts';
export * from './metrics/index.ts';
export * from './thresholds/index.ts';
