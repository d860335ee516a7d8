import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the benchmark data lives: $DAD_DATA_DIR, else `../shared/data` beside the repository (the project's layout;
 * the data is never copied into the repository). Shared by `dad info` and `npm run bench`.
 */
export function benchmarkDataDir(): string {
  const fromEnv = process.env['DAD_DATA_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return fileURLToPath(new URL('../../../shared/data', import.meta.url));
}

export function benchmarkDataPresent(): boolean {
  return existsSync(benchmarkDataDir());
}
