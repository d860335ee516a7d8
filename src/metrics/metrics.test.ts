import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { InputError, OptionError } from '../core/errors.ts';
import { averagePrecision, bestF1, precisionAtK, precisionRecallF1, precisionRecallF1At, prCurve, rocAuc, rocCurve } from './index.ts';

// The worked example with ties, used throughout:
//   labels 1    0    1    0    1    0
//   scores 0.9  0.8  0.8  0.3  0.3  0.1
// Anomalies score 0.9, 0.8, 0.3; normal rows 0.8, 0.3, 0.1.
const labels = [1, 0, 1, 0, 1, 0];
const scores = [0.9, 0.8, 0.8, 0.3, 0.3, 0.1];

test('ROC-AUC counts ties as one half (Mann–Whitney with midranks)', () => {
  // Pairs (anomaly, normal): 0.9 beats all 3 → 3; 0.8 ties 0.8, beats 0.3, 0.1 → 2.5; 0.3 loses to 0.8, ties 0.3,
  // beats 0.1 → 1.5. U = 7 of 9 pairs. Midranks (ascending) 0.1→1, 0.3→2.5, 0.8→4.5, 0.9→6; anomalies' rank sum
  // 6 + 4.5 + 2.5 = 13; U = 13 − 3·4/2 = 7.
  assert.equal(rocAuc(labels, scores), 7 / 9);
});

test('ROC-AUC: perfect 1, reversed 0, all-equal 0.5, order of rows irrelevant', () => {
  assert.equal(rocAuc([0, 0, 1, 1], [1, 2, 3, 4]), 1);
  assert.equal(rocAuc([0, 0, 1, 1], [4, 3, 2, 1]), 0);
  assert.equal(rocAuc([0, 1, 0, 1, 1], [5, 5, 5, 5, 5]), 0.5);
  assert.equal(rocAuc(Float64Array.from([1, 0, 0]), Float32Array.from([0.5, 0.25, 0.75])), 0.5);
  assert.equal(rocAuc([0, 1, 0, 1, 0, 1], [0.1, 0.3, 0.3, 0.8, 0.8, 0.9]), 7 / 9);
});

test('ROC curve: one point per distinct score, thresholds under the "score > threshold" rule, area = ROC-AUC', () => {
  const curve = rocCurve(labels, scores);
  assert.deepEqual(curve, [
    { fpr: 0, tpr: 0, threshold: 0.9 }, // nothing is above the highest score
    { fpr: 0, tpr: 1 / 3, threshold: 0.8 }, // > 0.8 flags the 0.9 anomaly
    { fpr: 1 / 3, tpr: 2 / 3, threshold: 0.3 }, // > 0.3 adds the tied 0.8 pair
    { fpr: 2 / 3, tpr: 1, threshold: 0.1 },
    { fpr: 1, tpr: 1, threshold: -Infinity },
  ]);
  // Trapezoids: 1/3 · (1/3 + 2/3)/2 + 1/3 · (2/3 + 1)/2 + 1/3 · 1 = 1/6 + 5/18 + 1/3 = 7/9.
  assert.ok(Math.abs(trapezoid(curve.map((p) => p.fpr), curve.map((p) => p.tpr)) - 7 / 9) < 1e-15);
});

test('average precision sums (Rₙ − Rₙ₋₁) · Pₙ over distinct thresholds, ties as one step', () => {
  // Cuts at 0.9, 0.8, 0.3, 0.1: (tp, fp) = (1,0), (2,1), (3,2), (3,3); recall 1/3, 2/3, 1, 1;
  // precision 1, 2/3, 3/5, 1/2. AP = 1/3·1 + 1/3·2/3 + 1/3·3/5 + 0·1/2 = 34/45.
  assert.ok(Math.abs(averagePrecision(labels, scores) - 34 / 45) < 1e-15);
  assert.equal(averagePrecision([0, 0, 1, 1], [1, 2, 3, 4]), 1);
  // All equal: one step to recall 1 at precision = share of anomalies.
  assert.equal(averagePrecision([0, 1, 0, 1, 0], [2, 2, 2, 2, 2]), 2 / 5);
  // Reversed: anomalies ranked last; recall rises only at precision 1/3 then 2/4.
  assert.ok(Math.abs(averagePrecision([0, 0, 1, 1], [4, 3, 2, 1]) - (0.5 * (1 / 3) + 0.5 * (2 / 4))) < 1e-15);
});

