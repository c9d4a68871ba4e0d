/**
 * The query engine against hand-computed fixtures: every metric, dimension and filter
 * operator, time buckets, timezones, comparison and pagination. Each query runs on the
 * raw tables and, once maintenance has rolled the closed days up, on the planner's choice;
 * both must give the numbers worked out here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../../server/core/maintenance.ts';
import { runQuery, type QueryResponse } from '../../../server/core/query/execute.ts';
import { parseQuery } from '../../../server/core/query/parse.ts';
import type { Site } from '../../../server/core/sites.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from './store.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const NOW = at('2024-03-12T12:00:00Z');

let store: TestStore;
let site: Site;
let oslo: Site;

/*
 * 2024-03-10 (UTC)
 *   A visitor 1, Google / Organic Search / keyword "shoes", NO, Chrome, Windows, Desktop
 *     10:00:00 pageview /   10:01:40 pageview /blog   10:03:20 Signup on /blog {plan: pro}
 *     → 2 pageviews, 1 custom event, 200 s, not a bounce
 *   B visitor 2, direct, SE, Firefox, Mobile: 11:00 pageview /blog → bounce, 0 s
 *   C visitor 1, Google, NO, Chrome: 15:00 pageview /, 15:01 pageview /pricing → 60 s
 * 2024-03-11
 *   D visitor 3, Twitter / Organic Social, no country, Safari, Mobile:
 *     09:00 pageview /search with site search "red shoes" → bounce
 *   E visitor 1 (a new day: the same number is another person as far as anyone can tell),
 *     Google, NO, Chrome: 20:00 pageview /pricing → bounce
 */
function seed(s: Site): void {
  const google = { source: 'Google', channel: 'Organic Search', search_engine: 'Google', country: 'NO', browser: 'Chrome', os: 'Windows', device: 'Desktop' };
  insertVisitWithEvents(store.db, s.id, { visitor: 1, ...google, search_keyword: 'shoes', referrer: 'google.com' }, [
    { ts: at('2024-03-10T10:00:00Z'), path: '/' },
    { ts: at('2024-03-10T10:01:40Z'), path: '/blog' },
    { ts: at('2024-03-10T10:03:20Z'), path: '/blog', name: 'Signup', props: { plan: 'pro' } },
  ]);
  insertVisitWithEvents(store.db, s.id, { visitor: 2, channel: 'Direct', country: 'SE', browser: 'Firefox', os: 'Android', device: 'Mobile' }, [
    { ts: at('2024-03-10T11:00:00Z'), path: '/blog' },
  ]);
  insertVisitWithEvents(store.db, s.id, { visitor: 1, ...google, referrer: 'google.com' }, [
    { ts: at('2024-03-10T15:00:00Z'), path: '/' },
    { ts: at('2024-03-10T15:01:00Z'), path: '/pricing' },
  ]);
  insertVisitWithEvents(
    store.db,
    s.id,
    { visitor: 3, source: 'Twitter', channel: 'Organic Social', referrer: 't.co', browser: 'Safari', os: 'iOS', device: 'Mobile' },
    [{ ts: at('2024-03-11T09:00:00Z'), path: '/search', site_search: 'red shoes' }],
  );
  insertVisitWithEvents(store.db, s.id, { visitor: 1, ...google }, [{ ts: at('2024-03-11T20:00:00Z'), path: '/pricing' }]);
}

beforeAll(async () => {
  store = openTestStore();
  site = await addSite(store.db, 'example.com');
  oslo = await addSite(store.db, 'oslo.example', 'Europe/Oslo');
  seed(site);
});
afterAll(() => store.close());

const TWO_DAYS = ['2024-03-10', '2024-03-11'];

/** Runs a query on raw tables and through the planner; both answers must be the same. */
async function query(body: Record<string, unknown>, s: Site = site, now = NOW): Promise<QueryResponse> {
  const parsed = parseQuery({ site_id: s.domain, date_range: TWO_DAYS, ...body }, s, now, null);
  const raw = await runQuery(store.db, parsed, { useRollups: false });
  const planned = await runQuery(store.db, parsed, { useRollups: true });
  expect(planned).toEqual(raw);
  return planned;
}

const rows = (r: QueryResponse) => r.results.map((x) => [...x.dimensions, ...x.metrics]);

/** Every test runs twice: on raw tables only, then again after the closed days are rolled up. */
const stages = ['before rollups', 'after rollups'] as const;

