/**
 * Maintenance as the Node server runs it, on the ingest thread that owns the writes: a
 * backlog of closed days (and of Top Pages' rows of days rolled up before them) is rolled
 * up one day per site at a time, with a turn of the event loop between steps, so event
 * groups keep being committed while it works.
 * @module
 */
import { type MaintenanceResult, noMaintenance, runMaintenance } from '../core/maintenance.ts';
import type { Db } from '../core/ports.ts';

/** Runs maintenance steps at instant `nowMs` until nothing is left to do or `stopping()` says so. */
export async function workOffBacklog(db: Db, nowMs: number, stopping: () => boolean): Promise<MaintenanceResult> {
  const total = noMaintenance();
  for (;;) {
    const r = await runMaintenance(db, nowMs, { maxDaysPerSite: 1 });
    total.saltsDeleted += r.saltsDeleted;
    total.daysRolledUp += r.daysRolledUp;
    total.pairDaysBuilt += r.pairDaysBuilt;
    total.pageviewDaysBuilt += r.pageviewDaysBuilt;
    total.rawRowsPurged += r.rawRowsPurged;
    if (stopping() || r.daysRolledUp + r.pairDaysBuilt + r.pageviewDaysBuilt + r.rawRowsPurged === 0) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
