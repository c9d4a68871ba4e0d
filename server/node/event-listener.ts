/**
 * POST /api/event straight off node:http, ahead of Hono: the hot path of a busy instance,
 * and under overload the request that waits. Hono's context, the Fetch API's Request,
 * Headers and Response objects and their suspended handlers cost CPU per event and memory
 * per waiting event (docs/benchmarks.md, Soak); this path reads the body and the headers
 * the Events API needs, and hands them to the same code the Hono route uses
 * (core/http/collect.ts). Any other request, and an event Hono handles differently (no
 * Content-Length or one over the limit, which Hono's body reader bounds and drains; no
 * Host, which the adapter refuses), goes to Hono.
 * @module
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { apiSecurityHeaders } from '../core/http/app.ts';
import { EVENT_REQUEST_HEADERS, type EventAnswer, type EventCollector, type EventRequest } from '../core/http/collect.ts';

const EVENT_PATH = '/api/event';
/** The headers read here: the Events API's, and those that pick the path or the answer's headers. */
const WANTED: ReadonlySet<string> = new Set([...EVENT_REQUEST_HEADERS, 'content-length', 'host', 'x-forwarded-proto']);
const DIGITS = /^\d+$/;
const decoder = new TextDecoder();

export interface EventListenerOptions {
  collect: EventCollector;
  maxBodyBytes: number;
  /** The client's address as the app reads it for this connection. */
  remoteAddress(incoming: IncomingMessage): string | null;
  /** Whether the client came over TLS (for HSTS), from the request's headers. */
  isHttps(header: (name: string) => string | undefined): boolean;
  /** An unexpected failure, for the log (the client gets a 500 that quotes nothing). */
  failed(error: unknown): void;
}

/** The wanted headers of a request, by lower-case name, repeated ones joined as the Fetch API's Headers joins them. */
export function wantedHeaders(raw: readonly string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!WANTED.has(name)) continue;
    const seen = headers.get(name);
    headers.set(name, seen === undefined ? raw[i + 1]! : `${seen}, ${raw[i + 1]!}`);
  }
  return headers;
}

function isEventPath(url: string | undefined): boolean {
  return url !== undefined && url.startsWith(EVENT_PATH) && (url.length === EVENT_PATH.length || url.charCodeAt(EVENT_PATH.length) === 63 /* ? */);
}

function send(res: ServerResponse, answer: EventAnswer, https: boolean): void {
  res.writeHead(answer.status, { ...answer.headers, ...apiSecurityHeaders(https), 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** Reads the whole body, its length already checked against the limit (Node's parser holds the body to it). */
function readAll(req: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  const take = (chunk: Buffer) => void chunks.push(chunk);
  req.on('data', take);
  req.once('end', () => {
    // The request lives until it is answered: its listeners must not keep the body (or `done`) alive that long.
    req.off('data', take);
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    chunks.length = 0;
    done(body);
  });
  // A client gone mid-body is owed no answer; the listener keeps the error from being unhandled.
  req.on('error', ignore);
}

const ignore = () => {};

/**
 * Node keeps a request's headers, raw and parsed, until it is answered, which under overload
 * is seconds later: about 1 KB a waiting event. The few this path reads are copied by now, and
 * node:http reads none after the request event (keep-alive and Expect are decided before it).
 */
function forgetHeaders(req: IncomingMessage): void {
  req.rawHeaders = [];
  req.headers = {};
}

/**
 * Sends the answer once it is known. A function of its own, so that only `res` and `https`
 * wait with the event (closures in eventListener would keep its headers alive as well).
 */
function answerWhenStored(res: ServerResponse, https: boolean, failed: (error: unknown) => void, answer: Promise<EventAnswer>): void {
  answer.then(
    (a) => send(res, a, https),
    (error: unknown) => {
      failed(error);
      send(res, { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'internal error' }) }, https);
    },
  );
}

/** `hono` serves every request this path does not take. */
export function eventListener(options: EventListenerOptions, hono: RequestListener): RequestListener {
  return (req, res) => {
    if (req.method !== 'POST' || !isEventPath(req.url)) return hono(req, res);
    const headers = wantedHeaders(req.rawHeaders);
    const length = headers.get('content-length');
    if (length === undefined || !DIGITS.test(length) || Number(length) > options.maxBodyBytes || !headers.has('host')) return hono(req, res);
    const header = (name: string) => headers.get(name);
    const request: EventRequest = { header, remoteAddress: options.remoteAddress(req) };
    const https = options.isHttps(header);
    forgetHeaders(req);
    readAll(req, (body) => answerWhenStored(res, https, options.failed, options.collect(request, { text: decoder.decode(body) })));
  };
}
