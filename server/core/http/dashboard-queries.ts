/**
 * POST /api/dashboard/queries: the site view's queries in one request, `{ queries: [...] }`
 * (each a Stats API query body), answered as NDJSON, one line per query as soon as it is
 * answered: `{ "i": <index>, "status": <HTTP status>, "body": <what POST /api/v2/query
 * answers>, "retry_after"?: <s> }`. One request instead of 15 queued on a browser's six
 * connections, and the first panels drawn while the last queries run. Each query is answered
 * exactly as the Stats API would (stats-api.ts hands its `answer` here), counted as one
 * query against the rate limit and the fair share; an error of one is its own line's status.
 * For a dashboard user or a shared link (bearer tokens use the Stats API).
 *
 * With the cookie a site view's page came with (EARLY_COOKIE), a query the server started for
 * that page as it answered it (early-answers.ts) is answered from that start, waiting for it
 * if it still runs; any other query runs here.
 * @module
 */
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { EARLY_COOKIE } from '../dashboard-api/contract.ts';
import type { AppDeps } from './app-deps.ts';
import type { Access, ApiDeps } from './api-auth.ts';
import { readBody } from './body.ts';
import { dashboardAccess, fail } from './dashboard-access.ts';
import type { AnsweredQuery } from './early-answers.ts';
import { errorAnswer } from './error-answer.ts';
import { SharedReads } from './reader-turns.ts';

/** More than any view asks at once (about 15); past the fair share (32) the rest are 429 lines anyway. */
export const MAX_BATCH = 32;
/** MAX_BATCH queries of a few hundred bytes each, with room to spare. */
const MAX_BATCH_BYTES = 256 * 1024;

export type AnswerQuery = (c: Context, access: Access, text: string, shared?: SharedReads) => Promise<Response>;

/** The queries of a batch's body, or why it is not one. */
export function batchQueries(text: string): unknown[] | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'Invalid JSON body.';
  }
  const queries = body !== null && typeof body === 'object' ? (body as { queries?: unknown }).queries : undefined;
  if (!Array.isArray(queries) || queries.length === 0) return 'queries: a list of one or more Stats API queries is required';
  if (queries.length > MAX_BATCH) return `queries: at most ${MAX_BATCH} in one request`;
  return queries;
}

/** What a batch's line says of a query's answer. */
export async function answeredQuery(res: Response): Promise<AnsweredQuery> {
  const retry = res.headers.get('retry-after');
  return { status: res.status, body: await res.text(), retryAfter: retry === null ? null : Number(retry) };
}

/** One NDJSON line of a query's answer. */
function line(i: number, a: AnsweredQuery): string {
  return `{"i":${i},"status":${a.status},"body":${a.body}${a.retryAfter === null ? '' : `,"retry_after":${a.retryAfter}`}}\n`;
}

export function dashboardQueries(deps: ApiDeps & Pick<AppDeps, 'log' | 'earlyAnswers'>, answer: AnswerQuery): Hono {
  const app = new Hono();
  app.post('/api/dashboard/queries', async (c) => {
    const access = await dashboardAccess(deps, c);
    if ('response' in access) return access.response;
    const read = await readBody(c, MAX_BATCH_BYTES);
    if ('tooLarge' in read) return fail(c, 413, 'Query body too large.').response;
    const queries = batchQueries(read.text);
    if (typeof queries === 'string') return fail(c, 400, queries).response;
    const early = getCookie(c, EARLY_COOKIE);
    const holder = earlyHolder(access.ok);
    const encoder = new TextEncoder();
    let lines!: ReadableStreamDefaultController<Uint8Array>;
    // A reader that went away (a page left) takes no more lines; the queries still end.
    let gone = false;
    const stream = new ReadableStream<Uint8Array>({ start: (controller) => void (lines = controller), cancel: () => void (gone = true) });
    // The batch's own response first: each query's answer (c.json) then copies its headers
    // rather than changing the context's, which this response would otherwise share.
    c.res = c.body(stream, 200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    let left = queries.length;
    // The view's queries read the same site settings first: read once for all (reader-turns.ts).
    const shared = new SharedReads();
    const run = (text: string) =>
      answer(c, access.ok, text, shared)
        .catch((e: unknown) => errorAnswer(deps.log, c, e instanceof Error ? e : new Error(String(e))))
        .then(answeredQuery);
    queries.forEach((q, i) => {
      const text = JSON.stringify(q);
      ((early !== undefined && deps.earlyAnswers?.take(early, holder, text)) || run(text))
        .then((a) => line(i, a))
        .then((text) => {
          left -= 1;
          if (gone) return;
          lines.enqueue(encoder.encode(text));
          if (left === 0) lines.close();
        });
    });
    return c.res;
  });
  return app;
}

/** Who a page's started answers belong to: its session (not its user's other sessions), or its shared link. */
export function earlyHolder(access: Exclude<Access, { via: 'token' }>): string {
  return access.via === 'session' ? `session ${access.sessionId}` : `link ${access.link.id}`;
}
