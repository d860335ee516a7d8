/**
 * `--plugin <file>`: a third-party module that registers detectors through `registerDetector` when imported (the
 * plugin contract, see the README and examples/plugin-detector.ts). TypeScript plugins load too: `bin/dad.js` runs
 * under tsx. A plugin that fails to load, or registers nothing, is a usage error (exit 2) that names the file.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../core/errors.ts';
import { listDetectors } from '../detectors/registry.ts';

export async function loadPlugins(files: readonly string[]): Promise<string[]> {
  const added: string[] = [];
  for (const file of new Set(files.map((f) => resolve(f)))) {
    if (!existsSync(file)) throw new InputError(`Plugin file not found: ${file}`);
    const before = new Set(listDetectors().map((d) => d.name));
    try {
      await import(pathToFileURL(file).href);
    } catch (error) {
      throw new InputError(`Plugin ${file} failed to load: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    }
    const names = listDetectors().map((d) => d.name).filter((n) => !before.has(n));
    if (names.length === 0) {
      throw new InputError(`Plugin ${file} registered no detector: a plugin calls registerDetector(YourDetector) when imported.`);
    }
    added.push(...names);
  }
  return added;
}
