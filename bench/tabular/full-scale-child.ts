/**
 * One full-size run, in its own process so that its peak memory (maxRSS) is its own: read the whole file, fit the
 * pipeline (min-max + detector) on every row, score every row. Prints one JSON line to stdout.
 * Usage: node --import tsx bench/tabular/full-scale-child.ts <file> <detector>
 */
import { readTable } from '../../src/data/index.ts';
import '../../src/detectors/index.ts';
import { rocAuc } from '../../src/metrics/index.ts';
import { Pipeline } from '../../src/pipeline/pipeline.ts';

export interface FullScaleResult {
  rows: number;
  features: number;
  readSeconds: number;
  fitSeconds: number;
  scoreSeconds: number;
  peakRssMiB: number;
  rocAuc: number;
}

const [file, detector] = process.argv.slice(2);
if (file === undefined || detector === undefined) throw new Error('usage: full-scale-child.ts <file> <detector>');
const t0 = performance.now();
const table = await readTable(file, { label: 'label' });
const t1 = performance.now();
const pipeline = new Pipeline({ detector, options: { seed: 0 }, scale: 'minmax' });
pipeline.fit(table);
const t2 = performance.now();
pipeline.score(table); // timed: scoring every row as new data
const t3 = performance.now();
const result: FullScaleResult = {
  rows: table.X.rows,
  features: table.X.cols,
  readSeconds: (t1 - t0) / 1000,
  fitSeconds: (t2 - t1) / 1000,
  scoreSeconds: (t3 - t2) / 1000,
  // maxRSS is in KiB on Linux.
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
  // The training scores, as `dad detect` reports them: a neighbour method scoring its own training rows as new data
  // counts each row as its own neighbour (distance 0), which says little on files with many duplicate rows (http).
  rocAuc: rocAuc(table.y!, pipeline.trainingScores),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
