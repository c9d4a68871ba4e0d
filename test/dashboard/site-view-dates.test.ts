import { describe, expect, it } from 'vitest';
import { allowedIntervals, chosenInterval, dateRange, daysBetween, defaultInterval, localDay, localHour, span } from '../../dashboard/site-view/dates.ts';
import { defaultState } from '../../dashboard/site-view/state.ts';

const at = (period: string, extra = {}) => ({ ...defaultState(), period, ...extra }) as ReturnType<typeof defaultState>;

describe('site view dates', () => {
  it('finds the site-local day and hour of an instant', () => {
    const instant = new Date('2026-03-31T22:30:00Z');
    expect(localDay(instant, 'Etc/UTC')).toBe('2026-03-31');
    expect(localDay(instant, 'Europe/Oslo')).toBe('2026-04-01');
    expect(localHour(instant, 'Europe/Oslo')).toBe('2026-04-01 00:00:00');
    expect(localHour(instant, 'Asia/Kolkata')).toBe('2026-04-01 04:00:00');
  });

  it('maps presets to Stats API date ranges, yesterday and last month as explicit days', () => {
    const today = '2026-03-01';
    expect(dateRange(at('day'), today)).toBe('day');
    expect(dateRange(at('yesterday'), today)).toEqual(['2026-02-28', '2026-02-28']);
    expect(dateRange(at('last_month'), today)).toEqual(['2026-02-01', '2026-02-28']);
    expect(dateRange(at('last_month'), '2024-03-15')).toEqual(['2024-02-01', '2024-02-29']);
    expect(dateRange(at('last_month'), '2026-01-10')).toEqual(['2025-12-01', '2025-12-31']);
    for (const p of ['7d', '28d', '30d', '91d', 'month', 'year', '12mo', 'all']) expect(dateRange(at(p), today)).toBe(p);
    expect(dateRange(at('custom', { from: '2026-01-05', to: '2026-01-09' }), today)).toEqual(['2026-01-05', '2026-01-09']);
  });

  it('knows the days each preset covers, as the Stats API defines them', () => {
    const today = '2026-03-15';
    expect(span(at('7d'), today)).toEqual({ from: '2026-03-08', to: '2026-03-14' });
    expect(span(at('28d'), today)).toEqual({ from: '2026-02-15', to: '2026-03-14' });
    expect(span(at('month'), today)).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    expect(span(at('year'), today)).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(span(at('12mo'), today)).toEqual({ from: '2025-03-01', to: '2026-02-28' });
    expect(span(at('all'), today, '2025-06-01')).toEqual({ from: '2025-06-01', to: today });
    expect(daysBetween('2026-02-15', '2026-03-14')).toBe(28);
  });

  it('chooses hours for a day, days up to about three months, months beyond, and only intervals the range allows', () => {
    expect(defaultInterval(1)).toBe('hour');
    expect(defaultInterval(28)).toBe('day');
    expect(defaultInterval(91)).toBe('day');
    expect(defaultInterval(365)).toBe('month');
    expect(allowedIntervals(1)).toEqual(['hour']);
    expect(allowedIntervals(7)).toEqual(['hour', 'day']);
    expect(allowedIntervals(28)).toEqual(['day', 'week']);
    expect(allowedIntervals(365)).toEqual(['day', 'week', 'month']);
    expect(chosenInterval('week', 28)).toBe('week');
    expect(chosenInterval('hour', 365)).toBe('month');
  });
});
