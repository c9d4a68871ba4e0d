/**
 * Which tables hold a site's days, and how rows are removed from them: the one list that
 * rollup building and reading, retention (maintenance), purge, reset and site removal share. A table
 * that holds a site's statistics is added here once; every path that deletes picks it up.
 * `test/core/site-days.test.ts` fails when the schema has a table with a `site_id` that is
 * in none of these lists.
 * @module
 */
import { IMPORTED_TABLE_NAMES } from '../imports/tables.ts';
import type { Stmt } from '../ports.ts';
import { attributesOf } from './schema.ts';

/** The schema's rolled-up dimensions of `table` (store/schema.ts). */
const rolledUp = (table: 'visits' | 'events') => attributesOf(table).flatMap((a) => (a.rolledUp && a.dimension ? [a.dimension] : []));

/**
 * Top Pages' rows (the dashboard's `event:page` breakdown under `is event:name [pageview]`):
 * the events family's rows of `of`, but of the events `where` passes alone, under a
 * dimension name of their own. Unlike the other dimensions they do not reach back to the
 * first rolled-up day on a database rolled up before them (migration 0024): they hold days
 * `pageview_pages_from` of rollup_state onwards, and maintenance builds them back a few days
 * a pass (pageview-pages.ts).
 */
export const PAGEVIEW_PAGES = { dimension: 'event:page|pageview', of: 'event:page', where: "e.name = 'pageview'" } as const;

/**
 * The rollup tables of each family, by how many days a row sums: visits (totals and visit
 * dimensions) and events (event dimensions). Day rows are keyed by `day`, month rows by
 * `month` (summed from day rows), preset-range rows by `first_day`/`last_day`. Each holds
 * rows of its `dimensions`: the schema's rolled-up ones, the visits' totals (`''`) and
 * Top Pages' page views ({@link PAGEVIEW_PAGES}).
 */
export const ROLLUP_FAMILIES = {
  visits: { day: 'rollup_visits', month: 'rollup_visits_monthly', range: 'rollup_range_visits', dimensions: ['', ...rolledUp('visits')] },
  events: { day: 'rollup_events', month: 'rollup_events_monthly', range: 'rollup_range_events', dimensions: [...rolledUp('events'), PAGEVIEW_PAGES.dimension] },
} as const;

export type RollupFamily = (typeof ROLLUP_FAMILIES)[keyof typeof ROLLUP_FAMILIES];

const { visits, events } = ROLLUP_FAMILIES;

/** Ready sums for preset ranges (last 30 days, this year…), with the list of ranges ready. */
export const RANGE_TABLES: readonly string[] = ['rollup_ranges', visits.range, events.range];

/** Day rollups, one row set per dimension, summed from raw rows. */
export const DAY_ROLLUP_TABLES = [visits.day, events.day] as const;

/** Month rollups (YYYY-MM), summed from the day rollups. */
export const MONTH_ROLLUP_TABLES = [visits.month, events.month] as const;

/**
 * Goal rollups by day (goal-rollups.ts, migration 0022), and how far each goal's reach.
 * Sums of raw rows like the others: a reset, purge or removal deletes them.
 */
export const GOAL_ROLLUP_DAY_TABLES = ['goal_rollup_visits', 'goal_rollup_events', 'goal_rollup_pending'] as const;
const GOAL_ROLLUP_TABLES: readonly string[] = [...GOAL_ROLLUP_DAY_TABLES, 'goal_rollup_state'];

/** Day sums by a filter label and another dimension (pair-rollups.ts), and how far they reach. */
export const PAIR_ROLLUP_TABLES = ['rollup_pair_visits', 'rollup_pair_events'] as const;

/** Tables of sums built from a site's raw rows: dropped with the site, or to be built again. */
export const ROLLUP_TABLES: readonly string[] = [...DAY_ROLLUP_TABLES, ...MONTH_ROLLUP_TABLES, ...RANGE_TABLES, ...PAIR_ROLLUP_TABLES, 'rollup_pair_state', 'rollup_state', ...GOAL_ROLLUP_TABLES];

/** Raw rows, children first: properties belong to events, events to visits. */
export const RAW_TABLES: readonly string[] = ['event_props', 'events', 'visits'];

/**
 * Imported history (imports/tables.ts), then the imports' records. Daily aggregates like
 * the rollups, so retention keeps them (as Plausible keeps imports until deleted); purge,
 * reset and removal delete them.
 */
export const IMPORT_TABLES: readonly string[] = [...IMPORTED_TABLE_NAMES, 'imports'];

/** A site's statistics: everything a reset deletes (children first), and nothing it is configured with. */
export const SITE_STATS_TABLES: readonly string[] = [...RAW_TABLES, ...ROLLUP_TABLES, 'drop_notes', ...IMPORT_TABLES];

/**
 * Rows about a site that are not its statistics, so a reset keeps them: salts (maintenance
 * deletes old ones), tokens and the proxy secret, then the dashboard's (who may see it, its shared
 * link, its notes), its funnels and goals (definitions over whatever events it has; a
 * funnel's steps before the funnel), its report schedule, recipients and sent-log, and its
 * alert settings, state and log.
 */
export const SITE_KEPT_TABLES: readonly string[] = [
  'salts',
  'tokens',
  'proxy_secrets',
  'user_sites',
  'shared_links',
  'annotations',
  'funnel_steps',
  'funnels',
  'goals',
  'report_sent',
  'report_recipients',
  'report_settings',
  'alert_settings',
  'alert_state',
  'alert_deliveries',
  'alert_log',
];

