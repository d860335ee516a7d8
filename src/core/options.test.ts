import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { OptionError } from './errors.ts';
import { parseOptions } from './options.ts';

const schema = z.object({ nEstimators: z.number().int().min(1).default(100), method: z.enum(['a', 'b']).default('a') }).strict();

test('defaults are filled in', () => {
  assert.deepEqual(parseOptions(schema, {}, "detector 'x'"), { nEstimators: 100, method: 'a' });
  assert.deepEqual(parseOptions(schema, undefined, "detector 'x'"), { nEstimators: 100, method: 'a' });
});

test('errors name the option, the constraint and the value received', () => {
  assert.throws(() => parseOptions(schema, { nEstimators: 0 }, "detector 'x'"), (e: unknown) => {
    assert.ok(e instanceof OptionError);
    assert.match(e.message, /The 'nEstimators' option of detector 'x' is invalid: .*>=1.*Got 0 instead/);
    return true;
  });
  assert.throws(() => parseOptions(schema, { method: 'c' }, "detector 'x'"), /'method'.*Got "c" instead/);
  assert.throws(() => parseOptions(schema, { nEstimator: 3 }, "detector 'x'"), /Unknown option 'nEstimator' for detector 'x'/);
});
