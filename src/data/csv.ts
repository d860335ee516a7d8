import { readLineBatches, splitLines } from './lines.ts';
import { CsvRecordSplitter, sniffDelimiter } from './csv-records.ts';
import type { ResolvedReadOptions, TableReadOptions } from './read-options.ts';
import { resolveReadOptions } from './read-options.ts';
import { TableBuilder } from './table-builder.ts';
import type { Table } from './table.ts';

/**
 * CSV / TSV files, plain or gzip, read as a stream: lines are split into records and handed to the table builder
 * batch by batch, so memory holds the parsed numbers, never the file's text.
 */

/** lines looked at to sniff the delimiter */
const SNIFF_LINES = 20;

export async function readCsvFile(path: string, options: ResolvedReadOptions): Promise<Table> {
  const builder = new TableBuilder(options, { source: path, unit: 'line' });
  let splitter: CsvRecordSplitter | undefined =
    options.delimiter !== undefined ? new CsvRecordSplitter(options.delimiter, path)
      : /\.tsv(\.gz)?$/i.test(path) ? new CsvRecordSplitter('\t', path) : undefined;
  const head: string[] = [];
  let headFirst = 1;

  const feed = (lines: readonly string[], firstNumber: number): void => {
    for (let i = 0; i < lines.length; i++) {
      const record = splitter!.line(lines[i]!, firstNumber + i);
      if (record !== null) {
        builder.push(record, splitter!.recordLine);
        if (builder.full) return;
      }
    }
  };

  for await (const batch of readLineBatches(path)) {
    if (splitter === undefined) {
      if (head.length === 0) headFirst = batch.firstNumber;
      for (const l of batch.lines) head.push(l); // not push(...lines): a chunk can hold more lines than a call takes arguments
      if (head.filter((l) => l.trim().length > 0).length < SNIFF_LINES) continue;
      splitter = new CsvRecordSplitter(sniffDelimiter(head), path);
      feed(head, headFirst);
    } else {
      feed(batch.lines, batch.firstNumber);
    }
    // leaving the loop closes the file
    if (builder.full) return builder.finish();
  }
  if (splitter === undefined) {
    splitter = new CsvRecordSplitter(sniffDelimiter(head), path);
    feed(head, headFirst);
  }
  if (!builder.full) splitter.end();
  return builder.finish();
}

/** A small CSV held in memory (stdin, an HTTP body), read with the same rules as a file. */
export function parseCsvText(text: string, options?: TableReadOptions, source = 'text'): Table {
  const resolved = resolveReadOptions(options);
  const lines = splitLines(text);
  const splitter = new CsvRecordSplitter(resolved.delimiter ?? sniffDelimiter(lines.slice(0, 4 * SNIFF_LINES)), source);
  const builder = new TableBuilder(resolved, { source, unit: 'line' });
  for (let i = 0; i < lines.length && !builder.full; i++) {
    const record = splitter.line(lines[i]!, i + 1);
    if (record !== null) builder.push(record, splitter.recordLine);
  }
  if (!builder.full) splitter.end();
  return builder.finish();
}
