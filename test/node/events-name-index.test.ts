/**
 * Migration 0025: the event-name index files events in the order they are stored (its key
 * is site_id, name, ts, id, visit_id), so a group of events appends to it instead of dirtying
 * pages all over a busy second; it still serves today's name-filtered reads as a covering
 * index, and a database upgraded from 0024 keeps its events and answers.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db, SqlValue } from '../../server/core/ports.ts';
import { runQuery } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import { findSite, type Site } from '../../server/core/sites.ts';
import { migrate, MIGRATIONS_DIR } from '../../server/node/migrate.ts';
import { openSqlite, type SqliteDb } from '../../server/node/sqlite-db.ts';
import { addSite, insertVisit, insertVisitWithEvents } from '../core/query/store.ts';

const NOW = Date.parse('2024-05-02T12:00:00Z') / 1000;
const TODAY = '2024-05-02';
const SECOND = NOW - 3_600;

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A new database in a folder of its own, migrated up to (not including) `before`, or fully. */
function openDb(before?: string): SqliteDb {
  const dir = mkdtempSync(join(tmpdir(), 'teller-0025-'));
  dirs.push(dir);
  const db = openSqlite(join(dir, 'teller.db'));
  if (before === undefined) {
    migrate(db.raw);
    return db;
  }
  const old = join(dir, 'migrations');
  mkdirSync(old);
  for (const name of readdirSync(MIGRATIONS_DIR)) if (/^\d{4}_/.test(name) && name < before) copyFileSync(join(MIGRATIONS_DIR, name), join(old, name));
  migrate(db.raw, old);
  return db;
}

/** Today's visits: older visits come back within one second, as returning visitors do, some signing up. */
async function fill(db: SqliteDb): Promise<Site> {
  const site = await addSite(db, 'example.com');
  const visits = [];
  for (let v = 0; v < 20; v++) {
    visits.push(insertVisitWithEvents(db, site.id, { visitor: v, country: v % 2 ? 'NO' : 'SE' }, [{ ts: SECOND - 600 + v, path: `/p${v % 3}` }]));
  }
  // The later visits' events first, so that within the second visit ids fall as event ids rise.
  const signup = db.raw.prepare("INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (?, ?, ?, ?, ?, 'example.com', '/')");
  for (const visit of [...visits].reverse()) signup.run(site.id, visit, visit, SECOND, visit % 3 === 0 ? 'Signup' : 'pageview');
  insertVisit(db, site.id, { visitor: 99, started_at: SECOND, ended_at: SECOND, pageviews: 0, events: 0, entry_page: '/', exit_page: '/' });
  return site;
}

/** The statements a read sends to `db`, with their parameters. */
function recording(db: SqliteDb): { db: Db; statements: Array<{ sql: string; params: readonly SqlValue[] }> } {
  const statements: Array<{ sql: string; params: readonly SqlValue[] }> = [];
  const record = <F extends (sql: string, params?: readonly SqlValue[]) => unknown>(f: F) =>
    ((sql: string, params: readonly SqlValue[] = []) => {
      statements.push({ sql, params });
      return f(sql, params);
    }) as F;
  return { db: { all: record(db.all.bind(db)), first: record(db.first.bind(db)), run: record(db.run.bind(db)), batch: db.batch.bind(db) }, statements };
}

const signupsByCountry = (site: Site) =>
  parseQuery({ site_id: site.domain, metrics: ['visitors', 'events'], dimensions: ['visit:country'], date_range: [TODAY, TODAY], filters: [['is', 'event:name', ['Signup']]] }, site, NOW, null);

describe('the event-name index (migration 0025)', () => {
  it('holds a name’s events in the order they were stored, not by visit within a second', async () => {
    const db = openDb();
    const site = await fill(db);
    const inIndexOrder = db.raw
      .prepare("SELECT id, visit_id FROM events INDEXED BY events_site_name WHERE site_id = ? AND name = 'pageview' AND ts = ?")
      .all(site.id, SECOND) as Array<{ id: number; visit_id: number }>;
    expect(inIndexOrder.length).toBeGreaterThan(5);
    const ids = inIndexOrder.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    // The visits were stored newest first: by visit the order would be the reverse.
    expect(inIndexOrder[0]!.visit_id).toBeGreaterThan(inIndexOrder.at(-1)!.visit_id);
    db.close();
  });

  it('answers today’s name filter from the index alone', async () => {
    const db = openDb();
    const site = await fill(db);
    const { db: recorded, statements } = recording(db);
    const answer = await runQuery(recorded, signupsByCountry(site));
    expect(answer.results.map((r) => [r.dimensions[0], ...r.metrics])).toEqual([['NO', 3, 3], ['SE', 3, 3]]);
    const plans = statements.map((s) => (db.raw.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.params) as Array<{ detail: string }>).map((p) => p.detail).join('\n'));
    const nameReads = plans.filter((p) => /events_site_name/.test(p));
    expect(nameReads.length).toBeGreaterThan(0);
    for (const plan of nameReads) expect(plan).toMatch(/USING COVERING INDEX events_site_name \(site_id=\? AND name=\? AND ts>\? AND ts<\?\)/);
    // No statement reads every event of the site.
    for (const plan of plans) expect(plan).not.toMatch(/SCAN e\b(?! USING)/);
    db.close();
  });

  it('upgrades a database of 0024 keeping its events and answers', async () => {
    const db = openDb('0025');
    const site = await fill(db);
    const before = await runQuery(db, signupsByCountry(site));
    const events = db.raw.prepare('SELECT * FROM events ORDER BY id').all();
    expect(migrate(db.raw)).toEqual(['0025_events_name_index_appends.sql']);
    expect(db.raw.prepare('SELECT * FROM events ORDER BY id').all()).toEqual(events);
    const columns = (db.raw.prepare("SELECT name FROM pragma_index_info('events_site_name') ORDER BY seqno").pluck().all() as string[]);
    expect(columns).toEqual(['site_id', 'name', 'ts', 'id', 'visit_id']);
    expect(await runQuery(db, signupsByCountry((await findSite(db, site.domain))!))).toEqual(before);
    db.close();
  });
});
