/**
 * The dashboard's only way to the server: JSON over fetch, same origin, the session cookie
 * sent by the browser, or a shared link's token in its header. Errors carry the server's
 * own message (every 4xx of Teller's APIs names its problem).
 * @module
 */
import { SHARE_HEADER } from '../../server/core/dashboard-api/contract.ts';

export class ApiError extends Error {
  /** The request field the server named first (`password: at least…`), or null. */
  readonly field: string | null;

  constructor(
    readonly status: number,
    message: string,
    /** Seconds, from Retry-After (429, 503). */
    readonly retryAfter: number | null = null,
    /** The answer's own `field`, when it names the field apart from its message. */
    field: string | null = null,
  ) {
    const named = field === null ? /^(\w+): (.+)$/s.exec(message) : null;
    // The field's key is for placing the message next to its field, not for the person to read.
    super(named ? named[2]!.charAt(0).toUpperCase() + named[2]!.slice(1) : message);
    this.field = field ?? named?.[1] ?? null;
  }
}

let shareToken: string | null = null;
let unauthorized: () => void = () => {};

/**
 * Called when a request is refused for want of a session or a live link (the session
 * expired, the user was deleted, the link revoked), so the app can ask again what to show.
 * A refused login, first run or link password is an answer for its form, not this.
 */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

const FORM_ROUTES = ['/api/dashboard/login', '/api/dashboard/setup', '/api/dashboard/share/unlock'];

/** In a shared link's view every request carries its token instead of a session. */
export function setShareToken(token: string | null): void {
  shareToken = token;
}

export function sharing(): boolean {
  return shareToken !== null;
}

/** Parses a body as JSON, or null when it is empty or not JSON. */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function headersFor(body: boolean): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (shareToken) headers[SHARE_HEADER] = shareToken;
  if (body) headers['content-type'] = 'application/json';
  return headers;
}

/** The server's error (status, its message, Retry-After); tells the app when access is gone. */
function refusal(path: string, status: number, text: string, retryAfter: number | null, statusText = ''): ApiError {
  const json = parseJson(text);
  const message = json && typeof json === 'object' && 'error' in json ? String((json as { error: unknown }).error) : `${status} ${statusText}`;
  if (status === 401 && !FORM_ROUTES.includes(path)) unauthorized();
  const field = json && typeof json === 'object' && 'field' in json && typeof json.field === 'string' ? json.field : null;
  return new ApiError(status, message, retryAfter !== null && Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null, field);
}

/** Sends one request; answers the body's text, or throws the server's error. */
async function send(method: string, path: string, body?: unknown): Promise<string> {
  const res = await fetch(path, {
    method,
    headers: headersFor(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await res.text();
  if (!res.ok) throw refusal(path, res.status, text, Number(res.headers.get('retry-after')), res.statusText);
  return text;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return parseJson(await send(method, path, body)) as T;
}

/** A text answer (the generated privacy text), with the same errors as api(). */
export const getText = (path: string) => send('GET', path);

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const del = <T>(path: string, body?: unknown) => api<T>('DELETE', path, body);

/** The path of a site's dashboard route, with the domain encoded. */
export const sitePath = (domain: string, rest = '') => `/api/dashboard/sites/${encodeURIComponent(domain)}${rest}`;

import type { StatsQuery, StatsResult } from '../../server/core/dashboard-api/view-queries/stats-query.ts';

export type { StatsQuery, StatsResult };

export const query = (q: StatsQuery) => post<StatsResult>('/api/v2/query', q);

const BATCH = '/api/dashboard/queries';

/**
 * Several Stats API queries in one request (POST /api/dashboard/queries): `each` gets each
 * query's answer, or its own error, as soon as its line of the streamed answer arrives.
 */
export async function queries(qs: StatsQuery[], each: (i: number, answer: StatsResult | ApiError) => void): Promise<void> {
  const res = await fetch(BATCH, { method: 'POST', headers: headersFor(true), body: JSON.stringify({ queries: qs }), credentials: 'same-origin' });
  if (!res.ok) throw refusal(BATCH, res.status, await res.text(), Number(res.headers.get('retry-after')), res.statusText);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    const lines = (rest + value).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const { i, status, body, retry_after } = JSON.parse(line) as { i: number; status: number; body: StatsResult; retry_after?: number };
      each(i, status < 300 ? body : refusal(BATCH, status, JSON.stringify(body), retry_after ?? null));
    }
  }
}
