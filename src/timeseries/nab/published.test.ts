/**
 * The acceptance test of the port: given the anomaly scores that published detectors gave every NAB row, and NAB's
 * official thresholds, the scorer reproduces the official normalised scores of `results/final_results.json` in all
 * three profiles; and the optimiser, swept over the corpus, finds the official thresholds again.
 *
 * Two entries of the shared `config/thresholds.json` are stale and the test does not use them: its raw `score`
 * fields for windowedGaussian and random are not what those thresholds give (final_results.json agrees with what they
 * give, and so do we), and knncad's entry is a placeholder (threshold 1.0, score 0.0) whose threshold is nonetheless
 * the one the sweep finds. numenta's and random's thresholds come from NAB's older hill-climbing optimiser, so the
 * sweep finds other (better) thresholds for them; their published scores are reproduced at the official thresholds.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attachScores, readDetectorScores, readNabCorpus, type NabCorpus } from './corpus.ts';
import { normalise, nullScore, perfectScore } from './normalise.ts';
import { PROFILE_NAMES } from './profiles.ts';
import { scoreNab } from './score.ts';
import type { ScoredSeries } from './series.ts';
import { sweepThreshold } from './sweep.ts';

const NAB_ROOT = fileURLToPath(new URL('../../../../shared/data/timeseries/nab', import.meta.url));
const noData = existsSync(join(NAB_ROOT, 'published_scores', 'ARTime.csv.gz')) ? false : `NAB published scores not found under ${NAB_ROOT}; skipped`;

const DETECTORS = ['null', 'windowedGaussian', 'knncad', 'ARTime', 'numenta', 'random'] as const;
/** Detectors whose official thresholds came from NAB's current optimiser (the sweep). */
const SWEPT = ['windowedGaussian', 'knncad', 'ARTime'] as const;

let corpus: NabCorpus;
let published: Record<string, Record<string, number>>;
const scored = new Map<string, ScoredSeries[]>();

before(() => {
  if (noData) return;
  corpus = readNabCorpus(NAB_ROOT);
  published = JSON.parse(readFileSync(join(NAB_ROOT, 'results', 'final_results.json'), 'utf8'));
  for (const d of DETECTORS) {
    const path = join(NAB_ROOT, 'published_scores', `${d}.csv.gz`);
    scored.set(d, attachScores(corpus.series, readDetectorScores(path), path));
  }
});

test('published detectors score as in final_results.json at the official thresholds, all profiles', { skip: noData }, () => {
  const lines: string[] = [];
  for (const d of DETECTORS) {
    for (const profileName of PROFILE_NAMES) {
      const profile = corpus.profiles[profileName]!;
      const threshold = corpus.thresholds[d]![profileName]!.threshold;
      const raw = scoreNab(scored.get(d)!, profile, threshold).score;
      const score = normalise(raw, nullScore(corpus.series, profile), perfectScore(corpus.windowCount, profile));
      const expected = published[d]![profileName]!;
      lines.push(`${d} ${profileName}: ${score.toFixed(4)} (published ${expected.toFixed(4)})`);
      // The issue asks for 0.1; the port is exact up to the order of floating-point sums.
      assert.ok(Math.abs(score - expected) < 1e-6, `${d} ${profileName}: ${score} vs published ${expected}`);
    }
  }
  console.log(lines.join('\n'));
});

test('the sweep finds the official thresholds and scores of windowedGaussian, knncad and ARTime', { skip: noData }, () => {
  for (const d of SWEPT) {
    for (const profileName of PROFILE_NAMES) {
      const profile = corpus.profiles[profileName]!;
      const best = sweepThreshold(scored.get(d)!, profile);
      assert.equal(best.threshold, corpus.thresholds[d]![profileName]!.threshold, `${d} ${profileName} threshold`);
      const score = normalise(best.score, nullScore(corpus.series, profile), perfectScore(corpus.windowCount, profile));
      assert.ok(Math.abs(score - published[d]![profileName]!) < 1e-6, `${d} ${profileName}: swept ${score} vs ${published[d]![profileName]}`);
    }
  }
});

test('the null detector\'s own outputs give the null baseline', { skip: noData }, () => {
  for (const profileName of PROFILE_NAMES) {
    const profile = corpus.profiles[profileName]!;
    const raw = scoreNab(scored.get('null')!, profile, corpus.thresholds.null![profileName]!.threshold).score;
    assert.equal(raw, nullScore(corpus.series, profile));
  }
  assert.equal(nullScore(corpus.series, corpus.profiles.standard!), -116);
});
