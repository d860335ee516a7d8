/**
 * The embedded DuckDB engine that reads files larger than memory: one instance per run, its working database and
 * spill files in a private temporary folder that is removed afterwards, its memory capped (`memory_limit`: DuckDB
 * spills sorts, samples and tables to that folder beyond it) and its threads set. Everything else in src/large talks
 * SQL through here, so that DuckDB's errors reach the user as InputError naming the file, not as a stack trace.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBResult } from '@duckdb/node-api';
import { InputError, OptionError } from '../core/errors.ts';

export interface DuckDbSettings {
  /** DuckDB's memory cap, e.g. '512MB' or '2GB'; beyond it DuckDB spills to the temporary folder */
  memoryLimit: string;
  /** DuckDB's worker threads (reading and decoding files); scoring runs on the JavaScript thread */
  threads: number;
  /** where the private temporary folder is made (default: the OS temporary folder) */
  tempDir?: string | undefined;
}

export const DEFAULT_MEMORY_LIMIT = '512MB';

export class DuckSession {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    /** the private temporary folder (working database + spill files) */
    readonly folder: string,
    readonly settings: DuckDbSettings,
  ) {}

  static async open(settings: DuckDbSettings): Promise<DuckSession> {
    if (!/^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i.test(settings.memoryLimit)) {
      throw new OptionError(`--memory-limit must be a size such as 512MB or 2GB. Got '${settings.memoryLimit}' instead.`);
    }
    if (!Number.isInteger(settings.threads) || settings.threads < 1) {
      throw new OptionError(`--duckdb-threads must be a whole number of at least 1. Got ${settings.threads} instead.`);
    }
    const parent = settings.tempDir ?? tmpdir();
    let folder: string;
    try {
      folder = await mkdtemp(join(parent, 'dad-duckdb-'));
    } catch (error) {
      throw new OptionError(`Cannot make a temporary folder in '${parent}' for DuckDB's spill files: ${(error as Error).message}. Choose another with --temp-dir.`, { cause: error });
    }
    try {
      // A database file (not ':memory:'): the results table of a 10-million-row run lives on disk, not in the heap.
      const instance = await DuckDBInstance.create(join(folder, 'work.duckdb'), {
        memory_limit: settings.memoryLimit,
        threads: String(settings.threads),
        temp_directory: join(folder, 'spill'),
        preserve_insertion_order: 'true',
      });
      return new DuckSession(instance, await instance.connect(), folder, settings);
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      throw new OptionError(`DuckDB could not start: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * A second connection to the same database. A statement on a connection ends the streaming result open on it (its
   * next fetch returns nothing, as if the rows had run out), so whatever writes while a scan streams (the appender of
   * the results table, whose flushes are statements) needs a connection of its own.
   */
  async connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** Runs a statement; a DuckDB error becomes an InputError that starts with `what` (e.g. the file and the step). */
  async run(sql: string, what: string): Promise<DuckDBResult> {
    try {
      return await this.connection.run(sql);
    } catch (error) {
      throw duckError(what, error);
    }
  }

  /** A streaming result: rows are produced as chunks are fetched, never all at once. */
  async stream(sql: string, what: string): Promise<DuckDBResult> {
    try {
      return await this.connection.stream(sql);
    } catch (error) {
      throw duckError(what, error);
    }
  }

  /** The rows of a small result (a count, a schema, an aggregate) as objects. */
  async rows(sql: string, what: string): Promise<Record<string, unknown>[]> {
    try {
      return (await this.connection.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
    } catch (error) {
      throw duckError(what, error);
    }
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.folder, { recursive: true, force: true });
  }
}

/** Runs `body` with a session that is closed (and its temporary folder removed) whatever happens. */
export async function withDuckSession<T>(settings: DuckDbSettings, body: (session: DuckSession) => Promise<T>): Promise<T> {
  const session = await DuckSession.open(settings);
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}

/** Fetches the next chunk of a streaming result, with DuckDB's error turned into an InputError. */
export async function nextChunk(result: DuckDBResult, what: string): Promise<import('@duckdb/node-api').DuckDBDataChunk | null> {
  try {
    const chunk = await result.fetchChunk();
    return chunk === null || chunk.rowCount === 0 ? null : chunk;
  } catch (error) {
    throw duckError(what, error);
  }
}

export function duckError(what: string, error: unknown): InputError {
  // DuckDB's messages start with the error class ("Invalid Input Error: ...") and may run over several lines.
  const message = ((error as Error)?.message ?? String(error)).split('\n').filter((l) => l.trim() !== '').slice(0, 4).join(' ');
  return new InputError(`${what}: ${message}`, { cause: error });
}

/** An SQL string literal. */
export function sqlText(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** An SQL identifier (a column name), quoted whatever it holds. */
export function sqlName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
