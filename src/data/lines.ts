import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { pipeline, type Readable } from 'node:stream';
import { InputError } from '../core/errors.ts';

/**
 * Text files read line by line, gzip or not: the base of the CSV and JSON-lines readers, and of anything else that
 * reads text (log files, UCR series). Whole files are never held as one string, so a file larger than a string can
 * be (about 512 MB in V8) still reads.
 *
 * Line numbers are 1-based and count every line of the file, blank ones included, so that they match an editor's.
 * A trailing '\r' (Windows line ends) and a leading byte-order mark are removed.
 */

export interface Line {
  /** the line's text, without its line end */
  text: string;
  /** 1-based line number in the file */
  number: number;
}

export interface LineBatch {
  lines: string[];
  /** the line number of lines[0] */
  firstNumber: number;
}

/** True when the bytes start with the gzip magic number (1f 8b): gzip is recognised by content, not by name. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileOpenError(path, error);
  }
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return isGzip(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** The error for a file that cannot be opened, in words a user acts on. */
export function fileOpenError(path: string, error: unknown): InputError {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ENOENT') return new InputError(`File not found: ${path}`, { cause: error });
  if (code === 'EISDIR') return new InputError(`${path} is a folder, not a file.`, { cause: error });
  if (code === 'EACCES') return new InputError(`No permission to read ${path}.`, { cause: error });
  return new InputError(`Cannot read ${path}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

/** The bytes of a file, gunzipped when they are gzip. */
export async function openByteStream(path: string): Promise<Readable> {
  const gz = await startsWithGzipMagic(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!gz) return raw;
  const gunzip = createGunzip();
  // pipeline (not pipe): destroying the gunzip stream when a reader stops early also closes the file, and a read
  // error of the file reaches the reader through the gunzip stream. Errors are seen by the reader, not here.
  pipeline(raw, gunzip, () => {});
  return gunzip;
}

/**
 * Lines of a text file in batches (one batch per chunk read), the fast form for readers of large files: yielding line
 * by line from an async generator costs more than parsing a short CSV line.
 */
export async function* readLineBatches(path: string): AsyncGenerator<LineBatch> {
  const stream = await openByteStream(path);
  // fatal: a binary file (a .npy or .parquet read as CSV by mistake) fails clearly instead of turning into U+FFFD.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let carry = '';
  let nextNumber = 1;
  try {
    for await (const chunk of stream) {
      let text: string;
      try {
        text = carry + decoder.decode(chunk as Uint8Array, { stream: true });
      } catch (error) {
        throw notText(path, nextNumber, error);
      }
      const lines = text.split('\n');
      carry = lines.pop()!;
      if (lines.length === 0) continue;
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i]!;
        if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
      }
      yield { lines, firstNumber: nextNumber };
      nextNumber += lines.length;
    }
    try {
      carry += decoder.decode();
    } catch (error) {
      throw notText(path, nextNumber, error);
    }
    if (carry.length > 0) {
      if (carry.charCodeAt(carry.length - 1) === 13) carry = carry.slice(0, -1);
      yield { lines: [carry], firstNumber: nextNumber };
    }
  } catch (error) {
    if ((error as { code?: string } | null)?.code?.startsWith('Z_')) {
      throw new InputError(`${path} is not a valid gzip file (damaged or truncated): ${(error as Error).message}`, { cause: error });
    }
    if ((error as { code?: string } | null)?.code !== undefined && !(error instanceof InputError)) throw fileOpenError(path, error);
    throw error;
  } finally {
    stream.destroy();
  }
}

/** Lines of a text file, one at a time with their line numbers. */
export async function* readLines(path: string): AsyncGenerator<Line> {
  for await (const batch of readLineBatches(path)) {
    for (let i = 0; i < batch.lines.length; i++) yield { text: batch.lines[i]!, number: batch.firstNumber + i };
  }
}

/** Lines of an in-memory text (stdin, an HTTP body), with the same rules as a file: BOM removed, CRLF accepted. */
export function splitLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

function notText(path: string, line: number, cause: unknown): InputError {
  return new InputError(`${path} is not UTF-8 text (near line ${line}): is it a binary file (.npy, .parquet) read as text?`, { cause });
}
