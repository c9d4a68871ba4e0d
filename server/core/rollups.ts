/**
 * Rollup builders: the statements that sum one closed site-local day, one month of day
 * rows, or one preset range into the rollup tables, one atomic batch each. The sums are
 * exactly those the raw query path computes for whole days, so the planner may read either.
 * @module
 */
import type { Stmt } from './ports.ts';
import { dimensionSpec, labelSql, type DimensionSpec } from './query/dimensions.ts';
import { rolledSegments, type RollupCoverage } from './query/plan.ts';
import { dayMeasures, measureColumns, rowMeasures, summedMeasures, type Relation } from './store/measures.ts';
import { PAGEVIEW_PAGES, rangeStatements, ROLLUP_FAMILIES, type RollupFamily } from './store/site-days.ts';
import { addDays, dayStart } from './time.ts';

/** The rows of one dimension of a family: its name, what they are grouped by (none: totals), and which raw rows count. */
interface DayRows {
  dimension: string;
  spec: DimensionSpec | null;
  where: string | null;
}

const rowsOf = (family: RollupFamily): DayRows[] =>
  family.dimensions.map((d) => {
    if (d === '') return { dimension: d, spec: null, where: null };
    const pages = d === PAGEVIEW_PAGES.dimension;
    return { dimension: d, spec: dimensionSpec(pages ? PAGEVIEW_PAGES.of : d)!, where: pages ? PAGEVIEW_PAGES.where : null };
  });
const VISIT_ROWS = rowsOf(ROLLUP_FAMILIES.visits);
const EVENT_ROWS = rowsOf(ROLLUP_FAMILIES.events);
const PAGEVIEW_ROWS = EVENT_ROWS.find((r) => r.dimension === PAGEVIEW_PAGES.dimension)!;

/** One day's rows of a dimension (or, without one, the visits' totals) from the raw rows, as the raw query path sums them. */
/**
 * A condition on the state that a day's statements hold to, so that of two overlapping
 * maintenance runs (a Workers cron run outlasting its interval, a CLI beside the server)
 * the later one never writes a day from raw rows that were deleted meanwhile.
 */
type Guard = Stmt;

/**
 * True while local day `day`'s raw rows are all still there: neither retention nor a purge
 * has deleted them since a maintenance run read the state (the run may overlap another).
 */
export function rawDayKept(siteId: number, day: string): Guard {
  return {
    sql: 'NOT EXISTS (SELECT 1 FROM rollup_state WHERE site_id = ? AND raw_kept_from > ?) AND NOT EXISTS (SELECT 1 FROM sites WHERE id = ? AND purged_before > ?)',
    params: [siteId, day, siteId, day],
  };
}

function dayStatements(relation: Relation, siteId: number, day: string, start: number, end: number, rows: DayRows, guard: Guard): Stmt[] {
  const table = ROLLUP_FAMILIES[relation].day;
  const [from, time] = relation === 'visits' ? ['visits v', 'v.started_at'] : ['events e', 'e.ts'];
  const alias = from.slice(-1);
  return [
    { sql: `DELETE FROM ${table} WHERE site_id = ? AND dimension = ? AND day = ? AND ${guard.sql}`, params: [siteId, rows.dimension, day, ...guard.params] },
    {
      // Grouped by the value even for the totals (a constant): an empty day stays empty.
      sql: `INSERT INTO ${table} (site_id, dimension, day, value, ${measureColumns(relation)})
        SELECT ?, ?, ?, value, ${dayMeasures(relation)}
        FROM (SELECT ${rows.spec ? labelSql(rows.spec).sql : "''"} AS value, ${rowMeasures(relation)}
          FROM ${from} WHERE ${alias}.site_id = ? AND ${time} >= ? AND ${time} < ?${rows.where ? ` AND ${rows.where}` : ''} AND ${guard.sql})
        GROUP BY value`,
      params: [siteId, rows.dimension, day, siteId, start, end, ...guard.params],
    },
  ];
}

/** Statements that roll up local day `day` of a site and record it as rolled up. */
export function rollupDayStatements(siteId: number, timeZone: string, day: string): Stmt[] {
  const start = dayStart(timeZone, day);
  const end = dayStart(timeZone, addDays(day, 1));
  // A day another run rolled up already is left as it is: retention may have deleted its raw rows since.
  const notYetRolled = { sql: 'NOT EXISTS (SELECT 1 FROM rollup_state WHERE site_id = ? AND days_through >= ?)', params: [siteId, day] };
  return [
    ...VISIT_ROWS.flatMap((rows) => dayStatements('visits', siteId, day, start, end, rows, notYetRolled)),
    ...EVENT_ROWS.flatMap((rows) => dayStatements('events', siteId, day, start, end, rows, notYetRolled)),
    {
      // A site's first day rolled up has Top Pages' rows too: they reach as far back as the rest.
      // The last day rolled up only moves forward (a timezone change moves it back on its own).
      sql: `INSERT INTO rollup_state (site_id, timezone, days_through, pageview_pages_from) VALUES (?, ?, ?, ?)
        ON CONFLICT (site_id) DO UPDATE SET timezone = excluded.timezone, days_through = excluded.days_through
        WHERE rollup_state.days_through < excluded.days_through`,
      params: [siteId, timeZone, day, day],
    },
  ];
}

