/**
 * Date arithmetic of the site view, on YYYY-MM-DD strings in the site's timezone: the range
 * presets as Stats API `date_range` values, the days they cover, the chart intervals a
 * range allows. Pure: "now" is always passed in.
 * @module
 */
import type { Compare, Interval, Period, ViewState } from './state.ts';

/** The site-local calendar day of an instant. */
export function localDay(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The site-local wall-clock hour of an instant, as the API labels hour buckets (`2026-12-01 14:00:00`). */
export function localHour(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, hour: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  return `${localDay(now, timeZone)} ${parts.find((p) => p.type === 'hour')?.value ?? '00'}:00:00`;
}

const toDate = (day: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
};
const toDay = (date: Date) => date.toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  const date = toDate(day);
  date.setUTCDate(date.getUTCDate() + n);
  return toDay(date);
}

/** Whole days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  return Math.round((toDate(to).getTime() - toDate(from).getTime()) / 86_400_000) + 1;
}

export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function monthEnd(day: string): string {
  const date = toDate(monthStart(day));
  date.setUTCMonth(date.getUTCMonth() + 1, 0);
  return toDay(date);
}

export function addMonths(day: string, n: number): string {
  const date = toDate(monthStart(day));
  date.setUTCMonth(date.getUTCMonth() + n);
  return toDay(date);
}

export type DateRange = string | [string, string];

/** The Stats API's date_range for the state: presets by name, yesterday and last month as days. */
export function dateRange(state: Pick<ViewState, 'period' | 'from' | 'to'>, today: string): DateRange {
  switch (state.period) {
    case 'yesterday': {
      const y = addDays(today, -1);
      return [y, y];
    }
    case 'last_month': {
      const start = addMonths(today, -1);
      return [start, monthEnd(start)];
    }
    case 'custom':
      return [state.from ?? today, state.to ?? today];
    default:
      return state.period;
  }
}

/**
 * The days a state covers, for annotations, intervals and file names. `all` starts at
 * `firstDay` when known (the Stats API echoes it), else on the given fallback.
 */
export function span(state: Pick<ViewState, 'period' | 'from' | 'to'>, today: string, firstDay: string | null = null): { from: string; to: string } {
  const range = dateRange(state, today);
  if (Array.isArray(range)) return { from: range[0], to: range[1] };
  const n = /^(\d+)d$/.exec(range);
  if (n) return { from: addDays(today, -Number(n[1])), to: addDays(today, -1) };
  const mo = /^(\d+)mo$/.exec(range);
  if (mo) {
    const start = addMonths(today, -Number(mo[1]));
    return { from: start, to: addDays(monthStart(today), -1) };
  }
  if (range === 'month') return { from: monthStart(today), to: monthEnd(today) };
  if (range === 'year') return { from: `${today.slice(0, 4)}-01-01`, to: `${today.slice(0, 4)}-12-31` };
  if (range === 'all') return { from: firstDay ?? today, to: today };
  return { from: today, to: today };
}

/** Intervals that make a readable chart for a range of `days` days. */
export function allowedIntervals(days: number): Interval[] {
  const list: Interval[] = [];
  if (days <= 7) list.push('hour');
  if (days >= 2 && days <= 1000) list.push('day');
  if (days >= 14) list.push('week');
  if (days >= 60) list.push('month');
  return list.length ? list : ['day'];
}

/** Hours for a day or two, days up to about three months, months beyond. */
export function defaultInterval(days: number): Interval {
  if (days <= 2) return 'hour';
  if (days <= 92) return 'day';
  return 'month';
}

export function chosenInterval(requested: Interval | null, days: number): Interval {
  const allowed = allowedIntervals(days);
  return requested && allowed.includes(requested) ? requested : defaultInterval(days);
}

export function apiCompare(compare: Compare | null): 'previous_period' | 'year_over_year' | undefined {
  if (compare === 'previous') return 'previous_period';
  if (compare === 'year') return 'year_over_year';
  return undefined;
}

/** Which presets need no custom dates (all but `custom`). */
export const PRESETS: Period[] = ['day', 'yesterday', '7d', '28d', '30d', '91d', 'month', 'last_month', 'year', '12mo', 'all'];
