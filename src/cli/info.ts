/** `dad info`: version, Node version, compute backend and data folder, for bug reports and for checking an install. */
import { Option, type Command } from 'commander';
import { listDetectors } from '../detectors/registry.ts';
import { packageVersion } from '../model-io/manifest.ts';
import { benchmarkDataDir, benchmarkDataPresent } from './data-dir.ts';

export interface InstallInfo {
  version: string;
  node: string;
  platform: string;
  backend: string;
  detectors: number;
  dataDir: string;
  dataPresent: boolean;
}

export function registerInfo(program: Command): Command {
  return program
    .command('info')
    .description('show the version, Node version, compute backend and benchmark data folder')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags: { format: 'text' | 'json' }) => {
      const info = await installInfo();
      if (flags.format === 'json') process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      else {
        process.stdout.write(
          `dadkit ${info.version}\nnode ${info.node} (${info.platform})\nbackend ${info.backend}\ndetectors ${info.detectors} registered\n` +
          `data ${info.dataDir}${info.dataPresent ? '' : ' (absent)'}\n`,
        );
      }
    });
}

export async function installInfo(): Promise<InstallInfo> {
  return {
    version: packageVersion(),
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    backend: await describeBackend(),
    detectors: listDetectors().length,
    dataDir: benchmarkDataDir(),
    dataPresent: benchmarkDataPresent(),
  };
}

/** The engine's backend; loaded lazily so that a broken or absent engine build leaves the other commands working. */
async function describeBackend(): Promise<string> {
  try {
    const engine = await import('../engine/backend/index.ts');
    const b = engine.backendInfo();
    return `${b.name}, ${b.threads} thread${b.threads === 1 ? '' : 's'}${b.fallbackReason ? ` (faster backends skipped: ${b.fallbackReason})` : ''}`;
  } catch (error) {
    return `unavailable (${(error as Error)?.message ?? String(error)})`;
  }
}
