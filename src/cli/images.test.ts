/** `dad images fit` / `dad images score` end to end through the real binary, on tiny generated PNGs. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { Rng } from '../core/rng.ts';
import { main } from './main.ts';

const bin = fileURLToPath(new URL('../../bin/dad.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dadkit-images-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function dad(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, DAD_DEBUG: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The command in this process (no start-up cost): exit code, stdout and stderr. */
async function dadHere(args: string[]): Promise<{ code: number; stderr: string }> {
  // only stderr is captured: the test runner reports on stdout
  let stderr = '';
  const err = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  try {
    const code = await main(args.map((a) => (/^(normal|anomalies|big|empty|broken|mixed|nowhere|m\.dad|x\.dad|nope\.dad)$/.test(a) ? join(dir, a) : a)));
    return { code, stderr };
  } finally {
    process.stderr.write = err;
  }
}

/** A folder of 8 × 8 gray PNGs with a bright blob at (cx, cy) ± jitter. */
function writeFolder(name: string, count: number, cx: number, cy: number, seed: number, size = 8): string {
  const rng = new Rng(seed);
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < count; i++) {
    const png = new PNG({ width: size, height: size });
    const x0 = cx + rng.int(2), y0 = cy + rng.int(2);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = Math.abs(x - x0) <= 1 && Math.abs(y - y0) <= 1 ? 230 : rng.int(25);
        const k = 4 * (y * size + x);
        png.data[k] = png.data[k + 1] = png.data[k + 2] = v;
        png.data[k + 3] = 255;
      }
    }
    writeFileSync(join(folder, `f${String(i).padStart(2, '0')}.png`), PNG.sync.write(png));
  }
  return folder;
}

describe('dad images', () => {
  const normal = writeFolder('normal', 32, 3, 3, 1);
  const anomalies = writeFolder('anomalies', 4, 0, 6, 2);
  const options = '{"epochs":30,"fineTuneEpochs":0,"batchSize":16,"learningRate":0.01,"convChannels":[4,2],"latentDim":8}';

  it('fit saves a model; score (through the binary) writes the CSV, the ROC-AUC against known anomalies and one map PNG per image', async () => {
    const fit = await dadHere(['images', 'fit', 'normal', '--save', 'm.dad', '--detector', 'dcae', '--options', options]);
    assert.equal(fit.code, 0, fit.stderr);
    const score = dad(['images', 'score', 'normal', '--model', 'm.dad', '--anomalies', 'anomalies', '--out', 'scores.csv', '--maps', 'maps']);
    assert.equal(score.code, 0, score.stderr);
    const lines = readFileSync(join(dir, 'scores.csv'), 'utf8').trim().split('\n');
    assert.equal(lines[0], 'image,score,label');
    assert.equal(lines.length, 1 + 36);
    const auc = Number(/ROC-AUC ([\d.]+)/.exec(score.stderr)?.[1]);
    assert.ok(auc > 0.9, score.stderr);
    const maps = readdirSync(join(dir, 'maps'));
    assert.equal(maps.length, 36);
    const png = PNG.sync.read(readFileSync(join(dir, 'maps', 'f00.map.png')));
    assert.deepEqual([png.width, png.height], [18, 8]);
  });

  it('score --report: the HTML report lists the top images beside their anomaly maps, with ROC / PR against known anomalies', async () => {
    const r = await dadHere(['images', 'score', 'normal', '--model', 'm.dad', '--anomalies', 'anomalies', '--out', join(dir, 'r.csv'), '--report', join(dir, 'images.html'), '--report-top', '4']);
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(join(dir, 'images.html'), 'utf8');
    for (const id of ['plot-score-histogram', 'plot-roc-curve', 'picture-1', 'picture-4']) assert.ok(html.includes(`id="${id}"`), id);
    assert.ok(!html.includes('id="picture-5"'), 'only the top 4 are pictured');
    assert.equal((html.match(/href="data:image\/png;base64,/g) ?? []).length, 4);
    // the known anomalies rank first: each pictured image is one of them
    const pictured = [...html.matchAll(/<figcaption>#\d+: ([^,]+),/g)].map((m) => m[1]!);
    assert.equal(pictured.length, 4);
    for (const name of pictured) assert.match(name, /anomalies/);
    const bad = await dadHere(['images', 'score', 'normal', '--model', 'm.dad', '--report', join(dir, 'x.svg')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /\.html file/);
  });

  it('score reads new images at the model\'s size and smooths frames', async () => {
    writeFolder('big', 3, 6, 6, 3, 16);
    const r = await dadHere(['images', 'score', 'big', '--model', 'm.dad', '--smooth', '2', '--out', join(dir, 'big.csv')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'big.csv'), 'utf8').trim().split('\n').length, 4);
  });

  it('bad input: exit 2 with a message naming the problem', async () => {
    const missing = await dadHere(['images', 'fit', 'nowhere', '--save', 'x.dad']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nowhere' does not exist/);
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'empty', 'readme.txt'), 'hi');
    const empty = await dadHere(['images', 'fit', 'empty', '--save', 'x.dad']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /holds no images/);
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', 'bad.png'), 'not a png');
    const broken = await dadHere(['images', 'fit', 'broken', '--save', 'x.dad']);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /bad\.png' cannot be decoded/);
    const mixed = writeFolder('mixed', 1, 2, 2, 4, 8);
    writeFolder('mixed', 0, 0, 0, 0);
    const other = new PNG({ width: 12, height: 8 });
    writeFileSync(join(mixed, 'wide.png'), PNG.sync.write(other));
    const sizes = await dadHere(['images', 'fit', 'mixed', '--save', 'x.dad']);
    assert.equal(sizes.code, 2);
    assert.match(sizes.stderr, /Images differ in size: .*f00\.png' is 8×8 but .*wide\.png' is 12×8\. Give a size/);
    const detector = await dadHere(['images', 'fit', 'normal', '--save', 'x.dad', '--detector', 'iforest']);
    assert.equal(detector.code, 2);
    assert.match(detector.stderr, /not an image detector/);
    assert.equal((await dadHere(['images', 'score', 'normal', '--model', 'nope.dad'])).code, 2);
  });
});
