/**
 * The query planner: which stretches of a period are read from rollups (whole closed days
 * already rolled up, and whole rolled-up months where the buckets allow), which from the
 * columnar copy of closed days (Node, where a rollup cannot answer: filters, hours, two
 * dimensions, properties) and which from the raw tables (the open day and the rest).
 * Stretches are cut at day boundaries only, so no day's visitors are counted in two.
 * It also refuses a raw read that would reach before the site's retention window.
 * @module
 */
import type { ColumnarCoverage } from '../ports.ts';
import type { DimensionSpec } from './dimensions.ts';
import { QueryError } from './errors.ts';
import type { Key } from './sums.ts';
import { addDays, dayStart, localDayAt } from '../time.ts';
import type { Period } from './types.ts';

/** A stretch read from rollups: days, months (YYYY-MM) or one ready preset range. */
export type RolledSegment = { kind: 'days' | 'months' | 'range'; first: string; last: string };

/**
 * A stretch [start, end) in Unix seconds read row by row: SQLite's raw tables, or the columnar
 * copy. A columnar stretch's `varying` holds its days on which some visitor hash had two
 * values of a column, with those columns (first-flags.ts); null when it does not start and
 * end at midnight, so its first-of-day flags cannot be summed.
 */
export type RowSegment =
  | { kind: 'raw'; start: number; end: number }
  | { kind: 'columnar'; start: number; end: number; varying: Readonly<Record<string, readonly string[]>> | null };

export type Segment = RowSegment | RolledSegment;

export interface RollupCoverage {
  /** Last day whose day rollups are complete. */
  daysThrough: string;
  /** Last month (YYYY-MM) whose month rollups are complete. */
  monthsThrough: string | null;
  /** Preset ranges that are ready, as `first|last` days. */
  ranges: ReadonlySet<string>;
  /**
   * First day the rows read are held from, when not the first rolled up (Top Pages' rows on
   * a database rolled up before them). Months and ranges of whole days from it on hold them.
   */
  from?: string;
}

/** How coarse the rollups read may be for these keys. */
export interface Granularity {
  /** Month rows can stand in for their days. */
  months: boolean;
  /** A preset range can stand in for its days: no time buckets at all. */
  ranges: boolean;
}

/** True when rollups hold the answer for these keys: one rolled-up dimension at most, no hours. */
export function rollupsCanServe(keys: Key[]): boolean {
  const specs = keys.filter((k): k is { spec: DimensionSpec } => 'spec' in k);
  const hourly = keys.some((k) => 'time' in k && k.time === 'time:hour');
  return !hourly && specs.length <= 1 && specs.every((k) => k.spec.rolledUp);
}

/** Month rows serve buckets no finer than a month; preset ranges serve no buckets at all. */
export function granularityFor(keys: Key[]): Granularity {
  return { months: keys.every((k) => !('time' in k) || k.time === 'time:month'), ranges: keys.every((k) => !('time' in k)) };
}

