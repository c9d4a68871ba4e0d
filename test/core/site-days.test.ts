/**
 * The list of tables holding a site's days (store/site-days.ts) against the real migrated
 * schema: every table with a `site_id` is either a statistic (reset deletes it) or kept by
 * design, and reset, purge and site removal leave no row of any such table behind. The
 * tables are read from sqlite_master, not from the list, so a migration adding a table of
 * site days that no delete path knows makes this fail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { saveFunnel } from '../../server/core/funnels/funnels.ts';
import { addGoal, parseGoal } from '../../server/core/goals/goals.ts';
import { runImport } from '../../server/core/imports/store.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { purgeSite } from '../../server/core/privacy/purge.ts';
import { resetSite } from '../../server/core/site-reset.ts';
import { removeSite, type Site } from '../../server/core/sites.ts';
import { createProxySecret } from '../../server/core/proxy-secret.ts';
import { SITE_KEPT_TABLES, SITE_STATS_TABLES } from '../../server/core/store/site-days.ts';
import { dayStart } from '../../server/core/time.ts';
import type { SqliteDb } from '../../server/node/sqlite-db.ts';
import { memorySource, rowsOfDays } from '../helpers/import-source.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from './query/store.ts';

const DAYS = ['2024-01-10', '2024-01-31', '2024-02-10', '2024-02-20', '2024-03-05'];
const NOW_MS = Date.parse('2024-03-11T12:00:00Z');
const BEFORE = '2024-02-15';
const at = (day: string, time = '10:00:00') => Date.parse(`${day}T${time}Z`) / 1000;

/**
 * Tables about a site that purge leaves as they are, and why: the rollup state is one row
 * of progress, a drop note is about the latest events, salts go with maintenance, and
 * annotations are the owner's notes, goals and funnels are definitions; a goal's rollup
 * state is its progress, as rollup_state (queries cut purged days off anyway).
 */
const PURGE_KEEPS = ['rollup_state', 'goal_rollup_state', 'drop_notes', 'salts', 'annotations', 'tokens', 'proxy_secrets', 'user_sites', 'shared_links', 'funnel_steps', 'funnels', 'goals', 'report_sent', 'report_recipients', 'report_settings', 'alert_settings', 'alert_state', 'alert_deliveries', 'alert_log'];

let store: TestStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

function siteTables(db: SqliteDb): Map<string, string[]> {
  const tables = db.raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
  const withSite = new Map<string, string[]>();
  for (const { name } of tables) {
    const columns = (db.raw.prepare('SELECT name FROM pragma_table_info(?)').all(name) as Array<{ name: string }>).map((c) => c.name);
    if (columns.includes('site_id')) withSite.set(name, columns);
  }
  return withSite;
}

const rows = (db: SqliteDb, table: string, siteId: number, where = '1', params: unknown[] = []) =>
  (db.raw.prepare(`SELECT count(*) AS n FROM ${table} WHERE site_id = ? AND ${where}`).get(siteId, ...params) as { n: number }).n;

/** Imported days: before the own ones (the import keeps only those), on both sides of the purge boundary. */
const IMPORTED_DAYS = ['2023-12-30', '2024-01-05'];

/** Fills every statistics table of the site, imported history included, and a drop note. */
async function seeded(): Promise<{ db: SqliteDb; site: Site; other: Site }> {
  store = openTestStore();
  const db = store.db;
  const site = await addSite(db, 'days.example');
  const other = await addSite(db, 'other.example');
  for (const s of [site, other]) {
    await runImport(db, s, memorySource(rowsOfDays(IMPORTED_DAYS)), { by: 'cli', nowSec: NOW_MS / 1000 });
    DAYS.forEach((day, i) =>
      insertVisitWithEvents(db, s.id, { visitor: i + 1, country: 'NO' }, [
        { ts: at(day), path: '/' },
        { ts: at(day, '10:06:00'), name: 'Signup', path: '/', props: { plan: 'pro' } },
      ]),
    );
    // Completes "Visit /" after midnight: a goal rollup's pending visit.
    insertVisitWithEvents(db, s.id, { visitor: 9, country: 'NO' }, [
      { ts: at('2024-02-10', '23:50:00'), path: '/late' },
      { ts: at('2024-02-11', '00:10:00'), path: '/' },
    ]);
    db.raw.prepare("INSERT INTO drop_notes (site_id, reason, hostname, seen_at) VALUES (?, 'excluded-ip', 'days.example', ?)").run(s.id, at('2024-03-10'));
    await addGoal(db, s.id, parseGoal({ kind: 'event', eventName: 'Signup' }), NOW_MS);
    await addGoal(db, s.id, parseGoal({ kind: 'page', pagePath: '/' }), NOW_MS);
    await saveFunnel(db, s.id, { name: 'Sign-up', steps: ['Visit /', 'Signup'] }, NOW_MS);
  }
  for (let i = 0; i < 10 && (await runMaintenance(db, NOW_MS, { maxDaysPerSite: 100, pairRollups: true })).daysRolledUp > 0; i++);
  return { db, site, other };
}