test('PR curve starts at (recall 0, precision 1) and has one point per distinct score', () => {
  assert.deepEqual(prCurve(labels, scores), [
    { recall: 0, precision: 1, threshold: 0.9 },
    { recall: 1 / 3, precision: 1, threshold: 0.8 },
    { recall: 2 / 3, precision: 2 / 3, threshold: 0.3 },
    { recall: 1, precision: 3 / 5, threshold: 0.1 },
    { recall: 1, precision: 1 / 2, threshold: -Infinity },
  ]);
});

test('precision, recall and F1 at a threshold flag score > threshold, as detector.predict does', () => {
  // > 0.3 flags 0.9, 0.8, 0.8: tp 2, fp 1, fn 1 (the 0.3 anomaly), tn 2.
  const at = precisionRecallF1At(labels, scores, 0.3);
  assert.deepEqual(at, { precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, truePositives: 2, falsePositives: 1, falseNegatives: 1, trueNegatives: 2 });
  assert.deepEqual(precisionRecallF1(labels, [1, 1, 1, 0, 0, 0]), at);
  // Nothing flagged: precision 0/0 → 0, F1 0, counts tell why.
  const none = precisionRecallF1(labels, [0, 0, 0, 0, 0, 0]);
  assert.equal(none.precision, 0);
  assert.equal(none.f1, 0);
  assert.equal(none.truePositives + none.falsePositives, 0);
  // tp 1, fp 0, fn 2: precision 1, recall 1/3, F1 = 2·1/(2·1 + 0 + 2) = 1/2.
  assert.deepEqual(precisionRecallF1(labels, [1, 0, 0, 0, 0, 0]).f1, 0.5);
});

test('best F1 searches every distinct threshold and returns one that reproduces it', () => {
  // F1 = 2tp / (tp + fp + P) at the cuts: 2/4, 4/6, 6/8, 6/9 → best 3/4 when flagging score ≥ 0.3, i.e. > 0.1.
  const best = bestF1(labels, scores);
  assert.equal(best.f1, 0.75);
  assert.equal(best.threshold, 0.1);
  assert.equal(best.precision, 3 / 5);
  assert.equal(best.recall, 1);
  assert.deepEqual(precisionRecallF1At(labels, scores, best.threshold).f1, best.f1);
  assert.equal(bestF1([0, 0, 1, 1], [1, 2, 3, 4]).f1, 1);
});

test('precision@k defaults to k = number of anomalies and shares a tied cut pro rata', () => {
  // k = 3: 0.9 (anomaly) then the tied 0.8 pair (one anomaly, one not) of which 2 rows are taken: 1 + 2 · 1/2 = 2 of 3.
  assert.equal(precisionAtK(labels, scores), 2 / 3);
  assert.equal(precisionAtK(labels, scores, 1), 1);
  assert.equal(precisionAtK(labels, scores, 2), 0.75); // 0.9 plus half an anomaly from the 0.8 pair
  assert.equal(precisionAtK(labels, scores, 4), 2.5 / 4); // 0.9, the 0.8 pair, one of the 0.3 pair
  assert.equal(precisionAtK(labels, scores, 6), 0.5);
  assert.equal(precisionAtK([0, 1, 0, 1], [1, 4, 2, 3]), 1);
  assert.throws(() => precisionAtK(labels, scores, 0), (e: unknown) => e instanceof OptionError && /'k'.*\[1, 6\].*Got 0/.test(e.message));
  assert.throws(() => precisionAtK([0, 0], [1, 2]), (e: unknown) => e instanceof InputError && /no anomalies.*pass k/.test(e.message));
});

