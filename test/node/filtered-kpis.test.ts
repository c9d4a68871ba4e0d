/**
 * What the KPI row and Top Pages count under an event filter and a page filter, on a small
 * dataset worked out by hand, and the same numbers from each engine: SQLite's raw rows, the
 * rollups, and the columnar copy (DuckDB). The queries are the dashboard's own (queries.ts).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpiQuery, breakdownQuery, conversionBaseQuery, seriesQuery, type QueryBase } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { kpiApiMetrics, withConversionRate } from '../../server/core/dashboard-api/view-queries/kpi-set.ts';
import { PANELS } from '../../server/core/dashboard-api/view-queries/panels.ts';
import type { Filter } from '../../server/core/dashboard-api/view-queries/state.ts';
import type { StatsQuery, StatsResult } from '../../dashboard/lib/api.ts';
import { syncColumnarCopy } from '../../server/core/columnar/sync.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { QueryError } from '../../server/core/query/errors.ts';
import { runQuery, type QueryResponse } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import type { Site } from '../../server/core/sites.ts';
import { openDuckStore, type DuckStore } from '../../server/node/columnar/duckdb-store.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from '../core/query/store.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const NOW = at('2024-03-12T12:00:00Z');
const DAYS: [string, string] = ['2024-03-10', '2024-03-11'];

/*
 * 2024-03-10 (UTC)
 *   A visitor 1: 10:00:00 pageview /, 10:01:40 pageview /blog, 10:03:20 Signup on /blog
 *     → entered on /, 2 pageviews, 200 s, not a bounce
 *   B visitor 2: 11:00 pageview /blog → entered on /blog, a bounce, 0 s
 *   C visitor 3: 12:00 pageview /blog, 12:02 pageview /pricing, 12:03 Signup on /pricing
 *     → entered on /blog, 2 pageviews, 180 s, not a bounce
 * 2024-03-11
 *   D visitor 4: 09:00 pageview /, 09:01 pageview /signup → 60 s
 *   E visitor 5: 10:00 Signup on /signup, no pageview (its page view went untracked)
 *
 * All: 5 visitors, 5 visits, 7 pageviews, 7 ÷ 5 = 1.4 views per visit, 1 bounce in 5 = 20 %,
 *   (200 + 180 + 60) ÷ 5 = 88 s.
 * Page is /blog: visitors A B C = 3, visits 3, pageviews of /blog 3; the visits that entered
 *   on /blog are B and C: bounce rate 1 in 2 = 50 %, duration (0 + 180) ÷ 2 = 90 s.
 * Event is Signup: 3 unique conversions (A, C, E), 3 conversions, 3 ÷ 5 = 60 %.
 * Top pages (page views only): / 2 visitors, /blog 3, /pricing 1, /signup 1 (D; E only sent an event).
 */
let store: TestStore;
let duck: DuckStore;
let site: Site;
let columnarReads = 0;

beforeAll(async () => {
  store = openTestStore();
  duck = await openDuckStore({ path: join(store.dir, 'columns.duckdb'), memoryLimit: '128MB', threads: 1 });
  site = await addSite(store.db, 'example.com');
  const visit = (visitor: number, events: Array<{ ts: number; path: string; name?: string }>) => insertVisitWithEvents(store.db, site.id, { visitor }, events);
  visit(1, [
    { ts: at('2024-03-10T10:00:00Z'), path: '/' },
    { ts: at('2024-03-10T10:01:40Z'), path: '/blog' },
    { ts: at('2024-03-10T10:03:20Z'), path: '/blog', name: 'Signup' },
  ]);
  visit(2, [{ ts: at('2024-03-10T11:00:00Z'), path: '/blog' }]);
  visit(3, [
    { ts: at('2024-03-10T12:00:00Z'), path: '/blog' },
    { ts: at('2024-03-10T12:02:00Z'), path: '/pricing' },
    { ts: at('2024-03-10T12:03:00Z'), path: '/pricing', name: 'Signup' },
  ]);
  visit(4, [
    { ts: at('2024-03-11T09:00:00Z'), path: '/' },
    { ts: at('2024-03-11T09:01:00Z'), path: '/signup' },
  ]);
  visit(5, [{ ts: at('2024-03-11T10:00:00Z'), path: '/signup', name: 'Signup' }]);
  await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 100 });
  while ((await syncColumnarCopy(store.db, duck, 100, NOW)).behind);
});
afterAll(() => {
  duck.close();
  store.close();
});

const columns = () => ({
  coverage: duck.coverage,
  all: async (sql: string, params: readonly (string | number | null)[], sets?: Parameters<typeof duck.all>[2]) => {
    const rows = await duck.all(sql, params, sets);
    columnarReads += 1;
    return rows;
  },
});

/** The answer of every engine; they must all be the same, and that one is returned. */
async function ask(q: StatsQuery): Promise<QueryResponse> {
  const parsed = parseQuery(q as unknown as Record<string, unknown>, site, NOW, null);
  const raw = await runQuery(store.db, parsed, { useRollups: false });
  const before = columnarReads;
  const columnar = await runQuery(store.db, parsed, { useRollups: false, columnar: columns() });
  expect(columnarReads).toBeGreaterThan(before);
  expect(columnar).toEqual(raw);
  expect(await runQuery(store.db, parsed, { useRollups: true })).toEqual(raw);
  expect(await runQuery(store.db, parsed, { useRollups: true, columnar: columns() })).toEqual(raw);
  return raw;
}

const base = (filters: Filter[]): QueryBase => ({ siteId: site.domain, range: DAYS, filters, compare: null });
const PAGE: Filter = { op: 'is', dimension: 'event:page', values: ['/blog'] };
const SIGNUP: Filter = { op: 'is', dimension: 'event:name', values: ['Signup'] };
const figures = (r: QueryResponse, metrics: string[]) => Object.fromEntries(metrics.map((m, i) => [m, r.results[0]?.metrics[i]]));

