/**
 * POST /api/dashboard/queries, the site view's queries in one request answered line by line
 * (NDJSON), the same on every runtime: each line is exactly what POST /api/v2/query answers
 * for that query (over the view's own queries, built by the dashboard's modules, for several
 * ranges, filters and comparisons), one query's error is its own line, and who may ask is who
 * may ask the Stats API from the dashboard: a user by session, a shared link for its site.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsQuery } from '../../dashboard/lib/api.ts';
import { PANELS } from '../../server/core/dashboard-api/view-queries/panels.ts';
import { breakdownQuery, conversionBaseQuery, everQuery, goalsQuery, kpiQuery, notProvidedQueries, type QueryBase, seriesQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { sessionCookieOf, sessionCookieName } from './dashboard-api.suite.ts';
import { type ApiTarget, GERMANY, NORWAY, type StartTarget, SWEDEN, sendEvent } from './target.ts';

const ADMIN_TOKEN = 'suite-admin-token-0123456789abcdefghij';
const OWNER = { email: 'owner@teller.example', password: 'correct horse battery' };
const VIEWER = { email: 'client@teller.example', password: 'viewer password 1' };
const SITE = 'batch.example';
const OTHER = 'other.example';

/** One NDJSON line of a batch's answer. */
export interface Line {
  i: number;
  status: number;
  body: unknown;
  retry_after?: number;
}

/** Every query the site view sends for one state (index.ts, panel.ts, kpis.ts, panel-parts.ts). */
export function viewQueries(base: QueryBase): StatsQuery[] {
  return [
    kpiQuery(base),
    conversionBaseQuery(base),
    seriesQuery(base, 'day'),
    everQuery(base.siteId, true),
    goalsQuery(base),
    ...notProvidedQueries(base),
    ...PANELS.map((panel) => breakdownQuery(base, panel.tabs[0]!, { limit: 10 })),
  ];
}

