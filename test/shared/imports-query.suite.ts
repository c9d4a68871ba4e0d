/**
 * `include.imports` over HTTP, the same on every runtime (SQLite on Node, D1 in workerd):
 * imported rows seeded in the tables, one own pageview sent today; the Stats API merges
 * them where it can and says why where it cannot, and the dashboard lists the imports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookieName, sessionCookieOf } from './dashboard-api.suite.ts';
import { importedVisit, importStatements } from './imported-rows.ts';
import { type ApiTarget, NORWAY, type StartTarget, sendEvent } from './target.ts';

const ADMIN_TOKEN = 'imports-suite-admin-token-0123456789abcdef';
const OWNER = { email: 'owner@imports.example', password: 'correct horse battery' };
const DOMAIN = 'imports.example';

const visit = (day: string, page: string, source: string, pageviews: number) => importedVisit(day, page, DOMAIN, { source, referrer: '', pageviews, duration: 10 });
const IMPORTED = [visit('2024-03-01', '/', 'Google', 1), visit('2024-03-01', '/blog', '', 2), visit('2024-03-02', '/', 'Google', 1)];

type Answer = { results: Array<{ dimensions: string[]; metrics: number[]; comparison?: { metrics: number[] } }>; meta: Record<string, unknown> };

export function describeImportsQuery(runtime: string, start: StartTarget): void {
  describe(`Stats API with include.imports on ${runtime}`, () => {
    let target: ApiTarget;
    let cookie: string;

    const query = async (body: Record<string, unknown>): Promise<Answer> => {
      const res = await target.request('/api/v2/query', {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ site_id: DOMAIN, ...body }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Answer;
    };

    beforeAll(async () => {
      target = await start({ adminToken: ADMIN_TOKEN });
      const siteId = await target.addSite(DOMAIN);
      for (const s of importStatements(siteId, 1, IMPORTED)) await target.execute(s.sql, [...s.params]);
      expect((await sendEvent(target, { n: 'pageview', u: `https://${DOMAIN}/`, d: DOMAIN }, NORWAY)).status).toBe(202);
      const setupCode = ((await target.request('/api/v1/setup-code', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.json())) as { code: string }).code;
      const setup = await target.request('/api/dashboard/setup', {
        method: 'POST',
        headers: { origin: target.origin, 'content-type': 'application/json' },
        body: JSON.stringify({ ...OWNER, password2: OWNER.password, code: setupCode }),
      });
      expect(setup.status).toBe(200);
      cookie = sessionCookieOf(setup.headers)!;
    });
    afterAll(() => target?.close());

    it('merges imported days with own ones over all time, which starts at the first imported day', async () => {
      const merged = await query({ metrics: ['visitors', 'pageviews'], date_range: 'all', include: { imports: true } });
      expect(merged.results).toEqual([{ dimensions: [], metrics: [4, 5] }]);
      expect(merged.meta).toMatchObject({ imports_included: true });
      const own = await query({ metrics: ['visitors', 'pageviews'], date_range: 'all' });
      expect(own.results).toEqual([{ dimensions: [], metrics: [1, 1] }]);
      expect(own.meta).not.toHaveProperty('imports_included');
    });

    it('merges breakdowns, time series and comparisons over imported days', async () => {
      const range = ['2024-03-01', '2024-03-31'];
      const sources = await query({ metrics: ['visitors'], date_range: range, dimensions: ['visit:source'], include: { imports: true } });
      expect(sources.results).toEqual([
        { dimensions: ['Google'], metrics: [2] },
        { dimensions: ['Direct / None'], metrics: [1] },
      ]);
      // Channels and search engines as the store fills them at import time (the Channels and Search engines tabs).
      const channels = await query({ metrics: ['visitors'], date_range: range, dimensions: ['visit:channel'], include: { imports: true } });
      expect(channels).toMatchObject({ results: [{ dimensions: ['Organic Search'], metrics: [2] }, { dimensions: ['Direct'], metrics: [1] }], meta: { imports_included: true } });
      const engines = await query({ metrics: ['visitors'], date_range: range, dimensions: ['visit:search_engine'], filters: [['is_not', 'visit:search_engine', ['(not set)']]], include: { imports: true } });
      expect(engines).toMatchObject({ results: [{ dimensions: ['Google'], metrics: [2] }], meta: { imports_included: true } });
      const pages = await query({ metrics: ['visitors', 'pageviews'], date_range: range, dimensions: ['event:page'], filters: [['is', 'event:name', ['pageview']]], include: { imports: true } });
      expect(pages.results).toEqual([
        { dimensions: ['/'], metrics: [2, 2] },
        { dimensions: ['/blog'], metrics: [1, 2] },
      ]);
      const days = await query({ metrics: ['visitors'], date_range: ['2024-03-01', '2024-03-02'], dimensions: ['time:day'], include: { imports: true } });
      expect(days.results).toEqual([
        { dimensions: ['2024-03-01'], metrics: [2] },
        { dimensions: ['2024-03-02'], metrics: [1] },
      ]);
      const compared = await query({ metrics: ['visitors'], date_range: ['2024-03-02', '2024-03-02'], include: { imports: true, compare: 'previous_period' } });
      expect(compared.results[0]!.metrics).toEqual([1]);
      expect(compared.results[0]!.comparison!.metrics).toEqual([2]);
    });

    it('answers from own data alone where imports cannot answer, with the reason', async () => {
      const hourly = await query({ metrics: ['visitors'], date_range: ['2024-03-01', '2024-03-01'], dimensions: ['time:hour'], include: { imports: true } });
      expect(hourly.meta).toMatchObject({ imports_included: false, imports_skip_reason: 'unsupported_interval' });
      expect(hourly.results).toEqual([]);
      const twoTables = await query({ metrics: ['visitors'], date_range: ['2024-03-01', '2024-03-31'], dimensions: ['visit:source'], filters: [['is', 'visit:device', ['Desktop']]], include: { imports: true } });
      expect(twoTables.meta).toMatchObject({ imports_included: false, imports_skip_reason: 'unsupported_query' });
      expect(twoTables.results).toEqual([]);
      const today = await query({ metrics: ['visitors'], date_range: 'day', include: { imports: true } });
      expect(today.meta).toMatchObject({ imports_included: false, imports_skip_reason: 'out_of_range' });
      expect(today.results).toEqual([{ dimensions: [], metrics: [1] }]);
    });

    it('lists the complete imports for the dashboard, to those who may read the site', async () => {
      const path = `/api/dashboard/sites/${DOMAIN}/imported`;
      expect((await target.request(path)).status).toBe(401);
      const res = await target.request(path, { headers: { cookie: `${sessionCookieName(target.origin)}=${cookie}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ imports: [{ kind: 'plausible', first_day: '2024-03-01', last_day: '2024-03-02' }] });
    });
  });
}