describe('the KPI row on every engine', () => {
  it('without filters: the six visit figures', async () => {
    const q = kpiQuery(base([]));
    expect(figures(await ask(q), q.metrics)).toEqual({ visitors: 5, visits: 5, pageviews: 7, views_per_visit: 1.4, bounce_rate: 20, visit_duration: 88 });
  });

  it('under a page filter: the pages’ visitors, visits and pageviews; bounce rate and duration of the visits entering there', async () => {
    const q = kpiQuery(base([PAGE]));
    expect(q.metrics).toEqual(['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration']);
    expect(figures(await ask(q), q.metrics)).toEqual({ visitors: 3, visits: 3, pageviews: 3, bounce_rate: 50, visit_duration: 90 });
    // The chart asks for every figure it can draw: views per visit, which the API refuses here, is not among them.
    expect(seriesQuery(base([PAGE]), 'day').metrics).not.toContain('views_per_visit');
    await ask(seriesQuery(base([PAGE]), 'day'));
  });

  it('refuses views per visit under a page filter, as Plausible does', () => {
    const q = { ...kpiQuery(base([PAGE])), metrics: ['visitors', 'views_per_visit'] };
    expect(() => parseQuery(q as unknown as Record<string, unknown>, site, NOW, null)).toThrow(QueryError);
    expect(() => parseQuery(q as unknown as Record<string, unknown>, site, NOW, null)).toThrow('cannot be queried with a filter on `event:page`');
  });

  it('under a custom-event filter: unique and total conversions, and the conversion rate', async () => {
    const q = kpiQuery(base([SIGNUP]));
    expect(q.metrics).toEqual(kpiApiMetrics([SIGNUP]));
    const goal = await ask(q);
    expect(figures(goal, q.metrics)).toEqual({ visitors: 3, events: 3 });
    const all = await ask(conversionBaseQuery(base([SIGNUP])));
    expect(all.results[0]?.metrics).toEqual([5]);
    const combined = withConversionRate(goal as unknown as StatsResult, all as unknown as StatsResult);
    expect(combined.results[0]?.metrics).toEqual([3, 3, 60]);
  });

  it('under a page and a custom-event filter counts the events sent from those pages, and their visitors alike', async () => {
    // A sent Signup from /blog; C viewed /blog but sent Signup from /pricing: not a conversion on /blog.
    const filters = [PAGE, SIGNUP];
    const goal = await ask(kpiQuery(base(filters)));
    const all = await ask(conversionBaseQuery(base(filters)));
    expect(withConversionRate(goal as unknown as StatsResult, all as unknown as StatsResult).results[0]?.metrics).toEqual([1, 1, 33.3]);
    const visits = await ask({ site_id: site.domain, metrics: ['visitors', 'visits', 'events', 'bounce_rate'], date_range: DAYS, filters: [['is', 'event:page', ['/blog']], ['is', 'event:name', ['Signup']]] });
    // Bounce rate: of the visits entering on /blog that sent Signup: C, not a bounce.
    expect(visits.results[0]?.metrics).toEqual([1, 1, 1, 0]);
  });

  it('the conversion rate keeps the other filters and compares in percentage points', async () => {
    // Entered on /blog (B, C) and Signup: C converted, 1 in 2.
    const filters: Filter[] = [{ op: 'is', dimension: 'visit:entry_page', values: ['/blog'] }, SIGNUP];
    const goal = await ask(kpiQuery(base(filters)));
    const all = await ask(conversionBaseQuery(base(filters)));
    expect(withConversionRate(goal as unknown as StatsResult, all as unknown as StatsResult).results[0]?.metrics).toEqual([1, 1, 50]);
    const compared = withConversionRate(
      { results: [{ dimensions: [], metrics: [3, 3], comparison: { metrics: [1, 1], change: [200, 200] } }], meta: {}, query: {} },
      { results: [{ dimensions: [], metrics: [5], comparison: { metrics: [4], change: [25] } }], meta: {}, query: {} },
    );
    expect(compared.results[0]?.comparison).toEqual({ metrics: [1, 1, 25], change: [200, 200, 35] });
  });
});

describe('Top Pages on every engine', () => {
  const top = PANELS.find((p) => p.id === 'pages')!.tabs.find((t) => t.id === 'top')!;

  it('counts the visitors who viewed a page, not those who only sent an event from it', async () => {
    const r = await ask(breakdownQuery(base([]), top, { limit: 10 }));
    expect(r.results.map((x) => [...x.dimensions, ...x.metrics])).toEqual([
      ['/blog', 3, 3],
      ['/', 2, 2],
      ['/pricing', 1, 1],
      ['/signup', 1, 1],
    ]);
    // The API's event:page breakdown counts every event, as Plausible's: E's Signup counts on /signup there.
    const api = await ask({ site_id: site.domain, metrics: ['visitors', 'pageviews'], date_range: DAYS, dimensions: ['event:page'], filters: [['is', 'event:page', ['/signup']]] });
    expect(api.results.map((x) => [...x.dimensions, ...x.metrics])).toEqual([['/signup', 2, 1]]);
  });

  it('under a custom-event filter, lists the pages the events were sent from', async () => {
    const r = await ask(breakdownQuery(base([SIGNUP]), top, { limit: 10 }));
    expect(r.results.map((x) => [...x.dimensions, ...x.metrics])).toEqual([
      ['/blog', 1, 0],
      ['/pricing', 1, 0],
      ['/signup', 1, 0],
    ]);
  });
});
