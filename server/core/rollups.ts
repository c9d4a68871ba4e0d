/**
 * Rollup builders: the statements that sum one closed site-local day (or one month of
 * day rows) into the rollup tables, one atomic batch each. The sums are exactly those the
 * raw query path computes for a whole day, so the planner may read either.
 * @module
 */
import type { Stmt } from './ports.ts';
import { labelSql, ROLLED_UP_EVENT_DIMENSIONS, ROLLED_UP_VISIT_DIMENSIONS, type DimensionSpec } from './query/dimensions.ts';
import { addDays, dayStart } from './query/tz.ts';

/** Label SQL for a visit dimension, or the totals row ('' with no dimension). */
function visitLabel(spec: DimensionSpec | null): string {
  return spec ? labelSql(spec).sql : "''";
}

function visitDayStatements(siteId: number, day: string, start: number, end: number, spec: DimensionSpec | null): Stmt[] {
  const dimension = spec ? spec.name : '';
  const label = visitLabel(spec);
  // The totals row has no dimension to group by; grouping by the site keeps an empty day empty.
  const group = spec ? '4' : 'v.site_id';
  const events = spec
    ? `SELECT ?, ?, ?, ${label}, 0, 0, 0, 0, 0, SUM(ev.pageviews), SUM(ev.events)
       FROM (SELECT e.visit_id, SUM(e.name = 'pageview') AS pageviews, COUNT(*) AS events
             FROM events e WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? GROUP BY e.visit_id) ev
       JOIN visits v ON v.id = ev.visit_id WHERE 1 GROUP BY 4`
    : `SELECT ?, ?, ?, '', 0, 0, 0, 0, 0, SUM(e.name = 'pageview'), COUNT(*)
       FROM events e WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? GROUP BY e.site_id`;
  return [
    { sql: 'DELETE FROM rollup_visits WHERE site_id = ? AND dimension = ? AND day = ?', params: [siteId, dimension, day] },
    {
      sql: `INSERT INTO rollup_visits (site_id, dimension, day, value, visitors, visits, bounces, duration, visit_pageviews, pageviews, events)
        SELECT ?, ?, ?, ${label}, COUNT(DISTINCT v.visitor), COUNT(*), SUM(v.pageviews = 1 AND v.events = 0),
          SUM(v.ended_at - v.started_at), SUM(v.pageviews), 0, 0
        FROM visits v WHERE v.site_id = ? AND v.started_at >= ? AND v.started_at < ? GROUP BY ${group}`,
      params: [siteId, dimension, day, siteId, start, end],
    },
    {
      sql: `INSERT INTO rollup_visits (site_id, dimension, day, value, visitors, visits, bounces, duration, visit_pageviews, pageviews, events)
        ${events}
        ON CONFLICT (site_id, dimension, day, value) DO UPDATE SET pageviews = excluded.pageviews, events = excluded.events`,
      params: [siteId, dimension, day, siteId, start, end],
    },
  ];
}

function eventDayStatements(siteId: number, day: string, start: number, end: number, spec: DimensionSpec): Stmt[] {
  return [
    { sql: 'DELETE FROM rollup_events WHERE site_id = ? AND dimension = ? AND day = ?', params: [siteId, spec.name, day] },
    {
      sql: `INSERT INTO rollup_events (site_id, dimension, day, value, visitors, visits, pageviews, events)
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
  const first = `${month}-01`;
  const last = `${month}-31`;
  const visitDimensions = ['', ...ROLLED_UP_VISIT_DIMENSIONS.map((s) => s.name)];
  const eventDimensions = ROLLED_UP_EVENT_DIMENSIONS.map((s) => s.name);
  return [
    ...visitDimensions.flatMap((dimension): Stmt[] => [
      { sql: 'DELETE FROM rollup_visits_monthly WHERE site_id = ? AND dimension = ? AND month = ?', params: [siteId, dimension, month] },
      {
        sql: `INSERT INTO rollup_visits_monthly (site_id, dimension, month, value, visitors, visits, bounces, duration, visit_pageviews, pageviews, events)
          SELECT site_id, dimension, ?, value, SUM(visitors), SUM(visits), SUM(bounces), SUM(duration), SUM(visit_pageviews), SUM(pageviews), SUM(events)
          FROM rollup_visits WHERE site_id = ? AND dimension = ? AND day >= ? AND day <= ? GROUP BY value`,
        params: [month, siteId, dimension, first, last],
      },
    ]),
    ...eventDimensions.flatMap((dimension): Stmt[] => [
      { sql: 'DELETE FROM rollup_events_monthly WHERE site_id = ? AND dimension = ? AND month = ?', params: [siteId, dimension, month] },
      {
        sql: `INSERT INTO rollup_events_monthly (site_id, dimension, month, value, visitors, visits, pageviews, events)
          SELECT site_id, dimension, ?, value, SUM(visitors), SUM(visits), SUM(pageviews), SUM(events)
          FROM rollup_events WHERE site_id = ? AND dimension = ? AND day >= ? AND day <= ? GROUP BY value`,
        params: [month, siteId, dimension, first, last],
      },
    ]),
    { sql: 'UPDATE rollup_state SET months_through = ? WHERE site_id = ?', params: [month, siteId] },
  ];
}
