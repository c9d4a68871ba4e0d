/**
 * Date arithmetic of the site view, on YYYY-MM-DD strings in the site's timezone: the range
 * presets as Stats API `date_range` values, the days they cover, the previous and next
 * period, the chart intervals a range allows. Pure: "now" is always passed in.
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

/**
 * The Stats API's date_range for the state. "Last N days" and "last 12 months" end today,
 * so today's first visits are in them (the API's own `Nd` and `Nmo` end before today, as
 * Plausible's do): they go as explicit days. Today, this month, this year and all time go
 * by name; yesterday and last month as days.
 */
export function dateRange(state: Pick<ViewState, 'period' | 'from' | 'to'>, today: string): DateRange {
  const days = /^(\d+)d$/.exec(state.period);
  if (days) return [addDays(today, 1 - Number(days[1])), today];
  switch (state.period) {
    case 'yesterday': {
      const y = addDays(today, -1);
      return [y, y];
    }
    case 'last_month': {
      const start = addMonths(today, -1);
      return [start, monthEnd(start)];
    }
    case '12mo':
      return [addMonths(today, -11), today];
    case 'custom':
      return [state.from ?? today, state.to ?? today];
    default:
      return state.period;
  }
}

/**
 * The days a state covers, for annotations, intervals, file names and the range picker.
 * `all` starts at `firstDay` when known (the Stats API echoes it), else on the given fallback.
 */
export function span(state: Pick<ViewState, 'period' | 'from' | 'to'>, today: string, firstDay: string | null = null): { from: string; to: string } {
  const range = dateRange(state, today);
  if (Array.isArray(range)) return { from: range[0], to: range[1] };
  if (range === 'month') return { from: monthStart(today), to: monthEnd(today) };
  if (range === 'year') return { from: `${today.slice(0, 4)}-01-01`, to: `${today.slice(0, 4)}-12-31` };
  if (range === 'all') return { from: firstDay ?? today, to: today };
  return { from: today, to: today };
}

/** Whole calendar months from `from`'s to `to`'s, both included. */
function monthsBetween(from: string, to: string): number {
  const index = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7));
  return index(to) - index(from) + 1;
}

/** How far the arrows move a state: by months for calendar periods, else by its length in days. */
function step(state: Pick<ViewState, 'period' | 'from' | 'to'>, days: { from: string; to: string }): { months: number } | { days: number } | null {
  switch (state.period) {
    case 'all':
      return null;
    case 'month':
    case 'last_month':
      return { months: 1 };
    case 'year':
    case '12mo':
      return { months: 12 };
    case 'custom':
      if (days.from === monthStart(days.from) && days.to === monthEnd(days.to)) return { months: monthsBetween(days.from, days.to) };
  }
  return { days: daysBetween(days.from, days.to) };
}

/** The preset that covers exactly these days (so moving back and forth returns to "Last 28 days"), else a custom range. */
export function periodOfDays(from: string, to: string, today: string): Pick<ViewState, 'period' | 'from' | 'to'> {
  const preset = PRESETS.find((period) => {
    if (period === 'all') return false;
    const days = span({ period, from: null, to: null }, today);
    return days.from === from && days.to === to;
  });
  return preset ? { period: preset, from: null, to: null } : { period: 'custom', from, to };
}

/**
 * The period before (`-1`) or after (`1`) the state's, of the same kind: the day, month or
 * year before, or as many days. Null for all time, and for a period that would start after
 * today; a later period of days ends today at the latest.
 */
export function shiftPeriod<S extends Pick<ViewState, 'period' | 'from' | 'to'>>(state: S, today: string, direction: -1 | 1): S | null {
  const days = span(state, today);
  const by = step(state, days);
  if (!by) return null;
  let next: { from: string; to: string };
  if ('months' in by) {
    const from = addMonths(days.from, direction * by.months);
    next = { from, to: monthEnd(addMonths(from, by.months - 1)) };
  } else {
    next = { from: addDays(days.from, direction * by.days), to: addDays(days.to, direction * by.days) };
    if (next.to > today) next.to = today;
  }
  if (next.from > today) return null;
  return { ...state, ...periodOfDays(next.from, next.to, today) };
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

/** The presets, in the picker's order (all but `custom`); a range of days matches the first that covers it. */
export const PRESETS: Period[] = ['day', 'yesterday', '7d', '28d', '30d', '91d', 'month', 'last_month', 'year', '12mo', 'all'];
