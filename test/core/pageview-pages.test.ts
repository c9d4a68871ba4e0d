/**
 * Top Pages' rollup rows (server/core/pageview-pages.ts, migration 0024): a database rolled
 * up before them answers Top Pages as the raw path does before, while and after
 * maintenance builds them back a bounded number of days a run; retention's boundary stops
 * the building back; a timezone change builds them again; and the planner reads them, not
 * raw events, for the days they hold.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../server/core/maintenance.ts';
import type { Db } from '../../server/core/ports.ts';
import { runQuery } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import { updateSite, type Site } from '../../server/core/sites.ts';
import { migrate, MIGRATIONS_DIR } from '../../server/node/migrate.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';
import { countingPageReads, makeRollupsOld } from '../helpers/pageview-pages.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from './query/store.ts';

const NOW_MS = Date.parse('2024-04-10T12:00:00Z');
const FIRST = Date.parse('2024-01-01T00:00:00Z') / 1000;
const DAYS = 100;
const PAGEVIEWS = [['is', 'event:name', ['pageview']]];

let store: TestStore;
let site: Site;

beforeEach(async () => {
  store = openTestStore();
  site = await addSite(store.db, 'example.com', 'Europe/Oslo');
  // Every day: visits reading pages and sending events on other pages, so Top Pages' rows differ from event:page's.
  for (let day = 0; day < DAYS; day++) {
    for (let v = 0; v < 3; v++) {
      const t = FIRST + day * 86_400 + 3_600 * (v * 7 + 1);
      const page = ['/', '/blog', '/pricing'][(day + v) % 3]!;
      insertVisitWithEvents(store.db, site.id, { visitor: 1 + ((day + v) % 4) }, [
        { ts: t, path: page },
        { ts: t + 60, name: 'Signup', path: '/signup' },
        { ts: t + 120, path: '/blog' },
        ...(v === 2 ? [{ ts: t + 200, name: 'Click', path: page }] : []),
      ]);
    }
  }
  await runMaintenance(store.db, NOW_MS, { maxDaysPerSite: 1000 });
});
afterEach(() => store.close());

/** Top Pages as the dashboard asks it, and the time series of pages a custom report might. */
const VIEWS: Array<Record<string, unknown>> = [
  { metrics: ['visitors', 'pageviews'], dimensions: ['event:page'], date_range: '12mo' },
  { metrics: ['visitors', 'pageviews'], dimensions: ['event:page'], date_range: '30d' },
  { metrics: ['visitors', 'visits', 'events'], dimensions: ['event:page'], date_range: ['2024-01-15', '2024-03-20'] },
  { metrics: ['pageviews'], dimensions: ['time:month', 'event:page'], date_range: 'year' },
  { metrics: ['visitors'], dimensions: ['event:page', 'time:week'], date_range: ['2024-02-03', '2024-03-31'] },
];

/** Answers of each view planned and raw-only (the reference), and the planned reads of Top Pages' rows. */
async function ask(db: Db = store.db): Promise<{ planned: unknown[]; raw: unknown[]; pageReads: number }> {
  const tally = { pages: 0 };
  const planned: unknown[] = [];
  const raw: unknown[] = [];
  for (const body of VIEWS) {
    const query = parseQuery({ site_id: site.domain, filters: PAGEVIEWS, ...body }, site, NOW_MS / 1000, null);
    planned.push((await runQuery(countingPageReads(db, tally), query)).results);
    raw.push((await runQuery(db, query, { useRollups: false })).results);
  }
  return { planned, raw, pageReads: tally.pages };
}

const pagesFrom = () => store.db.raw.prepare('SELECT pageview_pages_from FROM rollup_state WHERE site_id = ?').pluck().get(site.id);

