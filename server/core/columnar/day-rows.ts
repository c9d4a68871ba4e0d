/**
 * One closed day of a site as the columnar copy holds it: its visits (by start), events
 * and their properties (by time), read from SQLite's raw tables. Each row also carries its
 * local wall-clock time in the site's timezone, which the copy's queries group days and
 * buckets by (dialect.ts). The truncated IP is left out: the copy never holds one.
 * @module
 */
import type { Db, SqlValue } from '../ports.ts';
import { offsetSpans, type OffsetSpan } from '../time.ts';

export type ColumnKind = 'int' | 'text';

/** Columns of the copy's tables, in order, with their kinds. `lt` is the local time. */
export const VISIT_COLUMNS: ReadonlyArray<readonly [string, ColumnKind]> = [
  ['site_id', 'int'],
  ['id', 'int'],
  ['visitor', 'int'],
  ['started_at', 'int'],
  ['ended_at', 'int'],
  ['lt', 'int'],
  ['pageviews', 'int'],
  ['events', 'int'],
  ...(['entry_page', 'exit_page', 'hostname', 'referrer', 'source', 'channel', 'search_engine', 'search_keyword'] as const).map((c) => [c, 'text'] as const),
  ...(['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const).map((c) => [c, 'text'] as const),
  ...(['country', 'browser', 'browser_version', 'os', 'os_version', 'device'] as const).map((c) => [c, 'text'] as const),
];

export const EVENT_COLUMNS: ReadonlyArray<readonly [string, ColumnKind]> = [
  ['site_id', 'int'],
  ['id', 'int'],
  ['visit_id', 'int'],
  ['visitor', 'int'],
  ['ts', 'int'],
  ['lt', 'int'],
  ['name', 'text'],
  ['hostname', 'text'],
  ['path', 'text'],
  ['site_search', 'text'],
];

export const PROP_COLUMNS: ReadonlyArray<readonly [string, ColumnKind]> = [
  ['site_id', 'int'],
  ['event_id', 'int'],
  ['ts', 'int'],
  ['key', 'text'],
  ['value', 'text'],
];

/** Rows as arrays in the order of the columns above. */
export interface DayRows {
  visits: SqlValue[][];
  events: SqlValue[][];
  props: SqlValue[][];
}

function localTimes(spans: OffsetSpan[]): (sec: number) => number {
  return (sec) => sec + spans.find((s) => s.until === null || sec < s.until)!.offset;
}

const names = (columns: ReadonlyArray<readonly [string, ColumnKind]>, prefix: string) =>
  columns.filter(([c]) => c !== 'lt' && c !== 'site_id').map(([c]) => `${prefix}.${c}`).join(', ');

/** Reads the rows of [start, end), one site-local day, from SQLite. */
export async function readDayRows(db: Db, siteId: number, timeZone: string, start: number, end: number): Promise<DayRows> {
  const local = localTimes(offsetSpans(timeZone, start, end));
  const visits = await db.all<Record<string, SqlValue>>(
    `SELECT ${names(VISIT_COLUMNS, 'v')} FROM visits v WHERE v.site_id = ? AND v.started_at >= ? AND v.started_at < ?`,
    [siteId, start, end],
  );
  const events = await db.all<Record<string, SqlValue>>(`SELECT ${names(EVENT_COLUMNS, 'e')} FROM events e WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ?`, [
    siteId,
    start,
    end,
  ]);
  const props = await db.all<Record<string, SqlValue>>(
    'SELECT p.event_id, e.ts, p.key, p.value FROM event_props p JOIN events e ON e.id = p.event_id WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ?',
    [siteId, start, end],
  );
  const shape = (columns: ReadonlyArray<readonly [string, ColumnKind]>, row: Record<string, SqlValue>, time: string) =>
    columns.map(([c]) => (c === 'site_id' ? siteId : c === 'lt' ? local(row[time] as number) : (row[c] ?? null)));
  return {
    visits: visits.map((r) => shape(VISIT_COLUMNS, r, 'started_at')),
    events: events.map((r) => shape(EVENT_COLUMNS, r, 'ts')),
    props: props.map((r) => shape(PROP_COLUMNS, r, 'ts')),
  };
}
