import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileLogFormat, LOGHUB_FORMATS } from './log-format.ts';

/** logparser's `generate_logformat_regex` as this file compiled it before: the reference the matcher must agree with. */
function referenceRegex(format: string): RegExp {
  let source = '^';
  for (const part of format.split(/(<[^<>]+>)/)) {
    const field = /^<([^<>]+)>$/.exec(part);
    source += field ? `(?<${field[1]}>.*?)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ +/g, '\\s+');
  }
  return new RegExp(`${source}$`);
}

const FORMATS = [LOGHUB_FORMATS.HDFS, LOGHUB_FORMATS.BGL, '<Date> <Time> <Content>', '[<Level>]<Content>', '<A><B>: <Content> end', '<Content>'];

test('log formats split a line into the fields the reference regular expression gives, or refuse it alike', () => {
  const token = fc.oneof(fc.constantFrom('INFO', ':', ': ', '[', ']', 'end', ' ', '  ', '\t', '\r', '\u2028', '\u00a0', 'a:b', 'blk_1'), fc.string({ maxLength: 4 }));
  fc.assert(fc.property(fc.constantFrom(...FORMATS), fc.array(token, { maxLength: 14 }), (format, tokens) => {
    const line = tokens.join(' ');
    const expected = referenceRegex(format).exec(line.trim());
    assert.deepEqual(compileLogFormat(format).parse(line), expected?.groups === undefined ? undefined : { ...expected.groups });
  }), { numRuns: 2000, seed: 7 });
});

test('a long line that does not fit a format is refused in linear time (the regular expression took minutes)', () => {
  const hdfs = compileLogFormat(LOGHUB_FORMATS.HDFS);
  const started = performance.now();
  assert.equal(hdfs.parse('word '.repeat(20_000)), undefined);
  assert.ok(performance.now() - started < 2_000, 'a 100 kB line took over 2 s');
  assert.deepEqual(hdfs.parse('081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_3 terminating'), {
    Date: '081109', Time: '203615', Pid: '148', Level: 'INFO', Component: 'dfs.DataNode$PacketResponder', Content: 'PacketResponder 1 for block blk_3 terminating',
  });
});
