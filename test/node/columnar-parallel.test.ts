/**
 * The columnar copy's reads side by side (TELLER_COLUMNAR_READERS): statements on several
 * DuckDB connections answer exactly as one at a time, also while days are being copied and
 * written again (each read sees whole days: the ones committed before it began); a long read
 * no longer holds up a short one; and the settings' bounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Stmt } from '../../server/core/ports.ts';
import { readDayRows } from '../../server/core/columnar/day-rows.ts';
import { syncColumnarCopy } from '../../server/core/columnar/sync.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { addDays, dayStart } from '../../server/core/time.ts';
import { openDuckStore, StaleSetError, type DuckStore } from '../../server/node/columnar/duckdb-store.ts';
import { columnarOptions, columnarPath } from '../../server/node/columnar/options.ts';
import { migrate } from '../../server/node/migrate.ts';
import { openSqlite, type SqliteDb } from '../../server/node/sqlite-db.ts';
import { addSite } from '../core/query/store.ts';
import { fillTraffic, FIRST_DAY, ZONE } from './columnar-data.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const DAYS = 24;
const FIRST_COPIED = 8;

async function prepare(readers: number): Promise<{ db: SqliteDb; store: DuckStore; siteId: number; nowSec: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'teller-columnar-parallel-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'teller.db');
  const db = openSqlite(dbPath);
  cleanups.push(() => db.close());
  migrate(db.raw);
  const site = await addSite(db, 'example.com', ZONE);
  const nowMs = fillTraffic(db, site.id, DAYS, 30);
  await runMaintenance(db, nowMs, { maxDaysPerSite: 100 });
  const store = await openDuckStore({ path: columnarPath(dbPath), memoryLimit: '128MB', threads: 1, readers });
  cleanups.push(() => store.close());
  return { db, store, siteId: site.id, nowSec: Math.floor(nowMs / 1000) };
}

/** Statements a view's queries make, over the days copied first (which later writes do not change). */
function statements(siteId: number): Array<[string, number[], Stmt[]?]> {
  const from = dayStart(ZONE, FIRST_DAY);
  const to = dayStart(ZONE, addDays(FIRST_DAY, FIRST_COPIED));
  const range = [siteId, from, to];
  return [
    ['SELECT count(DISTINCT visitor) AS visitors, count(*) AS visits FROM visits WHERE site_id = ? AND started_at >= ? AND started_at < ?', range],
    ['SELECT country, count(*) AS n FROM visits WHERE site_id = ? AND started_at >= ? AND started_at < ? GROUP BY country ORDER BY country NULLS FIRST', range],
    ['SELECT path, count(*) AS n FROM events WHERE site_id = ? AND ts >= ? AND ts < ? GROUP BY path ORDER BY path', range],
    ['SELECT browser, count(DISTINCT visitor) AS n FROM visits WHERE site_id = ? AND started_at >= ? AND started_at < ? GROUP BY browser ORDER BY browser', range],
    ['SELECT key, value, count(*) AS n FROM event_props WHERE site_id = ? AND ts >= ? AND ts < ? GROUP BY key, value ORDER BY key, value', range],
    // Kept sets (query/kept-sets.ts), made, shared and dropped as days are written while reads go on.
    ...[0, 1].map((i): [string, number[], Stmt[]] => [
      'SELECT count(*) AS n, count(DISTINCT e.visit_id) AS visits FROM events e WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? AND e.visit_id IN (SELECT id FROM kept_set_0)',
      range,
      [{ sql: `SELECT id FROM visits WHERE site_id = ? AND started_at >= ? AND started_at < ? AND id % 2 = ${i}`, params: range }],
    ]),
  ];
}

/** Visits SQLite holds on the first `days` days: what a copy of exactly those days holds. */
function visitsThrough(db: SqliteDb, siteId: number, days: number): number {
  const end = dayStart(ZONE, addDays(FIRST_DAY, days));
  return (db.raw.prepare('SELECT count(*) AS n FROM visits WHERE site_id = ? AND started_at < ?').get(siteId, end) as { n: number }).n;
}

