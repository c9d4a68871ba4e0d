/** Which figures the KPI row shows under which filters (the numbers are in test/node/filtered-kpis.test.ts). */
import { describe, expect, it } from 'vitest';
import { chartMetric, chartMetrics, conversionBaseFilters, kpiMode, kpiSet, rate } from '../../server/core/dashboard-api/view-queries/kpi-set.ts';
import type { Filter } from '../../server/core/dashboard-api/view-queries/state.ts';

const f = (dimension: string, values: string[], op: Filter['op'] = 'is'): Filter => ({ op, dimension, values });

describe('the KPI row under filters', () => {
  it('picks the figures by the kind of filter, goal before page before other events', () => {
    expect(kpiMode([])).toBe('visits');
    expect(kpiMode([f('visit:country', ['NO'])])).toBe('visits');
    expect(kpiMode([f('event:name', ['Signup'])])).toBe('goal');
    expect(kpiMode([f('event:name', ['pageview'])])).toBe('event');
    expect(kpiMode([f('event:page', ['/blog'], 'contains'), f('event:name', ['Signup'])])).toBe('goal');
    expect(kpiMode([f('event:page', ['/blog'], 'contains')])).toBe('page');
    expect(kpiMode([f('event:props:plan', ['pro'])])).toBe('event');
    // A goal filter (a page goal too) shows conversions; excluding goals is another event filter.
    expect(kpiMode([f('event:goal', ['Visit /thanks'])])).toBe('goal');
    expect(kpiMode([f('event:goal', ['Signup'], 'is_not')])).toBe('event');
    expect(kpiSet([f('event:name', ['Signup'])]).map((k) => k.metric)).toEqual(['visitors', 'events', 'conversion_rate']);
    expect(kpiSet([f('event:page', ['/'])]).map((k) => [k.metric, k.note])).toEqual([
      ['visitors', null],
      ['visits', null],
      ['pageviews', null],
      ['bounce_rate', 'sv.kpi.note.entered'],
      ['visit_duration', 'sv.kpi.note.entered'],
    ]);
    expect(kpiSet([f('event:hostname', ['a.example'])]).filter((k) => k.note).map((k) => k.metric)).toEqual(['views_per_visit', 'bounce_rate', 'visit_duration']);
  });

  it('keeps the chart to what the row shows and the API answers', () => {
    const page = [f('event:page', ['/'])];
    expect(chartMetrics(page)).not.toContain('views_per_visit');
    expect(chartMetric('views_per_visit', page)).toBe('visitors');
    expect(chartMetric('bounce_rate', page)).toBe('bounce_rate');
    expect(chartMetric('pageviews', [f('event:name', ['Signup'])])).toBe('visitors');
  });

  it('divides by the view without its event-name and property filters, rounding half up to one decimal', () => {
    const filters = [f('visit:country', ['NO']), f('event:name', ['Signup']), f('event:props:plan', ['pro']), f('event:page', ['/'])];
    expect(conversionBaseFilters(filters)).toEqual([filters[0], filters[3]]);
    expect(conversionBaseFilters([f('event:goal', ['Signup']), filters[0]!])).toEqual([filters[0]]);
    expect(rate(1, 3)).toBe(33.3);
    expect(rate(1, 8)).toBe(12.5);
    expect(rate(1, 16)).toBe(6.3);
    expect(rate(0, 0)).toBeNull();
  });
});
