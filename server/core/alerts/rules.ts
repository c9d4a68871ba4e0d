/**
 * The alert rules as pure functions of numbers the checker reads (check.ts), so each can be
 * tested alone. Times are Unix seconds; hours of the day are the site's local hours.
 * The rules, as docs/reports.md#alerts states them:
 * - No events: the site's last stored event is at least N hours old, the site is at least
 *   N hours old, and this silence has not been alerted yet. With 7 or more days of history
 *   it must also be unusual: the visits the site usually has in the silent hours (the mean of
 *   each local hour of the day over the 28 days before the silence began, added up over the
 *   silent hours) come to at least 3. At night (22:00–06:59 local) it waits for the morning
 *   unless the site usually has at least one visit in the current hour.
 * - Spike: the visitors of the last whole local hour reach the absolute threshold, or reach
 *   k times the median of the same hour over the past 28 days (7 days of history at least)
 *   and at least 10.
 * - Back: events arrived after a no-events alert went out.
 * - Suppression: at most one alert of each kind per site in any 12 hours.
 * @module
 */
import { offsetAt } from '../time.ts';

export const HOUR = 3600;
export const SUPPRESS_SECONDS = 12 * HOUR;
/** Days of the site's past its usual traffic is read from. */
export const PROFILE_DAYS = 28;
/** Fewer days of history than this: no notion of "usual" yet. */
export const MIN_HISTORY_DAYS = 7;
/** A silence is unusual when the site usually has at least this many visits in its hours. */
export const MIN_EXPECTED_VISITS = 3;
/** Below this many visitors an hour is no spike, however quiet the hour usually is. */
export const MIN_SPIKE_VISITORS = 10;
/** Local hours 22:00–06:59. */
export const NIGHT_FROM = 22;
export const NIGHT_UNTIL = 7;

export type AlertKind = 'no_events' | 'spike' | 'back';

/** May an alert of a kind be raised, the last one of that kind (for the site) being at `lastAt`? */
export function mayRaise(lastAt: number | null, now: number): boolean {
  return lastAt === null || now - lastAt >= SUPPRESS_SECONDS;
}

/** The local hour of the day (0–23) at instant `sec`. */
export function localHour(timeZone: string, sec: number): number {
  const wall = sec + offsetAt(timeZone, sec);
  return Math.floor((((wall % 86_400) + 86_400) % 86_400) / HOUR);
}

export function isNight(hour: number): boolean {
  return hour >= NIGHT_FROM || hour < NIGHT_UNTIL;
}

/** The last whole local hour before `now`: [start, start + 1 h). */
export function lastWholeHour(timeZone: string, now: number): number {
  const wall = now + offsetAt(timeZone, now);
  const intoHour = ((wall % HOUR) + HOUR) % HOUR;
  return now - intoHour - HOUR;
}

/** The same wall-clock hour `days` days before the hour starting at `start` (across DST changes too). */
export function sameHourDaysBefore(timeZone: string, start: number, days: number): number {
  const naive = start - days * 86_400;
  return naive + (offsetAt(timeZone, start) - offsetAt(timeZone, naive));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Mean visits per local hour of the day (24 numbers) from hourly counts over `days` whole
 * days; each bucket is [start, start + 1 h) and counted in the local hour it starts in.
 */
export function hourlyMeans(timeZone: string, buckets: ReadonlyArray<{ start: number; visits: number }>, days: number): number[] {
  const sums = new Array<number>(24).fill(0);
  for (const b of buckets) sums[localHour(timeZone, b.start)]! += b.visits;
  return sums.map((s) => (days > 0 ? s / days : 0));
}

/** The visits usually seen in [from, to): the hourly means added up over its hours (parts of hours in part). */
export function expectedVisits(timeZone: string, means: readonly number[], from: number, to: number): number {
  let total = 0;
  for (let t = from; t < to; ) {
    const wall = t + offsetAt(timeZone, t);
    const next = Math.min(to, t + HOUR - (((wall % HOUR) + HOUR) % HOUR));
    total += (means[localHour(timeZone, t)] ?? 0) * ((next - t) / HOUR);
    t = next;
  }
  return total;
}

export interface NoEventsInput {
  now: number;
  timeZone: string;
  hours: number;
  /** The last stored event, or null when the site never had one. */
  lastEvent: number | null;
  siteCreated: number;
  /** The last event when the previous no-events alert went out (null: none outstanding). */
  silentSince: number | null;
  /** Mean visits per local hour over the days before the silence, or null with under 7 days of history. */
  means: readonly number[] | null;
}

/**
 * `alert`: raise it now; `night`: due, but held until a tick outside the night;
 * `usual`: the site is usually this quiet; `none`: not due.
 */
export type NoEventsDecision = 'alert' | 'night' | 'usual' | 'none';

/** Is the silence long enough to be looked at (before reading the history needed to decide)? */
export function silenceDue(input: Omit<NoEventsInput, 'means'>): boolean {
  const limit = input.hours * HOUR;
  if (input.lastEvent === null || input.silentSince === input.lastEvent) return false;
  return input.now - input.lastEvent >= limit && input.now - input.siteCreated >= limit;
}

export function noEventsDecision(input: NoEventsInput): NoEventsDecision {
  if (!silenceDue(input)) return 'none';
  const { means, timeZone, now } = input;
  if (means !== null && expectedVisits(timeZone, means, input.lastEvent!, now) < MIN_EXPECTED_VISITS) return 'usual';
  const hour = localHour(timeZone, now);
  if (isNight(hour) && (means === null || means[hour]! < 1)) return 'night';
  return 'alert';
}

export interface SpikeRule {
  /** Visitors in an hour at or above which to alert, or null. */
  threshold: number | null;
  /** k: alert at k times the usual visitors of the hour, or null. */
  factor: number | null;
}

/** Why the hour is a spike, or null when it is none. `usual` is null with under 7 days of history. */
export function spikeDecision(rule: SpikeRule, visitors: number, usual: number | null): 'threshold' | 'factor' | null {
  if (rule.threshold !== null && visitors >= rule.threshold) return 'threshold';
  if (rule.factor !== null && usual !== null && visitors >= Math.max(MIN_SPIKE_VISITORS, rule.factor * usual)) return 'factor';
  return null;
}

/** Events arrived after a silence that was alerted. */
export function isBack(silentSince: number | null, lastEvent: number | null): boolean {
  return silentSince !== null && lastEvent !== null && lastEvent > silentSince;
}
