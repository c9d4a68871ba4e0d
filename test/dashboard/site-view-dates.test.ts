import { describe, expect, it } from 'vitest';
import { allowedIntervals, chosenInterval, dateRange, daysBetween, defaultInterval, localDay, localHour, periodOfDays, shiftPeriod, span } from '../../server/core/dashboard-api/view-queries/dates.ts';
import { defaultState } from '../../server/core/dashboard-api/view-queries/state.ts';

const at = (period: string, extra = {}) => ({ ...defaultState(), period, ...extra }) as ReturnType<typeof defaultState>;

describe('site view dates', () => {
  it('finds the site-local day and hour of an instant', () => {
    const instant = new Date('2026-03-31T22:30:00Z');
    expect(localDay(instant, 'Etc/UTC')).toBe('2026-03-31');
    expect(localDay(instant, 'Europe/Oslo')).toBe('2026-04-01');
    expect(localHour(instant, 'Europe/Oslo')).toBe('2026-04-01 00:00:00');
    expect(localHour(instant, 'Asia/Kolkata')).toBe('2026-04-01 04:00:00');
  });

  it('maps presets to Stats API date ranges: the last days and months end today, yesterday and last month as explicit days', () => {
    const today = '2026-03-01';
    expect(dateRange(at('day'), today)).toBe('day');
    expect(dateRange(at('yesterday'), today)).toEqual(['2026-02-28', '2026-02-28']);
    expect(dateRange(at('last_month'), today)).toEqual(['2026-02-01', '2026-02-28']);
    expect(dateRange(at('last_month'), '2024-03-15')).toEqual(['2024-02-01', '2024-02-29']);
    expect(dateRange(at('last_month'), '2026-01-10')).toEqual(['2025-12-01', '2025-12-31']);
    for (const p of ['day', 'month', 'year', 'all']) expect(dateRange(at(p), today)).toBe(p);
    expect(dateRange(at('7d'), today)).toEqual(['2026-02-23', '2026-03-01']);
    expect(dateRange(at('28d'), today)).toEqual(['2026-02-02', '2026-03-01']);
    expect(dateRange(at('30d'), today)).toEqual(['2026-01-31', '2026-03-01']);
    expect(dateRange(at('91d'), today)).toEqual(['2025-12-01', '2026-03-01']);
    expect(dateRange(at('12mo'), today)).toEqual(['2025-04-01', '2026-03-01']);
    expect(dateRange(at('custom', { from: '2026-01-05', to: '2026-01-09' }), today)).toEqual(['2026-01-05', '2026-01-09']);
  });

  it('knows the days each preset covers', () => {
    const today = '2026-03-15';
    expect(span(at('day'), today)).toEqual({ from: today, to: today });
    expect(span(at('7d'), today)).toEqual({ from: '2026-03-09', to: today });
    expect(span(at('28d'), today)).toEqual({ from: '2026-02-16', to: today });
    expect(span(at('month'), today)).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    expect(span(at('year'), today)).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(span(at('12mo'), today)).toEqual({ from: '2025-04-01', to: today });
    expect(span(at('all'), today, '2025-06-01')).toEqual({ from: '2025-06-01', to: today });
    expect(daysBetween('2026-02-15', '2026-03-14')).toBe(28);
  });

  it('moves to the previous and next period of the same kind, never past today, and names a preset again when it comes back to one', () => {
    const today = '2026-03-15';
    const move = (state: ReturnType<typeof at>, direction: -1 | 1) => {
      const next = shiftPeriod(state, today, direction);
      return next && { period: next.period, from: next.from, to: next.to };
    };
    expect(move(at('day'), -1)).toEqual({ period: 'yesterday', from: null, to: null });
    expect(move(at('yesterday'), -1)).toEqual({ period: 'custom', from: '2026-03-13', to: '2026-03-13' });
    expect(move(at('yesterday'), 1)).toEqual({ period: 'day', from: null, to: null });
    expect(move(at('day'), 1)).toBeNull();
    expect(move(at('28d'), -1)).toEqual({ period: 'custom', from: '2026-01-19', to: '2026-02-15' });
    expect(move(at('custom', { from: '2026-01-19', to: '2026-02-15' }), 1)).toEqual({ period: '28d', from: null, to: null });
    expect(move(at('28d'), 1)).toBeNull();
    expect(move(at('month'), -1)).toEqual({ period: 'last_month', from: null, to: null });
    expect(move(at('last_month'), -1)).toEqual({ period: 'custom', from: '2026-01-01', to: '2026-01-31' });
    expect(move(at('custom', { from: '2026-01-01', to: '2026-01-31' }), 1)).toEqual({ period: 'last_month', from: null, to: null });
    expect(move(at('last_month'), 1)).toEqual({ period: 'month', from: null, to: null });
    expect(move(at('month'), 1)).toBeNull();
    expect(move(at('year'), -1)).toEqual({ period: 'custom', from: '2025-01-01', to: '2025-12-31' });
    expect(move(at('12mo'), -1)).toEqual({ period: 'custom', from: '2024-04-01', to: '2025-03-31' });
    // A later stretch of days stops at today.
    expect(move(at('custom', { from: '2026-03-09', to: '2026-03-13' }), 1)).toEqual({ period: 'custom', from: '2026-03-14', to: today });
    expect(move(at('all'), -1)).toBeNull();
    expect(periodOfDays(today, today, today)).toEqual({ period: 'day', from: null, to: null });
    // Filters, comparison and tabs stay.
    expect(shiftPeriod(at('day', { compare: 'previous', tabs: { sources: 'referrers' } }), today, -1)).toMatchObject({ compare: 'previous', tabs: { sources: 'referrers' } });
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
