/** `dad list`: the registered detectors with modality, family and supervision; `--detector x` shows one with its options. */
import { Option, type Command } from 'commander';
import { getDetectorClass, listDetectors } from '../detectors/registry.ts';
import type { Modality } from '../detectors/detector.ts';
import { describeDetector, optionDocs } from './describe-detector.ts';

interface ListFlags {
  detector?: string;
  modality?: Modality;
  format?: 'text' | 'json';
}

export function registerList(program: Command): Command {
  return program
    .command('list')
    .description('list the detectors: name, modality, family, supervision')
    .option('-d, --detector <name>', 'show one detector with its options and their defaults')
    .addOption(new Option('--modality <modality>', 'only detectors for this kind of data').choices(['tabular', 'timeseries', 'logs', 'images', 'streams']))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: ListFlags) => {
      process.stdout.write(listText(flags));
    });
}

function listText(flags: ListFlags): string {
  if (flags.detector !== undefined) {
    const cls = getDetectorClass(flags.detector);
    if (flags.format === 'json') return `${JSON.stringify({ ...cls.info, options: optionDocs(cls) }, null, 2)}\n`;
    return `${describeDetector(cls)}\n`;
  }
  const infos = listDetectors(flags.modality === undefined ? {} : { modality: flags.modality });
  if (flags.format === 'json') return `${JSON.stringify(infos, null, 2)}\n`;
  const rows = [['name', 'modality', 'family', 'supervision', 'title'], ...infos.map((i) => [i.name, i.modality, i.family, i.supervision.join(','), i.title])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n') + '\n';
}
