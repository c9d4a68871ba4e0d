/**
 * Rollup builders: the statements that sum one closed site-local day, one month of day
 * rows, or one preset range into the rollup tables, one atomic batch each. The sums are
 * exactly those the raw query path computes for whole days, so the planner may read either.
 * @module
 */
import type { Stmt } from './ports.ts';
import { labelSql, ROLLED_UP_EVENT_DIMENSIONS, ROLLED_UP_VISIT_DIMENSIONS, type DimensionSpec } from './query/dimensions.ts';
import { rolledSegments, type RollupCoverage } from './query/plan.ts';
import { rangeStatements, ROLLUP_FAMILIES, type RollupFamily } from './store/site-days.ts';
import { addDays, dayStart } from './time.ts';

const VISIT_DIMENSIONS = ['', ...ROLLED_UP_VISIT_DIMENSIONS.map((s) => s.name)];
const EVENT_DIMENSIONS = ROLLED_UP_EVENT_DIMENSIONS.map((s) => s.name);
const VISIT_SUMS = 'visitors, visits, bounces, duration, pageviews, events';
const EVENT_SUMS = 'visitors, visits, pageviews, events';
const sumsOf = (columns: string) => columns.split(', ').map((c) => `SUM(${c})`).join(', ');

function visitDayStatements(siteId: number, day: string, start: number, end: number, spec: DimensionSpec | null): Stmt[] {
  const dimension = spec ? spec.name : '';
  return [
    { sql: `DELETE FROM ${ROLLUP_FAMILIES.visits.day} WHERE site_id = ? AND dimension = ? AND day = ?`, params: [siteId, dimension, day] },
    {
      // The totals row has no dimension to group by; grouping by the site keeps an empty day empty.
      sql: `INSERT INTO ${ROLLUP_FAMILIES.visits.day} (site_id, dimension, day, value, ${VISIT_SUMS})
        SELECT ?, ?, ?, ${spec ? labelSql(spec).sql : "''"}, COUNT(DISTINCT v.visitor), COUNT(*), SUM(v.pageviews = 1 AND v.events = 0),
          SUM(v.ended_at - v.started_at), SUM(v.pageviews), SUM(v.pageviews + v.events)
        FROM visits v WHERE v.site_id = ? AND v.started_at >= ? AND v.started_at < ? GROUP BY ${spec ? '4' : 'v.site_id'}`,
      params: [siteId, dimension, day, siteId, start, end],
    },
  ];
}

function eventDayStatements(siteId: number, day: string, start: number, end: number, spec: DimensionSpec): Stmt[] {
  return [
    { sql: `DELETE FROM ${ROLLUP_FAMILIES.events.day} WHERE site_id = ? AND dimension = ? AND day = ?`, params: [siteId, spec.name, day] },
    {
      sql: `INSERT INTO ${ROLLUP_FAMILIES.events.day} (site_id, dimension, day, value, ${EVENT_SUMS})
        SELECT ?, ?, ?, ${labelSql(spec).sql}, COUNT(DISTINCT e.visitor), COUNT(DISTINCT e.visit_id), SUM(e.name = 'pageview'), COUNT(*)
        FROM events e WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? GROUP BY 4`,
      params: [siteId, spec.name, day, siteId, start, end],
    },
  ];
}

/** Statements that roll up local day `day` of a site and record it as rolled up. */
export function rollupDayStatements(siteId: number, timeZone: string, day: string): Stmt[] {
  const start = dayStart(timeZone, day);
  const end = dayStart(timeZone, addDays(day, 1));
  return [
    ...visitDayStatements(siteId, day, start, end, null),
    ...ROLLED_UP_VISIT_DIMENSIONS.flatMap((spec) => visitDayStatements(siteId, day, start, end, spec)),
    ...ROLLED_UP_EVENT_DIMENSIONS.flatMap((spec) => eventDayStatements(siteId, day, start, end, spec)),
    {
      sql: `INSERT INTO rollup_state (site_id, timezone, days_through) VALUES (?, ?, ?)
        ON CONFLICT (site_id) DO UPDATE SET timezone = excluded.timezone, days_through = excluded.days_through`,
      params: [siteId, timeZone, day],
    },
  ];
}

/** Statements that add up the day rows of `month` (YYYY-MM) into month rows and record it. */
export function rollupMonthStatements(siteId: number, month: string): Stmt[] {
  const family = (tables: RollupFamily, dimensions: string[], sums: string): Stmt[] =>
    dimensions.flatMap((dimension): Stmt[] => [
      { sql: `DELETE FROM ${tables.month} WHERE site_id = ? AND dimension = ? AND month = ?`, params: [siteId, dimension, month] },
      {
        sql: `INSERT INTO ${tables.month} (site_id, dimension, month, value, ${sums})
          SELECT site_id, dimension, ?, value, ${sumsOf(sums)}
          FROM ${tables.day} WHERE site_id = ? AND dimension = ? AND day >= ? AND day <= ? GROUP BY value`,
        params: [month, siteId, dimension, `${month}-01`, `${month}-31`],
      },
    ]);
  return [
    ...family(ROLLUP_FAMILIES.visits, VISIT_DIMENSIONS, VISIT_SUMS),
    ...family(ROLLUP_FAMILIES.events, EVENT_DIMENSIONS, EVENT_SUMS),
    { sql: 'UPDATE rollup_state SET months_through = ? WHERE site_id = ?', params: [month, siteId] },
  ];
}

/**
 * Statements that sum rolled-up days `first`..`last` (reading whole months where they
 * can) into a preset range, and record it as ready.
 */
export function rollupRangeStatements(siteId: number, first: string, last: string, coverage: RollupCoverage): Stmt[] {
  const segments = rolledSegments(first, last, { ...coverage, ranges: new Set() }, { months: true, ranges: false });
  const family = (tables: RollupFamily, dimensions: string[], sums: string): Stmt[] =>
    dimensions.map((dimension) => {
      const parts = segments.map((s) =>
        s.kind === 'months'
          ? { sql: `SELECT value, ${sums} FROM ${tables.month} WHERE site_id = ? AND dimension = ? AND month >= ? AND month <= ?`, params: [siteId, dimension, s.first, s.last] }
          : { sql: `SELECT value, ${sums} FROM ${tables.day} WHERE site_id = ? AND dimension = ? AND day >= ? AND day <= ?`, params: [siteId, dimension, s.first, s.last] },
      );
      return {
        sql: `INSERT INTO ${tables.range} (site_id, first_day, last_day, dimension, value, ${sums})
          SELECT ?, ?, ?, ?, value, ${sumsOf(sums)} FROM (${parts.map((p) => p.sql).join(' UNION ALL ')}) GROUP BY value`,
        params: [siteId, first, last, dimension, ...parts.flatMap((p) => p.params)],
      };
    });
  return [
    ...rangeStatements(siteId, first, last),
    ...family(ROLLUP_FAMILIES.visits, VISIT_DIMENSIONS, VISIT_SUMS),
    ...family(ROLLUP_FAMILIES.events, EVENT_DIMENSIONS, EVENT_SUMS),
    // OR REPLACE: two overlapping maintenance runs may both build the same range.
    { sql: 'INSERT OR REPLACE INTO rollup_ranges (site_id, first_day, last_day) VALUES (?, ?, ?)', params: [siteId, first, last] },
  ];
}
