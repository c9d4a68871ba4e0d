/**
 * Site-local time, with Intl only (it runs on Workers too): the collector's local day of an
 * event, and for the query engine UTC offsets, the instants where they change, day numbers
 * and day boundaries. A day is numbered as whole days since 1970-01-01 of local wall-clock
 * time, so SQL can compute the same number from `ts + offset` that JavaScript computes here.
 * @module
 */

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  return f;
}

const lastDay = new Map<string, { minute: number; day: string }>();

/**
 * The site-local calendar day (YYYY-MM-DD) of an instant given in milliseconds. Every
 * zone in use changes date on a whole minute, so one answer per zone and minute is kept:
 * the collector asks for every event.
 */
export function localDay(ms: number, timeZone: string): string {
  const minute = Math.floor(ms / 60_000);
  const hit = lastDay.get(timeZone);
  if (hit?.minute === minute) return hit.day;
  const day = dayFormatter(timeZone).format(ms);
  if (lastDay.size > 1000) lastDay.clear();
  lastDay.set(timeZone, { minute, day });
  return day;
}

/** True when `timeZone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(timeZone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const SECONDS_PER_DAY = 86_400;

const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = wallClockFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClockFormatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC, in seconds, at the instant `sec` (Unix seconds). */
export function offsetAt(timeZone: string, sec: number): number {
  const parts = wallClockFormatter(timeZone).formatToParts(sec * 1000);
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return wall / 1000 - sec;
}

/** The local day number of instant `sec`: whole days of wall-clock time since 1970-01-01. */
export function dayNumberAt(timeZone: string, sec: number): number {
  return Math.floor((sec + offsetAt(timeZone, sec)) / SECONDS_PER_DAY);
}

/** `YYYY-MM-DD` of a day number. */
export function dayString(dayNumber: number): string {
  return new Date(dayNumber * SECONDS_PER_DAY * 1000).toISOString().slice(0, 10);
}

/** Day number of a `YYYY-MM-DD` string (the caller has validated it). */
export function dayNumber(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000 / SECONDS_PER_DAY);
}

/** The day `n` days after `day` (negative n goes back). */
export function addDays(day: string, n: number): string {
  return dayString(dayNumber(day) + n);
}

/** Site-local `YYYY-MM-DD` of instant `sec`. */
export function localDayAt(timeZone: string, sec: number): string {
  return dayString(dayNumberAt(timeZone, sec));
}

/**
 * First instant (Unix seconds) of local day `day`: local midnight, or the first instant
 * after a gap when midnight does not exist that day.
 */
export function dayStart(timeZone: string, day: string): number {
  const n = dayNumber(day);
  const wallMidnight = n * SECONDS_PER_DAY;
  const guess = wallMidnight - offsetAt(timeZone, wallMidnight - offsetAt(timeZone, wallMidnight));
  if (dayNumberAt(timeZone, guess) === n && dayNumberAt(timeZone, guess - 1) < n) return guess;
  // Offsets stay within ±15 hours, so the boundary lies in this window.
  let lo = wallMidnight - 15 * 3600;
  let hi = wallMidnight + 15 * 3600;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (dayNumberAt(timeZone, mid) >= n) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A period of constant offset: it applies to instants before `until` (null: no end). */
export interface OffsetSpan {
  until: number | null;
  offset: number;
}

const yearTransitions = new Map<string, number[]>();

/** Instants in `year` (UTC) where the zone's offset changes, found by daily sampling. */
function transitionsInYear(timeZone: string, year: number): number[] {
  const key = `${timeZone}|${year}`;
  const cached = yearTransitions.get(key);
  if (cached) return cached;
  const found: number[] = [];
  const end = Date.UTC(year + 1, 0, 1) / 1000;
  let t = Date.UTC(year, 0, 1) / 1000;
  let off = offsetAt(timeZone, t);
  while (t < end) {
    const next = Math.min(t + SECONDS_PER_DAY, end);
    const nextOff = offsetAt(timeZone, next);
    if (nextOff !== off) {
      let lo = t;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(timeZone, mid) === off) lo = mid;
        else hi = mid;
      }
      found.push(hi);
      off = nextOff;
    }
    t = next;
  }
  yearTransitions.set(key, found);
  return found;
}

/** The offsets in force over [from, to), as consecutive spans; the last has `until: null`. */
export function offsetSpans(timeZone: string, from: number, to: number): OffsetSpan[] {
  const spans: OffsetSpan[] = [];
  let offset = offsetAt(timeZone, from);
  const firstYear = new Date(from * 1000).getUTCFullYear();
  const lastYear = new Date(Math.max(from, to - 1) * 1000).getUTCFullYear();
  for (let y = firstYear; y <= lastYear; y++) {
    for (const at of transitionsInYear(timeZone, y)) {
      if (at <= from || at >= to) continue;
      spans.push({ until: at, offset });
      offset = offsetAt(timeZone, at);
    }
  }
  spans.push({ until: null, offset });
  return spans;
}

/** Instant `sec` as local ISO 8601 date-time in `timeZone`, suffixed `Z` for Etc/UTC, else `±HH:MM`. */
export function isoDateTime(timeZone: string, sec: number): string {
  const offset = offsetAt(timeZone, sec);
  const wall = new Date((sec + offset) * 1000).toISOString().slice(0, 19);
  if (timeZone === 'Etc/UTC' || timeZone === 'UTC') return `${wall}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  return `${wall}${sign}${hh}:${mm}`;
}
