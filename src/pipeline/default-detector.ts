import { listDetectors } from '../detectors/registry.ts';

/**
 * The detector used when none is named, in one place. The ensemble (src/detectors/tabular/ensemble.ts): the mean of
 * standardised scores of eight classic detectors — the best of two published benchmarks, ADBench's and PyOD's — which
 * under ADBench's protocol beats each of its members and every other single detector here (bench/results/tabular.md).
 * Isolation Forest, ADBench's best single unsupervised method, and then HBOS are the fallbacks while a build lacks it.
 */
export const DEFAULT_DETECTOR = 'ensemble';
const FALLBACK_DETECTOR = 'iforest';
const LAST_RESORT = 'hbos';

export function defaultDetectorName(): string {
  const registered = new Set(listDetectors().map((d) => d.name));
  return [DEFAULT_DETECTOR, FALLBACK_DETECTOR].find((name) => registered.has(name)) ?? LAST_RESORT;
}
