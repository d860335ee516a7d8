import { listDetectors } from '../detectors/registry.ts';

/**
 * The detector used when none is named, in one place so that the later default (a small ensemble) replaces one line.
 * Isolation Forest is ADBench's best unsupervised method on average; HBOS is the fallback while it is not registered.
 */
export const DEFAULT_DETECTOR = 'iforest';
const FALLBACK_DETECTOR = 'hbos';

export function defaultDetectorName(): string {
  return listDetectors().some((d) => d.name === DEFAULT_DETECTOR) ? DEFAULT_DETECTOR : FALLBACK_DETECTOR;
}