test('clear errors: length mismatch, non-0/1 labels, one class, NaN scores', () => {
  const inputError = (pattern: RegExp) => (e: unknown) => e instanceof InputError && pattern.test(e.message);
  assert.throws(() => rocAuc([0, 1, 1], [0.1, 0.2]), inputError(/3 labels and 2 scores/));
  assert.throws(() => rocAuc([0, 2, 1], [0.1, 0.2, 0.3]), inputError(/label 1 is 2; labels must be 0 \(normal\) or 1 \(anomaly\)/));
  assert.throws(() => rocAuc([1, 1, 1], [0.1, 0.2, 0.3]), inputError(/only anomalies.*ROC-AUC is undefined/));
  assert.throws(() => rocAuc([0, 0], [0.1, 0.2]), inputError(/only normal rows.*ROC-AUC is undefined/));
  assert.throws(() => rocAuc([0, 1, 1], [0.1, NaN, 0.3]), inputError(/score 1 is NaN/));
  assert.throws(() => averagePrecision([0, 1], [NaN, 1]), inputError(/score 0 is NaN/));
  assert.throws(() => averagePrecision([0, 0], [1, 2]), inputError(/no anomalies/));
  assert.throws(() => rocAuc([], []), inputError(/no rows/));
  assert.throws(() => precisionRecallF1([0, 1], [0, 0.5]), inputError(/prediction 1 is 0.5/));
  assert.throws(() => precisionRecallF1At([0, 1], [0, 1], NaN), inputError(/threshold must be a number/));
  // ±Infinity still ranks.
  assert.equal(rocAuc([0, 1, 1], [-Infinity, Infinity, Infinity]), 1);
});

/** Integer scores in a small range, so ties are frequent; both classes present. */
const labelledScores = fc
  .array(fc.tuple(fc.constantFrom(0, 1), fc.integer({ min: -4, max: 4 })), { minLength: 2, maxLength: 60 })
  .filter((rows) => rows.some(([y]) => y === 1) && rows.some(([y]) => y === 0));

test('property: ROC-AUC equals the O(n²) pairwise count, and the area under rocCurve', () => {
  fc.assert(
    fc.property(labelledScores, (rows) => {
      const y = rows.map(([l]) => l);
      const s = rows.map(([, v]) => v / 3);
      let twiceWins = 0;
      let pairs = 0;
      for (let i = 0; i < rows.length; i++) {
        for (let j = 0; j < rows.length; j++) {
          if (y[i] !== 1 || y[j] !== 0) continue;
          pairs++;
          twiceWins += s[i]! > s[j]! ? 2 : s[i] === s[j] ? 1 : 0;
        }
      }
      const auc = rocAuc(y, s);
      assert.equal(auc, twiceWins / (2 * pairs));
      const curve = rocCurve(y, s);
      assert.ok(Math.abs(trapezoid(curve.map((p) => p.fpr), curve.map((p) => p.tpr)) - auc) < 1e-12);
    }),
    { seed: 20240601, numRuns: 300 },
  );
});

test('property: average precision equals its definition over distinct thresholds, and ignores row order', () => {
  fc.assert(
    fc.property(labelledScores, fc.integer(), (rows, shift) => {
      const y = rows.map(([l]) => l);
      const s = rows.map(([, v]) => v);
      const positives = y.filter((l) => l === 1).length;
      const distinct = [...new Set(s)].sort((a, b) => b - a);
      let expected = 0;
      let previousRecall = 0;
      for (const t of distinct) {
        let tp = 0;
        let flagged = 0;
        for (let i = 0; i < s.length; i++) {
          if (s[i]! >= t) {
            flagged++;
            tp += y[i]!;
          }
        }
        expected += (tp / positives - previousRecall) * (tp / flagged);
        previousRecall = tp / positives;
      }
      assert.ok(Math.abs(averagePrecision(y, s) - expected) < 1e-12);
      // A rotation of the rows reorders ties; no metric may notice.
      const r = ((shift % rows.length) + rows.length) % rows.length;
      const y2 = [...y.slice(r), ...y.slice(0, r)];
      const s2 = [...s.slice(r), ...s.slice(0, r)];
      assert.equal(averagePrecision(y2, s2), averagePrecision(y, s));
      assert.equal(precisionAtK(y2, s2), precisionAtK(y, s));
      assert.equal(bestF1(y2, s2).f1, bestF1(y, s).f1);
    }),
    { seed: 20240602, numRuns: 300 },
  );
});

function trapezoid(x: number[], y: number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return area;
}
