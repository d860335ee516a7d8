/**
 * One fuzz target in a child process of `npm run bench -- fuzz` (bench/fuzz.ts), so that a reader that hangs in a
 * synchronous loop can be stopped and reported: the child sends a heartbeat every 100 inputs and its counts at the end.
 * Arguments: target name, runs, seed, slow-input limit in ms.
 */
import { fuzz } from '../test/fuzz/harness.ts';
import { allTargets } from '../test/fuzz/targets.ts';

const [name, runs, seed, slowMs] = process.argv.slice(2);
const target = (await allTargets()).find((t) => t.name === name);
if (target === undefined) throw new Error(`fuzz-child: no target '${name}'`);
try {
  const stats = await fuzz(target, {
    runs: Number(runs),
    seed: Number(seed),
    slowMs: Number(slowMs),
    onInput: (n) => { if (n % 100 === 0) process.send!({ heartbeat: n }); },
  });
  process.send!({ stats, reads: target.reads, maxRssMb: process.resourceUsage().maxRSS / 1024 });
} catch (error) {
  process.send!({ failure: (error as Error).message });
}
process.disconnect();
