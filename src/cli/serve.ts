/** `dad serve --models <dir>`: the HTTP scoring service over a folder of model files (src/server/). */
import type { Command } from 'commander';
import { OptionError } from '../core/errors.ts';
import { DEFAULT_BODY_LIMIT, startServer } from '../server/index.ts';

interface ServeFlags {
  models: string;
  port: string;
  host: string;
  bodyLimit?: string;
  quiet?: boolean;
}

export function registerServe(program: Command): Command {
  return program
    .command('serve')
    .description('serve the models of a folder over HTTP: scores, labels, explanations, NDJSON streams, /metrics, /openapi.json')
    .requiredOption('--models <dir>', 'folder of model files (each file is a model; its name without .dad is the model name); changed files are reloaded')
    .option('--port <port>', 'port to listen on (0: any free port)', '8080')
    .option('--host <host>', 'interface to listen on; 0.0.0.0 for every interface', '127.0.0.1')
    .option('--body-limit <bytes>', `largest request body in bytes (default ${DEFAULT_BODY_LIMIT})`)
    .addHelpText('after', '\nSet DAD_SERVE_TOKEN to require "Authorization: Bearer <token>" on every route but /healthz and /openapi.json.')
    .action(async (_flags: unknown, self: Command) => serve(self.optsWithGlobals<ServeFlags>()));
}

async function serve(flags: ServeFlags): Promise<void> {
  const port = wholeNumber(flags.port, '--port', 0, 65535);
  const bodyLimit = flags.bodyLimit === undefined ? undefined : wholeNumber(flags.bodyLimit, '--body-limit', 1, Number.MAX_SAFE_INTEGER);
  const token = process.env['DAD_SERVE_TOKEN'];
  if (token !== undefined && token.trim() === '') throw new OptionError('DAD_SERVE_TOKEN is set but empty; unset it, or give it a value.');
  const running = await startServer({ models: flags.models, port, host: flags.host, token, ...(bodyLimit !== undefined ? { bodyLimit } : {}) });
  const note = (line: string): void => { if (flags.quiet !== true) process.stderr.write(`${line}\n`); };
  running.store.listen((event) => {
    if (event.kind === 'loaded') note(`dad serve: ${event.reload ? 'reloaded' : 'loaded'} model '${event.name}' (version ${event.version})`);
    if (event.kind === 'removed') note(`dad serve: model '${event.name}' removed`);
  });
  const problems = running.store.problems();
  note(`dad serve: ${running.store.models().length} model(s) from ${running.store.folder}${problems.length ? `, ${problems.length} file(s) failed: ${problems.map((p) => p.file).join(', ')}` : ''}`);
  note(`dad serve: listening on ${running.url}${token ? ' (bearer token required)' : ''}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      note('dad serve: shutting down');
      running.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new OptionError(`${flag} must be a whole number from ${min} to ${max}. Got '${text}' instead.`);
  return n;
}
