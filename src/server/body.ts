/**
 * Reading request bodies under two limits: a size (413 as soon as it is passed, without reading the rest; at once
 * when Content-Length already says so) and a deadline for the whole body (408), so a client that trickles bytes cannot
 * hold a request open. Streaming routes read line by line instead (stream.ts) and rely on the socket idle timeout.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';

export async function readBody(c: Context, limit: number, timeoutMs: number): Promise<Uint8Array> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
  const body = c.req.raw.body;
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HTTPException(408, { message: `The request body did not arrive within ${timeoutMs / 1000} s.` })), timeoutMs);
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw tooLarge(limit);
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

export function tooLarge(limit: number): HTTPException {
  return new HTTPException(413, { message: `The request body is larger than the limit of ${limit} bytes.` });
}

/** The JSON value of a body; malformed JSON is a 400 that says where. */
export function parseJson(bytes: Uint8Array): unknown {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.trim() === '') throw new HTTPException(400, { message: 'The request body is empty; send a JSON object.' });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HTTPException(400, { message: `The request body is not valid JSON: ${(error as Error).message}` });
  }
}

/** Constant-time comparison of a presented bearer token with the configured one. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (match === null) return false;
  const a = createHash('sha256').update(match[1]!).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
