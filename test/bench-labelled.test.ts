// The tabular bench's labelled-anomaly protocol (--labelled): which training anomalies keep their label, and the
// ADBench reference it is compared with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadReference, referenceMean } from '../bench/tabular/adbench-reference.ts';
import { keepLabelledShare } from '../bench/tabular/protocol.ts';

test('keepLabelledShare: ceil(share × anomalies) anomalies keep label 1, never a normal row; seeded', () => {
  const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 1 : 0)); // 100 anomalies
  for (const [share, expected] of [[0.01, 1], [0.1, 10], [0.015, 2], [1, 100]] as const) {
    const kept = keepLabelledShare(labels, share, 3);
    assert.equal(kept.reduce((a, v) => a + v, 0), expected, `share ${share}`);
    kept.forEach((v, i) => { if (v === 1) assert.equal(labels[i], 1, `row ${i} is not an anomaly`); });
  }
  assert.deepEqual(keepLabelledShare(labels, 0.1, 3), keepLabelledShare(labels, 0.1, 3));
  assert.notDeepEqual(keepLabelledShare(labels, 0.1, 3), keepLabelledShare(labels, 0.1, 4));
  // at least one labelled anomaly whenever there is one (ADBench's at_least_one_labeled)
  assert.equal(keepLabelledShare(Uint8Array.from([0, 1, 0, 1, 0]), 0.01, 0).reduce((a, v) => a + v, 0), 1);
});

test('labelled detectors are compared with ADBench\'s D6 (1 %) and D10 (10 %) tables', (t) => {
  const dir = fileURLToPath(new URL('../../shared/reference/adbench', import.meta.url));
  const d6 = loadReference(dir, 'D6_g1.csv');
  const d10 = loadReference(dir, 'D10_g10.csv');
  if (!d6 || !d10) return t.skip(`ADBench reference tables not found at ${dir}`);
  // D6: DevNet on cardio 89.74, DeepSAD on WBC 93.20; D10: MLP on cardio.
  assert.ok(Math.abs(referenceMean(d6, 'devnet', ['cardio'])!.mean - 0.8974) < 1e-9);
  assert.ok(Math.abs(referenceMean(d6, 'deepsad', ['wbc'])!.mean - 0.932) < 1e-9);
  assert.ok(referenceMean(d10, 'mlp', ['cardio']) !== undefined);
});