/** One dimension's month rows of `month` (YYYY-MM), added up from its day rows. */
function monthStatements(relation: Relation, siteId: number, month: string, dimension: string): Stmt[] {
  const tables = ROLLUP_FAMILIES[relation];
  return [
    { sql: `DELETE FROM ${tables.month} WHERE site_id = ? AND dimension = ? AND month = ?`, params: [siteId, dimension, month] },
    {
      sql: `INSERT INTO ${tables.month} (site_id, dimension, month, value, ${measureColumns(relation)})
        SELECT site_id, dimension, ?, value, ${summedMeasures(relation)}
        FROM ${tables.day} WHERE site_id = ? AND dimension = ? AND day >= ? AND day <= ? GROUP BY value`,
      params: [month, siteId, dimension, `${month}-01`, `${month}-31`],
    },
  ];
}

/** Statements that add up the day rows of `month` (YYYY-MM) into month rows and record it. */
export function rollupMonthStatements(siteId: number, month: string): Stmt[] {
  const family = (relation: Relation): Stmt[] => ROLLUP_FAMILIES[relation].dimensions.flatMap((dimension) => monthStatements(relation, siteId, month, dimension));
  return [
    ...family('visits'),
    ...family('events'),
    { sql: 'UPDATE rollup_state SET months_through = ? WHERE site_id = ?', params: [month, siteId] },
  ];
}

/** Only while Top Pages' rows reach the range's first day: a range holds all of a dimension's days or none. */
const PAGES_REACH = 'EXISTS (SELECT 1 FROM rollup_state WHERE site_id = ? AND pageview_pages_from <= ?)';

/**
 * Statements that sum rolled-up days `first`..`last` (reading whole months where they
 * can) into a preset range, and record it as ready.
 */
export function rollupRangeStatements(siteId: number, first: string, last: string, coverage: RollupCoverage): Stmt[] {
  const segments = rolledSegments(first, last, { ...coverage, ranges: new Set() }, { months: true, ranges: false });
  const family = (relation: Relation): Stmt[] => {
    const tables = ROLLUP_FAMILIES[relation];
    const sums = measureColumns(relation);
    return tables.dimensions.map((dimension) => {
      const parts = segments.map((s) =>
        s.kind === 'months'
          ? { sql: `SELECT value, ${sums} FROM ${tables.month} WHERE site_id = ? AND dimension = ? AND month >= ? AND month <= ?`, params: [siteId, dimension, s.first, s.last] }
          : { sql: `SELECT value, ${sums} FROM ${tables.day} WHERE site_id = ? AND dimension = ? AND day >= ? AND day <= ?`, params: [siteId, dimension, s.first, s.last] },
      );
      const pages = dimension === PAGEVIEW_PAGES.dimension;
      return {
        sql: `INSERT INTO ${tables.range} (site_id, first_day, last_day, dimension, value, ${sums})
          SELECT ?, ?, ?, ?, value, ${summedMeasures(relation)} FROM (${parts.map((p) => p.sql).join(' UNION ALL ')})${pages ? ` WHERE ${PAGES_REACH}` : ''} GROUP BY value`,
        params: [siteId, first, last, dimension, ...parts.flatMap((p) => p.params), ...(pages ? [siteId, first] : [])],
      };
    });
  };
  return [
    ...rangeStatements(siteId, first, last),
    ...family('visits'),
    ...family('events'),
    // OR REPLACE: two overlapping maintenance runs may both build the same range.
    { sql: 'INSERT OR REPLACE INTO rollup_ranges (site_id, first_day, last_day) VALUES (?, ?, ?)', params: [siteId, first, last] },
  ];
}

/**
 * Statements that build Top Pages' rows of local day `day` of a site whose other rollups
 * hold it already, and move their first day back to it (pageview-pages.ts): the day's rows,
 * the month's when the day begins it, and those of the preset ranges that begin on it, which
 * were built without them. From SQL alone, so a range built meanwhile by another run is
 * not missed. Each range is summed from day rows: these batches run once per day of history.
 */
export function pageviewPagesDayStatements(siteId: number, timeZone: string, day: string): Stmt[] {
  const { dimension } = PAGEVIEW_PAGES;
  const events = ROLLUP_FAMILIES.events;
  const start = dayStart(timeZone, day);
  const end = dayStart(timeZone, addDays(day, 1));
  const rawKept = rawDayKept(siteId, day);
  return [
    ...dayStatements('events', siteId, day, start, end, PAGEVIEW_ROWS, rawKept),
    ...(day.endsWith('-01') ? monthStatements('events', siteId, day.slice(0, 7), dimension) : []),
    { sql: `DELETE FROM ${events.range} WHERE site_id = ? AND first_day = ? AND dimension = ?`, params: [siteId, day, dimension] },
    {
      sql: `INSERT INTO ${events.range} (site_id, first_day, last_day, dimension, value, ${measureColumns('events')})
        SELECT r.site_id, r.first_day, r.last_day, d.dimension, d.value, ${summedMeasures('events')}
        FROM rollup_ranges r JOIN ${events.day} d ON d.site_id = r.site_id AND d.dimension = ? AND d.day >= r.first_day AND d.day <= r.last_day
        WHERE r.site_id = ? AND r.first_day = ? GROUP BY r.last_day, d.value`,
      params: [dimension, siteId, day],
    },
    {
      sql: `UPDATE rollup_state SET pageview_pages_from = ? WHERE site_id = ? AND (pageview_pages_from IS NULL OR pageview_pages_from > ?) AND ${rawKept.sql}`,
      params: [day, siteId, day, ...rawKept.params],
    },
  ];
}
