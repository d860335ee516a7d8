import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InputError } from '../core/errors.ts';
import { toRows } from '../core/matrix.ts';
import { readNpy, readTable } from './index.ts';
import { npyBytes, writeFixture } from './test-helpers.ts';

describe('NumPy .npy', () => {
  it('reads 2-D <f8 in C order, from a path or bytes', async () => {
    const bytes = npyBytes('<f8', [2, 3], [1, 2, 3, 4, 5, 6.5]);
    const a = await readNpy(bytes);
    assert.deepEqual(a.shape, [2, 3]);
    assert.deepEqual([...a.data], [1, 2, 3, 4, 5, 6.5]);
    const b = await readNpy(writeFixture('m.npy', bytes));
    assert.deepEqual([...b.data], [...a.data]);
  });

  it('reads every common dtype and byte order', async () => {
    const cases: [string, number[]][] = [
      ['<f4', [1.5, -2]], ['>f8', [3.25, -1]], ['<i8', [-5, 7]], ['<i4', [-1, 2]], ['>i4', [9, -9]], ['<i2', [-300, 300]], ['|u1', [0, 255]], ['|b1', [1, 0]],
    ];
    for (const [descr, values] of cases) {
      const a = await readNpy(npyBytes(descr, [2], values));
      assert.deepEqual([...a.data], values, descr);
      assert.deepEqual(a.shape, [2, 1], '1-D is one column');
    }
    // float16: 1.0 = 0x3c00, -2.0 = 0xc000
    const half = await readNpy(npyBytes('<f2', [2], new Uint8Array([0x00, 0x3c, 0x00, 0xc0])));
    assert.deepEqual([...half.data], [1, -2]);
  });

  it('reads format versions 2 and 3, and gzip', async () => {
    for (const version of [2, 3] as const) {
      const a = await readNpy(npyBytes('<f8', [1, 2], [7, 8], { version }));
      assert.deepEqual([...a.data], [7, 8]);
    }
    const gz = await readNpy(writeFixture('g.npy.gz', gzipSync(npyBytes('<f8', [2, 1], [1, 2]))));
    assert.deepEqual([...gz.data], [1, 2]);
  });

  it('transposes Fortran order into row-major', async () => {
    // the 2 × 3 matrix [[1,2,3],[4,5,6]] stored column by column
    const a = await readNpy(npyBytes('<f8', [2, 3], [1, 4, 2, 5, 3, 6], { fortran: true }));
    assert.deepEqual([...a.data], [1, 2, 3, 4, 5, 6]);
    // 3-D, flattened: A[i][j][k] = 100i + 10j + k with shape (2, 2, 2), Fortran order (i fastest)
    const fortran: number[] = [];
    for (let k = 0; k < 2; k++) for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) fortran.push(100 * i + 10 * j + k);
    const f = await readNpy(npyBytes('<f8', [2, 2, 2], fortran, { fortran: true }), { flatten: true });
    assert.deepEqual(f.shape, [2, 4]);
    assert.deepEqual([...f.data], [0, 1, 10, 11, 100, 101, 110, 111]);
  });

  it('refuses more than 2 dimensions unless flatten is asked, and bad files', async () => {
    await assert.rejects(readNpy(npyBytes('<f8', [1, 2, 2], [1, 2, 3, 4])), /3-D array of shape \(1, 2, 2\).*flatten/);
    await assert.rejects(readNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])), /is not a NumPy \.npy file/);
    const full = npyBytes('<f8', [4], [1, 2, 3, 4]);
    await assert.rejects(readNpy(full.subarray(0, full.length - 8)), /is truncated: shape \(4\) of <f8 needs 32 bytes of data; the file has 24/);
    await assert.rejects(readNpy(full.subarray(0, 40)), /is truncated: its \.npy header claims/);
    await assert.rejects(readNpy(npyBytes('<c16', [1], new Uint8Array(16))), /dtype '<c16' is not supported/);
    await assert.rejects(readNpy('/nonexistent.npy'), (e: unknown) => e instanceof InputError && /File not found/.test(e.message));
  });

  it('reads as a table, NaN being a missing value', async () => {
    const t = await readTable(writeFixture('t.npy', npyBytes('<f8', [3, 2], [1, 0, 2, 1, 3, 0])), { label: 1 });
    assert.deepEqual(toRows(t.X), [[1], [2], [3]]);
    assert.deepEqual([...t.y!], [0, 1, 0]);
    const withNaN = writeFixture('nan.npy', npyBytes('<f8', [2, 2], [1, 2, Number.NaN, 4]));
    await assert.rejects(readTable(withNaN), /nan\.npy row 2, column 'col0' \(index 0\): the value is missing \(NaN\)/);
    const withInf = writeFixture('inf.npy', npyBytes('<f8', [2, 2], [1, 2, 3, -Infinity]));
    await assert.rejects(readTable(withInf), /inf\.npy row 2, column 'col1' \(index 1\): -Infinity is not finite/);
  });

  const smap = '../shared/data/timeseries/smap/test';
  const hasSmap = (() => { try { return readdirSync(smap).some((f) => f.endsWith('.npy.gz')); } catch { return false; } })();
  it('reads a NASA SMAP channel (.npy.gz, 25 columns)', { skip: hasSmap ? false : `${smap} is absent (shared benchmark data)` }, async () => {
    const a = await readNpy(`${smap}/A-1.npy.gz`);
    assert.equal(a.shape[1], 25);
    assert.ok(a.shape[0] > 1000);
    assert.equal(a.data.length, a.shape[0] * 25);
    assert.ok(a.data.every(Number.isFinite));
  });
});
