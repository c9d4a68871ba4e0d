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
import { apiFilters, filterArb, GOALS, type RefFilter, type RefVisit, referenceCounts, storeVisits, toVisits, visitArb } from '../shared/funnel-reference.ts';

const ZONE = 'Europe/Oslo';
const FIRST_DAY = '2024-03-01';
const START = dayStart(ZONE, FIRST_DAY);
const DAY = 86_400;
/** Noon of the period's second day: the copy holds the days before it, SQLite the rest. */
const NOW = dayStart(ZONE, '2024-03-02') + 12 * 3600;
/** Noon of the period's third day: the copy holds its first two days and the day before it. */
const LATER = dayStart(ZONE, '2024-03-03') + 12 * 3600;
/** Noon of the eighth day: the copy holds the week before it. */
const WEEK_LATER = dayStart(ZONE, '2024-03-08') + 12 * 3600;

/**
 * The drawn visits as ingest can make them: a visit ends at the site's midnight, where the
 * visitor hash's salt changes (ingest/visitor.ts), so the copy of a closed day holds every
 * event of the visits begun on it. (The SQLite and D1 suites keep visits across midnight,
 * to test the period's end.) With `copiedThrough`, only the visits begun on that day (the
 * copy's last) end at midnight: the others go on across it, as after a change of the site's
 * timezone, and the copy must count them by the day they began.
 */
function endingAtMidnight(visits: RefVisit[], copiedThrough?: string): RefVisit[] {
  return visits.map((v) => {
    const day = localDayAt(ZONE, v.startedAt);
    if (copiedThrough !== undefined && day !== copiedThrough) return v;
    const midnight = dayStart(ZONE, addDays(day, 1));
    return { ...v, events: v.events.filter((e) => e.ts < midnight) };
  });
}

/** How a property's runs differ from the plain one. */
interface Shape {
  /** The period's first day (it ends before 2024-03-03 either way). */
  firstDay?: string;
  /** With `crossing`, the midnight the crossing visits go across (the period's first night unless told). */
  crossAt?: number;
  /**
   * The period's length in days from FIRST_DAY (3 unless told): the visits are spread over
   * it, and the crossing ones over its nights but the last.
   */
  days?: number;
  /** The funnels' steps, as keys of GOALS. */
  steps?: fc.Arbitrary<string[]>;
  /** Counts from the copy's flags from this many days on (FLAGGED_MIN_DAYS, 90, unless told). */
  flaggedMinDays?: number;
  /** Reshapes the drawn visits before they are stored. */
  visits?: (visits: RefVisit[]) => RefVisit[];
}

/**
 * Each visit's first event made a custom event on the page of its first pageview, recorded
 * before it (as a tracker that sends an event before the page view does).
 */
function customEventFirst(visits: RefVisit[]): RefVisit[] {
  return visits.map((v) => {
    const [first, ...rest] = v.events;
    const page = rest.find((e) => e.name === 'pageview')?.path ?? first!.path;
    return { ...v, events: [{ ...first!, name: 'Signup', path: page, props: [] }, ...rest] };
  });
}

/**
 * The visits begun in the hour and a half before a midnight begin a minute before it, the
 * rest of their events after it; two visitors only, so a visit counted on the wrong day
 * meets or misses another of its visitor's.
 */
function acrossMidnight(visits: RefVisit[]): RefVisit[] {
  return visits.map((v) => {
    const midnight = dayStart(ZONE, addDays(localDayAt(ZONE, v.startedAt), 1));
    const visitor = (v.visitor % 2) + 1;
    if (midnight - v.startedAt > 5400 || v.events.length < 2) return { ...v, visitor };
    const startedAt = midnight - 60;
    return { ...v, visitor, startedAt, events: v.events.map((e, i) => ({ ...e, ts: i === 0 ? startedAt : e.ts - v.startedAt + midnight })) };
  });
}

