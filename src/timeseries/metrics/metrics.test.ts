import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../core/errors.ts';
import { eventScores, eventScoresOf, fromEventCounts } from './events.ts';
import { paKCurve, paKScores, pointAdjust } from './point-adjust.ts';
import { labelRanges, rangesToLabels } from './ranges.ts';
import { randomScores } from './random-baseline.ts';
import { vus } from './vus.ts';

const close = (a: number, b: number, what: string, tol = 1e-9): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('ranges: runs of 1s, both ends included, and back', () => {
  assert.deepEqual(labelRanges([1, 1, 0, 0, 1, 0, 1]), [[0, 1], [4, 4], [6, 6]]);
  assert.deepEqual([...rangesToLabels([[1, 2], [5, 9]], 7)], [0, 1, 1, 0, 0, 1, 1]);
  assert.throws(() => labelRanges([0, 2]), InputError);
});

test('PA%K: K = 0 is point adjustment, K = 100 point-wise; adjusts only above K % of a segment', () => {
  const labels = [0, 1, 1, 1, 1, 0, 1, 1, 0, 0];
  const preds = [0, 0, 1, 0, 0, 0, 0, 0, 0, 1];
  assert.deepEqual([...pointAdjust(labels, preds, 0)], [0, 1, 1, 1, 1, 0, 0, 0, 0, 1]);
  assert.deepEqual([...pointAdjust(labels, preds, 25)], [...preds]); // 1 of 4 = 25 %, not above
  assert.deepEqual([...pointAdjust(labels, preds, 20)], [0, 1, 1, 1, 1, 0, 0, 0, 0, 1]);
  const pa = paKScores(labels, preds, 0);
  assert.equal(pa.truePositives, 4);
  assert.equal(pa.falsePositives, 1);
  assert.equal(pa.falseNegatives, 2);
  const pw = paKScores(labels, preds, 100);
  assert.equal(pw.truePositives, 1);
  const curve = paKCurve(labels, preds, 10);
  assert.equal(curve.k.length, 11);
  close(curve.f1[0]!, pa.f1, 'F1 at K=0');
  close(curve.f1[10]!, pw.f1, 'F1 at K=100');
  assert.ok(curve.auc < pa.f1 && curve.auc > pw.f1);
});

test('event-wise: a labelled range counts once however many predictions overlap it; stray predictions are FPs', () => {
  const r = eventScores([[10, 20], [40, 50], [80, 90]], [[5, 12], [15, 16], [60, 61], [95, 99]]);
  assert.equal(r.truePositives, 1);
  assert.equal(r.falsePositives, 2);
  assert.equal(r.falseNegatives, 2);
  close(r.precision, 1 / 3, 'precision = matched events / (matched events + stray predictions), as telemanom');
  close(r.recall, 1 / 3, 'recall');
  close(r.fBeta, 1 / 3, 'F0.5 of equal precision and recall');
  const fromLabels = eventScoresOf([0, 1, 1, 0, 0, 0, 1, 0], [1, 1, 0, 0, 1, 0, 0, 0]);
  assert.deepEqual([fromLabels.truePositives, fromLabels.falsePositives, fromLabels.falseNegatives], [1, 1, 1]);
  assert.equal(fromEventCounts(0, 0, 3).fBeta, 0);
});

