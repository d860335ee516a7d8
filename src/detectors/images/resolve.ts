/** Image detectors by name, with the short names the CLI accepts ('deepsvdd' for 'image-deepsvdd'). */
import { OptionError } from '../../core/errors.ts';
import { getDetectorClass, listDetectors } from '../registry.ts';

/** The registry name of the image detector `name` or `image-<name>`; an OptionError listing the image detectors otherwise. */
export function resolveImageDetector(name: string): string {
  for (const candidate of [name, `image-${name}`]) {
    try {
      if (getDetectorClass(candidate).info.modality === 'images') return candidate;
    } catch {
      // not registered under this name: try the next
    }
  }
  const known = listDetectors({ modality: 'images' }).map((i) => i.name);
  throw new OptionError(`'${name}' is not an image detector. Image detectors: ${known.join(', ')} (short names without 'image-' work too).`);
}
