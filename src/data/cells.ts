/**
 * How one cell of a table is read, whatever the file format: which texts mean "missing", which numbers are accepted,
 * which label spellings mean anomaly / normal. One place, so that CSV, JSON lines, Parquet and in-memory records agree.
 */

/** A cell as a reader hands it over: text to parse (CSV), a number (JSON, Parquet, .npy), or null / undefined = absent. */
export type Cell = string | number | null | undefined;

/** Texts that mean "no value" (compared trimmed and lower-cased): pandas' defaults that occur in anomaly benchmarks. */
export const MISSING_TOKENS: readonly string[] = ['', 'nan', 'na', 'n/a', 'null', 'none', '?'];
const missingSet = new Set(MISSING_TOKENS);

/** Texts that mean ±infinity: numbers, but not finite ones, which no detector can use. */
const infinitySet = new Set(['inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity']);

export function isMissingText(text: string): boolean {
  // Fast path: almost every cell is a plain number, which is never a missing token.
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) return false;
  return missingSet.has(text.trim().toLowerCase());
}

export function isInfinityText(text: string): boolean {
  return infinitySet.has(text.trim().toLowerCase());
}

/**
 * A decimal number, or NaN when the text is not one. Stricter than Number(): '' and ' ' are not 0, and '0x1A',
 * '0b11', '0o7' are not numbers (a CSV holds decimal numbers; a hex-looking value is a code, so text).
 * 'Infinity' gives Infinity: the caller reports it as not finite.
 */
export function parseDecimal(text: string): number {
  const v = Number(text);
  if (v !== v) return Number.NaN;
  if (v === 0) {
    // Number('') and Number('  ') are 0; Number('0x0') too.
    const t = text.trim();
    if (t.length === 0) return Number.NaN;
    if (t.length > 1 && t.charCodeAt(0) === 48 && isRadixLetter(t.charCodeAt(1))) return Number.NaN;
    return v;
  }
  const first = text.charCodeAt(0);
  if (first === 48 && text.length > 1 && isRadixLetter(text.charCodeAt(1))) return Number.NaN;
  if (first === 32 || first === 9) {
    const t = text.trim();
    if (t.length > 1 && t.charCodeAt(0) === 48 && isRadixLetter(t.charCodeAt(1))) return Number.NaN;
  }
  return v;
}

function isRadixLetter(c: number): boolean {
  // x X b B o O
  return c === 120 || c === 88 || c === 98 || c === 66 || c === 111 || c === 79;
}

/** Label spellings accepted for 1 (anomaly) and 0 (normal), lower-case. */
export const ANOMALY_LABELS: readonly string[] = ['1', '1.0', 'true', 'yes', 'anomaly', 'outlier', 'abnormal'];
export const NORMAL_LABELS: readonly string[] = ['0', '0.0', 'false', 'no', 'normal', 'inlier'];
const anomalySet = new Set(ANOMALY_LABELS);
const normalSet = new Set(NORMAL_LABELS);

/** The accepted label values, for error messages. */
export const ACCEPTED_LABELS_TEXT = '1 / 0, true / false, yes / no, anomaly / normal, outlier / inlier (1 = anomaly)';

/** 1, 0, or -1 when the cell is not a label we accept. */
export function parseLabel(cell: Cell): number {
  if (typeof cell === 'number') return cell === 1 ? 1 : cell === 0 ? 0 : -1;
  if (typeof cell !== 'string') return -1;
  const t = cell.trim().toLowerCase();
  if (anomalySet.has(t)) return 1;
  if (normalSet.has(t)) return 0;
  return -1;
}

/** A cell's text for messages: quoted, shortened when long. */
export function showCell(cell: Cell): string {
  if (cell === null || cell === undefined) return 'nothing';
  if (typeof cell === 'number') return String(cell);
  const t = cell.length > 40 ? `${cell.slice(0, 37)}…` : cell;
  return `'${t}'`;
}
