/**
 * SQL over raw visits and events for one stretch of time: SQLite's raw tables, or the
 * columnar copy of closed days in DuckDB, which has the same tables and columns (see
 * dialect.ts for the few differences). Rows are first grouped per local day (to count each
 * day's distinct visitors), then summed over days. The local wall-clock time `lt` is the
 * Unix time plus the zone's offset, so date functions label days and buckets in the site's
 * timezone without timezone support of their own.
 * @module
 */
import type { SqlValue, Stmt } from '../ports.ts';
import type { Dialect } from './dialect.ts';
import { labelSql } from './dimensions.ts';
import { filterSql, filtersNeedVisit, type VisitsBeyond } from './filters.ts';
import { firstFlags, type FirstFlags } from './first-flags.ts';
import type { Key, Relation } from './sums.ts';
import type { Filter } from './types.ts';

export interface RawRead {
  /** SQLite over the raw tables, or DuckDB over the columnar copy of closed days. */
  dialect: Dialect;
  relation: Relation;
  keys: Key[];
  filters: Filter[];
  siteId: number;
  timeZone: string;
  /** The stretch read: [start, end) in Unix seconds. */
  start: number;
  end: number;
  /** The whole period of the query: events of a visit count for an event filter within it. */
  periodStart: number;
  periodEnd: number;
  /** First day of the query period, where the first week bucket starts. */
  firstDay: string;
  /** Visits passing event filters on events the tables read do not hold (see filters.ts). */
  visitsBeyond?: VisitsBeyond;
  /**
   * Whole days of the columnar copy: the columns whose first-of-day flags the stretch cannot
   * rely on (first-flags.ts). Absent or null: visitors are counted distinct.
   */
  varying?: readonly string[] | null;
}

function keyName(i: number): string {
  return `k${i}`;
}

// Booleans summed as CASE: SQLite and DuckDB agree on that, not on summing a comparison.
const VISIT_ROW =
  'CASE WHEN v.pageviews = 1 AND v.events = 0 THEN 1 ELSE 0 END AS bounce, v.ended_at - v.started_at AS duration, v.pageviews AS pageviews, v.pageviews + v.events AS events';
const EVENT_ROW = "CASE WHEN e.name = 'pageview' THEN 1 ELSE 0 END AS pageview";

const VISIT_MEASURES = {
  inner: `v.visitor AS visitor, ${VISIT_ROW}`,
  perDay:
    'COUNT(DISTINCT visitor) AS visitors, COUNT(*) AS visits, SUM(bounce) AS bounces, SUM(duration) AS duration, SUM(pageviews) AS pageviews, SUM(events) AS events',
  total:
    'SUM(visitors) AS visitors, SUM(visits) AS visits, SUM(bounces) AS bounces, SUM(duration) AS duration, SUM(pageviews) AS pageviews, SUM(events) AS events',
};

const EVENT_MEASURES = {
  inner: `e.visitor AS visitor, e.visit_id AS visit_id, ${EVENT_ROW}`,
  perDay: 'COUNT(DISTINCT visitor) AS visitors, COUNT(DISTINCT visit_id) AS visits, SUM(pageview) AS pageviews, COUNT(*) AS events',
  total: 'SUM(visitors) AS visitors, SUM(visits) AS visits, SUM(pageviews) AS pageviews, SUM(events) AS events',
};

/** Sums of first-of-day flags in place of distinct counts (first-flags.ts), over the rows at once. */
function flagMeasures(visits: boolean, flags: FirstFlags): { inner: string; total: string } {
  if (visits) {
    return {
      inner: `v.${flags.visitors} AS first_day, ${VISIT_ROW}`,
      total: 'SUM(first_day) AS visitors, COUNT(*) AS visits, SUM(bounce) AS bounces, SUM(duration) AS duration, SUM(pageviews) AS pageviews, SUM(events) AS events',
    };
  }
  return {
    inner: `e.${flags.visitors} AS first_day, e.${flags.visits} AS first_visit, ${EVENT_ROW}`,
    total: 'SUM(first_day) AS visitors, SUM(first_visit) AS visits, SUM(pageview) AS pageviews, COUNT(*) AS events',
  };
}

