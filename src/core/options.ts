import { z } from 'zod';
import { OptionError } from './errors.ts';

/**
 * Validates `input` against a zod schema and returns the parsed options (defaults filled in). On failure the error
 * names the owner, the option, the constraint and the value received, in the manner of scikit-learn:
 * "The 'nEstimators' option of detector 'iforest' is invalid: Too small: expected number to be >=1. Got 0 instead."
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, owner: string): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => describeIssue(issue, input, owner));
  throw new OptionError(messages.join('\n'), { cause: result.error });
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown, owner: string): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return `Unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} for ${owner}.`;
  }
  const received = valueAt(input, issue.path);
  const got = received === undefined ? 'nothing' : JSON.stringify(received);
  const where = path ? `The '${path}' option of ${owner}` : `The options of ${owner}`;
  return `${where} is invalid: ${issue.message}. Got ${got} instead.`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}
