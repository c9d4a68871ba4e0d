/**
 * The two SQL engines the raw-row generator (raw-sql.ts) writes for: SQLite (Node's file,
 * D1), reading the raw tables, and DuckDB, reading the columnar copy of closed days. They
 * differ in a few places only, gathered here: how a row's local wall-clock time is found
 * (computed from the zone's offsets, or stored with the copy), integer division, and the
 * date functions that label time buckets. Everything else is SQL both accept.
 * @module
 */
import type { SqlValue } from '../ports.ts';
import { offsetSpans } from '../time.ts';
import type { SqlPart } from './dimensions.ts';
import type { TimeDimension } from './types.ts';

export interface Dialect {
  name: 'sqlite' | 'duckdb';
  /**
   * Local wall-clock time (Unix seconds shifted by the zone's offset) of the rows of
   * `alias`, whose instant is `column`, over [start, end).
   */
  localTime(alias: 'v' | 'e', column: string, timeZone: string, start: number, end: number): SqlPart;
  /** The local day number of a local time. */
  dayOf(lt: string): string;
  /** The label of the `time` bucket a local time falls in. */
  bucket(time: TimeDimension, lt: string, firstDay: string): SqlPart;
  /**
   * An extra condition on the visits joined to events of [start, end), or null. It never
   * changes the answer; it only narrows the rows an engine reads to join.
   */
  joinedVisits(siteId: number, start: number, end: number): SqlPart | null;
}

/**
 * `column` plus the zone's offset at that instant, chosen from the offsets in force over
 * the stretch. Cast, because drivers bind JavaScript numbers as REAL, and day numbers are
 * integer division of this.
 */
function offsetLocalTime(column: string, timeZone: string, start: number, end: number): SqlPart {
  const spans = offsetSpans(timeZone, start, end);
  if (spans.length === 1) return { sql: `CAST(${column} + ? AS INTEGER)`, params: [spans[0]!.offset] };
  const params: SqlValue[] = [];
  const branches = spans.slice(0, -1).map((s) => {
    params.push(s.until, s.offset);
    return `WHEN ${column} < ? THEN ?`;
  });
  params.push(spans.at(-1)!.offset);
  return { sql: `CAST(${column} + CASE ${branches.join(' ')} ELSE ? END AS INTEGER)`, params };
}

export const SQLITE: Dialect = {
  name: 'sqlite',
  localTime: (_alias, column, timeZone, start, end) => offsetLocalTime(column, timeZone, start, end),
  dayOf: (lt) => `${lt} / 86400`,
  bucket(time, lt, firstDay) {
    switch (time) {
      case 'time:hour':
        return { sql: `strftime('%Y-%m-%d %H:00:00', ${lt}, 'unixepoch')`, params: [] };
      case 'time:day':
        return { sql: `date(${lt}, 'unixepoch')`, params: [] };
      case 'time:week':
        return { sql: `max(date(${lt}, 'unixepoch', '-6 days', 'weekday 1'), ?)`, params: [firstDay] };
      case 'time:month':
        return { sql: `strftime('%Y-%m-01', ${lt}, 'unixepoch')`, params: [] };
    }
  },
  // SQLite looks each event's visit up by primary key: nothing to narrow.
  joinedVisits: () => null,
};

/** DuckDB's `/` divides as floating point; `//` is integer division. */
const duckDay = (lt: string) => `CAST(${lt} // 86400 AS INTEGER)`;
const duckDate = (dayNumber: string) => `(DATE '1970-01-01' + ${dayNumber})`;

export const DUCKDB: Dialect = {
  name: 'duckdb',
  // The copy stores each row's local time, computed in the site's timezone when the day was written.
  localTime: (alias) => ({ sql: `${alias}.lt`, params: [] }),
  dayOf: (lt) => `${lt} // 86400`,
  bucket(time, lt, firstDay) {
    switch (time) {
      case 'time:hour':
        return { sql: `strftime(make_timestamp(${lt} * 1000000), '%Y-%m-%d %H:00:00')`, params: [] };
      case 'time:day':
        return { sql: `strftime(${duckDate(duckDay(lt))}, '%Y-%m-%d')`, params: [] };
      case 'time:week': {
        // 1970-01-01 was a Thursday: (day + 3) mod 7 counts days since Monday (local days are never negative here).
        const monday = `${duckDay(lt)} - (${duckDay(lt)} + 3) % 7`;
        return { sql: `greatest(strftime(${duckDate(monday)}, '%Y-%m-%d'), ?)`, params: [firstDay] };
      }
      case 'time:month':
        return { sql: `strftime(${duckDate(duckDay(lt))}, '%Y-%m-01')`, params: [] };
    }
  },
  // DuckDB hashes the visits side of the join: without this it would hash every matching
  // visit of all time. Visit ids grow with time, so the bounds skip whole blocks of rows.
  joinedVisits(siteId, start, end) {
    const events = 'FROM events WHERE site_id = ? AND ts >= ? AND ts < ?';
    return {
      sql: `v.id >= (SELECT min(visit_id) ${events}) AND v.id <= (SELECT max(visit_id) ${events})`,
      params: [siteId, start, end, siteId, start, end],
    };
  },
};
