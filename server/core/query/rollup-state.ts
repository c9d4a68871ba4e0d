/**
 * How far a site's rollups (their Top Pages rows, and pair rollups) reach, which preset
 * ranges are ready, and how much raw data retention has kept.
 * @module
 */
import type { Db } from '../ports.ts';

export interface RollupState {
  siteId: number;
  /** The timezone the rollups were built in. */
  timezone: string;
  daysThrough: string;
  monthsThrough: string | null;
  rawKeptFrom: string | null;
  /**
   * First day whose rollups hold Top Pages' rows (store/site-days.ts PAGEVIEW_PAGES), through
   * daysThrough; null when none are recorded.
   */
  pageviewPagesFrom: string | null;
  /** Ready preset ranges, as `first|last` days. */
  ranges: ReadonlySet<string>;
  /** How far pair rollups reach (pair-rollups.ts), or null before they are started. */
  pairs?: PairCoverage | null;
}

/** The days pair rollups hold, first..through, in the timezone they were built in (rollup_pair_state). */
export interface PairCoverage {
  timezone: string;
  first: string;
  through: string;
}

interface Row {
  site_id: number;
  timezone: string;
  days_through: string;
  months_through: string | null;
  raw_kept_from: string | null;
  pageview_pages_from: string | null;
  pair_timezone: string | null;
  pair_first: string | null;
  pair_through: string | null;
}

export async function readRollupState(db: Db, siteId: number): Promise<RollupState | null> {
  // One statement for both states: on D1 each statement is a round trip.
  const row = await db.first<Row>(
    `SELECT r.*, p.timezone AS pair_timezone, p.first_day AS pair_first, p.days_through AS pair_through
      FROM rollup_state r LEFT JOIN rollup_pair_state p ON p.site_id = r.site_id WHERE r.site_id = ?`,
    [siteId],
  );
  if (!row) return null;
  const ranges = await db.all<{ first_day: string; last_day: string }>('SELECT first_day, last_day FROM rollup_ranges WHERE site_id = ?', [siteId]);
  return {
    siteId: row.site_id,
    timezone: row.timezone,
    daysThrough: row.days_through,
    monthsThrough: row.months_through,
    rawKeptFrom: row.raw_kept_from,
    pageviewPagesFrom: row.pageview_pages_from,
    ranges: new Set(ranges.map((r) => `${r.first_day}|${r.last_day}`)),
    pairs: row.pair_timezone === null ? null : { timezone: row.pair_timezone, first: row.pair_first!, through: row.pair_through! },
  };
}