describe('the columnar copy read on several connections', () => {
  it('answers side by side exactly as one at a time, while days are copied and written again', async () => {
    const { db, store, siteId, nowSec } = await prepare(2);
    await syncColumnarCopy(db, store, FIRST_COPIED, nowSec);
    expect((await store.coverage(siteId, ZONE))?.through).toBe(addDays(FIRST_DAY, FIRST_COPIED - 1));
    const asked = statements(siteId);
    const serial: unknown[] = [];
    for (const [sql, params, sets] of asked) serial.push(await store.all(sql, params, sets));
    expect(serial.every((rows) => (rows as unknown[]).length > 0)).toBe(true);
    const cumulative = Array.from({ length: DAYS + 1 }, (_, days) => visitsThrough(db, siteId, days));

    // The rest of the days, a day a step, and a copied day written again, while reads go on.
    let copying = true;
    const writes = (async () => {
      while ((await syncColumnarCopy(db, store, 1, nowSec)).behind);
      const day = addDays(FIRST_DAY, 2);
      const start = dayStart(ZONE, day);
      const end = dayStart(ZONE, addDays(day, 1));
      await store.writeDay(siteId, ZONE, day, start, end, await readDayRows(db, siteId, ZONE, start, end));
      copying = false;
    })();
    let roundsAfter = 0;
    const seenDays = new Set<number>();
    // A read with a kept set that overlaps a write is refused (its caller reads SQLite): never answered wrong.
    // Refused ones are then not compared; once the writes are done, none is refused.
    const answer = (i: number, refusable: boolean) =>
      store.all(...asked[i]!).catch((error: unknown) => {
        if (refusable && error instanceof StaleSetError) return serial[i];
        throw error;
      });
    while (copying || roundsAfter < 2) {
      const after = !copying;
      const [answers, whole] = await Promise.all([
        Promise.all(asked.map((_, i) => answer(i, !after))),
        // A read sees whole days, in one snapshot: the visits of exactly the days it sees copied.
        store.all('SELECT (SELECT count(*) FROM visits WHERE site_id = ?) AS visits, (SELECT count(*) FROM copied_days WHERE site_id = ?) AS days', [siteId, siteId]),
      ]);
      expect(answers).toEqual(serial);
      const { visits, days } = whole[0] as { visits: number; days: number };
      expect(visits).toBe(cumulative[days]);
      seenDays.add(days);
      if (after) roundsAfter += 1;
    }
    await writes;
    // Reads ran while the copy was part-way.
    expect([...seenDays].some((d) => d > FIRST_COPIED && d < DAYS)).toBe(true);
    expect((await store.coverage(siteId, ZONE))?.through).toBe(addDays(FIRST_DAY, DAYS - 1));
  }, 60_000);

  it('answers a short read while a long one runs, where one connection would make it wait', async () => {
    const order = async (readers: number) => {
      const dir = mkdtempSync(join(tmpdir(), 'teller-columnar-parallel-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const store = await openDuckStore({ path: join(dir, 'copy.duckdb'), memoryLimit: '128MB', threads: 1, readers });
      cleanups.push(() => store.close());
      const finished: string[] = [];
      // A cross join of tens of millions of rows: a second or so of one core.
      const long = store.all('SELECT count(*) AS n FROM range(6000) a, range(6000) b WHERE (a.range * 7 + b.range) % 13 = 5', []).then(() => finished.push('long'));
      const short = store.all('SELECT count(*) AS n FROM copied_days', []).then(() => finished.push('short'));
      await Promise.all([long, short]);
      return finished;
    };
    expect(await order(2)).toEqual(['short', 'long']);
    expect(await order(1)).toEqual(['long', 'short']);
  }, 60_000);
});

describe('the columnar copy read settings', () => {
  it('shares the cores among the read connections unless told, and refuses bad values', () => {
    const cores = availableParallelism();
    expect(columnarOptions({}, '/d/teller.db')).toMatchObject({ readers: 2, threads: Math.max(1, Math.floor(cores / 2)) });
    expect(columnarOptions({ TELLER_COLUMNAR_READERS: '1' }, '/d/teller.db')).toMatchObject({ readers: 1, threads: cores });
    expect(columnarOptions({ TELLER_COLUMNAR_READERS: '3', TELLER_COLUMNAR_THREADS: '2' }, '/d/teller.db')).toMatchObject({ readers: 3, threads: 2 });
    expect(() => columnarOptions({ TELLER_COLUMNAR_READERS: '0' }, '/d/teller.db')).toThrow(/TELLER_COLUMNAR_READERS must be a whole number from 1 to 4, got "0"/);
    expect(() => columnarOptions({ TELLER_COLUMNAR_READERS: '5' }, '/d/teller.db')).toThrow(/TELLER_COLUMNAR_READERS must be a whole number from 1 to 4, got "5"/);
    expect(() => columnarOptions({ TELLER_COLUMNAR_THREADS: 'many' }, '/d/teller.db')).toThrow(/TELLER_COLUMNAR_THREADS must be a whole number from 1 to 64, got "many"/);
  });
});
