/**
 * The `dad` command line. Exit codes: 0 success; 2 bad usage or bad input (the message says what to fix, without a
 * stack trace); 1 an internal error (a bug: the stack is printed with DAD_DEBUG=1). Results go to stdout, everything
 * else (progress, metrics, messages) to stderr.
 */
import { Command, CommanderError } from 'commander';
import { isDadError } from '../core/errors.ts';
import '../detectors/index.ts';
import { packageVersion } from '../model-io/manifest.ts';
import { registerDetect } from './detect.ts';
import { registerFit } from './fit.ts';
import { addDetectorHelp, registerHelp } from './help.ts';
import { registerImages } from './images.ts';
import { registerInfo } from './info.ts';
import { registerList } from './list.ts';
import { registerLogs } from './logs.ts';
import { loadPlugins } from './plugins.ts';
import { registerReport } from './report.ts';
import { registerScore } from './score.ts';
import { registerServe } from './serve.ts';
import { collect } from './table-options.ts';
import { registerTs } from './ts.ts';
import { registerWorker } from './worker.ts';

export function buildProgram(): Command {
  const program = new Command('dad')
    .description('dadkit: detect anomalies in tables, series, logs and images; fit, save and score models')
    .version(packageVersion(), '-V, --version')
    .option('--plugin <file>', 'load a third-party detector module before running (repeatable)', collect)
    .option('-q, --quiet', 'no progress bar or notes on stderr')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({ outputError: (text, write) => write(`dad: ${text}`) })
    .showSuggestionAfterError(true)
    .exitOverride();
  program.hook('preAction', async (_program, action) => {
    await loadPlugins(action.optsWithGlobals<{ plugin?: string[] }>().plugin ?? []);
  });
  addDetectorHelp(registerDetect(program));
  addDetectorHelp(registerFit(program));
  registerScore(program);
  registerList(program);
  registerLogs(program);
  registerTs(program);
  registerImages(program);
  registerReport(program);
  registerServe(program);
  registerWorker(program);
  registerInfo(program);
  registerHelp(program);
  return program;
}

/** Runs the command line `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  // Commander has already printed its message (or the help) through outputError.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (isDadError(error)) {
    process.stderr.write(`dad: error: ${error.message}\n`);
    return error.exitCode;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR') {
    process.stderr.write(`dad: error: ${(error as Error).message}\n`);
    return 2;
  }
  const detail = process.env['DAD_DEBUG'] === '1'
    ? `${(error as Error)?.stack ?? String(error)}\n`
    : 'Run again with DAD_DEBUG=1 to see the stack trace, and please report it.\n';
  process.stderr.write(`dad: internal error: ${(error as Error)?.message ?? String(error)}\n${detail}`);
  return 1;
}
