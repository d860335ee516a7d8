/**
 * The out-of-core path on small files forced through it: same scores as the in-memory path when the sample is the
 * whole file; with a sample, the chunked scores equal the sample-fitted model scoring the file read whole; CSV and
 * Parquet in and out; SQL evaluation equal to src/metrics; atomic output; errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { InputError, OptionError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { readTable } from '../data/index.ts';
import '../detectors/builtins.ts';
import { averagePrecision, rocAuc } from '../metrics/index.ts';
import { formatResults } from '../cli/results.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import { sqlText, withDuckSession } from './duckdb.ts';
import { evaluateResults } from './evaluation.ts';
import { detectOutOfCore, type OutOfCoreOptions } from './out-of-core.ts';
import { ResultsTable } from './output.ts';
import { cellBatches, scanOf, type LargeSource } from './source.ts';

const dir = mkdtempSync(join(tmpdir(), 'dadkit-large-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const duckdb = { memoryLimit: '256MB', threads: 2, tempDir: dir };
const read = { id: 'id', label: 'y' };

/** 2 000 rows: id, two numeric features, a categorical one, a 0/1 label (1 % anomalies, far out). */
function writeCsv(name: string, rows = 2000, edit?: (i: number, cells: string[]) => void): string {
  const rng = new Rng(7);
  const lines = ['id,a,b,colour,y'];
  for (let i = 0; i < rows; i++) {
    const anomaly = i % 100 === 17;
    const cells = [`r${i}`, (rng.normal() * (anomaly ? 6 : 1)).toFixed(5), (rng.normal() + 2).toFixed(5), ['red', 'green', 'blue'][i % 3]!, anomaly ? '1' : '0'];
    edit?.(i, cells);
    lines.push(cells.join(','));
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const csv = writeCsv('small.csv');

function run(path: string, options: Partial<OutOfCoreOptions> & { detector?: string } = {}) {
  const pipeline = new Pipeline({ detector: options.detector ?? 'iforest' });
  return detectOutOfCore(path, pipeline, { read, duckdb, format: 'csv', ...options }).then((summary) => ({ summary, pipeline }));
}

function csvScores(path: string): { scores: number[]; labels: number[]; ids: string[] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  return { ids: lines.map((c) => c[0]!), scores: lines.map((c) => Number(c[1])), labels: lines.map((c) => Number(c[2])) };
}

describe('dad detect out of core (src/large)', () => {
  it('a file no larger than the sample: the same schema and byte-identical results as the in-memory path', async () => {
    const out = join(dir, 'whole.csv');
    const { summary, pipeline } = await run(csv, { out, batchRows: 300 });
    assert.equal(summary.wholeFile, true);
    assert.equal(summary.rows, 2000);
    const table = await readTable(csv, read);
    const memory = new Pipeline({ detector: 'iforest' }).fit(table);
    assert.deepEqual(pipeline.tableSchema, memory.tableSchema);
    const scores = memory.trainingScores;
    const expected = formatResults({ detector: 'iforest', threshold: memory.threshold, scores, labels: memory.labelsFor(scores), ids: table.ids }, 'csv');
    assert.equal(readFileSync(out, 'utf8'), expected);
    // the label column's evaluation, in SQL, equals src/metrics on the same arrays
    assert.ok(Math.abs(summary.evaluation!.rocAuc - rocAuc(table.y!, scores)) < 1e-12);
    assert.ok(Math.abs(summary.evaluation!.prAuc - averagePrecision(table.y!, scores)) < 1e-12);
  });

  it('CSV cells parsed by DuckDB as numbers read as src/data reads them: spaces, exponents, missing tokens, 1_000', async () => {
    const odd = writeCsv('odd.csv', 1200, (i, cells) => {
      if (i % 50 === 3) cells[1] = ` ${cells[1]} `;
      if (i % 70 === 5) cells[2] = `${Number(cells[2]) * 10}e-1`;
      if (i % 90 === 7) cells[1] = ['NA', '?', '', 'nan', 'NULL'][i % 5]!;
    });
    const options = { read: { ...read, impute: 'median' as const } };
    const out = join(dir, 'odd-scores.csv');
    await run(odd, { ...options, out });
    const table = await readTable(odd, options.read);
    const memory = new Pipeline({ detector: 'iforest' }).fit(table);
    const scores = memory.trainingScores;
    assert.equal(readFileSync(out, 'utf8'), formatResults({ detector: 'iforest', threshold: memory.threshold, scores, labels: memory.labelsFor(scores), ids: table.ids }, 'csv'));
    const underscore = writeCsv('underscore.csv', 1200, (i, cells) => {
      if (i === 1100) cells[1] = '1_000';
    });
    // a 20-row sample (seed 42) leaves row 1101 out: the bad value is met by the scoring scan, where DuckDB parses numbers
    await assert.rejects(run(underscore, { sampleSize: 20, out: join(dir, 'u.csv') }), (e: unknown) => e instanceof InputError && /row 1101, column 'a'.*expected a number, got '1_000'/.test(e.message));
  });

  it('with a reservoir sample: chunked scores equal the sample-fitted model scoring the whole file; the seed fixes the sample', async () => {
    const out = join(dir, 'sampled.parquet');
    const { summary, pipeline } = await run(csv, { out, format: 'parquet', sampleSize: 500, batchRows: 333 });
    assert.equal(summary.wholeFile, false);
    assert.equal(summary.sampleRows, 500);
    const whole = await readTable(csv, { schema: pipeline.tableSchema! });
    const scores = pipeline.score(whole);
    const back = await readTable(out, { id: 'id' }); // the results file, read back by the in-memory Parquet reader
    assert.deepEqual(back.features, ['score', 'label']);
    assert.deepEqual(back.ids, whole.ids);
    const labels = pipeline.labelsFor(scores);
    for (let i = 0; i < scores.length; i++) {
      assert.equal(back.X.data[2 * i], scores[i]);
      assert.equal(back.X.data[2 * i + 1], labels[i]);
    }
    const again = join(dir, 'sampled-again.csv');
    const second = await run(csv, { out: again, sampleSize: 500 });
    assert.deepEqual(csvScores(again).scores, Array.from(scores));
    assert.equal(second.pipeline.threshold, pipeline.threshold);
  });

  it('a Parquet input gives the scores of the same rows as CSV', async () => {
    const parquet = join(dir, 'small.parquet');
    await withDuckSession(duckdb, async (s) => {
      await s.run(`COPY (SELECT * FROM read_csv(${sqlText(csv)}, types = {'y': 'INTEGER'})) TO ${sqlText(parquet)} (FORMAT parquet)`, 'test');
    });
    const fromCsv = join(dir, 'from-csv.csv');
    const fromParquet = join(dir, 'from-parquet.csv');
    await run(csv, { out: fromCsv, sampleSize: 700 });
    await run(parquet, { out: fromParquet, sampleSize: 700 });
    assert.equal(readFileSync(fromParquet, 'utf8'), readFileSync(fromCsv, 'utf8'));
  });

  it('evaluation in SQL handles tied scores as src/metrics does', async () => {
    const rng = new Rng(3);
    const n = 3000;
    const scores = new Float64Array(n);
    const truth = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      truth[i] = rng.uniform() < 0.05 ? 1 : 0;
      scores[i] = Math.round((rng.normal() + 1.5 * truth[i]!) * 4) / 4; // few distinct values: many ties
    }
    const labels = Uint8Array.from(scores, (s) => (s > 1 ? 1 : 0));
    const e = await withDuckSession(duckdb, async (s) => {
      const t = await ResultsTable.create(s, false, true);
      t.append({ scores: scores.subarray(0, 1000), labels: labels.subarray(0, 1000), truth: truth.subarray(0, 1000) });
      t.append({ scores: scores.subarray(1000), labels: labels.subarray(1000), truth: truth.subarray(1000) });
      t.close();
      return evaluateResults(s);
    });
    assert.ok(Math.abs(e.rocAuc - rocAuc(truth, scores)) < 1e-12, `${e.rocAuc} vs ${rocAuc(truth, scores)}`);
    assert.ok(Math.abs(e.prAuc - averagePrecision(truth, scores)) < 1e-12, `${e.prAuc} vs ${averagePrecision(truth, scores)}`);
    assert.equal(e.flagged, labels.reduce((a, b) => a + b, 0));
  });

  it('a scan streams to its end while the results table is appended to (the appender flushes on its own connection)', async () => {
    const n = 300_000; // above the appender's automatic flush
    const source: LargeSource = { path: 'range', format: 'parquet', from: `range(${n})`, columns: [{ name: 'i', type: 'DOUBLE', expression: 'CAST(range AS DOUBLE)' }], header: true, rows: n, bytes: 0 };
    const count = await withDuckSession(duckdb, async (s) => {
      const t = await ResultsTable.create(s, false, false);
      let seen = 0;
      for await (const rows of cellBatches(s, source, scanOf(source, ['i']), 65_536, '', () => 'range')) {
        const scores = Float64Array.from(rows, (r) => r[0] as number);
        t.append({ scores, labels: new Uint8Array(rows.length) });
        seen += rows.length;
      }
      t.close();
      const [row] = await s.rows(`SELECT count(*) AS n, sum(score) AS total FROM ${ResultsTable.NAME}`, 'test');
      return { seen, stored: Number(row?.['n']), total: Number(row?.['total']) };
    });
    assert.deepEqual(count, { seen: n, stored: n, total: (n * (n - 1)) / 2 });
  });

  it('output is atomic: a failing run leaves the old file as it was and no temporary file', async () => {
    const bad = writeCsv('bad.csv', 2000, (i, cells) => {
      if (i === 1999) cells[1] = 'oops';
    });
    const folder = mkdtempSync(join(dir, 'atomic-'));
    const out = join(folder, 'scores.csv');
    writeFileSync(out, 'previous\n');
    await assert.rejects(run(bad, { out, sampleSize: 300 }), (e: unknown) => e instanceof InputError && /oops/.test(e.message) && /row 2000/.test(e.message));
    assert.equal(readFileSync(out, 'utf8'), 'previous\n');
    assert.deepEqual(readdirSync(folder), ['scores.csv']);
  });

  it('clear errors: missing file, unknown column, not Parquet, unsupported format, Parquet results without a file', async () => {
    await assert.rejects(run(join(dir, 'nope.csv')), (e: unknown) => e instanceof InputError && /File not found/.test(e.message));
    await assert.rejects(run(csv, { read: { label: 'nope' } }), (e: unknown) => e instanceof OptionError && /Unknown label column 'nope'.*Its columns are: id, a, b, colour, y/.test(e.message));
    const garbage = join(dir, 'garbage.parquet');
    writeFileSync(garbage, 'not parquet at all');
    await assert.rejects(run(garbage), (e: unknown) => e instanceof InputError && /garbage\.parquet is not a readable Parquet file/.test(e.message));
    const jsonl = join(dir, 'rows.jsonl');
    writeFileSync(jsonl, '{"a":1}\n');
    await assert.rejects(run(jsonl), (e: unknown) => e instanceof OptionError && /reads CSV \/ TSV .* and Parquet/.test(e.message));
    await assert.rejects(run(csv, { format: 'parquet' }), (e: unknown) => e instanceof InputError && /--out <file>\.parquet/.test(e.message));
  });

  it('dad detect --engine duckdb: the in-memory results on stdout, and exit code 2 without a stack trace on bad input', () => {
    const bin = fileURLToPath(new URL('../../bin/dad.js', import.meta.url));
    const dad = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
    const large = dad(['detect', csv, '--engine', 'duckdb', '--id', 'id', '--label', 'y', '-d', 'iforest', '--temp-dir', dir, '-q']);
    assert.equal(large.status, 0, large.stderr);
    assert.equal(large.stdout, readFileSync(join(dir, 'whole.csv'), 'utf8')); // the in-memory results (first test)
    const bad = dad(['detect', join(dir, 'nope.parquet'), '--engine', 'duckdb']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /File not found/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  });
});