describe('funnels over the columnar copy and SQLite', () => {
  let store: TestStore;
  let columns: DuckStore;
  let dir: string;
  let run = 0;
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

  /**
   * Random streams against the brute-force count at `now`, the copy holding the closed days;
   * `crossing`: visits begun before the copy's last day go on across midnight.
   */
  async function equalsReference(
    now: number,
    crossing: boolean,
    filters: fc.Arbitrary<RefFilter>,
    shape: Shape = {},
  ): Promise<{ columnarReads: number; crossed: number }> {
    const firstDay = shape.firstDay ?? FIRST_DAY;
    const start = dayStart(ZONE, firstDay);
    const crossAt = shape.crossAt ?? START + DAY;
    const days = shape.days ?? 3;
    const lastDay = addDays(FIRST_DAY, days - 1);
    const end = dayStart(ZONE, addDays(lastDay, 1));
    const nights = Math.max(1, days - 2);
    let columnarReads = 0;
    let crossed = 0;
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
        shape.steps ?? fc.shuffledSubarray(Object.keys(GOALS), { minLength: 2, maxLength: 4 }),
        filters,
        async (drawn, stepKeys, filter) => {
          // A new site each run: the copy keeps the days it has written.
          run += 1;
          const site = await addSite(store.db, `run${run}.example`, ZONE);
          const goals = [];
          for (const key of stepKeys) goals.push((await addGoal(store.db, site.id, GOALS[key]!, 0)).goal);
          const { funnel } = await saveFunnel(store.db, site.id, { name: 'Random', steps: goals.map((g) => g.id) }, 0);
          const spread = drawn.map((d) => ({ ...d, offset: Math.round((d.offset * days) / 3) }));
          // Crossing: every other visit begins in the last hour and a half before a midnight (the period's first unless told), most going on across it.
          const near = crossing
            ? spread.map((d, i) => (i % 2 === 0 ? { ...d, offset: crossAt - START + ((i / 2) % nights) * DAY - 5400 + (Math.abs(d.offset) % 5400) } : d))
            : spread;
          const made = toVisits(near, START, run * 1000);
          const visits = endingAtMidnight(shape.visits ? shape.visits(made) : made, crossing ? addDays(localDayAt(ZONE, now), -1) : undefined);
          crossed += visits.filter((v) => localDayAt(ZONE, v.events.at(-1)!.ts) !== localDayAt(ZONE, v.startedAt)).length;
          await storeVisits(store.db, site.id, visits);
          // As the server does: maintenance rolls the closed days up, then they are copied.
          while ((await runMaintenance(store.db, now * 1000, { maxDaysPerSite: 100 })).daysRolledUp > 0);
          while ((await syncColumnarCopy(store.db, columns, 10, now)).behind);
          const query = { ...parseFunnelQuery({ date_range: [firstDay, lastDay], filters: apiFilters(filter) }, site, now, null), flaggedMinDays: shape.flaggedMinDays };
          const { counts } = await countFunnel(store.db, site, funnel, query, reader);
          expect(failures).toEqual([]);
          expect(counts.steps).toEqual(referenceCounts(visits, goals, filter, start, end, ZONE).steps);
        },
      ),
      { numRuns: 40 },
    );
    return { columnarReads, crossed };
  }

  it('equals a brute-force count over random event streams, the copy answering its days', async () => {
    const { columnarReads } = await equalsReference(NOW, false, filterArb);
    // A run whose visits all start after the first day has nothing copied; most have.
    expect(columnarReads).toBeGreaterThan(20);
  }, 180_000);

  it('equals a brute-force count over random event streams counted from the copy\'s flags', async () => {
    const { columnarReads } = await equalsReference(LATER, false, filterArb, { flaggedMinDays: 1 });
    expect(columnarReads).toBeGreaterThan(20);
  }, 180_000);

  it('counts a visit going on across midnight inside the copy by the day it began', async () => {
    // Without filters: the statement then reads no visit attribute but the day and visitor of step 1's visits.
    const { columnarReads, crossed } = await equalsReference(LATER, true, fc.constant(null), { flaggedMinDays: 1 });
    expect(columnarReads).toBeGreaterThan(20);
    // The drawn visits cross midnight: into the period's first day from the day before it, and between its copied days.
    expect(crossed).toBeGreaterThan(10);
  }, 180_000);

  it('leaves out the visits begun the night before the period that go on into its first day', async () => {
    // The period begins on the copy's second day; half the visits begin in the last hour and a half before it.
    const { columnarReads, crossed } = await equalsReference(LATER, true, fc.constant(null), { firstDay: '2024-03-02', crossAt: START + DAY, flaggedMinDays: 1 });
    expect(columnarReads).toBeGreaterThan(20);
    expect(crossed).toBeGreaterThan(10);
  }, 180_000);

  it('equals the brute-force count over a week, visits crossing its nights inside the copy', async () => {
    // Long enough that most of the copy's stretch is past its first days, which are read apart.
    const { columnarReads, crossed } = await equalsReference(WEEK_LATER, true, fc.constant(null), { days: 8, visits: acrossMidnight, flaggedMinDays: 1 });
    expect(columnarReads).toBeGreaterThan(20);
    expect(crossed).toBeGreaterThan(10);
  }, 180_000);

  it('takes a page step at its page view when a custom event on that page came first', async () => {
    // Page steps first, so step 1 is a page whose first row in a visit is never its page view.
    const pages = fc.shuffledSubarray(['home', 'pricing', 'blog', 'thanks'], { minLength: 2, maxLength: 3 });
    const steps = fc.tuple(pages, fc.constantFrom([], ['signup'])).map(([p, e]) => [...p, ...e]);
    const { columnarReads } = await equalsReference(WEEK_LATER, false, fc.constantFrom<RefFilter>(null, null, { op: 'is', dimension: 'visit:country', value: 'NO' }), {
      days: 8,
      flaggedMinDays: 1,
      steps,
      visits: customEventFirst,
    });
    expect(columnarReads).toBeGreaterThan(20);
  }, 180_000);
});
