import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ModelFileError, NotFittedError, OptionError, ShapeError } from '../core/errors.ts';
import { createMatrix } from '../core/matrix.ts';
import { Rng } from '../core/rng.ts';
import { createTransform, parseCsvText } from '../data/index.ts';
import '../detectors/index.ts';
import { createDetector } from '../detectors/registry.ts';
import { decodeModel, encodeModel } from '../model-io/index.ts';
import { Pipeline } from './pipeline.ts';

const dir = mkdtempSync(join(tmpdir(), 'dad-pipeline-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** 200 rows of two correlated features on very different scales, plus an id and a label column; rows 0–4 anomalous. */
function csv(seed: number): string {
  const rng = new Rng(seed);
  const lines = ['id,price,quantity,label'];
  for (let i = 0; i < 200; i++) {
    const anomaly = i < 5;
    const q = anomaly ? rng.uniform(40, 60) : rng.normal(10, 2);
    const price = anomaly ? rng.uniform(1, 5) * 1000 : q * 100 + rng.normal(0, 50);
    lines.push(`row${i},${price.toFixed(3)},${q.toFixed(3)},${anomaly ? 1 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}

const train = parseCsvText(csv(1), { id: 'id', label: 'label' }, 'train.csv');

describe('Pipeline', () => {
  test('scores equal the detector on rows min-max scaled with the training statistics', () => {
    const pipeline = new Pipeline({ detector: 'hbos' }).fit(train);
    const scaling = createTransform('minmax').fit(train.X);
    const direct = createDetector('hbos').fit(scaling.transform(train.X));
    const test = parseCsvText(csv(2), { schema: train.schema }, 'test.csv');
    assert.deepEqual(pipeline.score(test), direct.score(scaling.transform(test.X)));
    assert.deepEqual(pipeline.trainingScores, direct.trainingScores);
    assert.equal(pipeline.threshold, direct.threshold);
    assert.deepEqual(pipeline.features, ['price', 'quantity']);
  });

  test("scale 'none' hands the rows to the detector unchanged", () => {
    const pipeline = new Pipeline({ detector: 'hbos', scale: 'none' }).fit(train);
    assert.deepEqual(pipeline.trainingScores, createDetector('hbos').fit(train.X).trainingScores);
  });

  test('the label column stays out of an unsupervised fit and the planted rows rank first', () => {
    const pipeline = new Pipeline({ detector: 'hbos', scale: 'standard' }).fit(train);
    const labels = pipeline.labelsFor(pipeline.trainingScores);
    for (let i = 0; i < 5; i++) assert.equal(labels[i], 1, `planted anomaly ${i} is flagged`);
  });

  test('save then load gives the same scores, threshold, features and schema', async () => {
    const pipeline = new Pipeline({ detector: 'iforest', options: { seed: 3, contamination: 0.05 }, scale: 'robust' }).fit(train);
    const path = join(dir, 'model.dad');
    await pipeline.save(path, { note: 'test' });
    const loaded = await Pipeline.load(path);
    const test = parseCsvText(csv(2), { schema: loaded.tableSchema! }, 'test.csv');
    assert.deepEqual(loaded.score(test), pipeline.score(test));
    assert.equal(loaded.threshold, pipeline.threshold);
    assert.equal(loaded.scale, 'robust');
    assert.deepEqual(loaded.features, pipeline.features);
    assert.deepEqual(loaded.tableSchema, train.schema);
  });

  test('a matrix with another number of features is refused with both counts named', () => {
    const pipeline = new Pipeline({ detector: 'hbos' }).fit(train);
    assert.throws(() => pipeline.score(createMatrix(3, 3)), (e: unknown) => e instanceof ShapeError && /fitted on 2 features \(price, quantity\); the data has 3/.test(e.message));
  });

  test('an unknown scale is an option error naming the choices', () => {
    assert.throws(() => new Pipeline({ scale: 'zscore' as never }), (e: unknown) => e instanceof OptionError && /minmax, standard, robust, none/.test(e.message));
  });

  test('damaged preprocessing in a model file is a model-file error', () => {
    const pipeline = new Pipeline({ detector: 'hbos' }).fit(train);
    const detector = decodeModel(encodeModel(pipeline.detector), 'model').detector;
    const good = pipeline.preprocessing();
    assert.throws(() => Pipeline.fromParts(detector, { ...good, kind: 'other' }), ModelFileError);
    assert.throws(() => Pipeline.fromParts(detector, { ...good, version: 2 }), /version 2/);
    assert.throws(() => Pipeline.fromParts(detector, { ...good, features: ['price'] }), /lists 1 features but the detector was fitted on 2/);
    assert.throws(() => Pipeline.fromParts(detector, { ...good, transform: { kind: 'minmax' } }), ModelFileError);
    assert.throws(() => Pipeline.fromParts(detector, { ...good, schema: { version: 1 } }), ModelFileError);
  });

  test('a model file without preprocessing loads as a bare detector', () => {
    const detector = createDetector('hbos').fit(train.X);
    const bare = Pipeline.fromParts(decodeModel(encodeModel(detector), 'model').detector, undefined);
    assert.equal(bare.scale, 'none');
    assert.deepEqual(bare.score(train.X), detector.score(train.X));
  });
});

test('scoring before fit is a not-fitted error', () => {
  assert.throws(() => new Pipeline({ detector: 'hbos' }).score(train), NotFittedError);
});
