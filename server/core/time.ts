/**
 * Calendar arithmetic in a site's IANA timezone, with Intl only (it runs on Workers too).
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

/** The calendar day before `day` (YYYY-MM-DD). */
export function previousDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