describe('Top Pages rows', () => {
  it('are built with the rollups, and the planner reads them and no raw events for the days they hold', async () => {
    expect(pagesFrom()).toBe('2024-01-01');
    const statements: string[] = [];
    const traced: Db = {
      all: (sql, params) => (statements.push(sql), store.db.all(sql, params)),
      first: (sql, params) => (statements.push(sql), store.db.first(sql, params)),
      run: (sql, params) => store.db.run(sql, params),
      batch: (stmts) => store.db.batch(stmts),
    };
    const query = parseQuery({ site_id: site.domain, metrics: ['visitors', 'pageviews'], dimensions: ['event:page'], date_range: ['2024-01-01', '2024-03-31'], filters: PAGEVIEWS }, site, NOW_MS / 1000, null);
    const tally = { pages: 0 };
    const planned = await runQuery(countingPageReads(traced, tally), query);
    expect(tally.pages).toBe(1);
    expect(statements.filter((sql) => /\bFROM events\b/.test(sql))).toEqual([]);
    expect(planned.results).toEqual((await runQuery(store.db, query, { useRollups: false })).results);
    // Page views alone: the Signup events' page is not listed, and /blog counts its page views only.
    expect(planned.results.map((r) => r.dimensions[0]).sort()).toEqual(['/', '/blog', '/pricing']);
  });

  it('on a database rolled up before them: the raw path\'s answers before, while and after maintenance builds them back', async () => {
    await makeRollupsOld(store.db, site.id);
    const before = await ask();
    expect(before.planned).toEqual(before.raw);
    expect(before.pageReads).toBe(0);
    const built: number[] = [];
    for (let run = 0; run < 5; run++) {
      built.push((await runMaintenance(store.db, NOW_MS, { maxDaysPerSite: 1000, maxPageviewDaysPerSite: 40 })).pageviewDaysBuilt);
      const during = await ask();
      expect(during.planned).toEqual(during.raw);
      expect(during.pageReads).toBeGreaterThan(0);
    }
    // 100 days, from the newest back, 40 a run; then idle.
    expect(built).toEqual([40, 40, 20, 0, 0]);
    expect(pagesFrom()).toBe('2024-01-01');
    const after = await ask();
    expect(after.pageReads).toBeGreaterThanOrEqual(VIEWS.length);
    expect(after.planned).toEqual(before.raw);
  });

  it('are built back no further than the raw rows retention kept', async () => {
    await makeRollupsOld(store.db, site.id);
    await updateSite(store.db, site.domain, { retentionDays: 60 });
    // Retention deletes the raw rows first (nothing built back in that run), then the building back stops at them.
    await runMaintenance(store.db, NOW_MS, { maxDaysPerSite: 1000, maxPageviewDaysPerSite: 0 });
    expect(pagesFrom()).toBeNull();
    expect((await runMaintenance(store.db, NOW_MS, { maxDaysPerSite: 1000, maxPageviewDaysPerSite: 1000 })).pageviewDaysBuilt).toBe(60);
    const kept = store.db.raw.prepare('SELECT raw_kept_from FROM rollup_state WHERE site_id = ?').pluck().get(site.id);
    expect(kept).toBe('2024-02-10');
    expect(pagesFrom()).toBe(kept);
    // Top Pages reaching before the kept raw days is refused, as before its rows; from them on it is answered from them.
    const query = (range: [string, string]) => parseQuery({ site_id: site.domain, metrics: ['visitors', 'pageviews'], dimensions: ['event:page'], date_range: range, filters: PAGEVIEWS }, site, NOW_MS / 1000, null);
    await expect(runQuery(store.db, query(['2024-01-15', '2024-03-20']))).rejects.toThrow(/retention/);
    const tally = { pages: 0 };
    const answered = await runQuery(countingPageReads(store.db, tally), query(['2024-02-10', '2024-04-09']));
    // The days of February, March's month rows, the days of April.
    expect(tally.pages).toBe(3);
    expect(answered.results).toEqual((await runQuery(store.db, query(['2024-02-10', '2024-04-09']), { useRollups: false })).results);
  });

  it('are built again with the other rollups when the site changes its timezone', async () => {
    await makeRollupsOld(store.db, site.id);
    await updateSite(store.db, site.domain, { timezone: 'America/New_York' });
    site = { ...site, timezone: 'America/New_York' };
    await runMaintenance(store.db, NOW_MS, { maxDaysPerSite: 1000 });
    expect(pagesFrom()).toBe('2023-12-31');
    const after = await ask();
    expect(after.planned).toEqual(after.raw);
    expect(after.pageReads).toBeGreaterThanOrEqual(VIEWS.length);
  });
});

describe('Top Pages rows and a timezone change past retention', () => {
  it('are built again for the days rebuilt in the new timezone, and built back no further than the raw rows kept', async () => {
    await makeRollupsOld(store.db, site.id);
    await updateSite(store.db, site.domain, { retentionDays: 60 });
    // Retention first, nothing built back: the rollups of days before 2024-02-10 cannot be rebuilt in the new timezone.
    await runMaintenance(store.db, NOW_MS, { maxDaysPerSite: 1000, maxPageviewDaysPerSite: 0 });
    await updateSite(store.db, site.domain, { timezone: 'America/New_York' });
    site = { ...site, timezone: 'America/New_York' };
    await runMaintenance(store.db, NOW_MS, { maxDaysPerSite: 1000, maxPageviewDaysPerSite: 0 });
    expect(pagesFrom()).toBe('2024-02-10');
    const query = parseQuery(
      { site_id: site.domain, metrics: ['visitors', 'pageviews'], dimensions: ['event:page'], date_range: ['2024-02-10', '2024-04-09'], filters: PAGEVIEWS },
      site,
      NOW_MS / 1000,
      null,
    );
    const tally = { pages: 0 };
    expect((await runQuery(countingPageReads(store.db, tally), query)).results).toEqual((await runQuery(store.db, query, { useRollups: false })).results);
    expect(tally.pages).toBeGreaterThan(0);
    expect((await runMaintenance(store.db, NOW_MS, { maxDaysPerSite: 1000 })).pageviewDaysBuilt).toBe(0);
  });
});

describe('migration 0024', () => {
  it('records a database rolled up before it as holding no Top Pages rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'teller-0024-'));
    try {
      const old = join(dir, 'migrations');
      copyMigrationsBefore(old, '0024');
      const db = openSqlite(join(dir, 'teller.db'));
      migrate(db.raw, old);
      db.raw.prepare("INSERT INTO sites (id, domain, timezone, created_at) VALUES (1, 'example.com', 'Etc/UTC', 0)").run();
      db.raw.prepare("INSERT INTO rollup_state (site_id, timezone, days_through, months_through) VALUES (1, 'Etc/UTC', '2024-02-29', '2024-01')").run();
      expect(migrate(db.raw)).toEqual(['0024_pageview_pages.sql']);
      expect(db.raw.prepare('SELECT days_through, pageview_pages_from FROM rollup_state').get()).toEqual({ days_through: '2024-02-29', pageview_pages_from: null });
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The migrations numbered before `number`, copied into the new folder `to`. */
function copyMigrationsBefore(to: string, number: string): void {
  mkdirSync(to);
  for (const name of readdirSync(MIGRATIONS_DIR)) if (/^\d{4}_/.test(name) && name < number) copyFileSync(join(MIGRATIONS_DIR, name), join(to, name));
}
