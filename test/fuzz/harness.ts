/**
 * The fuzzing harness shared by the fuzz tests (a few hundred inputs per reader) and `npm run bench -- fuzz` (as many
 * as asked). A target is one reader with the inputs it is fed: generated files (arbitrary bytes, and files of the
 * right structure with wrong contents) and valid files mutated (bit flips, truncations, insertions, deletions,
 * duplicated slices, fields overwritten with huge or hostile values).
 *
 * The property, for every input: the reader returns a well-formed result, or throws one of the project's error
 * classes (src/core/errors.ts) with a non-empty message — never another exception, never a slow input (a hang shows
 * as an input over the time limit), never an allocation the file only declares (a 10^12-element shape is refused
 * before any memory is taken: an attempt would throw a RangeError, which the property rejects).
 */
import fc from 'fast-check';
import { isDadError } from '../../src/core/errors.ts';

/** One input: its bytes, and how it was made (for the counts). */
export interface FuzzInput {
  kind: 'random' | 'generated' | 'mutated';
  bytes: Uint8Array;
}

export interface FuzzTarget {
  name: string;
  /** what the target reads, for the report */
  reads: string;
  /** the inputs; built lazily, since the seeds of some targets (fitted models) take a moment */
  inputs(): Promise<fc.Arbitrary<FuzzInput>>;
  /** reads one input; throws what the reader throws; throws a plain Error when the result is not well-formed */
  read(input: FuzzInput): Promise<void>;
}

export interface FuzzStats {
  target: string;
  inputs: number;
  /** inputs the reader read into a well-formed result */
  accepted: number;
  /** inputs refused with a project error, by error class */
  refused: Record<string, number>;
  /** inputs by how they were made */
  byKind: Record<FuzzInput['kind'], number>;
  slowestMs: number;
  seconds: number;
  /** a few refusal messages, for reading what users would see */
  samples: string[];
}

/** A result that is not well-formed: the property fails with this message. */
export class Malformed extends Error {}

export function malformed(condition: boolean, what: string): void {
  if (!condition) throw new Malformed(what);
}

/**
 * Feeds `runs` inputs of a target to its reader under the property above; rejects with fast-check's report (seed,
 * shrunk counterexample) on the first failing input.
 */
