#!/usr/bin/env node
// The `dad` command: a plain JavaScript shim so that `npx dad` works from a plain install; it registers tsx (the
// package ships TypeScript sources) and runs the CLI. The exit code comes back through process.exitCode, so that
// output still being written to a pipe is not cut short.
import { register } from 'tsx/esm/api';

register();
// A reader that closes the pipe early (`dad detect … | head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
try {
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`dad: internal error: could not start: ${error?.message ?? error}\n`);
  if (process.env.DAD_DEBUG === '1') process.stderr.write(`${error?.stack ?? ''}\n`);
  process.exitCode = 1;
}
