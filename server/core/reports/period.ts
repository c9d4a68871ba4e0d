/**
 * Which period a report covers and when it is due: a weekly report on Monday morning in the
 * site's timezone covers the last whole Monday–Sunday week, a monthly one on the 1st covers
 * the last whole month. "Morning" is 06:00 local wall-clock time, so a report is read with
 * the first coffee and the day before is closed in every timezone.
 * @module
 */
import { addDays, dayNumber, localDayAt, offsetAt } from '../time.ts';

export type ReportKind = 'week' | 'month';

export const REPORT_KINDS: readonly ReportKind[] = ['week', 'month'];

/** Local hour at which a period's report becomes due. */
export const DUE_HOUR = 6;

export interface ReportPeriod {
  kind: ReportKind;
  /** First and last local day, inclusive (YYYY-MM-DD). */
  firstDay: string;
  lastDay: string;
  /** When the report is due: DUE_HOUR on the day after `lastDay`, in Unix seconds. */
  dueAt: number;
}

/** The instant of wall-clock `hour`:00 on local `day`, whatever DST did to that day's midnight. */
export function wallClock(timeZone: string, day: string, hour: number): number {
  const wall = dayNumber(day) * 86_400 + hour * 3600;
  return wall - offsetAt(timeZone, wall - offsetAt(timeZone, wall));
}

/** 0 for Monday … 6 for Sunday. */
function weekday(day: string): number {
  // 1970-01-01 was a Thursday (3 days after a Monday).
  return (((dayNumber(day) + 3) % 7) + 7) % 7;
}

function monthFirst(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** The period of `kind` that starts on `firstDay` (a Monday or a 1st). */
export function periodStarting(kind: ReportKind, firstDay: string, timeZone: string): ReportPeriod {
  const next = kind === 'week' ? addDays(firstDay, 7) : monthFirst(addDays(firstDay, 31));
  return { kind, firstDay, lastDay: addDays(next, -1), dueAt: wallClock(timeZone, next, DUE_HOUR) };
}

/** The period before `period`, for the comparison. */
export function previousPeriod(period: ReportPeriod, timeZone: string): ReportPeriod {
  const first = period.kind === 'week' ? addDays(period.firstDay, -7) : monthFirst(addDays(period.firstDay, -1));
  return periodStarting(period.kind, first, timeZone);
}

/**
 * The last whole period of `kind` at `nowSec` (Unix seconds): the week or month that
 * ended before today. Its report may not be due yet (before 06:00 on the Monday or 1st).
 */
export function lastWholePeriod(kind: ReportKind, nowSec: number, timeZone: string): ReportPeriod {
  const today = localDayAt(timeZone, nowSec);
  const start = kind === 'week' ? addDays(today, -weekday(today)) : monthFirst(today);
  const first = kind === 'week' ? addDays(start, -7) : monthFirst(addDays(start, -1));
  return periodStarting(kind, first, timeZone);
}

/**
 * The period whose report is due at `nowSec`: the last whole one once its morning has come,
 * else the one before it. A server down over the due time sends it when it is back; one
 * down for longer than a period sends only the latest.
 */
export function duePeriod(kind: ReportKind, nowSec: number, timeZone: string): ReportPeriod {
  const last = lastWholePeriod(kind, nowSec, timeZone);
  return last.dueAt <= nowSec ? last : previousPeriod(last, timeZone);
}