/** The condition a row of `table` meets when it holds a day before `before`, by its time column. */
function beforeCondition(table: string, columns: string[], before: string): { where: string; params: unknown[] } {
  const cutoff = dayStart('Etc/UTC', before);
  if (columns.includes('ended_at')) return { where: 'ended_at < ?', params: [cutoff] };
  if (columns.includes('ts')) return { where: 'ts < ?', params: [cutoff] };
  if (columns.includes('day')) return { where: 'day < ?', params: [before] };
  if (columns.includes('date')) return { where: 'date < ?', params: [before] };
  if (columns.includes('month')) return { where: 'month < ?', params: [before.slice(0, 7)] };
  if (columns.includes('first_day')) return { where: 'first_day < ?', params: [before] };
  if (table === 'event_props') return { where: 'event_id NOT IN (SELECT id FROM events)', params: [] };
  throw new Error(`${table} has a site_id but no time column this test knows: say in store/site-days.ts how its days are removed`);
}

describe('tables holding a site’s days', () => {
  it('lists every table of the schema that has a site_id, once, as a statistic or as kept', async () => {
    store = openTestStore();
    const tables = [...siteTables(store.db).keys()].sort();
    const listed = [...SITE_STATS_TABLES, ...SITE_KEPT_TABLES];
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(tables);
  });

  it('reset leaves no row of the site in any table except those kept by design, and other sites untouched', async () => {
    const { db, site, other } = await seeded();
    const tables = siteTables(db);
    for (const table of SITE_STATS_TABLES) if (table !== 'event_props') expect(rows(db, table, site.id), `${table} seeded`).toBeGreaterThan(0);
    const otherBefore = [...tables.keys()].map((t) => rows(db, t, other.id));
    await resetSite(db, site, NOW_MS / 1000);
    expect(rows(db, 'goals', site.id), 'goals are kept').toBe(2);
    expect(rows(db, 'funnel_steps', site.id), 'funnels are kept').toBe(2);
    for (const table of tables.keys()) {
      if (!SITE_KEPT_TABLES.includes(table)) expect(rows(db, table, site.id), table).toBe(0);
    }
    expect([...tables.keys()].map((t) => rows(db, t, other.id))).toEqual(otherBefore);
  });

  it('purge leaves no row of a day before the boundary in any table of site days', async () => {
    const { db, site, other } = await seeded();
    const tables = siteTables(db);
    const purged = [...tables.keys()].filter((t) => !PURGE_KEEPS.includes(t));
    const conditions = new Map(purged.map((t) => [t, beforeCondition(t, tables.get(t)!, BEFORE)]));
    for (const [table, c] of conditions) if (table !== 'event_props') expect(rows(db, table, site.id, c.where, c.params), `${table} seeded`).toBeGreaterThan(0);
    const otherBefore = [...conditions].map(([t, c]) => rows(db, t, other.id, c.where, c.params));
    expect((await purgeSite(db, site, BEFORE)).done).toBe(true);
    for (const [table, c] of conditions) expect(rows(db, table, site.id, c.where, c.params), table).toBe(0);
    expect([...conditions].map(([t, c]) => rows(db, t, other.id, c.where, c.params))).toEqual(otherBefore);
  });

  it('removing a site leaves no row about it anywhere', async () => {
    const { db, site } = await seeded();
    await createProxySecret(db, site.id, NOW_MS);
    expect(await removeSite(db, site.domain)).toBe(true);
    for (const table of siteTables(db).keys()) expect(rows(db, table, site.id), table).toBe(0);
  });
});
