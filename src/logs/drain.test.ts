import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { ModelFileError, OptionError } from '../core/errors.ts';
import { DrainParser } from './drain.ts';
import { groupingAccuracy } from './grouping-accuracy.ts';
import { compileLogFormat, LOGHUB_FORMATS } from './log-format.ts';
import { LOGHUB_MASKS, tokenize, compileMasks } from './masks.ts';

const loghub = join(import.meta.dirname, '../../../shared/data/logs/loghub');

const SAMPLE = [
  'Receiving block blk_1 src: /10.0.0.1:5000 dest: /10.0.0.2:50010',
  'Receiving block blk_-22 src: /10.0.0.3:5000 dest: /10.0.0.4:50010',
  'PacketResponder 1 for block blk_1 terminating',
  'PacketResponder 2 for block blk_-22 terminating',
  'Verification succeeded for blk_1',
  'Deleting block blk_1 file /mnt/hadoop/dfs/data/current/subdir1/blk_1',
];

describe('Drain', () => {
  it('groups messages of one template and reads back their parameters', () => {
    const parser = new DrainParser({ masks: ['blockId', 'ip'] });
    const parsed = SAMPLE.map((m) => parser.add(m));
    assert.equal(parsed[0]!.clusterId, parsed[1]!.clusterId);
    assert.equal(parsed[2]!.clusterId, parsed[3]!.clusterId);
    assert.notEqual(parsed[0]!.clusterId, parsed[2]!.clusterId);
    assert.equal(parsed[3]!.template, 'PacketResponder <*> for block <*> terminating');
    assert.deepEqual(parsed[3]!.parameters, ['2', 'blk_-22']);
    assert.deepEqual(parsed[1]!.parameters, ['blk_-22', '/10.0.0.3:5000', '/10.0.0.4:50010']);
    assert.equal(parser.clusters.length, 4);
    assert.deepEqual(parser.clusters.map((c) => c.count), [2, 2, 1, 1]);
  });

  it('a saved state continues exactly as the uninterrupted parser', () => {
    const whole = new DrainParser({ masks: ['blockId', 'ip'], similarity: 0.4 });
    const first = new DrainParser({ masks: ['blockId', 'ip'], similarity: 0.4 });
    const ids = SAMPLE.map((m) => whole.add(m).clusterId);
    SAMPLE.slice(0, 3).forEach((m) => first.add(m));
    const resumed = DrainParser.fromState(JSON.parse(JSON.stringify(first.toState())));
    const later = SAMPLE.slice(3).map((m) => resumed.add(m).clusterId);
    assert.deepEqual(later, ids.slice(3));
    assert.deepEqual(resumed.toState(), whole.toState());
    assert.equal(resumed.match('PacketResponder 9 for block blk_5 terminating')?.cluster.id, ids[2]);
    assert.equal(resumed.match('something never seen'), undefined);
  });

  it('rejects bad options and damaged states with clear errors', () => {
    assert.throws(() => new DrainParser({ similarity: 0 }), (e: unknown) => e instanceof OptionError && /'similarity'/.test(e.message));
    assert.throws(() => new DrainParser({ masks: ['nosuchmask('] }), (e: unknown) => e instanceof OptionError && /nosuchmask/.test(e.message));
    assert.throws(() => DrainParser.fromState({ kind: 'drain' }), ModelFileError);
    const state = new DrainParser().toState();
    assert.throws(() => DrainParser.fromState({ ...state, tree: { clusters: [3] } }), ModelFileError);
  });

  it('masks token by token, so parameters align with raw tokens', () => {
    const { raw, masked } = tokenize('to /10.1.2.3:80 at 0x1F2e and blk_-7', compileMasks(['ip', 'hex', 'blockId']));
    assert.deepEqual(raw.length, masked.length);
    assert.deepEqual(masked, ['to', '/<*>', 'at', '<*>', 'and', '<*>']);
  });

  for (const [dataset, target, published] of [['HDFS', 0.99, 0.9975], ['BGL', 0.96, 0.9625]] as const) {
    const dir = join(loghub, dataset);
    it(`grouping accuracy on loghub ${dataset}_2k is at least ${target} (published Drain: ${published})`,
      { skip: existsSync(dir) ? false : `${dir} is absent (shared benchmark data); skipping` }, () => {
        const lines = readFileSync(join(dir, `${dataset}_2k.log`), 'utf8').split('\n').filter((l) => l.length > 0);
        const truth = parse(readFileSync(join(dir, `${dataset}_2k.log_structured.csv`)), { columns: true }) as Record<string, string>[];
        const format = compileLogFormat(LOGHUB_FORMATS[dataset]);
        const parser = new DrainParser({ masks: [...LOGHUB_MASKS[dataset]], similarity: 0.5, depth: 4 });
        const ids = lines.map((line, i) => parser.add(format.parse(line)?.Content ?? assert.fail(`line ${i + 1} does not fit`)).clusterId);
        const accuracy = groupingAccuracy(truth.map((r) => r.EventId!), ids);
        assert.ok(accuracy >= target, `grouping accuracy ${accuracy}`);
        assert.equal(accuracy, published);
      });
  }
});

describe('grouping accuracy', () => {
  it('counts a line only when its predicted group is exactly its true group', () => {
    assert.equal(groupingAccuracy(['a', 'a', 'b', 'c'], [1, 1, 2, 3]), 1);
    assert.equal(groupingAccuracy(['a', 'a', 'b', 'c'], [1, 1, 2, 2]), 0.5);
    assert.equal(groupingAccuracy(['a', 'a', 'b'], [1, 2, 3]), 1 / 3);
  });
});

describe('log formats', () => {
  it('splits a line into loghub fields', () => {
    const format = compileLogFormat(LOGHUB_FORMATS.HDFS);
    assert.deepEqual(format.parse('081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38 terminating'), {
      Date: '081109', Time: '203615', Pid: '148', Level: 'INFO', Component: 'dfs.DataNode$PacketResponder', Content: 'PacketResponder 1 for block blk_38 terminating',
    });
    assert.equal(format.parse('garbage'), undefined);
    assert.throws(() => compileLogFormat('<Date> <Time>'), OptionError);
  });
});
