/**
 * Request bodies read with a bound, for every API: a client cannot make the server buffer
 * more than the API accepts.
 * @module
 */
import type { Context } from 'hono';

export type BodyResult = { text: string } | { tooLarge: true };

/**
 * How much of an oversized body is read and thrown away before the 413 is sent. A runtime
 * that answers while the client is still sending may close the connection under it (workerd
 * does), and the client then sees a reset instead of the 413; reading the rest first makes
 * the answer readable for any honest client. Past this, the client is not honest and gets
 * the 413 at once, whatever its connection makes of it.
 */
export const DISCARD_LIMIT = 4 * 1024 * 1024;

/**
 * Reads at most `limit` bytes. With a Content-Length the HTTP parser already bounds the
 * body, so it is read in one go (Node's fast path); a chunked body is counted as it streams.
 */
export async function readBody(c: Context, limit: number): Promise<BodyResult> {
  const read = await readBodyBytes(c, limit);
  return 'tooLarge' in read ? read : { text: new TextDecoder().decode(read.bytes) };
}

/** As readBody, the bytes themselves (an uploaded archive). */
export async function readBodyBytes(c: Context, limit: number): Promise<{ bytes: Uint8Array } | { tooLarge: true }> {
  const length = c.req.header('content-length');
  const request = c.req.raw;
  if (length !== undefined && /^\d+$/.test(length)) {
    if (Number(length) <= limit) return { bytes: new Uint8Array(await c.req.arrayBuffer()) };
    if (Number(length) <= DISCARD_LIMIT && request.body) await discard(request.body.getReader(), 0);
    return { tooLarge: true };
  }
  if (!request.body) return { bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await discard(reader, size);
      return { tooLarge: true };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return { bytes };
}

/** Reads and drops the rest of a body, up to DISCARD_LIMIT bytes in all; then stops reading. */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number): Promise<void> {
  let size = alreadyRead;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > DISCARD_LIMIT) break;
    }
    await reader.cancel();
  } catch {
    // The client went away: there is nobody left to answer.
  }
}

/**
 * The fields of a JSON object or URL-encoded form body (the Sites API takes either, as
 * Plausible's does); null when it is neither, or larger than `limit`.
 */
export async function readFields(c: Context, limit: number): Promise<Record<string, unknown> | null> {
  const read = await readBody(c, limit);
  if ('tooLarge' in read) return null;
  const text = read.text;
  if ((c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
