/**
 * Migration 0012 (region and city): days rolled up before it hold no rows for the three new
 * dimensions, and the migration writes them, so the rollups answer a breakdown or filter by
 * region exactly as the raw rows do. The state before it is made by deleting those rows from
 * rollups the current code built, then the migration's own INSERTs run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { runQuery } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import { findSite } from '../../server/core/sites.ts';
import { MIGRATIONS_DIR, migrate } from '../../server/node/migrate.ts';
import { openSqlite, type SqliteDb } from '../../server/node/sqlite-db.ts';
import { addSite } from '../core/query/store.ts';
import { fillTraffic } from './columnar-data.ts';

const NEW_DIMENSIONS = ['visit:region', 'visit:region_name', 'visit:city_name'];
const ROLLUP_VISIT_TABLES = ['rollup_visits', 'rollup_visits_monthly', 'rollup_range_visits'];

let dir = '';
let db: SqliteDb;
let nowSec = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'teller-region-'));
  db = openSqlite(join(dir, 'teller.db'));
  migrate(db.raw);
  const site = await addSite(db, 'old.example', 'Europe/Oslo');
  const nowMs = fillTraffic(db, site.id, 45, 6);
  nowSec = Math.floor(nowMs / 1000);
  await runMaintenance(db, nowMs, { maxDaysPerSite: 100 });
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const rollupRows = () =>
  ROLLUP_VISIT_TABLES.reduce((n, t) => n + (db.raw.prepare(`SELECT count(*) AS n FROM ${t} WHERE dimension IN (?, ?, ?)`).get(...NEW_DIMENSIONS) as { n: number }).n, 0);

async function answers(useRollups: boolean): Promise<unknown[]> {
  const site = (await findSite(db, 'old.example'))!;
  const out: unknown[] = [];
  for (const date_range of ['all', '30d', ['2024-03-01', '2024-03-31'], ['2024-03-03', '2024-04-10']]) {
    for (const dimension of NEW_DIMENSIONS) {
      const body = { site_id: 'old.example', metrics: ['visitors', 'visits', 'bounce_rate', 'visit_duration', 'pageviews'], date_range, dimensions: [dimension] };
      out.push((await runQuery(db, parseQuery(body, site, nowSec, null), { useRollups })).results);
    }
    const filtered = { site_id: 'old.example', metrics: ['visitors', 'pageviews'], date_range, filters: [['is_not', 'visit:region', ['NO-03']]] };
    out.push((await runQuery(db, parseQuery(filtered, site, nowSec, null), { useRollups })).results);
  }
  return out;
}

it('writes the rollup rows of days rolled up before it, so rollups answer region and city as the raw rows do', async () => {
  const raw = await answers(false);
  expect(JSON.stringify(raw)).toContain('(not set)');
  for (const table of ROLLUP_VISIT_TABLES) db.raw.prepare(`DELETE FROM ${table} WHERE dimension IN (?, ?, ?)`).run(...NEW_DIMENSIONS);
  expect(rollupRows()).toBe(0);
  // Without them the rollups answer differently: the test can see the migration's work.
  expect(await answers(true)).not.toEqual(raw);

  const sql = readFileSync(join(MIGRATIONS_DIR, '0012_region_city.sql'), 'utf8');
  const inserts = sql.split(';').map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter((s) => s.startsWith('INSERT'));
  expect(inserts).toHaveLength(3);
  for (const statement of inserts) db.raw.exec(statement);

  expect(rollupRows()).toBeGreaterThan(0);
  expect(await answers(true)).toEqual(raw);
});
