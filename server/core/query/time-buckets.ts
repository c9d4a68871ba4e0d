/**
 * Time dimensions: which bucket `time` means for a period, the SQL that labels a row's
 * bucket, and the full list of labels (`include.time_labels`), all as Plausible has them:
 * hours `YYYY-MM-DD HH:00:00` in local wall-clock time, days `YYYY-MM-DD`, weeks starting on
 * Monday (the first one clipped to the period's first day), months `YYYY-MM-01`.
 * @module
 */
import type { SqlValue } from '../ports.ts';
import { addDays, dayNumber, dayString } from '../time.ts';
import type { Period, TimeDimension } from './types.ts';

/** The bucket `time` resolves to, by the length of the period (Plausible's thresholds). */
export function resolveTime(period: Period): TimeDimension {
  const seconds = period.end - 1 - period.start;
  if (Math.floor(seconds / 3600) <= 48) return 'time:hour';
  if (Math.floor(seconds / 86_400) <= 40) return 'time:day';
  if (Math.floor(seconds / (7 * 86_400)) <= 52) return 'time:week';
  return 'time:month';
}

export interface BucketSql {
  sql: string;
  params: SqlValue[];
}

/** SQL labelling the bucket of a `YYYY-MM-DD` day column (rollups; never hourly). */
export function bucketOfDay(time: Exclude<TimeDimension, 'time:hour'>, day: string, firstDay: string): BucketSql {
  switch (time) {
    case 'time:day':
      return { sql: day, params: [] };
    case 'time:week':
      return { sql: `max(date(${day}, '-6 days', 'weekday 1'), ?)`, params: [firstDay] };
    case 'time:month':
      return { sql: `substr(${day}, 1, 7) || '-01'`, params: [] };
  }
}

/** The Monday on or before `day`. */
export function weekStart(day: string): string {
  const n = dayNumber(day);
  // 1970-01-01 was a Thursday: (n + 3) mod 7 counts days since Monday.
  return dayString(n - (((n + 3) % 7) + 7) % 7);
}

/** Every bucket label of `time` over local days `firstDay`..`lastDay`, in order. */
export function timeLabels(time: TimeDimension, firstDay: string, lastDay: string): string[] {
  const labels: string[] = [];
  switch (time) {
    case 'time:hour':
      for (let d = firstDay; d <= lastDay; d = addDays(d, 1)) {
        for (let h = 0; h < 24; h++) labels.push(`${d} ${String(h).padStart(2, '0')}:00:00`);
      }
      return labels;
    case 'time:day':
      for (let d = firstDay; d <= lastDay; d = addDays(d, 1)) labels.push(d);
      return labels;
    case 'time:week':
      labels.push(firstDay);
      for (let d = addDays(weekStart(firstDay), 7); d <= lastDay; d = addDays(d, 7)) labels.push(d);
      return labels;
    case 'time:month': {
      let [y, m] = firstDay.split('-').map(Number) as [number, number];
      const last = lastDay.slice(0, 7);
      for (;;) {
        const label = `${y}-${String(m).padStart(2, '0')}`;
        if (label > last) return labels;
        labels.push(`${label}-01`);
        m += 1;
        if (m > 12) {
          m = 1;
          y += 1;
        }
      }
    }
  }
}
