/**
 * `dad help [command] [--detector name]`, and `<command> --help --detector name`: a command's usage, followed (when a
 * detector is named) by the detector's card with its options and defaults, from its schema.
 */
import type { Command } from 'commander';
import { OptionError } from '../core/errors.ts';
import { getDetectorClass } from '../detectors/registry.ts';
import { describeDetector } from './describe-detector.ts';

export function registerHelp(program: Command): Command {
  program.helpCommand(false);
  return program
    .command('help')
    .description('show help for a command; with --detector, also that detector\'s options')
    .argument('[command]', 'the command to explain')
    .option('-d, --detector <name>', 'also show this detector\'s options and their defaults')
    .action((name: string | undefined, flags: { detector?: string }) => {
      if (name === undefined) {
        process.stdout.write(program.helpInformation());
        return;
      }
      const command = program.commands.find((c) => c.name() === name || c.aliases().includes(name));
      if (!command) {
        const known = program.commands.map((c) => c.name()).join(', ');
        throw new OptionError(`Unknown command '${name}'. Commands: ${known}.`);
      }
      process.stdout.write(command.helpInformation() + detectorCard(flags.detector));
    });
}

/** After `<command> --help`: the card of the detector named by --detector on the same line, if any. */
export function addDetectorHelp(command: Command): Command {
  return command.addHelpText('after', (context) => detectorCard(context.command.opts<{ detector?: string }>().detector));
}

function detectorCard(name: string | undefined): string {
  return name === undefined ? '' : `\n${describeDetector(getDetectorClass(name))}\n`;
}
