/**
 * Purge: deletes every row of a site's data before a site-local day (raw events, their
 * properties, visits, the day, month, pair and preset-range rollups, and imported days), in small statements so
 * the server keeps serving meanwhile, and resumable, so a runtime that limits the work of
 * one request (Workers) finishes it over several calls.
 *
 * The boundary is recorded first (`sites.purged_before`): from then on queries cut the
 * purged days off the period and say so in `meta.purged_before`, whatever the deletes have
 * reached. Month rollups that straddle the boundary are summed again from the days kept;
 * preset ranges that start before it are dropped, for maintenance to build again.
 * @module
 */
import { purgeImportsBefore } from '../imports/store.ts';
import type { Db, Stmt } from '../ports.ts';
import { readRollupState } from '../query/rollup-state.ts';
import { pairRollupsBeforeStatements } from '../pair-rollups.ts';
import { rollupMonthStatements } from '../rollups.ts';
import type { Site } from '../sites.ts';
import {
  DAY_ROLLUP_TABLES,
  dayRollupWindowStatement,
  deleteRawBefore,
  goalRollupsBeforeStatements,
  monthRollupsBeforeStatement,
  MONTH_ROLLUP_TABLES,
  rangesBeforeStatements,
  ROLLUP_FAMILIES,
} from '../store/site-days.ts';
import { addDays, dayStart, localDayAt } from '../time.ts';

export interface PurgeOptions {
  /** Rows per raw delete. */
  chunk?: number;
  /** Most statements one call runs before returning `done: false`. */
  maxStatements?: number;
}

