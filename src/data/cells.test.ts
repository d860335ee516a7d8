import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInfinityText, isMissingText, parseDecimal, parseLabel } from './cells.ts';

describe('cells', () => {
  it('parses decimal numbers only', () => {
    for (const [text, value] of [['1', 1], ['-2.5', -2.5], ['1e3', 1000], ['.5', 0.5], [' 7 ', 7], ['0', 0], ['-0', -0], ['+3', 3]] as const) {
      assert.equal(parseDecimal(text), value, text);
    }
    for (const text of ['', ' ', '0x1A', '0b11', '0o7', ' 0x10', '1,5', '12a', 'NaN', '1_000']) assert.ok(Number.isNaN(parseDecimal(text)), text);
    assert.equal(parseDecimal('Infinity'), Infinity);
  });

  it('knows the missing and the infinite spellings', () => {
    for (const t of ['', ' ', 'NaN', 'nan', 'NA', 'n/a', 'null', 'NULL', 'None', '?']) assert.ok(isMissingText(t), t);
    for (const t of ['0', 'inf', 'abc', 'NAN1']) assert.ok(!isMissingText(t), t);
    for (const t of ['inf', '-inf', 'Infinity', '+INF']) assert.ok(isInfinityText(t), t);
  });

  it('accepts the documented label spellings and nothing else', () => {
    for (const v of [1, '1', '1.0', 'true', 'TRUE', 'yes', 'anomaly', 'Outlier']) assert.equal(parseLabel(v), 1, String(v));
    for (const v of [0, '0', 'false', 'no', 'normal', 'inlier']) assert.equal(parseLabel(v), 0, String(v));
    for (const v of [2, -1, '2', 'maybe', '', null, undefined]) assert.equal(parseLabel(v), -1, String(v));
  });
});
