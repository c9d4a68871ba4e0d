/** The revenue KPIs' pure parts: when the view filters by a revenue goal, its query, how amounts fit a cell. */
import { describe, expect, it } from 'vitest';
import type { StatsQuery } from '../../dashboard/lib/api.ts';
import { filtersRevenueGoal, revenueFormat, revenueQuery } from '../../dashboard/site-view/revenue-query.ts';

const goals = [
  { kind: 'event', displayName: 'Purchase', currency: 'NOK' },
  { kind: 'event', displayName: 'Signup', currency: null },
  { kind: 'page', displayName: 'Visit /thanks' },
];

describe('revenue KPIs', () => {
  it('come with an `is` goal filter naming an event goal with a currency only', () => {
    expect(filtersRevenueGoal([{ op: 'is', dimension: 'event:goal', values: ['Purchase'] }], goals)).toBe(true);
    expect(filtersRevenueGoal([{ op: 'is', dimension: 'event:goal', values: ['Signup', 'Purchase'] }], goals)).toBe(true);
    expect(filtersRevenueGoal([{ op: 'is', dimension: 'event:goal', values: ['Signup'] }], goals)).toBe(false);
    expect(filtersRevenueGoal([{ op: 'is_not', dimension: 'event:goal', values: ['Purchase'] }], goals)).toBe(false);
    expect(filtersRevenueGoal([{ op: 'is', dimension: 'event:name', values: ['Purchase'] }], goals)).toBe(false);
    expect(filtersRevenueGoal([], goals)).toBe(false);
  });

  it('ask the KPI query’s view for the two revenue metrics', () => {
    const kpi: StatsQuery = { site_id: 'a.example', metrics: ['visitors', 'events'], date_range: ['2026-01-01', '2026-01-28'], filters: [['is', 'event:goal', ['Purchase']]], include: { compare: 'previous_period' } };
    expect(revenueQuery(kpi)).toEqual({ ...kpi, metrics: ['total_revenue', 'average_revenue'] });
  });

  it('print amounts short enough for a phone’s cell', () => {
    const en = (value: number) => new Intl.NumberFormat('en', revenueFormat(value, 'NOK')).format(value);
    expect(en(250)).toMatch(/^NOK\s250\.00$/);
    expect(en(12_345.67)).toMatch(/^NOK\s12,346$/);
    expect(en(1_234_567.89)).toMatch(/^NOK\s1\.2M$/);
    for (const value of [999.99, 99_999, 987_654_321]) expect(en(value).length, String(value)).toBeLessThanOrEqual(11);
  });
});