/** Tables holding a site's data, deleted when the site is removed (children first). */
export const SITE_DATA_TABLES: readonly string[] = [...SITE_STATS_TABLES, ...SITE_KEPT_TABLES];

const deleteAll = (tables: readonly string[], siteId: number): Stmt[] =>
  tables.map((table) => ({ sql: `DELETE FROM ${table} WHERE site_id = ?`, params: [siteId] }));

/** Deletes every statistic of a site, today's included (reset). */
export function clearStatsStatements(siteId: number): Stmt[] {
  return deleteAll(SITE_STATS_TABLES, siteId);
}

/** Deletes every row about a site (removal), before the site row itself. */
export function clearSiteStatements(siteId: number): Stmt[] {
  return deleteAll(SITE_DATA_TABLES, siteId);
}

/** Deletes every rollup of a site, so they are built again. */
export function clearRollupStatements(siteId: number): Stmt[] {
  return deleteAll(ROLLUP_TABLES, siteId);
}

/** Deletes every preset range of a site. */
export function clearRangeStatements(siteId: number): Stmt[] {
  return deleteAll(RANGE_TABLES, siteId);
}

/** Deletes the day and month rollups from local day `from` on (the month it falls in whole). */
export function rollupsFromStatements(siteId: number, from: string): Stmt[] {
  const month = from.slice(0, 7);
  return [
    ...DAY_ROLLUP_TABLES.map((table) => ({ sql: `DELETE FROM ${table} WHERE site_id = ? AND day >= ?`, params: [siteId, from] })),
    ...MONTH_ROLLUP_TABLES.map((table) => ({ sql: `DELETE FROM ${table} WHERE site_id = ? AND month >= ?`, params: [siteId, month] })),
  ];
}

/** Deletes the goal rollups of days before local day `before` (purge), one statement per table. */
export function goalRollupsBeforeStatements(siteId: number, before: string): Stmt[] {
  return GOAL_ROLLUP_DAY_TABLES.map((table) => ({ sql: `DELETE FROM ${table} WHERE site_id = ? AND day < ?`, params: [siteId, before] }));
}

/** Removes one preset range. */
export function rangeStatements(siteId: number, first: string, last: string): Stmt[] {
  return RANGE_TABLES.map((table) => ({
    sql: `DELETE FROM ${table} WHERE site_id = ? AND first_day = ? AND last_day = ?`,
    params: [siteId, first, last],
  }));
}

/** Removes every preset range starting before local day `before`, one statement per table. */
export function rangesBeforeStatements(siteId: number, before: string): Stmt[] {
  return RANGE_TABLES.map((table) => ({ sql: `DELETE FROM ${table} WHERE site_id = ? AND first_day < ?`, params: [siteId, before] }));
}

/** Removes one dimension's day rollups of local days [from, to). */
export function dayRollupWindowStatement(table: (typeof DAY_ROLLUP_TABLES)[number], siteId: number, dimension: string, from: string, to: string): Stmt {
  return { sql: `DELETE FROM ${table} WHERE site_id = ? AND dimension = ? AND day >= ? AND day < ?`, params: [siteId, dimension, from, to] };
}

/** Removes one dimension's month rollups of months before `month` (YYYY-MM). */
export function monthRollupsBeforeStatement(table: (typeof MONTH_ROLLUP_TABLES)[number], siteId: number, dimension: string, month: string): Stmt {
  return { sql: `DELETE FROM ${table} WHERE site_id = ? AND dimension = ? AND month < ?`, params: [siteId, dimension, month] };
}

/** How a raw delete goes on: `more` is asked before each chunk, `run` runs each statement. */
export interface RawDeleteSteps {
  chunk: number;
  more(deletedSoFar: number): boolean;
  run(stmt: Stmt): Promise<{ changes: number }>;
}

/**
 * Deletes a site's raw rows before instant `cutoff` in chunks (retention and purge), and
 * returns the events and visits deleted. Chunks are taken in index order, so each stops at
 * its LIMIT instead of sorting every old row. Children first, and a visit only once it
 * ended before the cutoff: no kept event is ever without its visit, even one that went on
 * past the cutoff, and queries do not count such a visit before it.
 */
export async function deleteRawBefore(siteId: number, cutoff: number, steps: RawDeleteSteps): Promise<number> {
  const { chunk } = steps;
  const oldEvents = 'SELECT id FROM events WHERE site_id = ? AND ts < ? ORDER BY ts LIMIT ?';
  const params = [siteId, cutoff, chunk];
  let deleted = 0;
  while (steps.more(deleted)) {
    await steps.run({ sql: `DELETE FROM event_props WHERE event_id IN (${oldEvents})`, params });
    const events = await steps.run({ sql: `DELETE FROM events WHERE id IN (${oldEvents})`, params });
    deleted += events.changes;
    if (events.changes < chunk) break;
  }
  while (steps.more(deleted)) {
    const visits = await steps.run({
      sql: 'DELETE FROM visits WHERE id IN (SELECT id FROM visits WHERE site_id = ? AND started_at < ? AND ended_at < ? ORDER BY started_at LIMIT ?)',
      params: [siteId, cutoff, cutoff, chunk],
    });
    deleted += visits.changes;
    if (visits.changes < chunk) break;
  }
  return deleted;
}
