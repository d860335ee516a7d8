import { InputError } from '../core/errors.ts';

/**
 * Splits CSV lines into records (RFC 4180 quoting: a field that starts with '"' is quoted, '""' inside it is one '"',
 * and it may run over line ends). Fed line by line, so it works on a stream and knows the line each record starts
 * on. Lines without a quote take a fast path (String.split): that is nearly every line of a numeric file.
 * Blank lines outside a quoted value are skipped, as pandas does.
 */
export class CsvRecordSplitter {
  private readonly delimiter: string;
  private readonly source: string;
  private inQuotes = false;
  private fields: string[] = [];
  private field = '';
  /** the line the record being read started on */
  recordLine = 0;

  constructor(delimiter: string, source: string) {
    this.delimiter = delimiter;
    this.source = source;
  }

  /** The record this line completes, or null when the line is blank or a quoted value goes on past it. */
  line(text: string, number: number): string[] | null {
    if (!this.inQuotes) {
      if (text.indexOf('"') < 0) {
        if (text.length === 0 || (text.trim().length === 0 && this.delimiter !== '\t')) return null;
        this.recordLine = number;
        return text.split(this.delimiter);
      }
      this.recordLine = number;
      this.fields = [];
      this.field = '';
      return this.scan(text, true);
    }
    this.field += '\n';
    return this.scan(text, false);
  }

  /** Call at the end of the input: a quoted value still open is an error. */
  end(): void {
    if (this.inQuotes) {
      throw new InputError(`${this.source} line ${this.recordLine}: a quoted value opened on this line is never closed (a '"' is missing).`);
    }
  }

  private scan(text: string, atRecordStart: boolean): string[] | null {
    const d = this.delimiter;
    let field = this.field;
    let atFieldStart = atRecordStart;
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (this.inQuotes) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          this.inQuotes = false;
        } else {
          field += c;
        }
        i++;
        continue;
      }
      if (c === d) {
        this.fields.push(field);
        field = '';
        atFieldStart = true;
      } else if (c === '"' && atFieldStart) {
        this.inQuotes = true;
        atFieldStart = false;
      } else {
        // a quote inside an unquoted value, or text after a closing quote, is kept as it is (lenient, like Python's csv)
        field += c;
        atFieldStart = false;
      }
      i++;
    }
    if (this.inQuotes) {
      this.field = field;
      return null;
    }
    this.fields.push(field);
    this.field = '';
    const out = this.fields;
    this.fields = [];
    return out;
  }
}

const CANDIDATES = [',', '\t', ';', '|'] as const;

/**
 * The delimiter of a delimited text, from its first lines: the candidate that appears the same number of times
 * (at least once) on every line, the most often; ',' when none does. Quoted values are left out of the count.
 */
export function sniffDelimiter(lines: readonly string[]): string {
  const sample = lines.filter((l) => l.trim().length > 0).slice(0, 20).map((l) => l.replace(/"(?:[^"]|"")*"/g, ''));
  if (sample.length === 0) return ',';
  let best: string = ',';
  let bestCount = 0;
  for (const d of CANDIDATES) {
    let count = -1;
    let consistent = true;
    for (const l of sample) {
      const k = l.split(d).length - 1;
      if (count < 0) count = k;
      else if (k !== count) {
        consistent = false;
        break;
      }
    }
    if (consistent && count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  if (bestCount > 0) return best;
  // No candidate is consistent (ragged rows, or multi-line quoted values): take the one most present on every line.
  let fallbackMin = 0;
  for (const d of CANDIDATES) {
    const min = Math.min(...sample.map((l) => l.split(d).length - 1));
    if (min > fallbackMin) {
      best = d;
      fallbackMin = min;
    }
  }
  return fallbackMin > 0 ? best : ',';
}
