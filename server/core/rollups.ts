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
import { rangeStatements, ROLLUP_FAMILIES, type RollupFamily } from './store/site-days.ts';
import { addDays, dayStart } from './time.ts';

const specsOf = (family: RollupFamily) => family.dimensions.flatMap((d) => (d === '' ? [] : [dimensionSpec(d)!]));
const VISIT_SPECS = specsOf(ROLLUP_FAMILIES.visits);
const EVENT_SPECS = specsOf(ROLLUP_FAMILIES.events);

/** One day's rows of a dimension (or, without one, the visits' totals) from the raw rows, as the raw query path sums them. */
function dayStatements(relation: Relation, siteId: number, day: string, start: number, end: number, spec: DimensionSpec | null): Stmt[] {
  const table = ROLLUP_FAMILIES[relation].day;
  const dimension = spec ? spec.name : '';
  const [from, time] = relation === 'visits' ? ['visits v', 'v.started_at'] : ['events e', 'e.ts'];
  const alias = from.slice(-1);
  return [
    { sql: `DELETE FROM ${table} WHERE site_id = ? AND dimension = ? AND day = ?`, params: [siteId, dimension, day] },
    {
      // Grouped by the value even for the totals (a constant): an empty day stays empty.
      sql: `INSERT INTO ${table} (site_id, dimension, day, value, ${measureColumns(relation)})
        SELECT ?, ?, ?, value, ${dayMeasures(relation)}
        FROM (SELECT ${spec ? labelSql(spec).sql : "''"} AS value, ${rowMeasures(relation)}
          FROM ${from} WHERE ${alias}.site_id = ? AND ${time} >= ? AND ${time} < ?)
        GROUP BY value`,
      params: [siteId, dimension, day, siteId, start, end],
    },
  ];
}

/** Statements that roll up local day `day` of a site and record it as rolled up. */
export function rollupDayStatements(siteId: number, timeZone: string, day: string): Stmt[] {
  const start = dayStart(timeZone, day);
  const end = dayStart(timeZone, addDays(day, 1));
  return [
    ...dayStatements('visits', siteId, day, start, end, null),
    ...VISIT_SPECS.flatMap((spec) => dayStatements('visits', siteId, day, start, end, spec)),
    ...EVENT_SPECS.flatMap((spec) => dayStatements('events', siteId, day, start, end, spec)),
    {
      sql: `INSERT INTO rollup_state (site_id, timezone, days_through) VALUES (?, ?, ?)
        ON CONFLICT (site_id) DO UPDATE SET timezone = excluded.timezone, days_through = excluded.days_through`,
      params: [siteId, timeZone, day],
    },
  ];
}

/** Statements that add up the day rows of `month` (YYYY-MM) into month rows and record it. */
export function rollupMonthStatements(siteId: number, month: string): Stmt[] {
  const family = (relation: Relation): Stmt[] => {
    const tables = ROLLUP_FAMILIES[relation];
    return tables.dimensions.flatMap((dimension): Stmt[] => [
      { sql: `DELETE FROM ${tables.month} WHERE site_id = ? AND dimension = ? AND month = ?`, params: [siteId, dimension, month] },
      {
        sql: `INSERT INTO ${tables.month} (site_id, dimension, month, value, ${measureColumns(relation)})
          SELECT site_id, dimension, ?, value, ${summedMeasures(relation)}
          FROM ${tables.day} WHERE site_id = ? AND dimension = ? AND day >= ? AND day <= ? GROUP BY value`,
        params: [month, siteId, dimension, `${month}-01`, `${month}-31`],
      },
    ]);
  };
  return [
    ...family('visits'),
    ...family('events'),
    { sql: 'UPDATE rollup_state SET months_through = ? WHERE site_id = ?', params: [month, siteId] },
  ];
}

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
      return {
        sql: `INSERT INTO ${tables.range} (site_id, first_day, last_day, dimension, value, ${sums})
          SELECT ?, ?, ?, ?, value, ${summedMeasures(relation)} FROM (${parts.map((p) => p.sql).join(' UNION ALL ')}) GROUP BY value`,
        params: [siteId, first, last, dimension, ...parts.flatMap((p) => p.params)],
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
