/**
 * Periodic maintenance, run by the Node server on a timer and by the Workers cron: deletes
 * salts that can no longer be used, rolls up closed site-local days (and whole months, and
 * Top Pages' rows of days rolled up before they existed), applies each site's raw-event
 * retention once the days concerned are rolled up, and removes imports a crash left half
 * loaded (imports/store.ts). Every step records its progress in the same batch as its
 * work, so a run can stop anywhere and the next one carries on; with nothing to do a run
 * is one delete and three indexed reads per site, and one read of the (few) imports.
 * @module
 */
import { rollUpGoals } from './goal-rollups.ts';
import { removeAbandonedImports } from './imports/store.ts';
import { buildPairRollups } from './pair-rollups.ts';
import { buildPageviewPages } from './pageview-pages.ts';
import type { Db } from './ports.ts';
import { shortcutDays } from './query/date-range.ts';
import { readRollupState, type RollupState } from './query/rollup-state.ts';
import { addDays, dayStart, localDayAt } from './time.ts';
import { rollupDayStatements, rollupMonthStatements, rollupRangeStatements } from './rollups.ts';
import { listSites, type Site } from './sites.ts';
import { clearRangeStatements, clearRollupStatements, deleteRawBefore, rangeStatements, rollupsFromStatements } from './store/site-days.ts';

export interface MaintenanceResult {
  saltsDeleted: number;
  daysRolledUp: number;
  /** Days whose pair rollups were built (pair-rollups.ts): as many as daysRolledUp once caught up. */
  pairDaysBuilt: number;
  /** Days of history whose Top Pages rows were built (pageview-pages.ts): none once caught up. */
  pageviewDaysBuilt: number;
  rawRowsPurged: number;
}

export interface MaintenanceOptions {
  /** Most days rolled up per site per run, so one run stays short on a large backlog. */
  maxDaysPerSite?: number;
  /** Most days of one goal's rollups built per site per run (goal-rollups.ts); maxDaysPerSite by default. */
  maxGoalDaysPerSite?: number;
  /** Most days of history whose Top Pages rows are built per site per run (pageview-pages.ts); maxDaysPerSite by default. */
  maxPageviewDaysPerSite?: number;
  /** Most raw rows deleted per site per run. */
  maxPurgePerSite?: number;
  /**
   * Build pair rollups (pair-rollups.ts): Workers' cron does, as D1 has no columnar copy and
   * bills per row read. Node answers filtered views from its columnar copy, and would pay
   * their disk (more than the raw data) and build time on the ingest thread for little.
   */
  pairRollups?: boolean;
}

/**
 * A day is rolled up only this long after it ends, so events the writer accepted just
 * before midnight are committed first.
 */
const CLOSE_GRACE_SECONDS = 120;
const PURGE_CHUNK = 5_000;
/**
 * The `date_range` shortcuts whose rolled-up days are kept summed, ready to read. `6d`,
 * `27d`, `29d` and `90d` are the closed days of the dashboard's "last 7 / 28 / 30 / 91 days",
 * which end today (server/core/dashboard-api/view-queries/dates.ts): today itself is read raw.
 */
const PRESETS = ['7d', '28d', '30d', '91d', '6d', '27d', '29d', '90d', 'month', 'year', '6mo', '12mo', 'all'];

function lastMonthEndingBy(day: string): string {
  // The month of the day after `day` is the first month not yet over.
  const next = addDays(day, 1).slice(0, 7);
  return addDays(`${next}-01`, -1).slice(0, 7);
}

function nextMonth(month: string): string {
  return addDays(`${month}-28`, 7).slice(0, 7);
}

async function firstDataDay(db: Db, site: Site): Promise<string | null> {
  const row = await db.first<{ t: number | null }>('SELECT min(started_at) AS t FROM visits WHERE site_id = ?', [site.id]);
  return row?.t == null ? null : localDayAt(site.timezone, row.t);
}

/**
 * A site whose timezone changed has rollups cut along the old days: those that raw events
 * can rebuild are dropped, so they are built again in the new timezone.
 */
async function dropRollupsOfOldTimezone(db: Db, site: Site, state: RollupState): Promise<void> {
  const from = state.rawKeptFrom;
  if (from === null) {
    await db.batch(clearRollupStatements(site.id));
    return;
  }
  const month = from.slice(0, 7);
  const lastKeptMonth = addDays(`${month}-01`, -1).slice(0, 7);
  await db.batch([
    ...clearRangeStatements(site.id),
    ...rollupsFromStatements(site.id, from),
    {
      // Top Pages' rows are built again with the days from `from` on.
      sql: `UPDATE rollup_state SET timezone = ?, days_through = ?,
        months_through = CASE WHEN months_through > ? THEN ? ELSE months_through END,
        pageview_pages_from = CASE WHEN pageview_pages_from IS NULL OR pageview_pages_from > ? THEN ? ELSE pageview_pages_from END WHERE site_id = ?`,
      params: [site.timezone, addDays(from, -1), lastKeptMonth, lastKeptMonth, from, from, site.id],
    },
  ]);
}

