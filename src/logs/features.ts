import { createMatrix, type Matrix } from '../core/matrix.ts';
import { WILDCARD } from './masks.ts';

/**
 * Features of sessions for detectors that do not read order: event-count vectors (loglizer's event-count matrix)
 * and semantic vectors of templates (TF-IDF of the template's words, as LogRobust weighs words).
 */

/** Rows = sessions, column j = how often `keys[j]` occurs; keys not in `keys` are not counted. */
export function countMatrix(sessions: readonly ArrayLike<number>[], keys: readonly number[]): Matrix {
  const column = new Map(keys.map((k, j) => [k, j]));
  const d = keys.length;
  const X = createMatrix(sessions.length, d);
  sessions.forEach((s, i) => {
    for (let t = 0; t < s.length; t++) {
      const j = column.get(s[t]!);
      if (j !== undefined) X.data[i * d + j]! += 1;
    }
  });
  return X;
}

/** Lower-case words of a template: wildcards and punctuation dropped, camelCase and snake_case split. */
export function templateWords(template: string): string[] {
  return template
    .split(WILDCARD).join(' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w.length > 1);
}

/**
 * TF-IDF vectors of templates, L2-normalised: term frequency in the template times log((1 + n) / (1 + df)) + 1 over
 * the n templates (scikit-learn's smoothed idf). Returns the word list (columns) and one vector per template.
 */
export function tfidfVectors(templates: readonly string[]): { words: string[]; vectors: Float64Array[] } {
  const tokenized = templates.map(templateWords);
  const df = new Map<string, number>();
  for (const words of tokenized) for (const w of new Set(words)) df.set(w, (df.get(w) ?? 0) + 1);
  const words = [...df.keys()].sort();
  const column = new Map(words.map((w, j) => [w, j]));
  const n = templates.length;
  const vectors = tokenized.map((ws) => {
    const v = new Float64Array(words.length);
    for (const w of ws) v[column.get(w)!]! += 1;
    let norm = 0;
    for (let j = 0; j < v.length; j++) {
      if (v[j] === 0) continue;
      v[j] = v[j]! * (Math.log((1 + n) / (1 + df.get(words[j]!)!)) + 1);
      norm += v[j]! ** 2;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let j = 0; j < v.length; j++) v[j] = v[j]! / norm;
    return v;
  });
  return { words, vectors };
}
