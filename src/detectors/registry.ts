import { OptionError, UnknownNameError } from '../core/errors.ts';
import type { Detector, DetectorClass, DetectorInfo } from './detector.ts';

/**
 * The registry of detectors. Built-in detectors register when `src/detectors/builtins.ts` is imported (the package
 * entry does that); third-party detectors register the same way (the plugin contract, see the README and
 * examples/plugin-detector.ts).
 */
const registry = new Map<string, DetectorClass>();

export function registerDetector(cls: DetectorClass): void {
  const info = cls.info as DetectorInfo | undefined;
  if (!info || typeof info.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(info.name)) {
    throw new OptionError(`A detector class needs static info.name in lower-case letters, digits and '-'. Got ${JSON.stringify(info?.name)} instead.`);
  }
  if (!cls.schema || typeof cls.schema.safeParse !== 'function') {
    throw new OptionError(`Detector '${info.name}' needs a static zod schema of its options.`);
  }
  const existing = registry.get(info.name);
  if (existing && existing !== cls) throw new OptionError(`A different detector is already registered as '${info.name}'.`);
  registry.set(info.name, cls);
}

export function listDetectors(filter: Partial<Pick<DetectorInfo, 'modality' | 'family'>> = {}): DetectorInfo[] {
  return [...registry.values()]
    .map((c) => c.info)
    .filter((i) => (filter.modality === undefined || i.modality === filter.modality) && (filter.family === undefined || i.family === filter.family))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function getDetectorClass(name: string): DetectorClass {
  const cls = registry.get(name);
  if (!cls) throw new UnknownNameError('detector', name, [...registry.keys()].sort());
  return cls;
}

export function createDetector(name: string, options: Record<string, unknown> = {}): Detector {
  const cls = getDetectorClass(name);
  return new cls(options);
}
