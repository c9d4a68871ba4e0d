/**
 * Request bodies read with a bound, for every API: a client cannot make the server buffer
 * more than the API accepts.
 * @module
 */
import type { Context } from 'hono';

export type BodyResult = { text: string } | { tooLarge: true };

/**
 * Reads at most `limit` bytes. With a Content-Length the HTTP parser already bounds the
 * body, so it is read in one go (Node's fast path); a chunked body is counted as it streams.
 */
export async function readBody(c: Context, limit: number): Promise<BodyResult> {
  const length = c.req.header('content-length');
  if (length !== undefined && /^\d+$/.test(length)) {
    return Number(length) > limit ? { tooLarge: true } : { text: await c.req.text() };
  }
  const request = c.req.raw;
  if (!request.body) return { text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
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
  return { text: new TextDecoder().decode(bytes) };
}
