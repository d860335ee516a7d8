// The `dad` command as a user runs it: the real bin/dad.js in a child process, its exit code, stdout and stderr.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'dad.js');
const example = join(root, 'examples', 'transactions.csv');
const dir = mkdtempSync(join(tmpdir(), 'dad-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function dad(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, DAD_DEBUG: '', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A usage / input error: exit 2, a message that matches `pattern`, nothing on stdout, no stack trace. */
function assertBadInput(r: Run, pattern: RegExp): void {
  assert.equal(r.status, 2, `exit code 2; stderr: ${r.stderr}`);
  assert.match(r.stderr, /^dad: error: /);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '');
}

function parseCsv(text: string): string[][] {
  return text.trim().split('\n').map((line) => line.split(','));
}

describe('dad: bad input exits 2 with a message naming the problem', () => {
  test('empty file', () => {
    assertBadInput(dad(['detect', file('empty.csv', '')]), /empty\.csv is empty/);
  });

  test('header only', () => {
    assertBadInput(dad(['detect', file('header.csv', 'a,b,c\n')]), /header\.csv has a header \(line 1\) but no data rows/);
  });

  test('ragged row: the message names the line', () => {
    assertBadInput(dad(['detect', file('ragged.csv', 'a,b,c\n1,2,3\n4,5\n7,8,9\n')]), /ragged\.csv line 3 has 2 fields/);
  });

  test('text in a numeric column: the message names line and column', () => {
    assertBadInput(dad(['detect', file('text.csv', 'a,b,c\n1,2,3\n4,x,6\n7,8,9\n')]), /text\.csv line 3, column 'b'.*'x'/);
  });

  test('NaN', () => {
    assertBadInput(dad(['detect', file('nan.csv', 'a,b\n1,2\n3,NaN\n5,6\n')]), /nan\.csv line 3, column 'b'.*missing/);
  });

  test('Infinity', () => {
    assertBadInput(dad(['detect', file('inf.csv', 'a,b\n1,2\n3,4\n5,-Infinity\n')]), /inf\.csv line 4, column 'b'.*not finite/);
  });

  test('contamination outside (0, 0.5]', () => {
    assertBadInput(dad(['detect', example, '--contamination', '0.7']), /'contamination'.*<=0\.5.*Got 0\.7/);
    assertBadInput(dad(['detect', example, '--contamination', '0']), /'contamination'.*>0.*Got 0 /);
    assertBadInput(dad(['detect', example, '--contamination', 'lots']), /--contamination must be a number\. Got 'lots'/);
  });

  test('an unknown detector, with the known ones listed', () => {
    assertBadInput(dad(['detect', example, '--detector', 'nope']), /Unknown detector 'nope'\. Known detectors: .*hbos/);
  });

  test('an invalid detector option names the option', () => {
    assertBadInput(dad(['detect', example, '--detector', 'hbos', '--option', 'bins=1']), /'bins' option of detector 'hbos'/);
    assertBadInput(dad(['detect', example, '--detector', 'hbos', '--options', '{"binz":3}']), /Unknown option 'binz'/);
  });

  test('an unknown flag or a missing argument is a usage error', () => {
    const unknown = dad(['detect', example, '--bogus']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /dad: error: unknown option '--bogus'/);
    const missing = dad(['detect']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /missing required argument 'file'/);
  });

  test('a file that does not exist', () => {
    assertBadInput(dad(['detect', join(dir, 'absent.csv')]), /File not found: .*absent\.csv/);
  });

  test('a different number of features at score time', () => {
    const model = join(dir, 'features.dad');
    const fitted = dad(['fit', file('three.csv', 'a,b,c\n1,2,3\n2,3,4\n3,4,5\n4,5,7\n'), '--model', model, '--detector', 'hbos']);
    assert.equal(fitted.status, 0, fitted.stderr);
    assertBadInput(dad(['score', file('two.csv', 'a,b\n1,2\n3,4\n'), '--model', model]), /no column 'c'/);
    // Without a header the columns are matched by position, so the count itself is what is checked.
    const headless = join(dir, 'headless.dad');
    assert.equal(dad(['fit', file('h3.csv', '1,2,3\n2,3,4\n3,4,5\n4,5,7\n'), '--model', headless, '--no-header', '--detector', 'hbos']).status, 0);
    assertBadInput(dad(['score', file('h2.csv', '1,2\n3,4\n'), '--model', headless, '--no-header']), /h2\.csv has no column 'col2'/);
  });

  test('a damaged model file', () => {
    const model = join(dir, 'damaged.dad');
    assert.equal(dad(['fit', example, '--model', model, '--detector', 'hbos']).status, 0);
    const bytes = readFileSync(model);
    writeFileSync(join(dir, 'truncated.dad'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    assertBadInput(dad(['score', example, '--model', join(dir, 'truncated.dad')]), /truncated\.dad/);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] = flipped[flipped.length - 3]! ^ 0xff;
    writeFileSync(join(dir, 'flipped.dad'), flipped);
    assertBadInput(dad(['score', example, '--model', join(dir, 'flipped.dad')]), /flipped\.dad/);
    assertBadInput(dad(['score', example, '--model', file('text.dad', 'not a model\n')]), /text\.dad/);
  });
});

describe('dad: results', () => {
  test('detect writes score,label for every row to stdout, and the metrics to stderr with --label', () => {
    const r = dad(['detect', example, '--label', 'label']);
    assert.equal(r.status, 0, r.stderr);
    const rows = parseCsv(r.stdout);
    assert.deepEqual(rows[0], ['score', 'label']);
    assert.equal(rows.length, 501);
    for (const [score, label] of rows.slice(1)) {
      assert.ok(Number.isFinite(Number(score)));
      assert.ok(label === '0' || label === '1');
    }
    const flagged = rows.slice(1).filter((row) => row[1] === '1').length;
    assert.equal(flagged, 50, 'the default contamination 0.1 flags a tenth of the rows');
    assert.match(r.stderr, /ROC-AUC 0\.9\d+|ROC-AUC 1\.0000/);
    assert.match(r.stderr, /PR-AUC \d\.\d{4}/);
  });

  test('--id writes the id column first', () => {
    const input = file('ids.csv', 'tx,amount,hour\nA-1,10,12\nA-2,11,13\nA-3,9,12\nA-4,500,3\nA-5,10,14\n');
    const r = dad(['detect', input, '--id', 'tx', '--detector', 'hbos', '--contamination', '0.2']);
    assert.equal(r.status, 0, r.stderr);
    const rows = parseCsv(r.stdout);
    assert.deepEqual(rows[0], ['id', 'score', 'label']);
    assert.deepEqual(rows.slice(1).map((row) => row[0]), ['A-1', 'A-2', 'A-3', 'A-4', 'A-5']);
  });

  test('--out writes the file and leaves stdout empty; --format json writes rows with score and label', () => {
    const out = join(dir, 'scores.csv');
    const toFile = dad(['detect', example, '--out', out]);
    assert.equal(toFile.status, 0, toFile.stderr);
    assert.equal(toFile.stdout, '');
    const csv = parseCsv(readFileSync(out, 'utf8'));
    assert.equal(csv.length, 501);

    const json = dad(['detect', example, '--format', 'json']);
    assert.equal(json.status, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { detector: string; threshold: number; rows: { score: number; label: number }[] };
    assert.equal(parsed.rows.length, 500);
    assert.deepEqual(parsed.rows.map((r) => r.score), csv.slice(1).map((row) => Number(row[0])));
    assert.ok(Number.isFinite(parsed.threshold));
  });

  test('fit then score gives the scores detect gives', () => {
    for (const detector of ['hbos', 'iforest']) {
      const model = join(dir, `${detector}.dad`);
      const detected = dad(['detect', example, '--label', 'label', '--detector', detector, '--scale', 'standard']);
      const fitted = dad(['fit', example, '--label', 'label', '--model', model, '--detector', detector, '--scale', 'standard']);
      assert.equal(fitted.status, 0, fitted.stderr);
      assert.equal(fitted.stdout, '');
      const scored = dad(['score', example, '--label', 'label', '--model', model]);
      assert.equal(scored.status, 0, scored.stderr);
      assert.equal(scored.stdout, detected.stdout, `${detector}: same scores and labels`);
    }
  });

  test('--save in detect writes a model that score reads; --threshold-method re-derives the threshold', () => {
    const model = join(dir, 'saved.dad');
    const detected = dad(['detect', example, '--save', model, '--detector', 'hbos']);
    assert.equal(detected.status, 0, detected.stderr);
    assert.equal(dad(['score', example, '--model', model]).stdout, detected.stdout);
    const fixed = dad(['score', example, '--model', model, '--threshold-method', 'fixed', '--threshold-value', '1e9']);
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.ok(parseCsv(fixed.stdout).slice(1).every((row) => row[1] === '0'), 'nothing is above a threshold of 1e9');
  });

  test('an internal error exits 1, with the stack only under DAD_DEBUG=1', () => {
    const plugin = file('broken-plugin.mts', [
      `import { baseOptionsSchema, Detector, registerDetector } from '${pathToFileURL(join(root, 'src', 'index.ts')).href}';`,
      'class Broken extends Detector {',
      "  static readonly info = { name: 'broken', title: 'Broken', modality: 'tabular', family: 'test', supervision: ['unsupervised'], paper: '-', summary: '-' } as const;",
      '  static readonly schema = baseOptionsSchema;',
      '  constructor(options = {}) { super(baseOptionsSchema, options); }',
      "  protected fitModel(): Float64Array { throw new TypeError('kaboom'); }",
      '  protected scoreModel(): Float64Array { return new Float64Array(0); }',
      '  protected saveModel() { return { params: {}, arrays: {} }; }',
      '  protected loadModel(): void {}',
      '}',
      'registerDetector(Broken);',
    ].join('\n'));
    // The plugin lives outside the package, so it imports the package's entry point by its file URL.
    const args = ['detect', example, '--plugin', plugin, '--detector', 'broken'];
    const quiet = dad(args);
    assert.equal(quiet.status, 1, quiet.stderr);
    assert.match(quiet.stderr, /dad: internal error: kaboom/);
    assert.doesNotMatch(quiet.stderr, /\n\s+at /);
    const debug = dad(args, { DAD_DEBUG: '1' });
    assert.equal(debug.status, 1);
    assert.match(debug.stderr, /\n\s+at /);
  });
});

describe('dad: list, info, help', () => {
  test('list shows each detector with modality, family and supervision', () => {
    const r = dad(['list']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^name\s+modality\s+family\s+supervision/);
    assert.match(r.stdout, /\nhbos\s+tabular\s+probabilistic\s+unsupervised/);
    const json = JSON.parse(dad(['list', '--format', 'json']).stdout) as { name: string }[];
    assert.ok(json.some((d) => d.name === 'hbos'));
  });

  test('list --detector shows the options with their defaults and descriptions', () => {
    const r = dad(['list', '--detector', 'hbos']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /bins\s+integer, in \[2, 10000\], default 10\n\s+Equal-width bins per feature\./);
    assertBadInput(dad(['list', '--detector', 'nope']), /Unknown detector 'nope'/);
  });

  test('info shows the version, Node version, backend and data folder', () => {
    const r = dad(['info']);
    assert.equal(r.status, 0, r.stderr);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.match(r.stdout, new RegExp(`^dadkit ${pkg.version.replaceAll('.', '\\.')}\n`));
    assert.match(r.stdout, new RegExp(`node ${process.versions.node.replaceAll('.', '\\.')}`));
    assert.match(r.stdout, /\nbackend \S+/);
    assert.match(r.stdout, /\ndata \S+/);
  });

  test('help <command> and <command> --help show the usage; --detector adds its options', () => {
    const viaHelp = dad(['help', 'detect']);
    assert.equal(viaHelp.status, 0, viaHelp.stderr);
    assert.match(viaHelp.stdout, /Usage: dad detect \[options\] <file>/);
    assert.match(viaHelp.stdout, /--contamination <share>/);
    const viaFlag = dad(['detect', '--help']);
    assert.equal(viaFlag.status, 0);
    assert.match(viaFlag.stdout, /Usage: dad detect \[options\] <file>/);
    for (const args of [['help', 'detect', '--detector', 'hbos'], ['detect', '--help', '--detector', 'hbos']]) {
      const r = dad(args);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /hbos: Histogram-Based Outlier Score/);
      assert.match(r.stdout, /alpha\s+number, in \(0, 1\), default 0\.1/);
    }
    assertBadInput(dad(['help', 'nope']), /Unknown command 'nope'/);
  });
});
