/**
 * How queries honour a purge: the part of a period before the purge boundary holds no data
 * any more, so it is cut off before planning. Reads then never touch rows a purge in
 * progress has not reached yet, and no raw read before the boundary is refused for
 * retention: there is nothing there to miss.
 * @module
 */
import type { Period } from '../query/types.ts';
import { dayStart } from '../time.ts';

/** `period` without its days before `purgedBefore`; null when nothing of it is left. */
export function periodAfterPurge(period: Period, timeZone: string, purgedBefore: string | null): Period | null {
  if (purgedBefore === null || period.firstDay >= purgedBefore) return period;
  const start = dayStart(timeZone, purgedBefore);
  if (start >= period.end || purgedBefore > period.lastDay) return null;
  return { ...period, firstDay: purgedBefore, start: Math.max(start, period.start) };
}

/** True when part of `period` lies before the purge boundary. */
export function reachesPurged(period: Period, purgedBefore: string | null): boolean {
  return purgedBefore !== null && period.firstDay < purgedBefore;
}