/** Rolls up closed days and whole months; returns the days built, the state after and the first day rolled up. */
async function rollUp(db: Db, site: Site, yesterday: string, maxDays: number): Promise<{ built: number; state: RollupState | null; firstDay: string | null }> {
  let state = await readRollupState(db, site.id);
  if (state && state.timezone !== site.timezone) {
    await dropRollupsOfOldTimezone(db, site, state);
    state = await readRollupState(db, site.id);
  }
  const first = state ? addDays(state.daysThrough, 1) : await firstDataDay(db, site);
  let built = 0;
  for (let day = first; day !== null && day <= yesterday && built < maxDays; day = addDays(day, 1)) {
    await db.batch(rollupDayStatements(site.id, site.timezone, day));
    built += 1;
  }
  // Read again only when the day batches changed it: an idle run costs no second read.
  if (built > 0) state = await readRollupState(db, site.id);
  if (!state) return { built, state, firstDay: null };
  const lastMonth = lastMonthEndingBy(state.daysThrough);
  const firstRow = await db.first<{ day: string | null }>("SELECT min(day) AS day FROM rollup_visits WHERE site_id = ? AND dimension = ''", [site.id]);
  const firstDay = firstRow?.day ?? state.daysThrough;
  const firstMonth = state.monthsThrough ? nextMonth(state.monthsThrough) : firstDay.slice(0, 7);
  for (let month = firstMonth; month <= lastMonth; month = nextMonth(month)) {
    await db.batch(rollupMonthStatements(site.id, month));
    // Each month's batch records it as rolled up; the state follows without a read.
    state = { ...state, monthsThrough: month };
  }
  // Preset ranges end at the last rolled-up day: only worth building once caught up.
  if (state.daysThrough >= yesterday) await refreshRanges(db, site, firstDay, state);
  return { built, state, firstDay: firstRow?.day ?? null };
}

/** The rolled-up days of each preset when `lastDay` is the last rolled-up day, as `first|last`. */
function presetRanges(lastDay: string, statsStart: string): Set<string> {
  const ranges = new Set<string>();
  for (const preset of PRESETS) {
    const days = shortcutDays(preset, addDays(lastDay, 1), statsStart);
    if (!days) continue;
    const last = days[1] < lastDay ? days[1] : lastDay;
    if (days[0] <= last) ranges.add(`${days[0]}|${last}`);
  }
  return ranges;
}

/**
 * Builds the preset ranges that end at the last rolled-up day and drops older ones. The
 * previous day's ranges are kept one more day, for queries planned just before the switch.
 */
async function refreshRanges(db: Db, site: Site, statsStart: string, state: RollupState): Promise<void> {
  const wanted = presetRanges(state.daysThrough, statsStart);
  const keep = new Set([...wanted, ...presetRanges(addDays(state.daysThrough, -1), statsStart)]);
  const coverage = { daysThrough: state.daysThrough, monthsThrough: state.monthsThrough, ranges: state.ranges };
  for (const range of wanted) {
    if (state.ranges.has(range)) continue;
    const [first, last] = range.split('|') as [string, string];
    await db.batch(rollupRangeStatements(site.id, first, last, coverage));
  }
  for (const range of state.ranges) {
    if (keep.has(range)) continue;
    const [first, last] = range.split('|') as [string, string];
    await db.batch(rangeStatements(site.id, first, last));
  }
}

/**
 * Deletes raw visits and events older than the site's retention window, never past the
 * last rolled-up day. The boundary is recorded first, so from then on a query needing the
 * deleted rows is refused rather than answered short.
 */
async function applyRetention(db: Db, site: Site, state: RollupState | null, today: string, maxRows: number): Promise<number> {
  if (site.retentionDays === null || !state) return 0;
  const window = addDays(today, -site.retentionDays);
  const rolled = addDays(state.daysThrough, 1);
  const target = window < rolled ? window : rolled;
  let keptFrom = state.rawKeptFrom;
  if (keptFrom === null || keptFrom < target) {
    await db.run('UPDATE rollup_state SET raw_kept_from = ? WHERE site_id = ?', [target, site.id]);
    keptFrom = target;
  }
  return deleteRawBefore(site.id, dayStart(site.timezone, keptFrom), {
    chunk: PURGE_CHUNK,
    more: (purged) => purged < maxRows,
    run: (stmt) => db.run(stmt.sql, stmt.params),
  });
}

/** A result with nothing done: what runs add up from. */
export function noMaintenance(): MaintenanceResult {
  return { saltsDeleted: 0, daysRolledUp: 0, pairDaysBuilt: 0, pageviewDaysBuilt: 0, rawRowsPurged: 0 };
}

/** Runs every maintenance step for every site at instant `nowMs`. */
export async function runMaintenance(db: Db, nowMs: number, options: MaintenanceOptions = {}): Promise<MaintenanceResult> {
  const result = noMaintenance();
  const now = Math.floor(nowMs / 1000);
  for (const site of await listSites(db)) {
    const today = localDayAt(site.timezone, now);
    // Salts of yesterday still serve visits that were open at midnight; older ones never.
    const salts = await db.run('DELETE FROM salts WHERE site_id = ? AND day < ?', [site.id, addDays(today, -1)]);
    result.saltsDeleted += salts.changes;
    const closedThrough = addDays(localDayAt(site.timezone, now - CLOSE_GRACE_SECONDS), -1);
    const { built, state, firstDay } = await rollUp(db, site, closedThrough, options.maxDaysPerSite ?? 31);
    result.daysRolledUp += built;
    result.pageviewDaysBuilt += await buildPageviewPages(db, site, state, firstDay, options.maxPageviewDaysPerSite ?? options.maxDaysPerSite ?? 31);
    if (options.pairRollups) result.pairDaysBuilt += await buildPairRollups(db, site, state, options.maxDaysPerSite ?? 31);
    await rollUpGoals(db, site, closedThrough, options.maxGoalDaysPerSite ?? options.maxDaysPerSite ?? 31, now);
    result.rawRowsPurged += await applyRetention(db, site, state, today, options.maxPurgePerSite ?? 50_000);
  }
  await removeAbandonedImports(db, now, null);
  return result;
}