function monthEndDay(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

function nextMonth(month: string): string {
  return addDays(monthEndDay(month), 1).slice(0, 7);
}

/**
 * Splits whole rolled-up days first..last into a ready preset range, or month segments
 * where allowed and day segments elsewhere.
 */
export function rolledSegments(first: string, last: string, coverage: RollupCoverage, granularity: Granularity): RolledSegment[] {
  if (granularity.ranges && coverage.ranges.has(`${first}|${last}`)) return [{ kind: 'range', first, last }];
  if (!granularity.months || coverage.monthsThrough === null) return [{ kind: 'days', first, last }];
  let firstMonth = first.slice(0, 7);
  if (!first.endsWith('-01')) firstMonth = nextMonth(firstMonth);
  let lastMonth = last.slice(0, 7);
  if (last !== monthEndDay(lastMonth)) lastMonth = addDays(`${lastMonth}-01`, -1).slice(0, 7);
  if (lastMonth > coverage.monthsThrough) lastMonth = coverage.monthsThrough;
  if (firstMonth > lastMonth) return [{ kind: 'days', first, last }];
  const segments: RolledSegment[] = [];
  const monthsFirstDay = `${firstMonth}-01`;
  const monthsLastDay = monthEndDay(lastMonth);
  if (first < monthsFirstDay) segments.push({ kind: 'days', first, last: addDays(monthsFirstDay, -1) });
  segments.push({ kind: 'months', first: firstMonth, last: lastMonth });
  if (monthsLastDay < last) segments.push({ kind: 'days', first: addDays(monthsLastDay, 1), last });
  return segments;
}

/**
 * Splits `period` into the stretches to read. Without coverage (or when rollups cannot
 * serve the query) it is one raw stretch; days before the coverage's `from` are raw too.
 */
export function planSegments(period: Period, timeZone: string, coverage: RollupCoverage | null, granularity: Granularity): Segment[] {
  if (!coverage) return [{ kind: 'raw', start: period.start, end: period.end }];
  // Whole days of the period: a date-time period may start or end inside a day.
  const whole = period.start === dayStart(timeZone, period.firstDay) ? period.firstDay : addDays(period.firstDay, 1);
  const firstWhole = coverage.from !== undefined && coverage.from > whole ? coverage.from : whole;
  const lastWhole = period.end === dayStart(timeZone, addDays(period.lastDay, 1)) ? period.lastDay : addDays(period.lastDay, -1);
  const lastRolled = lastWhole < coverage.daysThrough ? lastWhole : coverage.daysThrough;
  if (firstWhole > lastRolled) return [{ kind: 'raw', start: period.start, end: period.end }];
  const segments: Segment[] = [];
  const rolledStart = dayStart(timeZone, firstWhole);
  const rolledEnd = dayStart(timeZone, addDays(lastRolled, 1));
  if (period.start < rolledStart) segments.push({ kind: 'raw', start: period.start, end: rolledStart });
  segments.push(...rolledSegments(firstWhole, lastRolled, coverage, granularity));
  if (rolledEnd < period.end) segments.push({ kind: 'raw', start: rolledEnd, end: period.end });
  return segments;
}

function varyingWithin(coverage: ColumnarCoverage, timeZone: string, start: number, end: number): Record<string, readonly string[]> | null {
  const first = localDayAt(timeZone, start);
  const after = localDayAt(timeZone, end);
  if (dayStart(timeZone, first) !== start || dayStart(timeZone, after) !== end) return null;
  return Object.fromEntries(Object.entries(coverage.varying).filter(([day]) => day >= first && day < after));
}

/**
 * Hands the parts of raw stretches that fall on days the columnar copy holds to it; what
 * lies outside its days (today, days not copied yet) stays raw.
 */
export function routeCopiedDaysToColumnar(segments: Segment[], timeZone: string, coverage: ColumnarCoverage | null): Segment[] {
  if (!coverage) return segments;
  const copiedStart = dayStart(timeZone, coverage.first);
  const copiedEnd = dayStart(timeZone, addDays(coverage.through, 1));
  return segments.flatMap((s): Segment[] => {
    if (s.kind !== 'raw') return [s];
    const start = Math.max(s.start, copiedStart);
    const end = Math.min(s.end, copiedEnd);
    if (start >= end) return [s];
    const parts: Segment[] = [];
    if (s.start < start) parts.push({ kind: 'raw', start: s.start, end: start });
    parts.push({ kind: 'columnar', start, end, varying: varyingWithin(coverage, timeZone, start, end) });
    if (end < s.end) parts.push({ kind: 'raw', start: end, end: s.end });
    return parts;
  });
}

/**
 * Refuses a plan whose raw stretches reach before `rawKeptFrom`, the first day whose raw
 * events retention has kept: the answer would silently miss them.
 */
export function checkRetention(segments: Segment[], timeZone: string, rawKeptFrom: string | null): void {
  if (rawKeptFrom === null) return;
  const kept = dayStart(timeZone, rawKeptFrom);
  if (segments.some((s) => (s.kind === 'raw' || s.kind === 'columnar') && s.start < kept)) {
    throw new QueryError(
      'date_range',
      `Invalid date_range: this query needs raw events from before ${rawKeptFrom}, which the site's retention has deleted. ` +
        'Daily totals and single-dimension breakdowns remain; filters, hourly buckets, custom properties and partial days need raw events.',
    );
  }
}
