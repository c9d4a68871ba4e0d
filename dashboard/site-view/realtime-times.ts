/**
 * How often the realtime and "Today" views ask again, and the realtime view's window: pure,
 * so the tests read the same numbers the dashboard uses.
 * @module
 */

export const REALTIME_REFRESH_MS = 10_000;
/** Plausible refreshes its "Today" view about this often. */
export const TODAY_REFRESH_MS = 30_000;
export const WINDOW_MINUTES = 30;

const isoSecond = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** The last `minutes` as a Stats API date-time range, ending at `nowMs`. */
export function lastMinutes(nowMs: number, minutes = WINDOW_MINUTES): [string, string] {
  return [isoSecond(nowMs - minutes * 60_000), isoSecond(nowMs)];
}
