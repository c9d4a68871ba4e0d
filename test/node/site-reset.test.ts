/**
 * Reset of a site's statistics: the core function on a real SQLite file with rollups and a
 * real DuckDB copy (deleted rows never come back through the copy, and it drops them on its
 * next step), and `teller site reset` with the same confirmation as `site remove`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syncColumnarCopy } from '../../server/core/columnar/sync.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { runQuery } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import { resetSite } from '../../server/core/site-reset.ts';
import { findSite } from '../../server/core/sites.ts';
import { ROLLUP_TABLES } from '../../server/core/store/site-days.ts';
import { addDays, dayStart, localDayAt } from '../../server/core/time.ts';
import { openDuckStore } from '../../server/node/columnar/duckdb-store.ts';
import { columnarPath } from '../../server/node/columnar/options.ts';
import { runCli } from '../../server/node/cli.ts';
import { migrate } from '../../server/node/migrate.ts';
import { openSqlite, type SqliteDb } from '../../server/node/sqlite-db.ts';
import { addSite, insertVisitWithEvents } from '../core/query/store.ts';
import { fillTraffic, ZONE } from './columnar-data.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'teller-reset-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function openDb(path: string): SqliteDb {
  const db = openSqlite(path);
  migrate(db.raw);
  cleanups.push(() => db.close());
  return db;
}

const count = (db: SqliteDb, table: string, siteId: number) => (db.raw.prepare(`SELECT count(*) AS n FROM ${table} WHERE site_id = ?`).get(siteId) as { n: number }).n;

describe('resetSite', () => {
  it('deletes every statistic of the site, today included, also from the columnar copy, and nothing else', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'teller.db');
    const db = openDb(dbPath);
    const site = await addSite(db, 'reset.example', ZONE);
    const other = await addSite(db, 'other.example', ZONE);
    const nowMs = fillTraffic(db, site.id, 10, 5);
    fillTraffic(db, other.id, 10, 5);
    const nowSec = Math.floor(nowMs / 1000);
    // Today's test visit, the kind an owner sends while setting up.
    insertVisitWithEvents(db, site.id, { visitor: 999 }, [{ ts: nowSec - 60, path: '/test' }]);
    db.raw.prepare("INSERT INTO annotations (site_id, day, text, created_at) VALUES (?, '2024-03-02', 'Launch', 0)").run(site.id);
    db.raw.prepare("INSERT INTO drop_notes (site_id, reason, hostname, seen_at) VALUES (?, 'excluded-ip', 'reset.example', ?)").run(site.id, nowSec);
    await runMaintenance(db, nowMs, { maxDaysPerSite: 100 });
    const store = await openDuckStore({ path: columnarPath(dbPath), memoryLimit: '128MB', threads: 1 });
    cleanups.push(() => store.close());
    while ((await syncColumnarCopy(db, store, 100, nowSec)).behind);
    expect(await store.coverage(site.id, ZONE)).not.toBeNull();

    const visitors = async (columns: boolean) => {
      const query = parseQuery({ site_id: 'reset.example', metrics: ['visitors'], date_range: 'all', filters: [['is_not', 'visit:country', ['ZZ']]] }, (await findSite(db, 'reset.example'))!, nowSec, null);
      return (await runQuery(db, query, { useRollups: true, columnar: columns ? store : null })).results[0]!.metrics[0];
    };
    expect(await visitors(true)).toBeGreaterThan(0);
    const before = { events: count(db, 'events', site.id), visits: count(db, 'visits', site.id) };
    const otherBefore = ['events', 'visits', ...ROLLUP_TABLES].map((t) => count(db, t, other.id));

    const result = await resetSite(db, site, nowSec);
    expect(result).toEqual({ ...before, countsFrom: localDayAt(ZONE, nowSec) });
    for (const table of ['events', 'visits', 'event_props', 'drop_notes', ...ROLLUP_TABLES]) expect(count(db, table, site.id), table).toBe(0);
    expect(['events', 'visits', ...ROLLUP_TABLES].map((t) => count(db, t, other.id))).toEqual(otherBefore);
    expect(count(db, 'annotations', site.id)).toBe(1);
    expect(await findSite(db, 'reset.example')).toEqual(site);

    // The copy still holds the days until its next step, but no query reads them.
    expect(await visitors(true)).toBe(0);
    // Its next step drops them, before maintenance has rebuilt the site's rollup state.
    await syncColumnarCopy(db, store, 100, nowSec);
    const held = (await store.all('SELECT (SELECT count(*) FROM events WHERE site_id = ?) AS events, (SELECT count(*) FROM copied_days WHERE site_id = ?) AS days', [site.id, site.id]))[0];
    expect(held).toEqual({ events: 0, days: 0 });
    expect(await store.coverage(other.id, ZONE)).toMatchObject({ through: addDays(localDayAt(ZONE, nowSec), -1) });

    // A visit after the reset counts.
    insertVisitWithEvents(db, site.id, { visitor: 1000 }, [{ ts: nowSec, path: '/' }]);
    expect(await visitors(true)).toBe(1);
    expect(dayStart(ZONE, result.countsFrom)).toBeLessThanOrEqual(nowSec);
  });
});

describe('teller site reset', () => {
  it('asks for the domain as site remove does, then deletes the statistics and keeps the site', async () => {
    const dir = tempDir();
    const env = { TELLER_DB: join(dir, 'teller.db') };
    const out: string[] = [];
    const err: string[] = [];
    let answers: Array<string | null> = [];
    const run = (...argv: string[]) => runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => answers.shift() ?? null, env });
    expect(await run('site', 'add', 'reset.example')).toBe(0);
    const db = openDb(env.TELLER_DB);
    const site = (await findSite(db, 'reset.example'))!;
    insertVisitWithEvents(db, site.id, { visitor: 1 }, [{ ts: Math.floor(Date.now() / 1000) - 5, path: '/' }]);

    expect(await run('site', 'reset', 'reset.example')).toBe(1);
    expect(err.at(-1)).toBe('Not confirmed (no terminal to ask at); nothing deleted. Pass --yes to confirm.');
    answers = ['other.example'];
    expect(await run('site', 'reset', 'reset.example')).toBe(1);
    expect(err.at(-1)).toBe('Not confirmed; nothing deleted.');
    expect(count(db, 'events', site.id)).toBe(1);

    answers = [' Reset.Example'];
    expect(await run('site', 'reset', 'reset.example')).toBe(0);
    expect(out.at(-1)).toBe('Reset reset.example: 1 event and 1 visit deleted, with their rollups. It counts anew from now.');
    expect(count(db, 'events', site.id)).toBe(0);
    expect(count(db, 'visits', site.id)).toBe(0);
    expect(await findSite(db, 'reset.example')).toEqual(site);

    expect(await run('site', 'reset', 'reset.example', '--yes')).toBe(0);
    expect(await run('site', 'reset', 'nope.example', '--yes')).toBe(1);
    expect(err.at(-1)).toBe('teller: unknown site nope.example: add it in the dashboard (Sites, Add a site) or with: npm run teller -- site add nope.example');
    out.length = 0;
    expect(await run('help')).toBe(0);
    expect(out.join('\n')).toContain('site reset <domain> [--yes]');
  });
});