export function describeDashboardQueries(runtime: string, start: StartTarget): void {
  describe(`Dashboard query batch on ${runtime}`, () => {
    let target: ApiTarget;
    let owner: string;
    let viewer: string;
    let share: string;

    const headersOf = (who: { cookie?: string; share?: string; headers?: Record<string, string> }) => {
      const headers: Record<string, string> = { origin: target.origin, 'content-type': 'application/json', ...who.headers };
      if (who.cookie) headers.cookie = `${sessionCookieName(target.origin)}=${who.cookie}`;
      if (who.share) headers['x-teller-share'] = who.share;
      return headers;
    };
    const single = async (who: { cookie?: string; share?: string }, q: unknown) => {
      const res = await target.request('/api/v2/query', { method: 'POST', headers: headersOf(who), body: JSON.stringify(q) });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const batch = (who: { cookie?: string; share?: string; headers?: Record<string, string> }, body: unknown) =>
      target.request('/api/dashboard/queries', { method: 'POST', headers: headersOf(who), body: typeof body === 'string' ? body : JSON.stringify(body) });
    /** The batch's lines, in the order of the queries (each index once). */
    const lines = async (who: { cookie?: string; share?: string }, queries: unknown[]): Promise<Line[]> => {
      const res = await batch(who, { queries });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const text = await res.text();
      expect(text.endsWith('\n')).toBe(true);
      const parsed = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Line);
      expect(parsed.map((l) => l.i).sort((a, b) => a - b)).toEqual(queries.map((_, i) => i));
      return parsed.sort((a, b) => a.i - b.i);
    };
    /** Each line against the Stats API's own answer to its query, by the same credential. */
    const expectSameAsSingle = async (who: { cookie?: string; share?: string }, queries: unknown[]) => {
      const answered = await lines(who, queries);
      for (const [i, q] of queries.entries()) {
        const alone = await single(who, q);
        expect({ status: answered[i]!.status, body: answered[i]!.body }, JSON.stringify(q)).toEqual(alone);
      }
      return answered;
    };

    beforeAll(async () => {
      target = await start({ adminToken: ADMIN_TOKEN });
      await target.addSite(SITE);
      await target.addSite(OTHER);
      const page = (path: string, extra: Record<string, unknown> = {}) => ({ n: 'pageview', u: `https://${SITE}${path}`, d: SITE, ...extra });
      for (const [body, who] of [
        [page('/'), NORWAY],
        [page('/pricing', { r: 'https://www.google.com/' }), SWEDEN],
        [page('/blog/one', { r: 'https://news.example/' }), GERMANY],
        [{ n: 'Signup', u: `https://${SITE}/pricing`, d: SITE }, SWEDEN],
        [{ n: 'pageview', u: `https://${OTHER}/`, d: OTHER }, NORWAY],
      ] as const) {
        expect((await sendEvent(target, body, who)).status).toBe(202);
      }
      const code = await target.request('/api/v1/setup-code', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const setup = await target.request('/api/dashboard/setup', {
        method: 'POST',
        headers: { origin: target.origin, 'content-type': 'application/json' },
        body: JSON.stringify({ ...OWNER, password2: OWNER.password, code: ((await code.json()) as { code: string }).code }),
      });
      expect(setup.status).toBe(200);
      owner = sessionCookieOf(setup.headers)!;
      const post = (path: string, json: unknown, cookie?: string) => target.request(path, { method: 'POST', headers: headersOf({ cookie }), body: JSON.stringify(json) });
      expect((await post('/api/dashboard/users', { ...VIEWER, role: 'viewer', sites: [SITE] }, owner)).status).toBe(200);
      viewer = sessionCookieOf((await post('/api/dashboard/login', VIEWER)).headers)!;
      const link = (await (await post(`/api/dashboard/sites/${SITE}/shared-links`, { name: 'Board' }, owner)).json()) as { link: { url: string } };
      share = link.link.url.slice(link.link.url.lastIndexOf('/') + 1);
    });
    afterAll(() => target?.close());

    it('answers each of the view\'s queries exactly as the Stats API does, over ranges, filters and comparisons', async () => {
      const ranges: QueryBase['range'][] = ['day', '7d', '12mo', ['2020-01-01', '2030-12-31']];
      const filters: QueryBase['filters'][] = [
        [],
        [{ op: 'is', dimension: 'visit:country', values: ['SE'] }],
        [{ op: 'contains', dimension: 'event:page', values: ['pric'] }, { op: 'is_not', dimension: 'visit:country', values: ['DE'] }],
      ];
      let n = 0;
      for (const range of ranges) {
        for (const [f, fs] of filters.entries()) {
          // A comparison of a range that reaches today ends at the server's "now", a second apart
          // between two asks: compared on ranges of whole past days only.
          const past = range === '7d' || range === '12mo';
          const base: QueryBase = { siteId: SITE, range, filters: fs, compare: f === 1 && past ? 'previous' : null, imports: f === 2 };
          const answered = await expectSameAsSingle({ cookie: owner }, viewQueries(base));
          n += answered.filter((l) => l.status === 200).length;
        }
      }
      // Not a suite of errors compared with errors: the view's queries are answered.
      expect(n).toBe(ranges.length * filters.length * viewQueries({ siteId: SITE, range: 'day', filters: [], compare: null }).length);
      // And the numbers are the data's: three visitors on the site in all.
      const [ever] = await lines({ cookie: owner }, [everQuery(SITE), everQuery(OTHER)]);
      expect((ever!.body as { results: Array<{ metrics: number[] }> }).results[0]!.metrics).toEqual([3]);
    });

    it('answers one query\'s error on its own line and the others all the same', async () => {
      const good = kpiQuery({ siteId: SITE, range: '7d', filters: [], compare: null });
      const queries = [good, { ...good, metrics: ['bogus'] }, { ...good, site_id: 'missing.example' }, 'not a query', { ...good, date_range: 'someday' }, good];
      const answered = await expectSameAsSingle({ cookie: owner }, queries);
      expect(answered.map((l) => l.status)).toEqual([200, 400, 401, 400, 400, 200]);
      expect((answered[1]!.body as { error: string }).error).toMatch(/bogus/);
    });

    it('lets a viewer read their sites and a shared link its site, each ungranted site a 401 line as the Stats API answers', async () => {
      const mine = kpiQuery({ siteId: SITE, range: '12mo', filters: [], compare: null });
      const theirs = { ...mine, site_id: OTHER };
      for (const who of [{ cookie: viewer }, { share }]) {
        const answered = await expectSameAsSingle(who, [mine, theirs, seriesQuery({ siteId: SITE, range: '7d', filters: [], compare: null }, 'day')]);
        expect(answered.map((l) => l.status)).toEqual([200, 401, 200]);
      }
      // The owner reads both.
      expect((await lines({ cookie: owner }, [mine, theirs])).map((l) => l.status)).toEqual([200, 200]);
    });

    it('goes on answering after a reader leaves a batch half read', async () => {
      const left = new AbortController();
      const queries = viewQueries({ siteId: SITE, range: '12mo', filters: [], compare: 'previous' });
      const res = await target.request('/api/dashboard/queries', { method: 'POST', headers: headersOf({ cookie: owner }), body: JSON.stringify({ queries }), signal: left.signal });
      expect(res.status).toBe(200);
      left.abort();
      // The queries still running end without writing to the closed answer; the next batch is whole.
      expect((await lines({ cookie: owner }, queries)).every((l) => l.status === 200)).toBe(true);
    });

    it('refuses a request without a dashboard credential (401), by cookie from another origin (403), and a body that is no batch (400, 413)', async () => {
      const queries = [everQuery(SITE)];
      const none = await batch({}, { queries });
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({ error: 'not logged in' });
      expect((await batch({ cookie: 'not-a-session' }, { queries })).status).toBe(401);
      expect((await batch({ share: 'not-a-link-0123456789abcdefghijklmnopqrstuv' }, { queries })).status).toBe(401);
      // Bearer tokens read through the Stats API itself.
      expect((await batch({ headers: { authorization: 'Bearer tlr_wrong' } }, { queries })).status).toBe(401);
      const foreign = await batch({ cookie: owner, headers: { origin: 'https://evil.example' } }, { queries });
      expect(foreign.status).toBe(403);
      const foreignSingle = await target.request('/api/v2/query', { method: 'POST', headers: headersOf({ cookie: owner, headers: { origin: 'https://evil.example' } }), body: JSON.stringify(queries[0]) });
      expect(await foreign.json()).toEqual(await foreignSingle.json());
      const refused = async (body: unknown, status: number, message: RegExp) => {
        const res = await batch({ cookie: owner }, body);
        expect(res.status, JSON.stringify(body)).toBe(status);
        expect(((await res.json()) as { error: string }).error).toMatch(message);
      };
      await refused('{', 400, /Invalid JSON/);
      await refused({}, 400, /^queries: /);
      await refused({ queries: [] }, 400, /^queries: /);
      await refused({ queries: everQuery(SITE) }, 400, /^queries: /);
      await refused({ queries: Array.from({ length: 33 }, () => everQuery(SITE)) }, 400, /at most 32/);
      await refused({ queries: [{ ...everQuery(SITE), filler: 'x'.repeat(300_000) }] }, 413, /too large/);
    });
  });
}
