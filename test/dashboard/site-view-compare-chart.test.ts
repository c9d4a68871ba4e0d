/**
 * The pure parts of issue 19's comparison, chart, drill-down and annotation fixes: how a
 * comparison period is set against the site's first day, the comparison line stopping where
 * the period stops, round duration ticks, the Sources panel's drill-down, and the query flag for "match day of week".
 */
import { describe, expect, it } from 'vitest';
import type { StatsResult } from '../../dashboard/lib/api.ts';
import { comparedRange, coverage, firstDayOf } from '../../dashboard/site-view/comparison.ts';
import { PANELS, activeTab, drillDown } from '../../server/core/dashboard-api/view-queries/panels.ts';
import { kpiQuery, seriesQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { DURATION_STEPS, durationTicks, toSeries } from '../../dashboard/site-view/series.ts';
import type { Filter } from '../../server/core/dashboard-api/view-queries/state.ts';

const answer = (query: Record<string, unknown>, meta: Record<string, unknown> = {}, results: StatsResult['results'] = []): StatsResult => ({ results, meta, query });
const sources = PANELS.find((p) => p.id === 'sources')!;
const is = (dimension: string, value: string): Filter => ({ op: 'is', dimension, values: [value] });

describe('comparison against the first day', () => {
  it('reads the first day from the all-time query and the compared period from meta', () => {
    expect(firstDayOf(answer({ date_range: ['2026-12-03T00:00:00+01:00', '2026-12-05T23:59:59+01:00'] }))).toBe('2026-12-03');
    expect(firstDayOf(answer({ date_range: 'all' }))).toBeNull();
    const r = answer({}, { comparison_date_range: ['2026-12-04T00:00:00Z', '2026-12-04T10:15:00Z'] });
    expect(comparedRange(r)).toEqual(['2026-12-04T00:00:00Z', '2026-12-04T10:15:00Z']);
    expect(comparedRange(answer({}))).toBeNull();
  });

  it('says none when the compared period ends before tracking began, partial when it starts before', () => {
    expect(coverage(['2026-11-01T00:00:00Z', '2026-11-30T23:59:59Z'], '2026-12-03')).toBe('none');
    expect(coverage(['2026-12-02T00:00:00Z', '2026-12-02T10:00:00Z'], '2026-12-03')).toBe('none');
    expect(coverage(['2026-11-20T00:00:00Z', '2026-12-04T23:59:59Z'], '2026-12-03')).toBe('partial');
    expect(coverage(['2026-12-03T00:00:00Z', '2026-12-04T23:59:59Z'], '2026-12-03')).toBe('full');
  });
});

describe('the chart', () => {
  it('stops the comparison line where this period stops', () => {
    const labels = ['2026-12-05 09:00:00', '2026-12-05 10:00:00', '2026-12-05 11:00:00'];
    const r = answer(
      { dimensions: ['time:hour'] },
      { time_labels: labels },
      labels.map((l, i) => ({ dimensions: [l], metrics: [i + 1], comparison: { dimensions: [l.replace('05', '04')], metrics: [10 + i], change: [0] } as never })),
    );
    const s = toSeries(r, 0, '2026-12-05 10:00:00');
    expect(s.values).toEqual([1, 2, null]);
    expect(s.comparison).toEqual([10, 11, null]);
    expect(s.comparisonLabels[0]).toBe('2026-12-04 09:00:00');
  });

  it('puts duration ticks on round steps', () => {
    expect(durationTicks(77, 4)).toEqual([0, 30, 60]);
    expect(durationTicks(82.5, 5)).toEqual([0, 30, 60]);
    expect(durationTicks(150, 4)).toEqual([0, 60, 120]);
    expect(durationTicks(150, 5)).toEqual([0, 30, 60, 90, 120, 150]);
    expect(durationTicks(40, 5)).toEqual([0, 10, 20, 30, 40]);
    expect(durationTicks(1000, 5)).toEqual([0, 300, 600, 900]);
    expect(durationTicks(0, 5)).toEqual([0]);
    for (let max = 1; max < 200_000; max = Math.ceil(max * 1.37)) {
      const ticks = durationTicks(max, 5);
      const step = ticks[1]! - ticks[0]!;
      expect(DURATION_STEPS.includes(step) || step % 86_400 === 0, `max ${max}`).toBe(true);
      expect(ticks.length - 1, `max ${max}`).toBeLessThanOrEqual(5);
      expect(ticks.at(-1)! + step, `max ${max}`).toBeGreaterThan(max);
    }
  });
});

describe('drill-down in Sources', () => {
  it('a click on a channel opens its sources, on a source its referrers', () => {
    expect(drillDown({}, is('visit:channel', 'Organic Search'))).toEqual({ sources: 'sources' });
    expect(drillDown({ sources: 'sources', pages: 'entry' }, is('visit:source', 'Google'))).toEqual({ sources: 'referrers', pages: 'entry' });
    expect(drillDown({ sources: 'channels' }, { op: 'is_not', dimension: 'visit:channel', values: ['Direct'] })).toEqual({ sources: 'channels' });
    expect(drillDown({}, is('visit:country', 'NO'))).toEqual({});
  });

  it('a filtered view with no tab in the URL opens the next level; a tab picked by hand stays', () => {
    expect(activeTab(sources, undefined, [is('visit:channel', 'Referral')]).id).toBe('sources');
    expect(activeTab(sources, undefined, [is('visit:channel', 'Referral'), is('visit:source', 'Hacker News')]).id).toBe('referrers');
    expect(activeTab(sources, 'channels', [is('visit:channel', 'Referral')]).id).toBe('channels');
    expect(activeTab(sources, undefined, []).id).toBe('channels');
  });
});

describe('match day of week', () => {
  it('asks the Stats API for it only with a comparison', () => {
    const base = { siteId: 'example.com', range: '28d', filters: [], compare: 'year' as const, matchWeekday: true };
    expect(kpiQuery(base).include).toEqual({ compare: 'year_over_year', compare_match_day_of_week: true });
    expect(seriesQuery(base, 'day').include).toEqual({ time_labels: true, compare: 'year_over_year', compare_match_day_of_week: true });
    expect(kpiQuery({ ...base, compare: null }).include).toEqual({});
    expect(kpiQuery({ ...base, matchWeekday: false }).include).toEqual({ compare: 'year_over_year' });
  });
});
