/**
 * Shared by the backend tests: a seeded generator (tests must be deterministic, and the project's random module lives
 * elsewhere and may change) and an element-wise closeness check with a readable failure message.
 */
import assert from 'node:assert/strict';

/** mulberry32: tiny, fast, good enough to fill test matrices; same seed, same numbers. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in [low, high). */
export function randomArray(random: () => number, length: number, low = -1, high = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = low + (high - low) * random();
  return out;
}

export function randomInt(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

/** |actual − expected| ≤ atol + rtol·|expected| everywhere; reports the first offending index. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 1e-5, atol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(a) || Number.isNaN(e) || Math.abs(a - e) > atol + rtol * Math.abs(e)) {
      assert.fail(`${what}: index ${i} of ${expected.length}: got ${a}, expected ${e}`);
    }
  }
}
