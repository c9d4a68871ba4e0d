import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { goalDayStatements } from '../../server/core/goal-rollups.ts';
import { addGoal, parseGoal } from '../../server/core/goals/goals.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import type { Db } from '../../server/core/ports.ts';
import { updateSite } from '../../server/core/sites.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from './query/store.ts';

const at = (iso: string) => Date.parse(iso);
let store: TestStore;

beforeEach(() => {
  store = openTestStore();
});
afterEach(() => store.close());

const state = (siteId: number) => store.db.raw.prepare('SELECT timezone, days_through, months_through, raw_kept_from FROM rollup_state WHERE site_id = ?').get(siteId);
const count = (sql: string, ...params: unknown[]) => (store.db.raw.prepare(sql).get(...params) as { n: number }).n;

describe('runMaintenance', () => {
  it('deletes salts older than the site-local yesterday', async () => {
    const site = await addSite(store.db, 'example.com', 'Pacific/Auckland');
    const insert = store.db.raw.prepare("INSERT INTO salts (site_id, day, salt) VALUES (?, ?, 'x')");
    for (const day of ['2024-03-08', '2024-03-09', '2024-03-10', '2024-03-11']) insert.run(site.id, day);
    // 12:00 UTC on the 10th is already the 11th in Auckland: the 10th is yesterday there.
    const result = await runMaintenance(store.db, at('2024-03-10T12:00:00Z'));
    expect(result.saltsDeleted).toBe(2);
    expect(store.db.raw.prepare('SELECT day FROM salts ORDER BY day').pluck().all()).toEqual(['2024-03-10', '2024-03-11']);
  });

  it('rolls up closed days once, after a grace period past midnight, and is idle afterwards', async () => {
    const site = await addSite(store.db, 'example.com');
    insertVisitWithEvents(store.db, site.id, { visitor: 1 }, [{ ts: at('2024-03-09T10:00:00Z') / 1000 }]);
    insertVisitWithEvents(store.db, site.id, { visitor: 2 }, [{ ts: at('2024-03-10T23:59:59Z') / 1000 }]);

    expect((await runMaintenance(store.db, at('2024-03-11T00:01:00Z'))).daysRolledUp).toBe(1);
    expect(state(site.id)).toMatchObject({ days_through: '2024-03-09' });
    expect((await runMaintenance(store.db, at('2024-03-11T00:03:00Z'))).daysRolledUp).toBe(1);
    expect(state(site.id)).toMatchObject({ days_through: '2024-03-10' });
    const rows = count('SELECT count(*) AS n FROM rollup_visits WHERE site_id = ?', site.id);
    // Idle, a run costs the site list, one delete and four reads per site (one for goal rollups), and one read of half-loaded imports (D1 meters each).
    const statements: string[] = [];
    const counted: Db = {
      all: (sql, params) => (statements.push(sql), store.db.all(sql, params)),
      first: (sql, params) => (statements.push(sql), store.db.first(sql, params)),
      run: (sql, params) => (statements.push(sql), store.db.run(sql, params)),
      batch: (stmts) => (statements.push(...stmts.map((st) => st.sql)), store.db.batch(stmts)),
    } as Db;
    expect(await runMaintenance(counted, at('2024-03-11T09:00:00Z'))).toEqual({ saltsDeleted: 0, daysRolledUp: 0, pairDaysBuilt: 0, pageviewDaysBuilt: 0, rawRowsPurged: 0 });
    expect(statements).toHaveLength(7);
    expect(count('SELECT count(*) AS n FROM rollup_visits WHERE site_id = ?', site.id)).toBe(rows);
    expect(store.db.raw.prepare("SELECT day, visitors, visits, pageviews FROM rollup_visits WHERE site_id = ? AND dimension = '' ORDER BY day").all(site.id)).toEqual([
      { day: '2024-03-09', visitors: 1, visits: 1, pageviews: 1 },
      { day: '2024-03-10', visitors: 1, visits: 1, pageviews: 1 },
    ]);
  });

  it('works through a backlog a bounded number of days per run, then adds up whole months', async () => {
    const site = await addSite(store.db, 'example.com');
    insertVisitWithEvents(store.db, site.id, { visitor: 1 }, [{ ts: at('2024-01-15T10:00:00Z') / 1000 }]);
    insertVisitWithEvents(store.db, site.id, { visitor: 1 }, [{ ts: at('2024-02-15T10:00:00Z') / 1000 }]);
    const now = at('2024-03-05T12:00:00Z');
    expect((await runMaintenance(store.db, now, { maxDaysPerSite: 30 })).daysRolledUp).toBe(30);
    expect(state(site.id)).toMatchObject({ days_through: '2024-02-13', months_through: '2024-01' });
    expect((await runMaintenance(store.db, now, { maxDaysPerSite: 30 })).daysRolledUp).toBe(20);
    expect(state(site.id)).toMatchObject({ days_through: '2024-03-04', months_through: '2024-02' });
    expect(store.db.raw.prepare("SELECT month, visitors FROM rollup_visits_monthly WHERE site_id = ? AND dimension = '' ORDER BY month").all(site.id)).toEqual([
      { month: '2024-01', visitors: 1 },
      { month: '2024-02', visitors: 1 },
    ]);
  });

  it('keeps the preset ranges ending at the last rolled-up day ready, and drops older ones', async () => {
    const site = await addSite(store.db, 'example.com');
    insertVisitWithEvents(store.db, site.id, { visitor: 1 }, [{ ts: at('2024-02-20T10:00:00Z') / 1000 }]);
    const ranges = () => store.db.raw.prepare('SELECT first_day || \'|\' || last_day FROM rollup_ranges WHERE site_id = ? ORDER BY 1').pluck().all(site.id);
    await runMaintenance(store.db, at('2024-03-05T12:00:00Z'));
    // Today is 5 March: 7d, 28d, 30d, 91d, the dashboard's 6d, 27d, 29d, 90d, month, year, 6mo, 12mo and all.
    expect(ranges()).toEqual([
      '2023-03-01|2024-02-29',
      '2023-09-01|2024-02-29',
      '2023-12-05|2024-03-04',
      '2023-12-06|2024-03-04',
      '2024-01-01|2024-03-04',
      '2024-02-04|2024-03-04',
      '2024-02-05|2024-03-04',
      '2024-02-06|2024-03-04',
      '2024-02-07|2024-03-04',
      '2024-02-20|2024-03-04',
      '2024-02-27|2024-03-04',
      '2024-02-28|2024-03-04',
      '2024-03-01|2024-03-04',
    ]);
    expect(store.db.raw.prepare("SELECT visitors FROM rollup_range_visits WHERE site_id = ? AND first_day = '2024-02-04' AND dimension = ''").pluck().get(site.id)).toBe(1);
    await runMaintenance(store.db, at('2024-03-06T12:00:00Z'));
    await runMaintenance(store.db, at('2024-03-07T12:00:00Z'));
    const after = ranges() as string[];
    expect(after.filter((r) => r.endsWith('2024-03-04'))).toEqual([]);
    expect(after.filter((r) => r.endsWith('2024-03-05'))).toHaveLength(11);
    // On the 7th, 6d and month are the same days: one range serves both.
    expect(after.filter((r) => r.endsWith('2024-03-06'))).toHaveLength(10);
  });

  it('deletes raw events past the retention window only once their days are rolled up', async () => {
    const site = await addSite(store.db, 'example.com');
    await updateSite(store.db, 'example.com', { retentionDays: 10 });
    insertVisitWithEvents(store.db, site.id, { visitor: 1 }, [{ ts: at('2024-01-01T10:00:00Z') / 1000, name: 'Signup', props: { plan: 'pro' } }]);
    insertVisitWithEvents(store.db, site.id, { visitor: 2 }, [{ ts: at('2024-02-01T10:00:00Z') / 1000 }]);
    insertVisitWithEvents(store.db, site.id, { visitor: 3 }, [{ ts: at('2024-03-01T10:00:00Z') / 1000 }]);
    const now = at('2024-03-05T12:00:00Z');

    const first = await runMaintenance(store.db, now, { maxDaysPerSite: 10 });
    // Rolled up through 10 January: only the 1 January visit, its event and its prop may go.
    expect(state(site.id)).toMatchObject({ days_through: '2024-01-10', raw_kept_from: '2024-01-11' });
    expect(first.rawRowsPurged).toBe(2);
    expect(count('SELECT count(*) AS n FROM event_props')).toBe(0);
    expect(count('SELECT count(*) AS n FROM visits')).toBe(2);

    for (let i = 0; i < 10; i++) await runMaintenance(store.db, now, { maxDaysPerSite: 10 });
    expect(state(site.id)).toMatchObject({ days_through: '2024-03-04', raw_kept_from: '2024-02-24' });
    expect(count('SELECT count(*) AS n FROM visits')).toBe(1);
    expect(count('SELECT count(*) AS n FROM events')).toBe(1);
    expect(count("SELECT sum(visitors) AS n FROM rollup_visits WHERE site_id = ? AND dimension = ''", site.id)).toBe(3);
  });

  it('keeps rolled-up days whole when two maintenance runs overlap, one of them applying retention', async () => {
    // As when a Workers cron run outlasts its interval, or a CLI runs beside the server: the
    // runs interleave at every statement. The slower one must not roll a day up again after
    // the faster one rolled it up and retention deleted its raw rows.
    const site = await addSite(store.db, 'example.com');
    await updateSite(store.db, 'example.com', { retentionDays: 30 });
    for (const [visitor, day] of [[1, '2024-01-05'], [2, '2024-01-20'], [3, '2024-02-14'], [4, '2024-03-11']] as const) {
      insertVisitWithEvents(store.db, site.id, { visitor }, [{ ts: at(`${day}T10:00:00Z`) / 1000, path: `/${visitor}` }]);
    }
    const now = at('2024-03-12T12:00:00Z');
    const untilIdle = async (db: Db) => {
      for (let i = 0; i < 100; i++) {
        const r = await runMaintenance(db, now, { maxDaysPerSite: 31, pairRollups: true });
        if (r.daysRolledUp + r.pageviewDaysBuilt + r.pairDaysBuilt + r.rawRowsPurged === 0) return;
      }
    };
    // The slow run has read the state and holds its first write until the other run is done.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: Db = {
      all: (sql, params) => store.db.all(sql, params),
      first: (sql, params) => store.db.first(sql, params),
      run: (sql, params) => store.db.run(sql, params),
      batch: (stmts) => gate.then(() => store.db.batch(stmts)),
    } as Db;
    const slowRun = untilIdle(slow);
    await untilIdle(store.db);
    release();
    await slowRun;
    await untilIdle(store.db);

    expect(state(site.id)).toMatchObject({ days_through: '2024-03-11', raw_kept_from: '2024-02-11' });
    expect(count('SELECT count(*) AS n FROM visits WHERE site_id = ?', site.id)).toBe(2);
    expect(store.db.raw.prepare("SELECT day, visitors FROM rollup_visits WHERE site_id = ? AND dimension = '' AND visitors > 0 ORDER BY day").all(site.id)).toEqual([
      { day: '2024-01-05', visitors: 1 },
      { day: '2024-01-20', visitors: 1 },
      { day: '2024-02-14', visitors: 1 },
      { day: '2024-03-11', visitors: 1 },
    ]);
    expect(count("SELECT count(*) AS n FROM rollup_events WHERE site_id = ? AND dimension = 'event:page|pageview' AND day = '2024-01-05'", site.id)).toBe(1);
    expect(store.db.raw.prepare('SELECT days_through FROM rollup_pair_state WHERE site_id = ?').get(site.id)).toEqual({ days_through: '2024-03-11' });
  });

  it("leaves a goal's day as it is when retention deleted its raw events after a run read the state", async () => {
    const site = await addSite(store.db, 'example.com');
    insertVisitWithEvents(store.db, site.id, { visitor: 1 }, [{ ts: at('2024-01-05T10:00:00Z') / 1000, path: '/thanks' }]);
    insertVisitWithEvents(store.db, site.id, { visitor: 2 }, [{ ts: at('2024-03-11T10:00:00Z') / 1000, path: '/thanks' }]);
    const { goal } = await addGoal(store.db, site.id, parseGoal({ kind: 'page', pagePath: '/thanks' }), at('2024-03-12T12:00:00Z'));
    const now = at('2024-03-12T12:00:00Z');
    for (let i = 0; i < 10; i++) await runMaintenance(store.db, now);
    const goalDays = () => store.db.raw.prepare("SELECT day, visitors FROM goal_rollup_visits WHERE site_id = ? AND dimension = '' ORDER BY day").all(site.id);
    expect(goalDays()).toEqual([{ day: '2024-01-05', visitors: 1 }, { day: '2024-03-11', visitors: 1 }]);

    // The statements an overlapping run made for 5 January before retention deleted its raw events.
    const late = goalDayStatements(site.id, site.timezone, goal, '2024-01-05', now / 1000);
    await updateSite(store.db, 'example.com', { retentionDays: 30 });
    await runMaintenance(store.db, now);
    expect(state(site.id)).toMatchObject({ raw_kept_from: '2024-02-11' });
    await store.db.batch(late);
    expect(goalDays()).toEqual([{ day: '2024-01-05', visitors: 1 }, { day: '2024-03-11', visitors: 1 }]);
  });

  it('keeps a visit that went on past the retention cutoff, with the events it still has', async () => {
    const site = await addSite(store.db, 'example.com');
    await updateSite(store.db, 'example.com', { retentionDays: 10 });
    const late = insertVisitWithEvents(store.db, site.id, { visitor: 1 }, [
      { ts: at('2024-01-19T23:50:00Z') / 1000 },
      { ts: at('2024-01-20T00:10:00Z') / 1000, path: '/after-midnight' },
    ]);
    insertVisitWithEvents(store.db, site.id, { visitor: 2 }, [{ ts: at('2024-01-10T12:00:00Z') / 1000 }]);
    // Ten days rolled up, 10 to 19 January: raw rows before 20 January go.
    await runMaintenance(store.db, at('2024-03-05T12:00:00Z'), { maxDaysPerSite: 10 });
    expect(state(site.id)).toMatchObject({ raw_kept_from: '2024-01-20' });
    expect(store.db.raw.prepare('SELECT id FROM visits').all()).toEqual([{ id: late }]);
    expect(store.db.raw.prepare('SELECT visit_id, path FROM events').all()).toEqual([{ visit_id: late, path: '/after-midnight' }]);
  });

  it('rebuilds rollups in the new timezone when a site changes it', async () => {
    const site = await addSite(store.db, 'example.com');
    // 23:30 UTC on the 9th is the 10th in Oslo.
    insertVisitWithEvents(store.db, site.id, { visitor: 1 }, [{ ts: at('2024-03-09T23:30:00Z') / 1000 }]);
    await runMaintenance(store.db, at('2024-03-12T12:00:00Z'));
    const days = () => store.db.raw.prepare("SELECT day FROM rollup_visits WHERE site_id = ? AND dimension = ''").pluck().all(site.id);
    expect(days()).toEqual(['2024-03-09']);
    await updateSite(store.db, 'example.com', { timezone: 'Europe/Oslo' });
    await runMaintenance(store.db, at('2024-03-12T12:00:00Z'));
    expect(days()).toEqual(['2024-03-10']);
    expect(state(site.id)).toMatchObject({ timezone: 'Europe/Oslo', days_through: '2024-03-11' });
  });
});