// Scores and expected values from a NumPy transcription of VUS's RangeAUC_volume_opt (TheDatumOrg/VUS).
const SCORES = [0.085649, 0.236811, 0.801274, 0.582162, 0.094129, 0.433127, 0.479051, 0.159739, 0.734577, 0.113672, 0.391228, 0.51674, 0.430628, 0.586799, 0.737838, 0.956267, 0.284201, 0.648547, 0.696216, 0.292721, 0.00149, 0.97346, 0.298401, 0.313986, 0.891711, 0.585163, 0.47131, 0.773277, 0.030346, 0.706965, 0.374244, 0.090853, 0.6605, 0.931464, 0.207191, 0.63009, 0.298163, 0.741757, 0.722165, 0.218715, 0.829887, 0.657652, 0.682799, 0.820076, 0.428573, 1.358705, 1.47848, 0.70232, 1.449768, 0.993927, 1.079684, 0.746335, 1.298426, 0.891979, 1.471139, 0.875374, 1.16181, 0.999656, 0.612909, 0.196639, 0.180288, 0.74686, 0.752223, 0.566978, 0.92108, 0.205775, 0.850901, 0.168987, 0.964358, 0.623693, 0.606884, 0.970559, 0.787033, 0.789917, 0.054094, 0.369286, 0.084895, 0.193528, 0.213867, 0.858642, 0.126755, 0.296758, 0.492847, 0.84946, 0.965231, 0.708145, 0.213687, 0.544983, 0.705959, 0.051883, 0.679884, 0.368282, 0.5897, 0.669533, 0.669127, 0.52305, 0.554737, 0.19815, 0.495187, 0.125409, 0.480747, 0.536245, 0.774105, 0.393665, 0.0196, 0.52775, 0.205232, 0.741258, 0.388697, 0.380473, 0.909455, 0.39297, 0.348852, 0.34802, 0.480766, 0.093292, 0.546747, 0.921427, 0.562922, 0.74391, 0.947141, 0.842115, 0.744006, 0.813164, 0.820139, 0.253755, 0.481963, 0.342717, 0.261733, 0.571552, 0.317886, 0.618657, 0.582417, 0.104399, 0.442418, 0.389855, 0.706652, 0.088133, 0.168958, 0.512597, 0.404594, 0.665347, 0.332857, 0.197219, 0.931845, 0.243896, 0.147064, 0.279894, 0.339724, 0.225116, 0.536316, 0.936934, 0.126019, 0.415165, 0.668157, 0.884715, 0.999803, 0.143637, 0.537298, 0.881201, 0.05303, 0.588293, 0.173911, 0.76783, 0.937631, 0.538288, 0.008966, 0.06425, 0.415702, 0.847304, 0.236767, 0.669138, 0.405308, 0.265155, 0.703889, 0.308257, 0.371881, 0.76531, 0.4952, 0.783919, 0.516301, 0.159972, 0.443698, 0.872765, 0.564918, 0.964816, 0.001148, 0.340366, 0.76905, 0.686151, 0.560979, 0.663743, 0.876431, 0.683551, 0.547229, 0.562468, 0.666377, 0.323912, 0.669435, 0.615008, 0.785911, 0.480225, 0.027009, 0.536922, 0.857688, 0.640019, 0.643472, 0.390949, 0.356572, 0.718907, 0.077778, 0.866439, 0.87629, 0.962444, 0.135678, 0.515378, 1.294022, 0.801125, 0.670361, 0.782215, 1.059504, 0.561494, 0.887164, 1.060051, 1.120772, 0.412263, 1.210896, 0.83418, 0.835799, 0.962361, 0.680136, 1.286722, 0.612135, 0.942717, 0.568042, 1.016116, 1.301907, 1.282637, 0.53468, 1.024869, 0.892552, 0.200275, 0.414741, 0.713155, 0.738103, 0.451178, 0.638619, 0.668919, 0.353123, 0.652074, 0.577422, 0.697386, 0.511645, 0.336431, 0.434402, 0.922461, 0.187555, 0.148303, 0.012153, 0.852146, 0.988648, 0.236467, 0.266098, 0.198372, 0.600192, 0.485108, 0.820576, 0.209704, 0.877936, 0.463952, 0.807867, 0.802081, 0.91075, 0.498813, 0.609604, 0.561031, 0.190303, 0.501522, 0.926619, 0.908898, 0.021505, 0.663356, 0.326772, 0.135939, 0.13944, 0.794961, 0.959166, 0.520241, 0.38352, 0.509887, 0.829293, 0.746743, 0.064119, 0.21253, 0.867705, 0.49308, 0.657728, 0.777522, 0.636598, 0.733895];

test('VUS-ROC and VUS-PR equal the reference implementation at buffers 0, 6 and 20', () => {
  const labels = new Uint8Array(300);
  labels.fill(1, 50, 60);
  labels.fill(1, 200, 230);
  labels.fill(1, 290, 300);
  const expected: [number, number, number][] = [[0, 0.6622266666666667, 0.29917875037691993], [6, 0.7011177460391153, 0.33226845687549894], [20, 0.7872908569862156, 0.4609190698078184]];
  for (const [w, roc, pr] of expected) {
    const r = vus(labels, SCORES, { window: w });
    close(r.vusRoc, roc, `VUS-ROC at ${w}`);
    close(r.vusPr, pr, `VUS-PR at ${w}`);
  }
  assert.throws(() => vus(new Uint8Array(3), [1, 2, 3]), InputError);
});

test('the random baseline is seeded and uniform', () => {
  assert.deepEqual([...randomScores(5, 7)], [...randomScores(5, 7)]);
  const r = randomScores(10_000, 1);
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02);
});
