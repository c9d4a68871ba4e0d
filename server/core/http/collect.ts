/**
 * POST /api/event: the Events API (Plausible-compatible). Answers 202 for stored and for
 * deliberately dropped events (with the reason in a header), 400 naming the problem,
 * 413 for an oversized body, 405 for other methods, 204 for the CORS preflight.
 * The answer to a read body is worked out apart from Hono (`eventCollector`), so Node can
 * also take events straight off node:http (server/node/event-listener.ts) with the same code.
 * @module
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { INGEST_HEADERS, type IngestOutcome, type IngestRequest } from '../ingest/ingest.ts';
import type { Location } from '../ports.ts';
import { type BodyResult, readBody } from './body.ts';
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

const TEXT = 'text/plain; charset=UTF-8';
const JSON_TYPE = 'application/json';

/** The request headers the Events API reads, besides INGEST_HEADERS. */
export const EVENT_REQUEST_HEADERS: readonly string[] = [...INGEST_HEADERS, 'content-type', 'x-forwarded-for', PROXY_SECRET_HEADER, VISITOR_IP_HEADER];

/** What the Events API reads of a request, whoever parsed it. */
export interface EventRequest {
  /** A header by lower-case name (repeated ones joined by ", "), undefined when absent. */
  header(name: string): string | undefined;
  remoteAddress: string | null;
  /** The location the platform's edge determined (Workers), when it gives one. */
  edgeLocation?: Location | null;
}

/** An answer as plain data: Hono and node:http each send it their own way. */
export interface EventAnswer {
  status: 202 | 400 | 405 | 413 | 429 | 500 | 503;
  /** Lower-case names; content-type included. */
  headers: Record<string, string>;
  body: string;
}

/** The plain-data request the ingest works on: the body and the few headers it reads. */
function ingestRequest(request: EventRequest, receivedAt: number, body: string): IngestRequest {
  const headers: Record<string, string> = {};
  for (const name of INGEST_HEADERS) {
    const value = request.header(name);
    if (value !== undefined) headers[name] = value;
  }
  const ingest: IngestRequest = {
    body,
    contentType: request.header('content-type') ?? '',
    remoteAddress: request.remoteAddress,
    forwardedFor: request.header('x-forwarded-for') ?? null,
    headers,
    receivedAt,
  };
  if (request.edgeLocation !== undefined) ingest.edgeLocation = request.edgeLocation;
  const secret = request.header(PROXY_SECRET_HEADER);
  if (secret !== undefined) ingest.proxy = { secret, visitorAddress: request.header(VISITOR_IP_HEADER) ?? null };
  return ingest;
}

const text = (status: EventAnswer['status'], body: string, extra?: Record<string, string>): EventAnswer => ({ status, headers: { ...CORS, 'content-type': TEXT, ...extra }, body });
const json = (status: EventAnswer['status'], body: object, extra?: Record<string, string>): EventAnswer => ({ status, headers: { ...CORS, 'content-type': JSON_TYPE, ...extra }, body: JSON.stringify(body) });

/** An event's answer once its body is read: ingested, then the outcome told the way the Events API tells it. */
export type EventCollector = (request: EventRequest, body: BodyResult) => Promise<EventAnswer>;

export function eventCollector(deps: AppDeps, store: StoreStatus): EventCollector {
  // A full disk or an overloaded ingest fails every event: one line a second.
  const logFailure = throttledLog((line) => deps.log.error(line), deps.clock, 1000);
  // A misconfigured proxy (or someone guessing) sends a wrong secret with every event: one line a minute, never the secret.
  const logRefusedProxy = throttledLog((line) => deps.log.warn(line), deps.clock, 60_000);

  const answer = (outcome: IngestOutcome): EventAnswer => {
    if (outcome.proxyRefused) {
      logRefusedProxy('an event came with an X-Teller-Proxy secret that is not its site\'s proxy secret: its X-Teller-Visitor-IP was ignored and the connection\'s address used');
    }
    switch (outcome.status) {
      case 202:
        if (outcome.dropped !== undefined) return text(202, 'ok', { 'x-plausible-dropped': '1', 'x-teller-dropped': outcome.dropped });
        store.stored();
        return text(202, 'ok');
      case 400:
        return json(400, { error: outcome.error });
      case 429:
        return json(429, { error: 'too many events from this address for this site, slow down' }, { 'retry-after': String(outcome.retryAfter) });
      case 503:
        store.failed(outcome.failure);
        logFailure(`event not stored: ${outcome.failure}`);
        return json(503, { error: 'event could not be stored, try again' }, { 'retry-after': '5' });
    }
  };

  // Not an async function: one would keep the request and its body alive while the event waits to be stored.
  return (request, body) => {
    if ('tooLarge' in body) return Promise.resolve(json(413, { error: `request body is larger than ${deps.config.maxBodyBytes} bytes` }));
    return deps.ingest(ingestRequest(request, deps.clock(), body.text)).then(answer);
  };
}

export function collectRoutes(deps: AppDeps, store: StoreStatus): Hono {
  const app = new Hono();
  const collect = eventCollector(deps, store);
  const send = (c: Context, a: EventAnswer) => c.body(a.body, a.status, a.headers);

  app.options('/api/event', (c) => c.body(null, 204, CORS));

  app.post('/api/event', async (c) => {
    const body = await readBody(c, deps.config.maxBodyBytes);
    const request: EventRequest = { header: (name) => c.req.header(name), remoteAddress: deps.remoteAddress(c.req.raw, c.env) };
    if (deps.edgeLocation) request.edgeLocation = deps.edgeLocation(c.req.raw);
    return send(c, await collect(request, body));
  });

  app.all('/api/event', (c) => send(c, json(405, { error: `method ${c.req.method} not allowed, use POST` }, { allow: 'POST, OPTIONS' })));

  return app;
}
