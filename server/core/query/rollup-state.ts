/**
 * How far a site's rollups reach, which preset ranges are ready, and how much raw data
 * retention has kept.
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
  /** Ready preset ranges, as `first|last` days. */
  ranges: ReadonlySet<string>;
}

interface Row {
  site_id: number;
  timezone: string;
  days_through: string;
  months_through: string | null;
  raw_kept_from: string | null;
}

export async function readRollupState(db: Db, siteId: number): Promise<RollupState | null> {
  const row = await db.first<Row>('SELECT * FROM rollup_state WHERE site_id = ?', [siteId]);
  if (!row) return null;
  const ranges = await db.all<{ first_day: string; last_day: string }>('SELECT first_day, last_day FROM rollup_ranges WHERE site_id = ?', [siteId]);
  return {
    siteId: row.site_id,
    timezone: row.timezone,
    daysThrough: row.days_through,
    monthsThrough: row.months_through,
    rawKeptFrom: row.raw_kept_from,
    ranges: new Set(ranges.map((r) => `${r.first_day}|${r.last_day}`)),
  };
}
