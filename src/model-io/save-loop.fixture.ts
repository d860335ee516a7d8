/**
 * Test fixture (not a test): saves two different large models to one path, alternating, printing "saved <n>" after
 * each, until killed or `rounds` saves are done. atomic.test.ts kills it with SIGKILL mid-way and checks the file.
 * Usage: node --import tsx save-loop.fixture.ts <path> <rounds>
 */
import { fileURLToPath } from 'node:url';
import { createMatrix } from '../core/matrix.ts';
import { Rng } from '../core/rng.ts';
import '../detectors/builtins.ts';
import { HBOS } from '../detectors/tabular/hbos.ts';
import { saveModel } from './model-file.ts';

/** Two HBOS models with ~4 MB of weights each (50 features × 10,000 bins of float64), told apart by their scores. */
export function twoLargeModels(): [HBOS, HBOS] {
  const make = (seed: number, scale: number): HBOS => {
    const rng = new Rng(seed);
    const data = new Float64Array(300 * 50);
    for (let i = 0; i < data.length; i++) data[i] = scale * rng.normal();
    return new HBOS({ bins: 10000 }).fit(createMatrix(300, 50, data));
  };
  return [make(1, 1), make(2, 3)];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [path, rounds] = process.argv.slice(2);
  if (path === undefined) throw new Error('usage: save-loop.fixture.ts <path> <rounds>');
  const models = twoLargeModels();
  for (let n = 0; n < Number(rounds ?? 200); n++) {
    await saveModel(path, models[n % 2]!);
    process.stdout.write(`saved ${n}\n`);
  }
}
