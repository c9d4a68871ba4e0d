import { describe, expect, it } from 'vitest';
import type { StatsResult } from '../../dashboard/lib/api.ts';
import { NOT_PAGEVIEW, PANELS, activeTab, eventPropertyTab } from '../../server/core/dashboard-api/view-queries/panels.ts';
import { ALPHA2_BY_NUMERIC, WORLD, countryCode, naturalEarth, ringsToPath } from '../../dashboard/site-view/projection.ts';
import { breakdownQuery, kpiQuery, notProvidedQueries, seriesQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { bucketOfDay, toSeries } from '../../dashboard/site-view/series.ts';

const base = { siteId: 'example.com', range: '28d', filters: [{ op: 'is' as const, dimension: 'visit:country', values: ['NO'] }], compare: 'previous' as const };
const panel = (id: string) => PANELS.find((p) => p.id === id)!;

describe('site view queries', () => {
  it('asks for the six KPIs and the series with the comparison and every time label', () => {
    expect(kpiQuery(base)).toEqual({
      site_id: 'example.com',
      metrics: ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'],
      date_range: '28d',
      filters: [['is', 'visit:country', ['NO']]],
      include: { compare: 'previous_period' },
    });
    expect(seriesQuery({ ...base, compare: null }, 'day')).toMatchObject({ dimensions: ['time:day'], include: { time_labels: true } });
    expect(seriesQuery(base, null).dimensions).toEqual(['time']);
  });

  it('a breakdown pages, sorts and searches through the Stats API', () => {
    const tab = activeTab(panel('pages'), 'top', []);
    expect(breakdownQuery(base, tab, { limit: 50, offset: 100, search: 'blog', orderBy: ['pageviews', 'asc'] })).toEqual({
      site_id: 'example.com',
      metrics: ['visitors', 'pageviews'],
      date_range: '28d',
      dimensions: ['event:page'],
      // Top pages count page views only (test/node/filtered-kpis.test.ts has the numbers).
      filters: [['is', 'visit:country', ['NO']], ['is', 'event:name', ['pageview']], ['contains', 'event:page', ['blog']]],
      order_by: [['pageviews', 'asc']],
      include: { total_rows: true },
      pagination: { limit: 50, offset: 100 },
    });
    expect(breakdownQuery(base, activeTab(panel('sources'), 'utm_campaign', []), { limit: 9 }).filters).toContainEqual(['is_not', 'visit:utm_campaign', ['(not set)']]);
    expect(breakdownQuery(base, activeTab(panel('words'), 'site_search', []), { limit: 9 }).filters).toContainEqual(['is_not', 'event:site_search', ['(not set)']]);
    expect(breakdownQuery(base, activeTab(panel('events'), undefined, []), { limit: 9 }).filters).toContainEqual([NOT_PAGEVIEW.op, NOT_PAGEVIEW.dimension, NOT_PAGEVIEW.values]);
  });

  it('opens tabs from the URL and drills down from browser and OS to their versions', () => {
    expect(activeTab(panel('sources'), undefined, []).dimension).toBe('visit:channel');
    expect(activeTab(panel('sources'), 'engines', []).dimension).toBe('visit:search_engine');
    expect(activeTab(panel('sources'), 'utm_campaign', [])).toMatchObject({ id: 'utm', dimension: 'visit:utm_campaign' });
    expect(activeTab(panel('sources'), 'nonsense', []).id).toBe('channels');
    expect(activeTab(panel('devices'), 'browser', [{ op: 'is', dimension: 'visit:browser', values: ['Firefox'] }]).dimension).toBe('visit:browser_version');
    expect(activeTab(panel('devices'), 'os', [{ op: 'is', dimension: 'visit:os', values: ['Mac'] }]).dimension).toBe('visit:os_version');
    expect(activeTab(panel('devices'), 'os', [{ op: 'is_not', dimension: 'visit:os', values: ['Mac'] }]).dimension).toBe('visit:os');
    expect(eventPropertyTab('prop:plan', [{ op: 'is', dimension: 'event:name', values: ['Signup'] }])?.dimension).toBe('event:props:plan');
    expect(eventPropertyTab('prop:plan', [])).toBeNull();
  });

  it('the "not provided" share divides keyword-less search-engine visits by all search-engine visits', () => {
    const [all, none] = notProvidedQueries({ ...base, filters: [] });
    expect(all.filters).toEqual([['is_not', 'visit:search_engine', ['(not set)']]]);
    expect(none.filters).toEqual([['is_not', 'visit:search_engine', ['(not set)']], ['is', 'visit:search_keyword', ['(not set)']]]);
  });
});

describe('site view series', () => {
  const result = (rows: StatsResult['results'], labels: string[], dimension = 'time:day'): StatsResult => ({ results: rows, meta: { time_labels: labels }, query: { dimensions: [dimension] } });

  it('fills buckets without a row with zero, leaves future buckets empty and matches the comparison by position', () => {
    const r = result(
      [{ dimensions: ['2026-12-02'], metrics: [5, 1], comparison: { dimensions: ['2026-11-25'], metrics: [2, 0], change: [150, 100] } as never }],
      ['2026-12-01', '2026-12-02', '2026-12-03'],
    );
    const s = toSeries(r, 0, '2026-12-02 10:00:00');
    expect(s).toMatchObject({ interval: 'day', values: [0, 5, null], comparison: [null, 2, null], comparisonLabels: ['', '2026-11-25', ''] });
    expect(toSeries(result([], ['2026-12-01']), 0, '2026-12-09 00:00:00').comparison).toBeNull();
  });

  it('places an annotation in the bucket holding its day', () => {
    expect(bucketOfDay(['2026-11-02', '2026-11-09', '2026-11-16'], '2026-11-10')).toBe(1);
    expect(bucketOfDay(['2026-11-02', '2026-11-03'], '2026-11-01')).toBe(-1);
    expect(bucketOfDay(['2026-11-02 00:00:00', '2026-11-02 01:00:00', '2026-11-03 00:00:00'], '2026-11-03')).toBe(2);
  });
});

describe('site view map projection', () => {
  it('projects the Natural Earth way: origin at the centre, poles flat, x widest at the equator', () => {
    expect(naturalEarth(0, 0)).toEqual([0, -0]);
    expect(naturalEarth(180, 0)[0]).toBeCloseTo(2.7354, 3);
    expect(naturalEarth(0, 90)[1]).toBeCloseTo(-1.4224, 3);
    expect(WORLD.width / WORLD.height).toBeCloseTo(1.92, 1);
  });

  it('breaks a ring where it crosses the antimeridian', () => {
    const path = ringsToPath([[[170, 60], [175, 61], [179, 60], [-179, 61], [-170, 62], [-170, 60], [179, 59], [170, 59]]], 800);
    expect(path.match(/M/g)?.length).toBe(2);
  });

  it('maps world-atlas numeric ids to the Stats API country codes', () => {
    expect(countryCode('578', 'Norway')).toBe('NO');
    expect(countryCode('826', 'United Kingdom')).toBe('GB');
    expect(countryCode('643', 'Russia')).toBe('RU');
    expect(countryCode(undefined, 'Kosovo')).toBe('XK');
    expect(countryCode(undefined, 'Somaliland')).toBeNull();
    expect(ALPHA2_BY_NUMERIC.size).toBe(174);
  });
});
