import { InputError } from '../core/errors.ts';

/**
 * Grouping accuracy of a log parser, as the loghub benchmark defines it (Zhu et al., ICSE-SEIP 2019; logparser
 * `evaluator.get_accuracy`): a line is parsed correctly when the set of lines in its predicted group equals the set
 * of lines in its true group; the accuracy is the share of such lines.
 */
export function groupingAccuracy(truth: readonly (string | number)[], predicted: readonly (string | number)[]): number {
  if (truth.length !== predicted.length) {
    throw new InputError(`groupingAccuracy: ${truth.length} true groups but ${predicted.length} predicted; they must be per line, equally many.`);
  }
  if (truth.length === 0) return Number.NaN;
  const truthSize = new Map<string | number, number>();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  const members = new Map<string | number, number[]>();
  predicted.forEach((p, i) => {
    const list = members.get(p);
    if (list === undefined) members.set(p, [i]);
    else list.push(i);
  });
  let correct = 0;
  for (const lines of members.values()) {
    const first = truth[lines[0]!]!;
    if (lines.every((i) => truth[i] === first) && truthSize.get(first) === lines.length) correct += lines.length;
  }
  return correct / truth.length;
}
