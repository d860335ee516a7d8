import { OptionError } from '../../core/errors.ts';
import type { Detector, DetectorSnapshot, DetectorState } from '../detector.ts';
import { createDetector } from '../registry.ts';

/**
 * Composite detectors (ensembles, hybrids) save their fitted parts inside their own state: each part's snapshot goes
 * to `params[prefix]` (through JSON, exactly as a model file stores it) and its arrays to `arrays['prefix.name']`.
 * Loading rebuilds each part from the registry by name, so a composite saves and loads as one model file.
 */
export function packPart(state: DetectorState, prefix: string, part: Detector): void {
  const { arrays, ...rest } = part.snapshot();
  state.params[prefix] = JSON.parse(JSON.stringify(rest));
  for (const [name, values] of Object.entries(arrays)) state.arrays[`${prefix}.${name}`] = values;
}

export function unpackPart(state: DetectorState, prefix: string, owner: string): Detector {
  const snap = state.params[prefix] as Omit<DetectorSnapshot, 'arrays'> | undefined;
  if (snap === undefined || typeof snap.detector !== 'string') throw new OptionError(`The saved ${owner} lacks its part '${prefix}'.`);
  const arrays: DetectorSnapshot['arrays'] = {};
  for (const [name, values] of Object.entries(state.arrays)) if (name.startsWith(`${prefix}.`)) arrays[name.slice(prefix.length + 1)] = values;
  return createDetector(snap.detector, snap.options).restore({ ...snap, arrays });
}