describe.each(stages)('query engine, %s', (stage) => {
  beforeAll(async () => {
    if (stage === 'after rollups') {
      const done = await runMaintenance(store.db, NOW * 1000);
      expect(done.daysRolledUp).toBeGreaterThan(0);
      const state = store.db.raw.prepare('SELECT days_through, months_through FROM rollup_state WHERE site_id = ?').get(site.id);
      // Through yesterday, so the planner reads both fixture days from rollups.
      expect(state).toEqual({ days_through: '2024-03-11', months_through: null });
    }
  });

  it('computes every metric over the period', async () => {
    const r = await query({ metrics: ['visitors', 'visits', 'pageviews', 'events', 'bounce_rate', 'visit_duration', 'views_per_visit'] });
    // visitors: day 1 has visitors {1, 2}, day 2 {3, 1}: 2 + 2, the sum of daily uniques.
    // bounce rate 3 of 5 visits; duration (200 + 0 + 60 + 0 + 0) / 5 = 52; views 7 / 5.
    expect(rows(r)).toEqual([[4, 5, 7, 8, 60, 52, 1.4]]);
  });

  it('answers a period without data with one row of zeros', async () => {
    const r = await query({ metrics: ['visitors', 'pageviews', 'bounce_rate', 'visit_duration'], date_range: ['2024-01-01', '2024-01-31'] });
    expect(rows(r)).toEqual([[0, 0, 0, 0]]);
    expect((await query({ metrics: ['visitors'], dimensions: ['visit:source'], date_range: ['2024-01-01', '2024-01-31'] })).results).toEqual([]);
  });

  it('breaks down by source with percentage, Direct / None for no source', async () => {
    const r = await query({
      metrics: ['visitors', 'visits', 'bounce_rate', 'visit_duration', 'pageviews', 'percentage', 'views_per_visit'],
      dimensions: ['visit:source'],
    });
    expect(rows(r)).toEqual([
      ['Google', 2, 3, 33, 87, 5, 50, 1.67],
      ['Direct / None', 1, 1, 100, 0, 1, 25, 1],
      ['Twitter', 1, 1, 100, 0, 1, 25, 1],
    ]);
  });

  it('breaks down pages by their events, with session metrics of the visits entering on them', async () => {
    const r = await query({ metrics: ['visitors', 'visits', 'pageviews', 'events', 'bounce_rate', 'visit_duration'], dimensions: ['event:page'] });
    expect(rows(r)).toEqual([
      ['/blog', 2, 2, 2, 3, 100, 0],
      ['/pricing', 2, 2, 2, 2, 100, 0],
      ['/', 1, 2, 2, 2, 0, 130],
      ['/search', 1, 1, 1, 1, 100, 0],
    ]);
  });

  it('breaks down by entry and exit page, channel, country name and the other visit dimensions', async () => {
    const one = async (dimension: string) => rows(await query({ metrics: ['visitors', 'visits'], dimensions: [dimension] }));
    expect(await one('visit:entry_page')).toEqual([['/', 1, 2], ['/blog', 1, 1], ['/pricing', 1, 1], ['/search', 1, 1]]);
    expect(await one('visit:exit_page')).toEqual([['/pricing', 2, 2], ['/blog', 2, 2], ['/search', 1, 1]].sort(byVisitorsThenLabel));
    expect(await one('visit:channel')).toEqual([['Organic Search', 2, 3], ['Direct', 1, 1], ['Organic Social', 1, 1]]);
    expect(await one('visit:country')).toEqual([['NO', 2, 3], ['(not set)', 1, 1], ['SE', 1, 1]]);
    expect(await one('visit:country_name')).toEqual([['Norway', 2, 3], ['(not set)', 1, 1], ['Sweden', 1, 1]]);
    expect(await one('visit:browser')).toEqual([['Chrome', 2, 3], ['Firefox', 1, 1], ['Safari', 1, 1]]);
    expect(await one('visit:os')).toEqual([['Windows', 2, 3], ['Android', 1, 1], ['iOS', 1, 1]]);
    expect(await one('visit:device')).toEqual([['Desktop', 2, 3], ['Mobile', 2, 2]]);
    expect(await one('visit:referrer')).toEqual([['google.com', 1, 2], ['Direct / None', 2, 2], ['t.co', 1, 1]].sort(byVisitorsThenLabel));
    expect(await one('visit:search_engine')).toEqual([['(not set)', 2, 2], ['Google', 2, 3]]);
    expect(await one('visit:search_keyword')).toEqual([['(not set)', 4, 4], ['shoes', 1, 1]]);
    expect(await one('visit:utm_source')).toEqual([['(not set)', 4, 5]]);
    expect(await one('visit:browser_version')).toEqual([['(not set)', 4, 5]]);
  });

  it('breaks down by event name, hostname, site search and custom properties', async () => {
    const one = async (dimension: string) => rows(await query({ metrics: ['visitors', 'events'], dimensions: [dimension] }));
    expect(await one('event:name')).toEqual([['pageview', 4, 7], ['Signup', 1, 1]]);
    expect(await one('event:hostname')).toEqual([['example.com', 4, 8]]);
    expect(await one('event:site_search')).toEqual([['(not set)', 3, 7], ['red shoes', 1, 1]]);
    expect(await one('event:props:plan')).toEqual([['(none)', 4, 7], ['pro', 1, 1]]);
  });

  it('filters visits by a visit dimension, and their events with them', async () => {
    const r = await query({ metrics: ['visitors', 'visits', 'pageviews', 'events'], filters: [['is', 'visit:country', ['NO']]] });
    expect(rows(r)).toEqual([[2, 3, 5, 6]]);
  });

  it('filters by an event dimension: visits with such an event, and only those events', async () => {
    const r = await query({ metrics: ['visitors', 'visits', 'pageviews', 'events'], filters: [['is', 'event:page', ['/blog']]] });
    expect(rows(r)).toEqual([[2, 2, 2, 3]]);
    // Of a custom event: its visitors and the events themselves; session metrics are of the visits that had one.
    const signup = await query({ metrics: ['visitors', 'events', 'pageviews', 'bounce_rate', 'views_per_visit'], filters: [['is', 'event:name', ['Signup']]] });
    expect(rows(signup)).toEqual([[1, 1, 0, 0, 2]]);
  });

  it('gives the bounce rate and duration of the visits entering on the pages a page filter names', async () => {
    // A entered on / and read /blog; only B entered on /blog (a bounce): as the /blog row of Top Pages says.
    const r = await query({ metrics: ['visits', 'bounce_rate', 'visit_duration'], filters: [['is', 'event:page', ['/blog']]] });
    expect(rows(r)).toEqual([[2, 100, 0]]);
    const page = await query({ metrics: ['bounce_rate', 'visit_duration'], dimensions: ['event:page'], filters: [['is', 'event:page', ['/blog']]] });
    expect(rows(page)).toEqual([['/blog', 100, 0]]);
    expect(() => parseQuery({ site_id: site.domain, date_range: TWO_DAYS, metrics: ['views_per_visit'], filters: [['contains', 'event:page', ['blog']]] }, site, NOW, null)).toThrow(
      'Metric `views_per_visit` cannot be queried with a filter on `event:page`.',
    );
  });

  it.each([
    [['contains', 'event:page', ['pric']], 2],
    [['contains', 'event:page', ['PRIC'], { case_sensitive: false }], 2],
    [['contains', 'event:page', ['PRIC']], 0],
    [['is', 'visit:browser', ['chrome'], { case_sensitive: false }], 2],
    [['is_not', 'visit:source', ['Direct / None']], 3],
    [['is', 'visit:source', ['Direct / None', 'Twitter']], 2],
    [['contains_not', 'visit:browser', ['fire'], { case_sensitive: false }], 3],
    [['not', ['is', 'visit:country', ['(not set)']]], 3],
    [['is', 'visit:country_name', ['Sweden', 'Norway']], 3],
    [['contains', 'visit:country_name', ['way']], 2],
    [['is', 'visit:country_name', ['(not set)']], 1],
    [['is_not', 'visit:country_name', ['Norway']], 2],
    [['contains_not', 'visit:country_name', ['way']], 2],
    [['or', [['is', 'visit:country', ['SE']], ['is', 'event:page', ['/search']]]], 2],
    [['and', [['is', 'visit:country', ['NO']], ['is', 'event:page', ['/pricing']]]], 2],
    [['is', 'event:props:plan', ['pro']], 1],
    [['is', 'event:props:plan', ['(none)']], 4],
    [['is', 'event:site_search', ['red shoes']], 1],
    [['is', 'visit:search_keyword', ['shoes']], 1],
    [['is', 'event:name', ['Signup']], 1],
    [['is', 'event:hostname', ['example.com']], 4],
    [['is', 'visit:entry_page', ['/']], 1],
    [['is', 'visit:exit_page', ['/blog']], 2],
  ])('filter %j leaves %i visitors', async (filter, visitors) => {
    expect(rows(await query({ metrics: ['visitors'], filters: [filter] }))).toEqual([[visitors]]);
  });

  it('filters a breakdown by its own dimension', async () => {
    const r = await query({ metrics: ['visitors', 'events'], dimensions: ['event:name'], filters: [['is_not', 'event:name', ['pageview']]] });
    expect(rows(r)).toEqual([['Signup', 1, 1]]);
    const s = await query({ metrics: ['visitors'], dimensions: ['visit:source'], filters: [['contains', 'visit:source', ['o']]] });
    expect(rows(s)).toEqual([['Google', 2], ['Direct / None', 1]]);
  });

  it('breaks down one dimension by another under a filter', async () => {
    const r = await query({ metrics: ['visitors'], dimensions: ['visit:source', 'visit:device'], filters: [['is', 'event:name', ['pageview']]] });
    expect(rows(r)).toEqual([
      ['Google', 'Desktop', 2],
      ['Direct / None', 'Mobile', 1],
      ['Twitter', 'Mobile', 1],
    ]);
  });

  it('buckets by day, week and hour in the site timezone', async () => {
    expect(rows(await query({ metrics: ['visitors', 'pageviews'], dimensions: ['time:day'] }))).toEqual([
      ['2024-03-10', 2, 5],
      ['2024-03-11', 2, 2],
    ]);
    const week = await query({ metrics: ['visitors'], dimensions: ['time:week'], date_range: ['2024-03-06', '2024-03-12'], include: { time_labels: true } });
    expect(rows(week)).toEqual([['2024-03-06', 2], ['2024-03-11', 2]]);
    expect(week.meta.time_labels).toEqual(['2024-03-06', '2024-03-11']);
    const hour = await query({ metrics: ['visitors', 'pageviews'], dimensions: ['time'], date_range: ['2024-03-10', '2024-03-10'] });
    expect(hour.query.dimensions).toEqual(['time:hour']);
    expect(rows(hour)).toEqual([
      ['2024-03-10 10:00:00', 1, 2],
      ['2024-03-10 11:00:00', 1, 1],
      ['2024-03-10 15:00:00', 1, 2],
    ]);
    expect(rows(await query({ metrics: ['visits'], dimensions: ['time:month'] }))).toEqual([['2024-03-01', 5]]);
  });

  it('compares with the previous period the way Plausible v2 does', async () => {
    const r = await query({
      metrics: ['visitors', 'bounce_rate', 'visit_duration', 'pageviews'],
      date_range: ['2024-03-11', '2024-03-11'],
      include: { compare: 'previous_period' },
    });
    // 2024-03-11 against 2024-03-10: bounce 100 vs 33 (points); duration 0 vs 87; pageviews 2 vs 5.
    expect(r.results).toEqual([
      { dimensions: [], metrics: [2, 100, 0, 2], comparison: { dimensions: [], metrics: [2, 33, 87, 5], change: [0, 67, -100, -60] } },
    ]);
    expect(r.meta.comparison_date_range).toEqual(['2024-03-10T00:00:00Z', '2024-03-10T23:59:59Z']);
    expect(r.query.include).toEqual({ compare: 'previous_period' });
  });

  it('compares a time series bucket by bucket, filling empty buckets', async () => {
    const r = await query({ metrics: ['visitors'], dimensions: ['time:day'], date_range: ['2024-03-11', '2024-03-12'], include: { compare: 'previous_period' } });
    expect(r.results).toEqual([
      { dimensions: ['2024-03-11'], metrics: [2], comparison: { dimensions: ['2024-03-09'], metrics: [0], change: [100] } },
      { dimensions: ['2024-03-12'], metrics: [0], comparison: { dimensions: ['2024-03-10'], metrics: [2], change: [-100] } },
    ]);
  });

  it('paginates after ordering and counts all rows', async () => {
    const r = await query({ metrics: ['visitors'], dimensions: ['visit:source'], pagination: { limit: 1, offset: 1 }, include: { total_rows: true } });
    expect(rows(r)).toEqual([['Direct / None', 1]]);
    expect(r.meta.total_rows).toBe(3);
    const asc = await query({ metrics: ['visitors'], dimensions: ['visit:source'], order_by: [['visitors', 'asc'], ['visit:source', 'desc']] });
    expect(rows(asc)).toEqual([['Twitter', 1], ['Direct / None', 1], ['Google', 2]]);
  });

  it('echoes the query as resolved', async () => {
    const r = await query({ metrics: ['visitors'], dimensions: ['time'], filters: [['is', 'visit:country', ['NO']]] });
    expect(r.query).toEqual({
      site_id: 'example.com',
      metrics: ['visitors'],
      date_range: ['2024-03-10T00:00:00Z', '2024-03-11T23:59:59Z'],
      filters: [['is', 'visit:country', ['NO']]],
      dimensions: ['time:hour'],
      order_by: [['time:hour', 'asc'], ['visitors', 'desc']],
      include: {},
      pagination: { limit: 10000, offset: 0 },
    });
  });
});

