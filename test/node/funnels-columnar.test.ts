/**
 * Funnels read from the columnar copy of closed days (DuckDB) and SQLite's raw rows
 * together, as the Node server plans them: random event streams against the brute-force
 * count, with the copy holding the period's first day and SQLite the rest, and no read
 * falling back to SQLite unnoticed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncColumnarCopy } from '../../server/core/columnar/sync.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { saveFunnel } from '../../server/core/funnels/funnels.ts';
import { countFunnel, parseFunnelQuery } from '../../server/core/funnels/run.ts';
import { addGoal } from '../../server/core/goals/goals.ts';
import type { ColumnarReader } from '../../server/core/ports.ts';
import { addDays, dayStart, localDayAt } from '../../server/core/time.ts';
import { openDuckStore, type DuckStore } from '../../server/node/columnar/duckdb-store.ts';
import { addSite, openTestStore, type TestStore } from '../core/query/store.ts';
import { apiFilters, filterArb, GOALS, type RefVisit, referenceCounts, storeVisits, toVisits, visitArb } from '../shared/funnel-reference.ts';

const ZONE = 'Europe/Oslo';
const FIRST_DAY = '2024-03-01';
const START = dayStart(ZONE, FIRST_DAY);
const END = dayStart(ZONE, '2024-03-04');
/** Noon of the period's second day: the copy holds the days before it, SQLite the rest. */
const NOW = dayStart(ZONE, '2024-03-02') + 12 * 3600;

/**
 * The drawn visits as ingest can make them: a visit ends at the site's midnight, where the
 * visitor hash's salt changes (ingest/visitor.ts), so the copy of a closed day holds every
 * event of the visits begun on it. (The SQLite and D1 suites keep visits across midnight,
 * to test the period's end.)
 */
function endingAtMidnight(visits: RefVisit[]): RefVisit[] {
  return visits.map((v) => {
    const midnight = dayStart(ZONE, addDays(localDayAt(ZONE, v.startedAt), 1));
    return { ...v, events: v.events.filter((e) => e.ts < midnight) };
  });
}

describe('funnels over the columnar copy and SQLite', () => {
  let store: TestStore;
  let columns: DuckStore;
  let dir: string;
  beforeAll(async () => {
    store = openTestStore();
    dir = mkdtempSync(join(tmpdir(), 'teller-funnel-columns-'));
    columns = await openDuckStore({ path: join(dir, 'copy.duckdb'), memoryLimit: '256MB', threads: 1 });
  });
  afterAll(() => {
    columns?.close();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('equals a brute-force count over random event streams, the copy answering its days', async () => {
    let run = 0;
    let columnarReads = 0;
    const failures: unknown[] = [];
    const reader: ColumnarReader = {
      coverage: (siteId, timeZone) => columns.coverage(siteId, timeZone),
      async all(sql, params) {
        columnarReads += 1;
        try {
          return await columns.all(sql, params);
        } catch (e) {
          failures.push(e);
          throw e;
        }
      },
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(visitArb, { minLength: 1, maxLength: 12 }),
        fc.shuffledSubarray(Object.keys(GOALS), { minLength: 2, maxLength: 4 }),
        filterArb,
        async (drawn, stepKeys, filter) => {
          // A new site each run: the copy keeps the days it has written.
          run += 1;
          const site = await addSite(store.db, `run${run}.example`, ZONE);
          const goals = [];
          for (const key of stepKeys) goals.push((await addGoal(store.db, site.id, GOALS[key]!, 0)).goal);
          const { funnel } = await saveFunnel(store.db, site.id, { name: 'Random', steps: goals.map((g) => g.id) }, 0);
          const visits = endingAtMidnight(toVisits(drawn, START, run * 1000));
          await storeVisits(store.db, site.id, visits);
          // As the server does: maintenance rolls the closed days up, then they are copied.
          while ((await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 100 })).daysRolledUp > 0);
          while ((await syncColumnarCopy(store.db, columns, 10, NOW)).behind);
          const query = parseFunnelQuery({ date_range: [FIRST_DAY, '2024-03-03'], filters: apiFilters(filter) }, site, NOW, null);
          const { counts } = await countFunnel(store.db, site, funnel, query, reader);
          expect(failures).toEqual([]);
          expect(counts.steps).toEqual(referenceCounts(visits, goals, filter, START, END, ZONE).steps);
        },
      ),
      { numRuns: 40 },
    );
    // A run whose visits all start after the first day has nothing copied; most have.
    expect(columnarReads).toBeGreaterThan(20);
  }, 180_000);
});
