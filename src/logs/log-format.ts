import { InputError, OptionError } from '../core/errors.ts';

/**
 * Log line formats in loghub's notation: header fields in angle brackets, the message in `<Content>`, e.g. HDFS
 * `<Date> <Time> <Pid> <Level> <Component>: <Content>`. As in logparser's `generate_logformat_regex`, each field
 * matches lazily and each run of spaces in the format matches one or more spaces.
 */
export interface LogFormat {
  readonly format: string;
  readonly fields: readonly string[];
  /** the fields of a line, or undefined when the line does not fit the format */
  parse(line: string): Record<string, string> | undefined;
}

/** Formats of the loghub benchmark (logpai/logparser `benchmark/*_benchmark.py`). */
export const LOGHUB_FORMATS = {
  HDFS: '<Date> <Time> <Pid> <Level> <Component>: <Content>',
  BGL: '<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>',
} as const;

export function compileLogFormat(format: string): LogFormat {
  const parts = format.split(/(<[^<>]+>)/);
  const fields: string[] = [];
  const pieces: Piece[] = [];
  for (const part of parts) {
    const field = /^<([^<>]+)>$/.exec(part);
    if (field) {
      const name = field[1]!;
      if (!/^[A-Za-z_]\w*$/.test(name)) throw new OptionError(`Log format ${JSON.stringify(format)}: field <${name}> must be a name of letters, digits and '_'.`);
      if (fields.includes(name)) throw new OptionError(`Log format ${JSON.stringify(format)}: field <${name}> appears twice.`);
      fields.push(name);
      pieces.push({ field: name });
    } else {
      for (const text of part.split(/( +)/)) {
        if (text.length > 0) pieces.push(text[0] === ' ' ? { space: true } : { text });
      }
    }
  }
  if (!fields.includes('Content')) throw new OptionError(`Log format ${JSON.stringify(format)} has no <Content> field: the message to parse.`);
  return { format, fields, parse: (line) => matchPieces(pieces, line.trim()) };
}

/** A format compiled: a field (`.*?` in logparser's regex), a literal text, or a run of spaces (`\s+`). */
type Piece = { field: string } | { text: string } | { space: true };

/**
 * Matches a line as the regular expression `^(?<A>.*?)\s+(?<B>.*?)…$` would — the same fields, each as short as the
 * rest allows, each `\s+` as long as it allows — in time linear in the line's length per piece. The expression
 * itself backtracks exponentially on a long line that does not fit (400 words and no ':' for HDFS's format took
 * minutes, found by fuzzing). First, from the end, which pieces can match which suffixes; then one pass forward
 * that takes the regular expression's preferred choice among those that still lead to a match.
 */
function matchPieces(pieces: readonly Piece[], line: string): Record<string, string> | undefined {
  const n = line.length;
  const fits: Uint8Array[] = new Array(pieces.length + 1);
  fits[pieces.length] = new Uint8Array(n + 1);
  fits[pieces.length]![n] = 1;
  for (let p = pieces.length - 1; p >= 0; p--) {
    const piece = pieces[p]!;
    const next = fits[p + 1]!;
    const here = new Uint8Array(n + 1);
    if ('text' in piece) {
      const m = piece.text.length;
      for (let at = 0; at + m <= n; at++) here[at] = next[at + m]! && line.startsWith(piece.text, at) ? 1 : 0;
    } else if ('space' in piece) {
      for (let at = n - 1; at >= 0; at--) here[at] = isSpace(line.charCodeAt(at)) && (next[at + 1] || here[at + 1]) ? 1 : 0;
    } else {
      here[n] = next[n]!;
      for (let at = n - 1; at >= 0; at--) here[at] = next[at] || (isDotChar(line.charCodeAt(at)) && here[at + 1]) ? 1 : 0;
    }
    fits[p] = here;
  }
  if (!fits[0]![0]) return undefined;
  const out: Record<string, string> = {};
  let at = 0;
  pieces.forEach((piece, p) => {
    const next = fits[p + 1]!;
    if ('text' in piece) {
      at += piece.text.length;
    } else if ('space' in piece) {
      let end = at;
      while (end < n && isSpace(line.charCodeAt(end))) end++;
      while (!next[end]) end--; // the longest run that leaves a match (fits says one exists)
      at = end;
    } else {
      let end = at;
      while (!next[end]) end++; // the shortest field that leaves a match
      out[piece.field] = line.slice(at, end);
      at = end;
    }
  });
  return out;
}

/** What `\s` matches (ECMAScript WhiteSpace and LineTerminator). */
function isSpace(c: number): boolean {
  return (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** What `.` matches without the s flag: anything but a line terminator. */
function isDotChar(c: number): boolean {
  return c !== 10 && c !== 13 && c !== 0x2028 && c !== 0x2029;
}

/** The error for a line that does not fit: names the file, the line and the format. */
export function formatMismatch(file: string, lineNumber: number, line: string, format: string): InputError {
  const shown = line.length > 120 ? `${line.slice(0, 117)}...` : line;
  return new InputError(`${file}:${lineNumber}: the line does not fit the log format ${JSON.stringify(format)}: ${JSON.stringify(shown)}.`);
}