function byVisitorsThenLabel(a: (string | number)[], b: (string | number)[]): number {
  const d = (b[1] as number) - (a[1] as number);
  return d !== 0 ? d : String(a[0]) < String(b[0]) ? -1 : 1;
}

describe('timezones', () => {
  beforeAll(() => {
    // 23:30 UTC on 10 March is 00:30 on 11 March in Oslo (CET).
    insertVisitWithEvents(store.db, oslo.id, { visitor: 7 }, [{ ts: at('2024-03-10T23:30:00Z') }]);
    // 27 October 2024 has 25 hours in Oslo: 02:30 CEST and 02:30 CET are both the 02:00 bucket.
    insertVisitWithEvents(store.db, oslo.id, { visitor: 8 }, [{ ts: at('2024-10-27T00:30:00Z') }]);
    insertVisitWithEvents(store.db, oslo.id, { visitor: 9 }, [{ ts: at('2024-10-27T01:30:00Z') }]);
    // 31 March 2024 has 23 hours: 01:30 UTC is 03:30 CEST.
    insertVisitWithEvents(store.db, oslo.id, { visitor: 10 }, [{ ts: at('2024-03-31T01:30:00Z') }]);
  });

  it('counts a visit on its site-local day', async () => {
    const r = await query({ metrics: ['visitors'], dimensions: ['time:day'], date_range: ['2024-03-10', '2024-03-11'] }, oslo);
    expect(rows(r)).toEqual([['2024-03-11', 1]]);
  });

  it('labels the hours of a 25-hour day by wall clock, the repeated hour once', async () => {
    const r = await query({ metrics: ['visitors'], dimensions: ['time:hour'], date_range: ['2024-10-27', '2024-10-27'], include: { time_labels: true } }, oslo, at('2024-11-01T00:00:00Z'));
    expect(rows(r)).toEqual([['2024-10-27 02:00:00', 2]]);
    expect(r.meta.time_labels).toHaveLength(24);
  });

  it('labels the hours of a 23-hour day by wall clock', async () => {
    const r = await query({ metrics: ['visitors'], dimensions: ['time:hour'], date_range: ['2024-03-31', '2024-03-31'] }, oslo, at('2024-04-02T00:00:00Z'));
    expect(rows(r)).toEqual([['2024-03-31 03:00:00', 1]]);
  });

  it('uses half-hour offsets (Asia/Kolkata)', async () => {
    const kolkata = await addSite(store.db, 'kolkata.example', 'Asia/Kolkata');
    // 18:29:59 UTC is 23:59:59 on the 10th in Kolkata; 18:30 is midnight of the 11th.
    insertVisitWithEvents(store.db, kolkata.id, { visitor: 1 }, [{ ts: at('2024-03-10T18:29:59Z') }]);
    insertVisitWithEvents(store.db, kolkata.id, { visitor: 2 }, [{ ts: at('2024-03-10T18:30:00Z') }]);
    const r = await query({ metrics: ['visitors'], dimensions: ['time:day'], date_range: ['2024-03-10', '2024-03-11'] }, kolkata);
    expect(rows(r)).toEqual([['2024-03-10', 1], ['2024-03-11', 1]]);
    const h = await query({ metrics: ['visitors'], dimensions: ['time:hour'], date_range: ['2024-03-10', '2024-03-11'] }, kolkata);
    expect(rows(h)).toEqual([['2024-03-10 23:00:00', 1], ['2024-03-11 00:00:00', 1]]);
  });
});
