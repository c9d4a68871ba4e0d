/**
 * One closed day of a site as the columnar copy holds it: its visits (by start), events
 * and their properties (by time), read from SQLite's raw tables. Each row also carries its
 * local wall-clock time in the site's timezone, which the copy's queries group days and
 * buckets by (dialect.ts). Its attribute columns are the schema's (store/schema.ts) that
 * the copy holds: never the truncated IP.
 * @module
 */
import type { DayRows, Db, SqlValue } from '../ports.ts';
import { COLUMN_DIMENSIONS, labelOf, type DimensionSpec } from '../query/dimensions.ts';
import { flagColumn, VISITOR_COLUMNS } from '../query/first-flags.ts';
import { attributesOf } from '../store/schema.ts';
import { offsetSpans, type OffsetSpan } from '../time.ts';

/** `flag`: 0 or 1, see first-flags.ts. */
export type ColumnKind = 'int' | 'text' | 'flag';

const VISIT_DIMENSIONS = COLUMN_DIMENSIONS.filter((s) => s.scope === 'visit');
const EVENT_DIMENSIONS = COLUMN_DIMENSIONS.filter((s) => s.scope === 'event');

/** The schema's columns of `table` that the copy holds, as text. */
const copiedText = (table: 'visits' | 'events') => attributesOf(table).flatMap((a) => (a.columnar ? [[a.column, 'text'] as const] : []));

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
  ...copiedText('visits'),
  ['first_day', 'flag'],
  ...VISIT_DIMENSIONS.map((s) => [flagColumn('day', s), 'flag'] as const),
];

export const EVENT_COLUMNS: ReadonlyArray<readonly [string, ColumnKind]> = [
  ['site_id', 'int'],
  ['id', 'int'],
  ['visit_id', 'int'],
  ['visitor', 'int'],
  ['ts', 'int'],
  ['lt', 'int'],
  ...copiedText('events'),
  ['first_day', 'flag'],
  ['first_visit', 'flag'],
  ...EVENT_DIMENSIONS.flatMap((s) => [[flagColumn('day', s), 'flag'] as const, [flagColumn('visit', s), 'flag'] as const]),
];

export const PROP_COLUMNS: ReadonlyArray<readonly [string, ColumnKind]> = [
  ['site_id', 'int'],
  ['event_id', 'int'],
  ['ts', 'int'],
  ['key', 'text'],
  ['value', 'text'],
];

function localTimes(spans: OffsetSpan[]): (sec: number) => number {
  return (sec) => sec + spans.find((s) => s.until === null || sec < s.until)!.offset;
}

const names = (columns: ReadonlyArray<readonly [string, ColumnKind]>, prefix: string) =>
  columns.filter(([c, kind]) => c !== 'lt' && c !== 'site_id' && kind !== 'flag').map(([c]) => `${prefix}.${c}`).join(', ');

/**
 * Sets each flag of `flags` on the first row of its group, the group being the values of
 * `group` (visitor or visit) and, for a dimension's flag, the row's label of it.
 */
function markFirsts(rows: Array<Record<string, SqlValue>>, group: string, flags: Array<[string, DimensionSpec | null]>): void {
  for (const [flag, spec] of flags) {
    // By label, then group: labels are few, so few sets (a set per visitor cost more in GC than the rest).
    const seen = new Map<SqlValue, Set<SqlValue>>();
    for (const row of rows) {
      const label = spec ? labelOf(spec, row[spec.column!] ?? null) : null;
      let groups = seen.get(label);
      if (!groups) {
        groups = new Set();
        seen.set(label, groups);
      }
      const size = groups.size;
      groups.add(row[group] ?? null);
      row[flag] = groups.size > size ? 1 : 0;
    }
  }
}

/** VISITOR_COLUMNS whose value is not the same for all rows of one visitor hash. */
function varyingColumns(rows: Array<Record<string, SqlValue>>, prefix: string): string[] {
  return VISITOR_COLUMNS.filter((column) => {
    const value = new Map<SqlValue, SqlValue>();
    return rows.some((row) => {
      const v = row[`${prefix}${column}`] ?? null;
      if (!value.has(row.visitor!)) value.set(row.visitor!, v);
      return value.get(row.visitor!) !== v;
    });
  });
}

/** Reads the rows of [start, end), one site-local day, from SQLite. */
export async function readDayRows(db: Db, siteId: number, timeZone: string, start: number, end: number): Promise<DayRows> {
  const local = localTimes(offsetSpans(timeZone, start, end));
  const visits = await db.all<Record<string, SqlValue>>(
    `SELECT ${names(VISIT_COLUMNS, 'v')} FROM visits v WHERE v.site_id = ? AND v.started_at >= ? AND v.started_at < ?`,
    [siteId, start, end],
  );
  // With the columns of each event's visit that the visitor hash determines, to check that it does.
  const events = await db.all<Record<string, SqlValue>>(
    `SELECT ${names(EVENT_COLUMNS, 'e')}, ${VISITOR_COLUMNS.map((c) => `v.${c} AS visit_${c}`).join(', ')}
    FROM events e LEFT JOIN visits v ON v.id = e.visit_id WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ?`,
    [siteId, start, end],
  );
  const props = await db.all<Record<string, SqlValue>>(
    'SELECT p.event_id, e.ts, p.key, p.value FROM event_props p JOIN events e ON e.id = p.event_id WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ?',
    [siteId, start, end],
  );
  markFirsts(visits, 'visitor', [['first_day', null], ...VISIT_DIMENSIONS.map((s): [string, DimensionSpec] => [flagColumn('day', s), s])]);
  markFirsts(events, 'visitor', [['first_day', null], ...EVENT_DIMENSIONS.map((s): [string, DimensionSpec] => [flagColumn('day', s), s])]);
  markFirsts(events, 'visit_id', [['first_visit', null], ...EVENT_DIMENSIONS.map((s): [string, DimensionSpec] => [flagColumn('visit', s), s])]);
  const varying = new Set([...varyingColumns(visits, ''), ...varyingColumns(events, 'visit_')]);
  const shape = (columns: ReadonlyArray<readonly [string, ColumnKind]>, row: Record<string, SqlValue>, time: string) =>
    columns.map(([c]) => (c === 'site_id' ? siteId : c === 'lt' ? local(row[time] as number) : (row[c] ?? null)));
  return {
    visits: visits.map((r) => shape(VISIT_COLUMNS, r, 'started_at')),
    events: events.map((r) => shape(EVENT_COLUMNS, r, 'ts')),
    props: props.map((r) => shape(PROP_COLUMNS, r, 'ts')),
    varying: VISITOR_COLUMNS.filter((c) => varying.has(c)),
  };
}