export interface PurgeResult {
  /** The site's purge boundary after this call (an earlier purge may have reached further). */
  purgedBefore: string;
  /** Raw events and visits deleted by this call. */
  rawRowsDeleted: number;
  /** False when the statement budget ran out first: call again to carry on. */
  done: boolean;
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const DEFAULT_CHUNK = 1_000;
/** Each rollup table of a family (visits, events) with the dimensions it holds rows of. */
const withDimensions = <T extends string>(tables: readonly [T, T]): Array<[T, readonly string[]]> => [
  [tables[0], ROLLUP_FAMILIES.visits.dimensions],
  [tables[1], ROLLUP_FAMILIES.events.dimensions],
];

/** True for a real calendar day written YYYY-MM-DD. */
export function isDay(text: string): boolean {
  if (!DAY_PATTERN.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/**
 * Why `before` cannot be a purge boundary for the site at `nowSec`, or null. Today is still
 * being collected, so the latest boundary is today itself (everything up to yesterday).
 */
export function purgeDayProblem(before: string, site: Site, nowSec: number): string | null {
  if (!isDay(before)) return `before: must be a date written YYYY-MM-DD, got "${before}"`;
  const today = localDayAt(site.timezone, nowSec);
  if (before > today) {
    return `before: must be ${today} (today in ${site.timezone}) or earlier, as today's data is still being collected. To delete today's data too, reset the site: Reset statistics in its settings, or npm run teller -- site reset ${site.domain}`;
  }
  return null;
}

/** Lets other work (HTTP requests, event writes) run between two statements. */
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

class Budget {
  used = 0;
  constructor(private readonly max: number) {}
  get left(): boolean {
    return this.used < this.max;
  }
  async run<T>(step: () => Promise<T>): Promise<T> {
    this.used += 1;
    const result = await step();
    await pause();
    return result;
  }
}

function nextMonthStart(day: string): string {
  return addDays(`${day.slice(0, 7)}-28`, 7).slice(0, 7) + '-01';
}

/** Day windows [first, next) of at most a month, from `first` up to `before`. */
function monthWindows(first: string, before: string): Array<[string, string]> {
  const windows: Array<[string, string]> = [];
  for (let from = first; from < before; ) {
    const next = nextMonthStart(from);
    windows.push([from, next < before ? next : before]);
    from = next;
  }
  return windows;
}

async function firstRolledDay(db: Db, siteId: number): Promise<string | null> {
  const visits = await db.first<{ day: string | null }>("SELECT min(day) AS day FROM rollup_visits WHERE site_id = ? AND dimension = ''", [siteId]);
  const events = await db.first<{ day: string | null }>("SELECT min(day) AS day FROM rollup_events WHERE site_id = ? AND dimension = 'event:name'", [siteId]);
  const days = [visits?.day, events?.day].filter((d): d is string => typeof d === 'string');
  return days.length === 0 ? null : days.sort()[0]!;
}

/** Preset ranges that start before the boundary would count purged days. */
async function dropRanges(db: Db, siteId: number, before: string, budget: Budget): Promise<void> {
  for (const stmt of rangesBeforeStatements(siteId, before)) {
    if (!budget.left) return;
    await budget.run(() => db.run(stmt.sql, stmt.params));
  }
}

/** Day rollups before the boundary, one dimension and at most one month per statement. */
async function deleteDayRollups(db: Db, siteId: number, before: string, budget: Budget): Promise<void> {
  const first = await firstRolledDay(db, siteId);
  if (first === null || first >= before) return;
  for (const [from, to] of monthWindows(first, before)) {
    for (const [table, dimensions] of withDimensions(DAY_ROLLUP_TABLES)) {
      for (const dimension of dimensions) {
        if (!budget.left) return;
        const stmt = dayRollupWindowStatement(table, siteId, dimension, from, to);
        await budget.run(() => db.run(stmt.sql, stmt.params));
      }
    }
  }
}

/** Pair rollups before the boundary, if they reach before it: one filter dimension of one table per statement. */
async function deletePairRollups(db: Db, siteId: number, before: string, budget: Budget): Promise<void> {
  const state = await db.first<{ first_day: string }>('SELECT first_day FROM rollup_pair_state WHERE site_id = ?', [siteId]);
  if (!state || state.first_day >= before) return;
  for (const stmt of pairRollupsBeforeStatements(siteId, before)) {
    if (!budget.left) return;
    await budget.run(() => db.run(stmt.sql, stmt.params));
  }
}

/**
 * Month rollups: whole months before the boundary are deleted; the month it falls in is
 * summed again from its remaining days, without moving the record of how far months reach.
 */
async function fixMonthRollups(db: Db, siteId: number, before: string, budget: Budget): Promise<void> {
  const month = before.slice(0, 7);
  // Read first: a statement per dimension would take most of a call's budget even once every old month is gone.
  const old = await db.first(
    `SELECT 1 AS x FROM ${MONTH_ROLLUP_TABLES[0]} WHERE site_id = ? AND month < ? UNION ALL SELECT 1 FROM ${MONTH_ROLLUP_TABLES[1]} WHERE site_id = ? AND month < ? LIMIT 1`,
    [siteId, month, siteId, month],
  );
  for (const [table, dimensions] of old ? withDimensions(MONTH_ROLLUP_TABLES) : []) {
    for (const dimension of dimensions) {
      if (!budget.left) return;
      const stmt = monthRollupsBeforeStatement(table, siteId, dimension, month);
      await budget.run(() => db.run(stmt.sql, stmt.params));
    }
  }
  const state = await readRollupState(db, siteId);
  if (before.endsWith('-01') || state?.monthsThrough == null || state.monthsThrough < month || !budget.left) return;
  const rebuild: Stmt[] = rollupMonthStatements(siteId, month).filter((s) => !s.sql.startsWith('UPDATE rollup_state'));
  await budget.run(() => db.batch(rebuild));
}

/** Raw rows before the boundary, as retention deletes them. */
function deleteRaw(db: Db, site: Site, before: string, chunk: number, budget: Budget): Promise<number> {
  return deleteRawBefore(site.id, dayStart(site.timezone, before), {
    chunk,
    more: () => budget.left,
    run: (stmt) => budget.run(() => db.run(stmt.sql, stmt.params)),
  });
}

/**
 * Purges the site's data before site-local day `before` (checked with purgeDayProblem
 * first). Repeating a purge, or purging an earlier day later, is harmless.
 */
export async function purgeSite(db: Db, site: Site, before: string, options: PurgeOptions = {}): Promise<PurgeResult> {
  await db.run('UPDATE sites SET purged_before = ? WHERE id = ? AND (purged_before IS NULL OR purged_before < ?)', [before, site.id, before]);
  const budget = new Budget(options.maxStatements ?? Number.POSITIVE_INFINITY);
  await dropRanges(db, site.id, before, budget);
  await deleteDayRollups(db, site.id, before, budget);
  await deletePairRollups(db, site.id, before, budget);
  await fixMonthRollups(db, site.id, before, budget);
  for (const stmt of goalRollupsBeforeStatements(site.id, before)) if (budget.left) await budget.run(() => db.run(stmt.sql, stmt.params));
  const rawRowsDeleted = await deleteRaw(db, site, before, options.chunk ?? DEFAULT_CHUNK, budget);
  await purgeImportsBefore(db, site.id, before, { more: () => budget.left, run: (stmt) => budget.run(() => db.run(stmt.sql, stmt.params)) });
  // Maintenance may have built a range from the old sums meanwhile.
  await dropRanges(db, site.id, before, budget);
  const row = await db.first<{ purged_before: string }>('SELECT purged_before FROM sites WHERE id = ?', [site.id]);
  return { purgedBefore: row?.purged_before ?? before, rawRowsDeleted, done: budget.left };
}
