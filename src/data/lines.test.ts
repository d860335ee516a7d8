import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readLines, splitLines } from './index.ts';
import { writeFixture } from './test-helpers.ts';

async function collect(path: string): Promise<[number, string][]> {
  const out: [number, string][] = [];
  for await (const l of readLines(path)) out.push([l.number, l.text]);
  return out;
}

describe('line reader', () => {
  it('numbers lines from 1, blank ones included, and drops CR and the BOM', async () => {
    const lines = await collect(writeFixture('lines.txt', '\ufefffirst\r\n\r\nthird\nlast-without-newline'));
    assert.deepEqual(lines, [[1, 'first'], [2, ''], [3, 'third'], [4, 'last-without-newline']]);
  });

  it('reads gzip and lines that straddle read chunks', async () => {
    const long = 'x'.repeat(3 << 20);
    const text = `a\n${long}\nb\n`;
    const lines = await collect(writeFixture('long.txt.gz', text, { gzip: true }));
    assert.deepEqual(lines.map(([n, t]) => [n, t.length]), [[1, 1], [2, long.length], [3, 1]]);
  });

  it('splits in-memory text by the same rules', () => {
    assert.deepEqual(splitLines('\ufeffa\r\nb\n'), ['a', 'b']);
    assert.deepEqual(splitLines(''), []);
  });

  it('reports a damaged gzip file', async () => {
    const path = writeFixture('damaged.csv.gz', new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
    await assert.rejects(collect(path), /damaged\.csv\.gz is not a valid gzip file/);
  });
});
