/**
 * `date_range` as Plausible's current query parser defines it, in the site's timezone:
 * `day` is today; `Nd` the N days before today; `month` and `year` the whole current
 * calendar month or year; `Nmo` the N whole months before the current one; `all` from the
 * first recorded day to today; or two ISO dates, or two ISO date-times with offsets. Also
 * the comparison periods of `include.compare`.
 * @module
 */
import { QueryError } from './errors.ts';
import { addDays, dayNumber, dayStart, isoDateTime, localDayAt } from '../time.ts';
import type { Compare, Period } from './types.ts';

const MIN_YEAR = 1971;
const MAX_YEAR = 9998;
/** Longest period accepted: a century of days. */
const MAX_DAYS = 36_525;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

function validCalendarDate(y: number, m: number, d: number): boolean {
  if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** A `YYYY-MM-DD` calendar date in the supported years, or null. */
export function parseIsoDate(text: string): string | null {
  const m = DATE.exec(text);
  if (!m) return null;
  return validCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) ? text : null;
}

/** An ISO 8601 date-time with an explicit offset, as Unix seconds (fractions dropped), or null. */
export function parseIsoDateTime(text: string): number | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (!validCalendarDate(y!, mo!, d!) || h! > 23 || mi! > 59 || s! > 59) return null;
  const zone = m[7]!;
  let offset = 0;
  if (zone !== 'Z') {
    const digits = zone.replace(':', '');
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return null;
    offset = (zone.startsWith('-') ? -1 : 1) * (oh * 3600 + om * 60);
  }
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) / 1000 - offset;
}

function monthStart(day: string, monthsBack: number): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - monthsBack;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

function monthEnd(day: string): string {
  return addDays(monthStart(day, -1), -1);
}

/** The period of whole local days `firstDay`..`lastDay`. */
export function periodOfDays(timeZone: string, firstDay: string, lastDay: string): Period {
  if (dayNumber(lastDay) - dayNumber(firstDay) + 1 > MAX_DAYS) {
    throw new QueryError('date_range', 'Invalid date_range: a period may span at most 100 years.');
  }
  return { firstDay, lastDay, start: dayStart(timeZone, firstDay), end: dayStart(timeZone, addDays(lastDay, 1)) };
}

/**
 * The first and last day of a `date_range` shortcut when today is `today`, or null when
 * `input` is none.
 */
export function shortcutDays(input: string, today: string, statsStart: string | null): [string, string] | null {
  switch (input) {
    case 'day':
      return [today, today];
    case 'month':
      return [monthStart(today, 0), monthEnd(today)];
    case 'year':
      return [`${today.slice(0, 4)}-01-01`, `${today.slice(0, 4)}-12-31`];
    case 'all':
      return [statsStart !== null && statsStart < today ? statsStart : today, today];
  }
  const days = /^([1-9]\d{0,3})d$/.exec(input);
  if (days && Number(days[1]) <= 5000) return [addDays(today, -Number(days[1])), addDays(today, -1)];
  const months = /^([1-9]\d{0,2})mo$/.exec(input);
  if (months && Number(months[1]) <= 100) return [monthStart(today, Number(months[1])), addDays(monthStart(today, 0), -1)];
  return null;
}

function invalid(input: unknown): QueryError {
  return new QueryError('date_range', `Invalid date_range ${JSON.stringify(input)}.`);
}

/**
 * Resolves `date_range` for a site. `statsStart` is the site's first recorded day, used
 * by `all`.
 */
export function resolveDateRange(input: unknown, timeZone: string, now: number, statsStart: string | null): Period {
  if (typeof input === 'string') {
    const days = shortcutDays(input, localDayAt(timeZone, now), statsStart);
    if (!days) throw invalid(input);
    return periodOfDays(timeZone, days[0], days[1]);
  }
  if (!Array.isArray(input) || input.length !== 2 || typeof input[0] !== 'string' || typeof input[1] !== 'string') {
    throw invalid(input);
  }
  const [from, to] = input as [string, string];
  const firstDay = parseIsoDate(from);
  const lastDay = parseIsoDate(to);
  if (firstDay && lastDay) {
    if (firstDay > lastDay) throw new QueryError('date_range', `Invalid date_range ${JSON.stringify(input)}: it ends before it starts.`);
    return periodOfDays(timeZone, firstDay, lastDay);
  }
  const start = parseIsoDateTime(from);
  const last = parseIsoDateTime(to);
  if (start === null || last === null) throw invalid(input);
  if (start > last) throw new QueryError('date_range', `Invalid date_range ${JSON.stringify(input)}: it ends before it starts.`);
  const period = { firstDay: localDayAt(timeZone, start), lastDay: localDayAt(timeZone, last), start, end: last + 1 };
  if (dayNumber(period.lastDay) - dayNumber(period.firstDay) + 1 > MAX_DAYS) {
    throw new QueryError('date_range', 'Invalid date_range: a period may span at most 100 years.');
  }
  return period;
}

/** `query.date_range` as Plausible echoes it: first and last second in the site's timezone. */
export function periodEcho(timeZone: string, period: Period): [string, string] {
  return [isoDateTime(timeZone, period.start), isoDateTime(timeZone, period.end - 1)];
}

function weekday(day: string): number {
  return ((dayNumber(day) + 3) % 7 + 7) % 7;
}

/**
 * Moves a comparison period to start on the weekday the main period starts on: to the
 * nearest such day, never onto the main period's first day (Plausible's match_day_of_week).
 */
function matchWeekday(first: string, last: string, mainFirst: string): [string, string] {
  const want = weekday(mainFirst);
  if (weekday(first) === want) return [first, last];
  const forward = (want - weekday(first) + 7) % 7;
  const candidates = [forward, forward - 7].filter((shift) => addDays(first, shift) !== mainFirst);
  candidates.sort((a, b) => Math.abs(a) - Math.abs(b));
  const shift = candidates[0] ?? 0;
  return [addDays(first, shift), addDays(last, shift)];
}

/**
 * The period to compare with: the previous period of equal length, the same days a year
 * before, or custom dates. Like Plausible, a period reaching past today is compared up to
 * today only, and up to the same time of day: today's first hours meet yesterday's first
 * hours, not its whole day (Plausible does this for "today"; here every running period).
 */
export function comparisonPeriod(
  compare: Compare,
  main: Period,
  timeZone: string,
  now: number,
  matchDayOfWeek: boolean,
): Period {
  if (compare.mode === 'custom') return periodOfDays(timeZone, compare.first, compare.last);
  const today = localDayAt(timeZone, now);
  const last = main.lastDay < today ? main.lastDay : today < main.firstDay ? main.firstDay : today;
  const shift = compare.mode === 'previous_period' ? dayNumber(last) - dayNumber(main.firstDay) + 1 : 365;
  let days: [string, string] = [addDays(main.firstDay, -shift), addDays(last, -shift)];
  if (matchDayOfWeek) days = matchWeekday(days[0], days[1], main.firstDay);
  const period = periodOfDays(timeZone, days[0], days[1]);
  if (last !== today || main.end <= now) return period;
  const elapsed = Math.floor(now) - dayStart(timeZone, today);
  return { ...period, end: Math.min(period.end, dayStart(timeZone, days[1]) + elapsed + 1) };
}
