/**
 * Where out-of-core scores go, batch by batch, so that no array of the whole file's scores is ever held:
 *  - a CSV file (or stdout), written line by line in the very format of `dad detect`'s in-memory results (the same
 *    `formatResults`, so the two paths' files compare byte for byte);
 *  - a table in DuckDB's working database (on disk), from which a Parquet file is written with COPY, and on which
 *    the label column's evaluation runs in SQL.
 * Files are written to a temporary name in the target's folder and renamed over the target at the end, after an
 * fsync: a reader never sees half a file, and a failed run leaves the previous file as it was.
 */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { DadError } from '../core/errors.ts';
import { formatResults } from '../cli/results.ts';
import { sqlText, type DuckSession } from './duckdb.ts';

export interface ScoredBatch {
  scores: Float64Array;
  labels: Uint8Array;
  ids?: readonly string[] | undefined;
  /** the label column's values, when the file has one */
  truth?: Uint8Array | undefined;
}

/** A file written under a temporary name in its folder, renamed over `path` by `commit`. */
export class AtomicFile {
  private constructor(readonly path: string, readonly temp: string, private handle: FileHandle | undefined) {}

  /** Reserves the temporary name; `open` false leaves the file to another writer (DuckDB's COPY). */
  static async create(path: string, openIt = true): Promise<AtomicFile> {
    const target = resolve(path);
    for (let attempt = 0; ; attempt++) {
      const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${attempt}.tmp`);
      try {
        const handle = await open(temp, 'wx');
        if (!openIt) await handle.close();
        return new AtomicFile(target, temp, openIt ? handle : undefined);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) {
          throw new DadError(`Cannot write '${path}': ${(error as Error).message.replaceAll(temp, path)}`, { cause: error });
        }
      }
    }
  }

  async write(text: string): Promise<void> {
    await this.handle!.write(text);
  }

  /** fsync, rename over the target, fsync the folder. */
  async commit(): Promise<void> {
    try {
      const handle = this.handle ?? await open(this.temp, 'r+');
      this.handle = undefined;
      await handle.sync();
      await handle.close();
      await rename(this.temp, this.path);
    } catch (error) {
      await this.abort();
      throw new DadError(`Cannot write '${this.path}': ${(error as Error).message}`, { cause: error });
    }
    const folder = await open(dirname(this.path), 'r').catch(() => undefined);
    await folder?.sync().catch(() => undefined);
    await folder?.close();
  }

  async abort(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
    await unlink(this.temp).catch(() => undefined);
  }
}

/** `dad detect`'s CSV results, one batch at a time, to a file or stdout. */
export class CsvResultsWriter {
  private first = true;
  private constructor(private readonly file: AtomicFile | undefined, private readonly detector: string, private readonly threshold: number) {}

  static async create(out: string | undefined, detector: string, threshold: number): Promise<CsvResultsWriter> {
    return new CsvResultsWriter(out === undefined ? undefined : await AtomicFile.create(out), detector, threshold);
  }

  async write(batch: ScoredBatch): Promise<void> {
    let text = formatResults({ detector: this.detector, threshold: this.threshold, scores: batch.scores, labels: batch.labels, ids: batch.ids }, 'csv');
    if (!this.first) text = text.slice(text.indexOf('\n') + 1); // the header once
    this.first = false;
    if (this.file) await this.file.write(text);
    else await writeStdout(text);
  }

  async commit(): Promise<void> {
    await this.file?.commit();
  }

  async abort(): Promise<void> {
    await this.file?.abort();
  }
}

function writeStdout(text: string): Promise<void> {
  return new Promise((done, fail) => {
    process.stdout.write(text, (error) => (error ? fail(error) : done()));
  });
}

/**
 * The scores in DuckDB's working database: `results(id?, score, label, truth?)` in row order (an appender keeps
 * insertion order). The table lives in the database file, so DuckDB evicts it from memory as it grows.
 */
export class ResultsTable {
  static readonly NAME = 'dad_results';
  private closed = false;
  private constructor(private readonly session: DuckSession, private readonly connection: DuckDBConnection, private readonly appender: DuckDBAppender, readonly hasIds: boolean, readonly hasTruth: boolean) {}

  static async create(session: DuckSession, hasIds: boolean, hasTruth: boolean): Promise<ResultsTable> {
    const columns = [hasIds ? 'id VARCHAR' : '', 'score DOUBLE', 'label UTINYINT', hasTruth ? 'truth UTINYINT' : ''].filter((c) => c !== '');
    await session.run(`CREATE OR REPLACE TABLE ${ResultsTable.NAME} (${columns.join(', ')})`, 'DuckDB: cannot create the results table');
    // its own connection: the appender's flushes would otherwise end the scan streaming on the session's connection
    const connection = await session.connect();
    const appender = await connection.createAppender(ResultsTable.NAME);
    return new ResultsTable(session, connection, appender, hasIds, hasTruth);
  }

  append(batch: ScoredBatch): void {
    const a = this.appender;
    const { scores, labels, ids, truth } = batch;
    for (let i = 0; i < scores.length; i++) {
      if (this.hasIds) a.appendVarchar(ids![i]!);
      a.appendDouble(scores[i]!);
      a.appendUTinyInt(labels[i]!);
      if (this.hasTruth) a.appendUTinyInt(truth![i]!);
      a.endRow();
    }
  }

  /** Flushes the appender: call before querying the table. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.appender.closeSync();
    this.connection.closeSync();
  }

  /** Writes id?, score, label as Parquet to `out`, atomically; snappy, which every Parquet reader (hyparquet too) decodes. */
  async writeParquet(out: string): Promise<void> {
    const file = await AtomicFile.create(out, false);
    try {
      const columns = this.hasIds ? 'id, score, label' : 'score, label';
      await this.session.run(
        `COPY (SELECT ${columns} FROM ${ResultsTable.NAME}) TO ${sqlText(file.temp)} (FORMAT parquet, COMPRESSION snappy)`,
        `Cannot write '${out}'`,
      );
      await file.commit();
    } catch (error) {
      await file.abort();
      throw error;
    }
  }
}
