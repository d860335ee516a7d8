/**
 * Fuzzing of every reader (test/fuzz/targets.ts): a few hundred generated and mutated inputs each, under the property
 * of harness.ts — a well-formed result or a project error with a message, never another exception, never a slow input.
 * The counts are printed as test diagnostics; `npm run bench -- fuzz --runs 100000` is the long run
 * (bench/results/fuzz.md). FUZZ_RUNS / FUZZ_SEED override the defaults here to replay a failure.
 */
import { test } from 'node:test';
import { fuzz, statsLine } from './harness.ts';
import { allTargets } from './targets.ts';

const runs = Number(process.env['FUZZ_RUNS'] ?? 250);
const seed = Number(process.env['FUZZ_SEED'] ?? 20261128);

for (const target of await allTargets()) {
  test(`fuzz ${target.name}: ${runs} inputs read or refused with a project error (${target.reads})`, async (t) => {
    // generous: the machine is shared; a hang or a super-linear reader shows up far above this
    const stats = await fuzz(target, { runs, seed, slowMs: 5_000 });
    t.diagnostic(statsLine(stats));
  });
}
