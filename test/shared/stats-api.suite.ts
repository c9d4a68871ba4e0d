/**
 * A fresh instance bootstrapped with nothing but TELLER_ADMIN_TOKEN, as an operator does
 * on Workers: create sites through the Sites API, send events through the Events API,
 * read them back through the Stats API (Plausible v2) and the realtime count. The same
 * inputs and the same expected answers for every runtime; each adapter's runner calls
 * `describeStatsApi` with a function that starts its server.
 *
 * Events are stamped by the server's own clock (Workers has no other), so date ranges
 * run from the day before the first event to the day of the last one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiTarget, CHROME_MAC, FIREFOX_WINDOWS, GERMANY, NORWAY, NOWHERE, SAFARI_IPHONE, SWEDEN, type StartTarget, type Visitor, sendEvent,
} from './target.ts';

const ADMIN = 'shared-suite-admin-token-0123456789abcdef';
const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface QueryAnswer {
  results: Array<{ metrics: Array<number | null>; dimensions: string[] }>;
  meta: Record<string, unknown>;
  query: Record<string, unknown>;
}

export function describeStatsApi(runtime: string, start: StartTarget): void {
  describe(`Sites and Stats APIs on ${runtime}, bootstrapped by TELLER_ADMIN_TOKEN alone`, () => {
    let target: ApiTarget;
    let range: [string, string];
    let firstDay: string;
    let lastDay: string;

    const api = (method: string, path: string, init: { token?: string | null; json?: unknown; form?: Record<string, string> } = {}) => {
      const token = init.token === undefined ? ADMIN : init.token;
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      let body: string | undefined;
      if (init.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(init.json);
      } else if (init.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(init.form).toString();
      }
      return target.request(path, { method, headers, body });
    };
    const query = async (body: object, token: string | null = ADMIN) => {
      const res = await api('POST', '/api/v2/query', { token, json: { site_id: 'stats.example', date_range: range, ...body } });
      return { status: res.status, body: (await res.json()) as QueryAnswer & { error?: string } };
    };
    const results = async (body: object) => {
      const { status, body: answer } = await query(body);
      expect(status, JSON.stringify(answer)).toBe(200);
      return answer.results;
    };

    beforeAll(async () => {
      target = await start({ adminToken: ADMIN });
    });
    afterAll(() => target?.close());

    it('creates sites through the Sites API with the admin token, and refuses anyone else', async () => {
      const created = await api('POST', '/api/v1/sites', { json: { domain: 'stats.example', timezone: 'Etc/UTC' } });
      expect(created.status).toBe(200);
      expect(await created.json()).toEqual({ domain: 'stats.example', timezone: 'Etc/UTC', location_precision: 'region' });
      const form = await api('POST', '/api/v1/sites', { form: { domain: 'Form.Example', timezone: 'Europe/Oslo' } });
      expect(await form.json()).toEqual({ domain: 'form.example', timezone: 'Europe/Oslo', location_precision: 'region' });
      const again = await api('POST', '/api/v1/sites', { json: { domain: 'stats.example' } });
      expect(again.status).toBe(400);
      expect(((await again.json()) as { error: string }).error).toContain('already exists');
      for (const token of [null, `${ADMIN}x`, 'short']) {
        expect((await api('POST', '/api/v1/sites', { token, json: { domain: 'intruder.example' } })).status).toBe(401);
        expect((await api('GET', '/api/v1/sites', { token })).status).toBe(401);
      }
      const list = await api('GET', '/api/v1/sites');
      expect(await list.json()).toEqual({
        sites: [
          { domain: 'form.example', timezone: 'Europe/Oslo', location_precision: 'region' },
          { domain: 'stats.example', timezone: 'Etc/UTC', location_precision: 'region' },
        ],
        meta: { after: null, before: null, limit: 100 },
      });
    });

    it('takes events for a site created a moment ago', async () => {
      // Cities too, set through the Sites API: the breakdowns below read region and city.
      const precise = await api('PUT', '/api/v1/sites/stats.example', { json: { location_precision: 'city' } });
      expect(precise.status).toBe(200);
      const first = Date.now();
      const send = async (visitor: Visitor, userAgent: string, body: Record<string, unknown>) => {
        const res = await sendEvent(target, { d: 'stats.example', ...body }, visitor, { 'user-agent': userAgent });
        expect(res.status, JSON.stringify(body)).toBe(202);
        expect(res.headers.get('x-plausible-dropped')).toBeNull();
      };
      // Norway: from Google, two pages and a signup.
      await send(NORWAY, FIREFOX_WINDOWS, { n: 'pageview', u: 'https://stats.example/', r: 'https://www.google.com/' });
      await send(NORWAY, FIREFOX_WINDOWS, { n: 'pageview', u: 'https://stats.example/pricing' });
      await send(NORWAY, FIREFOX_WINDOWS, { n: 'Signup', u: 'https://stats.example/pricing', p: { plan: 'pro' } });
      // Sweden: searched Bing for "ullsokker", one page.
      await send(SWEDEN, CHROME_MAC, { n: 'pageview', u: 'https://stats.example/', r: 'https://www.bing.com/search?q=ullsokker' });
      // Germany: a newsletter link on a phone.
      await send(GERMANY, SAFARI_IPHONE, { n: 'pageview', u: 'https://stats.example/blog?utm_source=newsletter&utm_medium=email' });
      // Unknown country: the site's own search box.
      await send(NOWHERE, FIREFOX_WINDOWS, { n: 'pageview', u: 'https://stats.example/search?q=red+socks' });
      const last = Date.now();
      firstDay = utcDay(first);
      lastDay = utcDay(last);
      range = [utcDay(first - DAY_MS), lastDay];
    });

    it('counts visitors, visits, pageviews, views per visit, bounce rate and events', async () => {
      expect(await results({ metrics: ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'events'] })).toEqual([
        { metrics: [4, 4, 5, 1.25, 75, 6], dimensions: [] },
      ]);
      const [row] = await results({ metrics: ['visit_duration'] });
      // Whole seconds between the Norwegian visitor's first and last event, over 4 visits.
      expect(row!.metrics[0]).toBeGreaterThanOrEqual(0);
      expect(row!.metrics[0]).toBeLessThanOrEqual(5);
    });

    it('breaks down by country, with percentages', async () => {
      expect(await results({ metrics: ['visitors', 'percentage'], dimensions: ['visit:country'] })).toEqual([
        { metrics: [1, 25], dimensions: ['(not set)'] },
        { metrics: [1, 25], dimensions: ['DE'] },
        { metrics: [1, 25], dimensions: ['NO'] },
        { metrics: [1, 25], dimensions: ['SE'] },
      ]);
    });

    it('breaks down and filters by region and city, named as geoip-lite and Cloudflare name them', async () => {
      expect(await results({ metrics: ['visitors'], dimensions: ['visit:region', 'visit:region_name'], order_by: [['visit:region', 'asc']] })).toEqual([
        { metrics: [1], dimensions: ['(not set)', '(not set)'] },
        { metrics: [1], dimensions: ['DE-BE', 'Berlin'] },
        { metrics: [1], dimensions: ['NO-03', 'Oslo'] },
        { metrics: [1], dimensions: ['SE-E', 'Östergötlands län'] },
      ]);
      expect(await results({ metrics: ['visitors'], dimensions: ['visit:city_name'], order_by: [['visit:city_name', 'asc']] })).toEqual([
        { metrics: [1], dimensions: ['(not set)'] },
        { metrics: [1], dimensions: ['Berlin'] },
        { metrics: [1], dimensions: ['Mjölby'] },
        { metrics: [1], dimensions: ['Oslo'] },
      ]);
      expect(await results({ metrics: ['pageviews'], filters: [['is', 'visit:region', ['NO-03']]] })).toEqual([{ metrics: [2], dimensions: [] }]);
      expect(await results({ metrics: ['visitors'], filters: [['contains', 'visit:region_name', ['götland']]] })).toEqual([{ metrics: [1], dimensions: [] }]);
    });

    it('breaks down by source, channel, search keyword and UTM tags', async () => {
      expect(await results({ metrics: ['visitors'], dimensions: ['visit:source'], order_by: [['visit:source', 'asc']] })).toEqual([
        { metrics: [1], dimensions: ['Bing'] },
        { metrics: [1], dimensions: ['Direct / None'] },
        { metrics: [1], dimensions: ['Google'] },
        { metrics: [1], dimensions: ['newsletter'] },
      ]);
      expect(await results({ metrics: ['visits'], dimensions: ['visit:channel'], order_by: [['visit:channel', 'asc']] })).toEqual([
        { metrics: [1], dimensions: ['Direct'] },
        { metrics: [1], dimensions: ['Email'] },
        { metrics: [2], dimensions: ['Organic Search'] },
      ]);
      expect(await results({ metrics: ['visitors'], dimensions: ['visit:search_keyword'], filters: [['is_not', 'visit:search_keyword', ['(not set)']]] })).toEqual([
        { metrics: [1], dimensions: ['ullsokker'] },
      ]);
      expect(await results({ metrics: ['visitors'], dimensions: ['visit:utm_source', 'visit:utm_medium'], filters: [['is', 'visit:utm_source', ['newsletter']]] })).toEqual([
        { metrics: [1], dimensions: ['newsletter', 'email'] },
      ]);
    });

    it('breaks down by page, entry page, site search and custom property', async () => {
      expect(await results({ metrics: ['pageviews'], dimensions: ['event:page'], order_by: [['event:page', 'asc']] })).toEqual([
        { metrics: [2], dimensions: ['/'] },
        { metrics: [1], dimensions: ['/blog'] },
        { metrics: [1], dimensions: ['/pricing'] },
        { metrics: [1], dimensions: ['/search'] },
      ]);
      expect(await results({ metrics: ['visits'], dimensions: ['visit:entry_page'], order_by: [['visits', 'desc'], ['visit:entry_page', 'asc']] })).toEqual([
        { metrics: [2], dimensions: ['/'] },
        { metrics: [1], dimensions: ['/blog'] },
        { metrics: [1], dimensions: ['/search'] },
      ]);
      expect(await results({ metrics: ['visitors'], dimensions: ['event:site_search'], filters: [['is_not', 'event:site_search', ['(not set)']]] })).toEqual([
        { metrics: [1], dimensions: ['red socks'] },
      ]);
      expect(await results({ metrics: ['events'], dimensions: ['event:props:plan'], filters: [['is', 'event:name', ['Signup']]] })).toEqual([
        { metrics: [1], dimensions: ['pro'] },
      ]);
    });

    it('breaks down by browser, operating system and device, and filters', async () => {
      expect(await results({ metrics: ['visitors'], dimensions: ['visit:browser', 'visit:os', 'visit:device'], order_by: [['visit:browser', 'asc']] })).toEqual([
        { metrics: [1], dimensions: ['Chrome', 'Mac', 'Desktop'] },
        { metrics: [2], dimensions: ['Firefox', 'Windows', 'Desktop'] },
        { metrics: [1], dimensions: ['Safari', 'iOS', 'Mobile'] },
      ]);
      expect(await results({ metrics: ['pageviews'], dimensions: ['event:page'], filters: [['is', 'visit:country', ['NO']]], order_by: [['event:page', 'asc']] })).toEqual([
        { metrics: [1], dimensions: ['/'] },
        { metrics: [1], dimensions: ['/pricing'] },
      ]);
      expect(await results({ metrics: ['visitors'], filters: [['contains', 'event:page', ['pric']]] })).toEqual([{ metrics: [1], dimensions: [] }]);
      expect(await results({ metrics: ['visitors'], filters: [['not', ['is', 'visit:country', ['NO', 'SE']]]] })).toEqual([{ metrics: [2], dimensions: [] }]);
    });

    it('puts every pageview on the day it happened', async () => {
      const days = await results({ metrics: ['pageviews'], dimensions: ['time:day'] });
      expect(days.reduce((sum, r) => sum + (r.metrics[0] ?? 0), 0)).toBe(5);
      for (const r of days) expect(r.dimensions[0]! >= firstDay && r.dimensions[0]! <= lastDay, JSON.stringify(r)).toBe(true);
    });

    it('counts the realtime visitors as a bare integer', async () => {
      const res = await api('GET', '/api/v1/stats/realtime/visitors?site_id=stats.example');
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('4');
    });

    it('answers 400 naming the problem and 401 with one message for tokens and unknown sites', async () => {
      const bad = await query({ metrics: ['visitorz'] });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toContain('metric');
      const city = await query({ metrics: ['visitors'], dimensions: ['visit:city'] });
      expect(city.status).toBe(400);
      const answers = await Promise.all([
        query({ metrics: ['visitors'] }, null),
        query({ metrics: ['visitors'] }, 'tlr_not-a-token'),
        api('POST', '/api/v2/query', { json: { site_id: 'unknown.example', metrics: ['visitors'], date_range: range } }).then(async (r) => ({ status: r.status, body: await r.json() })),
      ]);
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
      expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    });

    it('refuses a query body over 64 KiB with a 413 the client can read', async () => {
      const res = await api('POST', '/api/v2/query', { json: { site_id: 'stats.example', metrics: ['visitors'], date_range: range, pad: 'x'.repeat(70_000) } });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: 'Query body too large.' });
      expect((await query({ metrics: ['visitors'] })).status).toBe(200);
    });

    it('finds a site however its domain is written, as creating it does', async () => {
      expect((await api('GET', '/api/v1/sites/www.Stats.example')).status).toBe(200);
      const res = await api('POST', '/api/v2/query', { json: { site_id: 'WWW.stats.example', metrics: ['visitors'], date_range: range } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as QueryAnswer).results).toEqual([{ metrics: [4], dimensions: [] }]);
    });

    it('shows a site with the custom properties it has seen, and deletes a site with its data', async () => {
      expect(await (await api('GET', '/api/v1/sites/stats.example')).json()).toEqual({ domain: 'stats.example', timezone: 'Etc/UTC', location_precision: 'city', custom_properties: ['plan'], proxy_secret: false });
      const deleted = await api('DELETE', '/api/v1/sites/stats.example');
      expect(await deleted.json()).toEqual({ deleted: true });
      expect((await api('GET', '/api/v1/sites/stats.example')).status).toBe(404);
      expect((await query({ metrics: ['visitors'] })).status).toBe(401);
      expect(await target.query('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
      expect(await target.query('SELECT count(*) AS n FROM visits')).toEqual([{ n: 0 }]);
    });
  });
}
