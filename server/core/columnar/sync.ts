/**
 * Keeps the columnar copy in step with SQLite: each closed day that maintenance has rolled
 * up is copied once (oldest first, so a backfill of an existing database grows the copy
 * without gaps) as soon as every visit begun that day has ended, so the copied visits are
 * final; days that retention or a purge removed from the raw tables are removed
 * from it, and so are removed sites and a site's days cut along a timezone it no longer
 * has. A pass copies a bounded number of days and says whether more are waiting, so a
 * backfill proceeds in small steps between queries.
 * @module
 */
import type { ColumnarStore, Db } from '../ports.ts';
import { readRollupState } from '../query/rollup-state.ts';
import { readSitePrivacy } from '../privacy/site-privacy.ts';
import { listSites } from '../sites.ts';
import { VISIT_TIMEOUT_SECONDS } from '../store/record-event.ts';
import { addDays, dayStart, localDayAt } from '../time.ts';
import { readDayRows } from './day-rows.ts';

export interface SyncResult {
  daysWritten: number;
  sitesDropped: number;
  /** True when days are still waiting to be copied: call again soon. */
  behind: boolean;
}

const later = (a: string | null, b: string | null) => (a === null ? b : b === null || a > b ? a : b);

/** True while a visit begun in [start, end) may still be extended at `nowSec`. */
async function visitsOpen(db: Db, siteId: number, start: number, end: number, nowSec: number): Promise<boolean> {
  const row = await db.first<{ t: number | null }>('SELECT max(ended_at) AS t FROM visits WHERE site_id = ? AND started_at >= ? AND started_at < ?', [siteId, start, end]);
  return row?.t != null && row.t + VISIT_TIMEOUT_SECONDS > nowSec;
}

/** One pass at instant `nowSec`; `maxDays` bounds the days copied per site. */
export async function syncColumnarCopy(db: Db, store: ColumnarStore, maxDays: number, nowSec: number): Promise<SyncResult> {
  const result: SyncResult = { daysWritten: 0, sitesDropped: 0, behind: false };
  const sites = await listSites(db);
  const held = new Map((await store.held()).map((h) => [h.siteId, h]));
  for (const siteId of held.keys()) {
    if (!sites.some((s) => s.id === siteId)) {
      await store.deleteSite(siteId);
      result.sitesDropped += 1;
    }
  }
  for (const site of sites) {
    let copy = held.get(site.id) ?? null;
    if (copy && copy.timezone !== site.timezone) {
      await store.deleteSite(site.id);
      copy = null;
    }
    const state = await readRollupState(db, site.id);
    // Nothing is read before the raw rows retention kept nor before a purge. A reset deletes
    // the rollup state too, so its purge boundary is honoured before the state is back.
    const keptFrom = later(state?.rawKeptFrom ?? null, (await readSitePrivacy(db, site.id)).purgedBefore);
    if (copy && keptFrom !== null && copy.first < keptFrom) await store.deleteBefore(site.id, keptFrom, dayStart(site.timezone, keptFrom));
    if (!state || state.timezone !== site.timezone) continue;
    let next: string | null;
    if (copy && (keptFrom === null || copy.through >= keptFrom)) {
      next = addDays(copy.through, 1);
    } else {
      const row = await db.first<{ t: number | null }>('SELECT min(started_at) AS t FROM visits WHERE site_id = ?', [site.id]);
      next = later(row?.t == null ? null : localDayAt(site.timezone, row.t), keptFrom);
    }
    let written = 0;
    for (let day = next; day !== null && day <= state.daysThrough; day = addDays(day, 1)) {
      if (written === maxDays) {
        result.behind = true;
        break;
      }
      const start = dayStart(site.timezone, day);
      const end = dayStart(site.timezone, addDays(day, 1));
      // A visit that went on past midnight is copied once it has ended (a later pass).
      if (await visitsOpen(db, site.id, start, end, nowSec)) break;
      await store.writeDay(site.id, site.timezone, day, start, end, await readDayRows(db, site.id, site.timezone, start, end));
      written += 1;
    }
    result.daysWritten += written;
  }
  return result;
}
