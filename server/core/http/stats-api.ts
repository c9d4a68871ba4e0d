/**
 * The Stats API (Plausible v2 compatible): POST /api/v2/query and the realtime count
 * GET /api/v1/stats/realtime/visitors; it also mounts the Sites API. A bearer token, a
 * dashboard session or a shared link may call it (see api-auth.ts). 401 for a credential
 * that may not read the site, 403 for a cross-origin query by cookie, 400 naming the field
 * of an invalid query, never a 5xx for input; 429 past a credential's requests a minute or
 * its queries in flight. Queries take turns by credential (fair-share.ts).
 * @module
 */
import { Hono, type Context } from 'hono';
import type { Db } from '../ports.ts';
import type { AppDeps } from './app-deps.ts';
import { QueryError } from '../query/errors.ts';
import { runQuery } from '../query/execute.ts';
import { importedRange } from '../imports/store.ts';
import { goalsForQuery } from '../goals/goals.ts';
import { parseQuery, readSiteId } from '../query/parse.ts';
import { localDayAt } from '../time.ts';
import { findSite, type Site } from '../sites.ts';
import { createRateLimiter } from '../rate-limit.ts';
import { mayRead } from '../tokens.ts';
import { type Access, badRequest, crossOrigin, requestAccess, unauthorized } from './api-auth.ts';
import { readBody } from './body.ts';
import { credentialKey, inTurn, type ReaderDeps, type SharedReads } from './reader-turns.ts';
import { type AnswerQuery, dashboardQueries } from './dashboard-queries.ts';
import { sitesApi } from './sites-api.ts';

/** Largest query body read; a real query is a few hundred bytes. */
const MAX_QUERY_BYTES = 64 * 1024;
const REALTIME_SECONDS = 5 * 60;

/**
 * The site's first recorded day (from rollups or raw visits), for `date_range: "all"`;
 * with `imports`, the first imported day when that is earlier (as Plausible's).
 */
export async function statsStart(db: Db, site: Site, imports = false): Promise<string | null> {
  const rolled = await db.first<{ day: string | null }>("SELECT min(day) AS day FROM rollup_visits WHERE site_id = ? AND dimension = ''", [site.id]);
  const raw = await db.first<{ t: number | null }>('SELECT min(started_at) AS t FROM visits WHERE site_id = ?', [site.id]);
  const imported = imports ? ((await importedRange(db, site.id))?.firstDay ?? null) : null;
  const days = [rolled?.day ?? null, raw?.t == null ? null : localDayAt(site.timezone, raw.t), imported].filter((d): d is string => d !== null);
  return days.length === 0 ? null : days.sort()[0]!;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new QueryError('body', 'Invalid JSON body.');
  }
}

/** The Stats API's answer to one query, and its rate limit, shared by the routes that answer queries. */
export interface StatsAnswers {
  answer: AnswerQuery;
  tooMany: (c: Context, access: Access) => Response | null;
}

/**
 * One query's answer, as POST /api/v2/query gives it once the credential is known: the
 * dashboard's batch (dashboard-queries.ts) and the site view's page, which starts the
 * view's queries (dashboard-pages.ts), answer each query with it, so each counts as one
 * query against the rate limit and the fair share.
 */
export function statsAnswers(deps: ReaderDeps & Pick<AppDeps, 'log'>): StatsAnswers {
  const limiter = createRateLimiter(deps.config.queryRateLimit);
  /**
   * A 429 when the credential has asked too often this minute, else null. Logged-in
   * dashboard users are not limited: they are the owner and the people they chose.
   */
  const tooMany = (c: Context, access: Access): Response | null => {
    const retryAfter = access.via === 'session' ? null : limiter.take(credentialKey(access), deps.clock());
    if (retryAfter === null) return null;
    return c.json({ error: `Too many requests: at most ${deps.config.queryRateLimit} a minute per API key. Try again in ${retryAfter} s.` }, 429, { 'retry-after': String(retryAfter) });
  };

  const answer = async (c: Context, access: Access, text: string, shared?: SharedReads): Promise<Response> => {
    const limited = tooMany(c, access);
    if (limited) return limited;
    try {
      const body = parseJson(text);
      const site = await findSite(deps.db, readSiteId(body));
      if (!site || !mayRead(access.grant, site.id)) return unauthorized(c);
      const record = body as Record<string, unknown>;
      // Queries may take seconds: on Node they run on the reader thread, off the HTTP thread.
      const result = await inTurn(deps, c, access, async ({ db, columnar }) => {
        const imports = typeof record.include === 'object' && (record.include as Record<string, unknown> | null)?.imports === true;
        const start = record.date_range === 'all' ? await statsStart(db, site, imports) : null;
        const goals = await goalsForQuery(db, site.id, text);
        const query = parseQuery(record, site, Math.floor(deps.clock() / 1000), start, goals);
        return runQuery(db, query, { useRollups: true, columnar });
      }, shared);
      return 'response' in result ? result.response : c.json(result.ok);
    } catch (e) {
      if (e instanceof QueryError) return badRequest(c, e.message);
      throw e;
    }
  };
  return { answer, tooMany };
}

export function statsApi(deps: ReaderDeps & Pick<AppDeps, 'log'>, { answer, tooMany }: StatsAnswers = statsAnswers(deps)): Hono {
  const app = new Hono();

  app.post('/api/v2/query', async (c) => {
    const access = await requestAccess(deps, c);
    if (!access) return unauthorized(c);
    if (!('grant' in access)) return crossOrigin(c);
    const read = await readBody(c, MAX_QUERY_BYTES);
    if ('tooLarge' in read) return tooMany(c, access) ?? c.json({ error: 'Query body too large.' }, 413);
    return answer(c, access, read.text);
  });

  app.get('/api/v1/stats/realtime/visitors', async (c) => {
    const access = await requestAccess(deps, c);
    if (!access || !('grant' in access)) return unauthorized(c);
    const limited = tooMany(c, access);
    if (limited) return limited;
    const grant = access.grant;
    const domain = c.req.query('site_id');
    if (!domain) return badRequest(c, 'Missing site ID. Please provide the required site_id parameter with your request.');
    const site = await findSite(deps.db, domain);
    if (!site || !mayRead(grant, site.id)) return unauthorized(c);
    const since = Math.floor(deps.clock() / 1000) - REALTIME_SECONDS;
    const row = await inTurn(deps, c, access, ({ db }) => db.first<{ n: number }>('SELECT COUNT(DISTINCT visitor) AS n FROM events WHERE site_id = ? AND ts >= ?', [site.id, since]));
    return 'response' in row ? row.response : c.json(row.ok?.n ?? 0);
  });

  app.route('/', sitesApi(deps));
  app.route('/', dashboardQueries(deps, answer));
  return app;
}