export async function fuzz(target: FuzzTarget, options: { runs: number; seed: number; slowMs: number; onInput?: (count: number) => void }): Promise<FuzzStats> {
  const stats: FuzzStats = { target: target.name, inputs: 0, accepted: 0, refused: {}, byKind: { random: 0, generated: 0, mutated: 0 }, slowestMs: 0, seconds: 0, samples: [] };
  const started = performance.now();
  const arbitrary = await target.inputs();
  // after the first failure fast-check shrinks: it re-runs smaller inputs that are not part of the tally
  let failed = false;
  const fail = (message: string, cause?: unknown): never => {
    failed = true;
    throw new Error(message, { cause });
  };
  await fc.assert(
    fc.asyncProperty(arbitrary, async (input): Promise<void> => {
      const t = performance.now();
      let refusedAs: string | undefined;
      try {
        await target.read(input);
      } catch (error) {
        if (!isDadError(error)) fail(`${target.name}: ${input.kind} input of ${input.bytes.length} bytes threw ${describe(error)}, not a project error`, error);
        else if (error.message.trim() === '') fail(`${target.name}: ${error.name} with an empty message`);
        else {
          refusedAs = error.name;
          if (stats.samples.length < 12 && !failed) stats.samples.push(`${error.name}: ${error.message.slice(0, 200)}`);
        }
      }
      const ms = performance.now() - t;
      if (ms > options.slowMs) fail(`${target.name}: a ${input.kind} input of ${input.bytes.length} bytes took ${ms.toFixed(0)} ms (limit ${options.slowMs} ms)`);
      if (failed) return;
      stats.inputs += 1;
      options.onInput?.(stats.inputs);
      stats.byKind[input.kind] += 1;
      stats.slowestMs = Math.max(stats.slowestMs, ms);
      if (refusedAs === undefined) stats.accepted += 1;
      else stats.refused[refusedAs] = (stats.refused[refusedAs] ?? 0) + 1;
    }),
    { numRuns: options.runs, seed: options.seed },
  ).catch((error: unknown) => {
    // fast-check's report (seed, path, shrunk input) with the property's own message, which it keeps as the cause
    const cause = (error as { cause?: unknown }).cause;
    throw new Error(`${(error as Error).message}${cause instanceof Error ? `\nProperty: ${cause.message}` : ''}`, { cause });
  });
  stats.seconds = (performance.now() - started) / 1000;
  return stats;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.slice(0, 300)}`;
  return String(error);
}

/** One line of counts for a report. */
export function statsLine(s: FuzzStats): string {
  const refused = Object.entries(s.refused).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  return `${s.target}: ${s.inputs} inputs (random ${s.byKind.random}, generated ${s.byKind.generated}, mutated ${s.byKind.mutated}); ` +
    `${s.accepted} read, ${s.inputs - s.accepted} refused${refused ? ` (${refused})` : ''}; slowest ${s.slowestMs.toFixed(1)} ms; ${s.seconds.toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations of valid files

const encoder = new TextEncoder();

/** Values that break readers: huge counts and lengths, signs, non-numbers, quotes, line ends, bytes 0xff. */
const HOSTILE: Uint8Array[] = [
  '999999999999', '1000000000000', '18446744073709551615', '-1', '1e308', '1e999', 'NaN', '-0', '"', "'", ',', '\n', '\r', '\t',
  '\\', '{', '[', ')', ':', '\u2028', '\u0000', '"""', '%s%s', '<*>',
].map((s) => encoder.encode(s)).concat([
  new Uint8Array(8).fill(0xff), new Uint8Array([0xff, 0xff, 0xff, 0x7f]), new Uint8Array([0, 0, 0, 0]), new Uint8Array([0xc3]), new Uint8Array([0xef, 0xbb, 0xbf]),
]);

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number; to: number }
  | { op: 'overwrite'; at: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.constantFrom(...HOSTILE)) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 256 }), to: fc.nat() }),
  fc.record({ op: fc.constant('overwrite' as const), at: fc.nat(), bytes: fc.constantFrom(...HOSTILE) }),
);

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  const at = n === 0 ? 0 : m.at % (n + 1);
  const cat = (...parts: Uint8Array[]): Uint8Array => {
    const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  switch (m.op) {
    case 'flip': {
      if (n === 0) return bytes;
      const out = bytes.slice();
      out[m.at % n]! ^= 1 << m.bit;
      return out;
    }
    case 'truncate': return bytes.slice(0, at);
    case 'insert': return cat(bytes.subarray(0, at), m.bytes, bytes.subarray(at));
    case 'delete': return cat(bytes.subarray(0, at), bytes.subarray(Math.min(n, at + m.length)));
    case 'duplicate': {
      const slice = bytes.subarray(at, Math.min(n, at + m.length));
      const to = n === 0 ? 0 : m.to % (n + 1);
      return cat(bytes.subarray(0, to), slice, bytes.subarray(to));
    }
    case 'overwrite': {
      const out = bytes.slice();
      out.set(m.bytes.subarray(0, Math.max(0, n - at)), at);
      return out;
    }
  }
}

/** Valid files with one to four mutations each. */
export function mutatedFrom(seeds: readonly Uint8Array[]): fc.Arbitrary<FuzzInput> {
  return fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([seed, ms]) => ({ kind: 'mutated' as const, bytes: ms.reduce(apply, seed) }));
}

/** Arbitrary bytes, sometimes behind a prefix (a magic number) so that they get past the first check. */
export function randomBytes(prefixes: readonly Uint8Array[] = [new Uint8Array(0)], maxLength = 512): fc.Arbitrary<FuzzInput> {
  return fc.tuple(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength }))
    .map(([p, b]) => {
      const bytes = new Uint8Array(p.length + b.length);
      bytes.set(p);
      bytes.set(b, p.length);
      return { kind: 'random' as const, bytes };
    });
}

/** Structured inputs, made as text. */
export function generatedText(text: fc.Arbitrary<string>): fc.Arbitrary<FuzzInput> {
  return text.map((t) => ({ kind: 'generated' as const, bytes: encoder.encode(t) }));
}

export function generatedBytes(bytes: fc.Arbitrary<Uint8Array>): fc.Arbitrary<FuzzInput> {
  return bytes.map((b) => ({ kind: 'generated' as const, bytes: b }));
}

/** A mix: a third arbitrary bytes, a third generated, a third mutated (the weights of fc.oneof). */
export function inputMix(random: fc.Arbitrary<FuzzInput>, generated: fc.Arbitrary<FuzzInput>, mutated: fc.Arbitrary<FuzzInput>): fc.Arbitrary<FuzzInput> {
  return fc.oneof({ arbitrary: random, weight: 1 }, { arbitrary: generated, weight: 2 }, { arbitrary: mutated, weight: 3 });
}
