/**
 * POST /api/event: the Events API (Plausible-compatible). Answers 202 for stored and for
 * deliberately dropped events (with the reason in a header), 400 naming the problem,
 * 413 for an oversized body, 405 for other methods, 204 for the CORS preflight.
 * @module
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { clientAddress, formatIp, parseIp } from '../ingest/ip.ts';
import { type EventPayload, parseEventPayload } from '../ingest/payload.ts';
import { type PipelineTools, processEvent, requestDropReason } from '../ingest/pipeline.ts';
import { createUserAgentParser } from '../ingest/user-agent.ts';
import { Salts, webCryptoHmacSha256 } from '../ingest/visitor.ts';
import type { AppDeps } from '../ports.ts';
import { SiteCache } from '../site-cache.ts';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '86400',
};

type BodyResult = { text: string } | { tooLarge: true };

/**
 * Reads at most `limit` bytes. With a Content-Length the HTTP parser already bounds the
 * body, so it is read in one go (Node's fast path); a chunked body is counted as it streams.
 */
async function readBody(c: Context, limit: number): Promise<BodyResult> {
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

export function collectRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const sites = new SiteCache(deps.db, deps.clock);
  const tools: PipelineTools = {
    country: deps.country,
    parseUserAgent: createUserAgentParser(),
    salts: new Salts(deps.db),
    hmacSha256: deps.hmacSha256 ?? webCryptoHmacSha256(),
    ipStorage: deps.config.ipStorage,
  };

  const reply = (c: Context, status: 202 | 400 | 405 | 413 | 503, body: string | object, extra: Record<string, string> = {}) => {
    const headers = { ...CORS, ...extra };
    return typeof body === 'string' ? c.text(body, status, headers) : c.json(body, status, headers);
  };
  const dropped = (c: Context, reason: string) =>
    reply(c, 202, 'ok', { 'x-plausible-dropped': '1', 'x-teller-dropped': reason });

  /** Everything after parsing: site, address, drops, pipeline, durable write. */
  const accept = async (c: Context, payload: EventPayload): Promise<Response> => {
    const found = await Promise.all(payload.domains.map((d) => sites.get(d)));
    const known = found.filter((s) => s !== null);
    if (known.length === 0) return reply(c, 400, { error: `unknown site: ${payload.domains.join(', ')}` });

    const remote = clientAddress(deps.remoteAddress(c.req.raw, c.env), c.req.header('x-forwarded-for') ?? null, deps.config.trustProxy);
    const ip = remote === null ? null : parseIp(remote);
    if (!ip) return reply(c, 400, { error: 'client address is not a valid IP address (check X-Forwarded-For and TELLER_TRUST_PROXY)' });

    const userAgent = c.req.header('user-agent') ?? '';
    const headers = c.req.raw.headers;
    const early = requestDropReason(payload, { userAgent, headers });
    if (early) return dropped(c, early);

    const facts = { ip, ipText: formatIp(ip), userAgent, headers, request: c.req.raw, nowMs: deps.clock() };
    const reasons: string[] = [];
    const writes: Promise<void>[] = [];
    for (const { site, exclusions } of known) {
      const result = await processEvent(payload, site, exclusions, facts, tools);
      if ('dropped' in result) reasons.push(result.dropped);
      else writes.push(deps.writer.write(result.event));
    }
    if (writes.length === 0) return dropped(c, reasons.join(','));
    await Promise.all(writes);
    return reply(c, 202, 'ok');
  };

  app.options('/api/event', (c) => c.body(null, 204, CORS));

  app.post('/api/event', async (c) => {
    const body = await readBody(c, deps.config.maxBodyBytes);
    if ('tooLarge' in body) return reply(c, 413, { error: `request body is larger than ${deps.config.maxBodyBytes} bytes` });
    const parsed = parseEventPayload(body.text, c.req.header('content-type') ?? '');
    if (!parsed.ok) return reply(c, 400, { error: parsed.error });
    try {
      return await accept(c, parsed.payload);
    } catch (error) {
      // The store failed (disk full, D1 quota, lock timeout): not the client's fault, so 503.
      deps.log.error(`event not stored: ${error instanceof Error ? error.message : String(error)}`);
      return reply(c, 503, { error: 'event could not be stored, try again' }, { 'retry-after': '5' });
    }
  });

  app.all('/api/event', (c) => reply(c, 405, { error: `method ${c.req.method} not allowed, use POST` }, { allow: 'POST, OPTIONS' }));

  return app;
}