/**
 * The statement for a raw read. Its rows have `k0`… (the keys' labels, in order; country
 * names still as codes) and the relation's sums under their column names.
 */
export function rawStatement(read: RawRead): Stmt {
  const visits = read.relation === 'visits';
  const time = visits ? 'v.started_at' : 'e.ts';
  const flags = read.dialect.name === 'duckdb' && read.varying ? firstFlags(read.relation, read.keys, read.filters, read.varying) : null;
  const distinct = visits ? VISIT_MEASURES : EVENT_MEASURES;
  const summed = flags ? flagMeasures(visits, flags) : null;
  const names = read.keys.map((_, i) => keyName(i));

  // Innermost: one row per visit or event, with its key labels and local time.
  const innerColumns: string[] = [];
  const innerParams: SqlValue[] = [];
  read.keys.forEach((key, i) => {
    if ('spec' in key) {
      const label = labelSql(key.spec);
      innerColumns.push(`${label.sql} AS ${keyName(i)}`);
      innerParams.push(...label.params);
    }
  });
  const lt = read.dialect.localTime(visits ? 'v' : 'e', time, read.timeZone, read.start, read.end);
  innerColumns.push((summed ?? distinct).inner, `${lt.sql} AS lt`);
  innerParams.push(...lt.params);
  const needVisit = !visits && (read.keys.some((k) => 'spec' in k && k.spec.scope === 'visit') || filtersNeedVisit(read.filters));
  const from = visits ? 'visits v' : needVisit ? 'events e JOIN visits v ON v.id = e.visit_id' : 'events e';
  const where = [`${visits ? 'v' : 'e'}.site_id = ?`, `${time} >= ?`, `${time} < ?`];
  innerParams.push(read.siteId, read.start, read.end);
  const joined = needVisit ? read.dialect.joinedVisits(read.siteId, read.start, read.end) : null;
  if (joined) {
    where.push(joined.sql);
    innerParams.push(...joined.params);
  }
  for (const f of read.filters) {
    const part = filterSql(f, { rows: read.relation, siteId: read.siteId, start: read.periodStart, end: read.periodEnd, visitsBeyond: read.visitsBeyond });
    where.push(part.sql);
    innerParams.push(...part.params);
  }
  const inner = `SELECT ${innerColumns.join(', ')} FROM ${from} WHERE ${where.join(' AND ')}`;

  // Middle: per local day and key, where each day's visitors are counted distinct (or,
  // with flags, the one level that sums them).
  const dayColumns: string[] = [];
  const dayParams: SqlValue[] = [];
  read.keys.forEach((key, i) => {
    if ('time' in key) {
      const bucket = read.dialect.bucket(key.time, 'lt', read.firstDay);
      dayColumns.push(`${bucket.sql} AS ${keyName(i)}`);
      dayParams.push(...bucket.params);
    } else {
      dayColumns.push(keyName(i));
    }
  });
  const grouped = names.length > 0 ? ` GROUP BY ${names.join(', ')}` : '';
  // Flags sum to each day's distinct counts, so the days need no groups of their own.
  if (summed) return { sql: `SELECT ${[...dayColumns, summed.total].join(', ')} FROM (${inner})${grouped}`, params: [...dayParams, ...innerParams] };
  const perDay = `SELECT ${[...dayColumns, distinct.perDay].join(', ')} FROM (${inner}) GROUP BY ${[read.dialect.dayOf('lt'), ...names].join(', ')}`;

  // Outer: summed over the days of each key.
  const sql = `SELECT ${[...names, distinct.total].join(', ')} FROM (${perDay})${grouped}`;
  return { sql, params: [...dayParams, ...innerParams] };
}
