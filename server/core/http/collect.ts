/**
 * POST /api/event: the Events API (Plausible-compatible). Answers 202 for stored and for
 * deliberately dropped events (with the reason in a header), 400 naming the problem,
 * 413 for an oversized body, 405 for other methods, 204 for the CORS preflight.
 * @module
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { INGEST_HEADERS, type IngestRequest } from '../ingest/ingest.ts';
import { readBody } from './body.ts';
import { throttledLog } from '../log-throttle.ts';
import { PROXY_SECRET_HEADER, VISITOR_IP_HEADER } from '../proxy-secret.ts';
import type { AppDeps } from './app-deps.ts';
import type { StoreStatus } from './store-status.ts';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '86400',
};

/** The plain-data request the ingest works on: the body and the few headers it reads. */
function ingestRequest(c: Context, deps: AppDeps, body: string): IngestRequest {
  const headers: Record<string, string> = {};
  for (const name of INGEST_HEADERS) {
    const value = c.req.header(name);
    if (value !== undefined) headers[name] = value;
  }
  const request: IngestRequest = {
    body,
    contentType: c.req.header('content-type') ?? '',
    remoteAddress: deps.remoteAddress(c.req.raw, c.env),
    forwardedFor: c.req.header('x-forwarded-for') ?? null,
    headers,
    receivedAt: deps.clock(),
  };
  if (deps.edgeLocation) request.edgeLocation = deps.edgeLocation(c.req.raw);
  const secret = c.req.header(PROXY_SECRET_HEADER);
  if (secret !== undefined) request.proxy = { secret, visitorAddress: c.req.header(VISITOR_IP_HEADER) ?? null };
  return request;
}

export function collectRoutes(deps: AppDeps, store: StoreStatus): Hono {
  const app = new Hono();
  // A full disk or an overloaded ingest fails every event: one line a second.
  const logFailure = throttledLog((line) => deps.log.error(line), deps.clock, 1000);
  // A misconfigured proxy (or someone guessing) sends a wrong secret with every event: one line a minute, never the secret.
  const logRefusedProxy = throttledLog((line) => deps.log.warn(line), deps.clock, 60_000);

  const reply = (c: Context, status: 202 | 400 | 405 | 413 | 429 | 503, body: string | object, extra: Record<string, string> = {}) => {
    const headers = { ...CORS, ...extra };
    return typeof body === 'string' ? c.text(body, status, headers) : c.json(body, status, headers);
  };

  app.options('/api/event', (c) => c.body(null, 204, CORS));

  app.post('/api/event', async (c) => {
    const body = await readBody(c, deps.config.maxBodyBytes);
    if ('tooLarge' in body) return reply(c, 413, { error: `request body is larger than ${deps.config.maxBodyBytes} bytes` });
    const outcome = await deps.ingest(ingestRequest(c, deps, body.text));
    if (outcome.proxyRefused) {
      logRefusedProxy('an event came with an X-Teller-Proxy secret that is not its site\'s proxy secret: its X-Teller-Visitor-IP was ignored and the connection\'s address used');
    }
    switch (outcome.status) {
      case 202:
        if (outcome.dropped !== undefined) return reply(c, 202, 'ok', { 'x-plausible-dropped': '1', 'x-teller-dropped': outcome.dropped });
        store.stored();
        return reply(c, 202, 'ok');
      case 400:
        return reply(c, 400, { error: outcome.error });
      case 429:
        return reply(c, 429, { error: 'too many events from this address for this site, slow down' }, { 'retry-after': String(outcome.retryAfter) });
      case 503:
        store.failed(outcome.failure);
        logFailure(`event not stored: ${outcome.failure}`);
        return reply(c, 503, { error: 'event could not be stored, try again' }, { 'retry-after': '5' });
    }
  });

  app.all('/api/event', (c) => reply(c, 405, { error: `method ${c.req.method} not allowed, use POST` }, { allow: 'POST, OPTIONS' }));

  return app;
}
