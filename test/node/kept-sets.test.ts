/**
 * Kept visit sets (query/kept-sets.ts): a filtered view's reads of the columnar copy name the
 * visits they join against as a set the copy keeps, made once and read by every later read
 * of the same set. They answer as SQLite's raw rows do, share one table, and are not read
 * again once the copy's day is written anew: a stale set would miss the change below.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDayRows } from '../../server/core/columnar/day-rows.ts';
import { syncColumnarCopy } from '../../server/core/columnar/sync.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { runQuery, type QueryResponse } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import type { Site } from '../../server/core/sites.ts';
import { dayStart } from '../../server/core/time.ts';
import { openDuckStore, StaleSetError, type DuckStore } from '../../server/node/columnar/duckdb-store.ts';
import type { Stmt } from '../../server/core/ports.ts';
import { countedColumns, type ColumnarTally } from '../helpers/counted-columns.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from '../core/query/store.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const NOW = at('2024-03-12T12:00:00Z');
const DAY = '2024-03-10';
const CHANNEL_PAGE = [['is', 'visit:channel', ['Organic Search']], ['contains', 'event:page', ['blog']]];

let store: TestStore;
let duck: DuckStore;
let site: Site;
const tally: ColumnarTally = { reads: 0, errors: [] };
/** The kept sets' tables each read named, by read. */
const named: string[][] = [];

beforeAll(async () => {
  store = openTestStore();
  duck = await openDuckStore({ path: join(store.dir, 'columns.duckdb'), memoryLimit: '128MB', threads: 1 });
  site = await addSite(store.db, 'example.com');
  const visit = (visitor: number, channel: string, paths: string[], hour: number) =>
    insertVisitWithEvents(store.db, site.id, { visitor, channel }, paths.map((path, i) => ({ ts: at(`${DAY}T${String(hour).padStart(2, '0')}:0${i}:00Z`), path })));
  visit(1, 'Organic Search', ['/', '/blog/a'], 8);
  visit(2, 'Organic Search', ['/pricing'], 9);
  visit(3, 'Direct', ['/blog/b'], 10);
  visit(4, 'Organic Search', ['/blog/c', '/blog/a'], 11);
  await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 100 });
  while ((await syncColumnarCopy(store.db, duck, 100, NOW)).behind);
});
afterAll(() => {
  duck.close();
  store.close();
});

const columns = () => {
  const counted = countedColumns(duck, tally);
  return {
    coverage: counted.coverage,
    all: (sql: string, params: readonly (string | number | null)[], sets?: Parameters<typeof counted.all>[2]) => {
      named.push(sets?.map((s) => s.sql) ?? []);
      return counted.all(sql, params, sets);
    },
  };
};

/** The view's KPIs, top pages and sources: raw rows' answers and the copy's, which must be equal. */
async function answers(): Promise<{ raw: QueryResponse[]; copy: QueryResponse[] }> {
  const bodies = [
    { metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate'] },
    { metrics: ['visitors', 'pageviews'], dimensions: ['event:page'] },
    { metrics: ['visitors'], dimensions: ['visit:source'] },
  ];
  const raw: QueryResponse[] = [];
  const copy: QueryResponse[] = [];
  for (const body of bodies) {
    const query = parseQuery({ site_id: site.domain, date_range: [DAY, DAY], filters: CHANNEL_PAGE, ...body }, site, NOW, null);
    raw.push(await runQuery(store.db, query, { useRollups: false }));
    copy.push(await runQuery(store.db, query, { useRollups: true, columnar: columns() }));
  }
  return { raw, copy };
}

/** Writes the copy's day again from SQLite, as a day copied anew is. */
async function copyDayAgain(): Promise<void> {
  const start = dayStart(site.timezone, DAY);
  const end = start + 86_400;
  await duck.writeDay(site.id, site.timezone, DAY, start, end, await readDayRows(store.db, site.id, site.timezone, start, end));
}

describe('kept visit sets', () => {
  it('answer as the raw rows do, each set made once for the view', async () => {
    const { raw, copy } = await answers();
    expect(copy).toEqual(raw);
    // Visitors 1 and 4: Organic Search with a /blog page.
    expect(raw[0]!.results[0]!.metrics.slice(0, 2)).toEqual([2, 2]);
    expect(tally.errors).toEqual([]);
    expect(tally.reads).toBeGreaterThan(0);
    // Every read of the copy named a set, visits with a blog page (KPIs, sources) or Organic Search
    // visits (top pages, pageviews), but the bounce rate's: visits by entry page, which join nothing.
    expect(tally.keptReads).toBe(tally.reads - 1);
    expect(new Set(named.flat()).size).toBe(2);
  });

  it('are not read again once the copy is written: a visit that gains a blog page and one that changes channel count', async () => {
    const before = await answers();
    const reads = tally.reads;
    store.db.raw.prepare("UPDATE events SET path = '/blog/d' WHERE site_id = ? AND visitor = 2").run(site.id);
    store.db.raw.prepare("UPDATE visits SET channel = 'Organic Search' WHERE site_id = ? AND visitor = 3").run(site.id);
    await copyDayAgain();
    const after = await answers();
    expect(after.copy).toEqual(after.raw);
    // Visitors 1, 2, 3 and 4 now, where a stale set would still hold 1 and 4 alone.
    expect(after.raw[0]!.results[0]!.metrics.slice(0, 2)).toEqual([4, 4]);
    expect(after.raw).not.toEqual(before.raw);
    expect(tally.reads).toBeGreaterThan(reads);
    expect(tally.errors).toEqual([]);
  });

  it('refuse a read whose set was made before a write of the copy and whose rows come after it', async () => {
    // DuckDB as the store loads it, but a read that has just made a set waits for `release`.
    let holding = false;
    let setMade!: () => void;
    let release!: () => void;
    const made = new Promise<void>((resolve) => (setMade = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const bound = <T extends object>(target: T, key: string | symbol) => {
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    };
    const gatedConnection = <C extends object>(connection: C): C =>
      new Proxy(connection, {
        get: (target, key) =>
          key === 'run'
            ? async (sql: string, ...rest: unknown[]) => {
                const result = await (Reflect.get(target, 'run') as (...a: unknown[]) => Promise<unknown>).call(target, sql, ...rest);
                if (holding && sql.startsWith('CREATE TABLE kept.')) {
                  setMade();
                  await released;
                }
                return result;
              }
            : bound(target, key),
      });
    const duckdb = await import('@duckdb/node-api');
    const gatedDuckdb = {
      ...duckdb,
      DuckDBInstance: {
        create: async (...args: Parameters<typeof duckdb.DuckDBInstance.create>) => {
          const instance = await duckdb.DuckDBInstance.create(...args);
          return new Proxy(instance, { get: (target, key) => (key === 'connect' ? async () => gatedConnection(await target.connect()) : bound(target, key)) });
        },
      },
    } as unknown as typeof duckdb;
    const gated = await openDuckStore({ path: join(store.dir, 'gated.duckdb'), memoryLimit: '128MB', threads: 1 }, () => Promise.resolve(gatedDuckdb));
    try {
      while ((await syncColumnarCopy(store.db, gated, 100, NOW)).behind);
      const start = dayStart(site.timezone, DAY);
      const writeDay = async () => gated.writeDay(site.id, site.timezone, DAY, start, start + 86_400, await readDayRows(store.db, site.id, site.timezone, start, start + 86_400));
      // One of the view's reads that names a set, as the query engine makes it.
      const reads: Array<{ sql: string; params: readonly (string | number | null)[]; sets: readonly Stmt[] }> = [];
      const query = parseQuery({ site_id: site.domain, date_range: [DAY, DAY], filters: CHANNEL_PAGE, metrics: ['visitors', 'visits'] }, site, NOW, null);
      await runQuery(store.db, query, {
        useRollups: true,
        columnar: { coverage: gated.coverage, all: (sql, params, sets) => (sets?.length && reads.push({ sql, params, sets }), gated.all(sql, params, sets)) },
      });
      const read = reads[0]!;
      // Sets are made anew after a write: this read makes its own, then waits.
      await writeDay();
      holding = true;
      const answer = gated.all(read.sql, read.params, read.sets);
      await made;
      store.db.raw.prepare("UPDATE visits SET channel = 'Direct' WHERE site_id = ? AND visitor = 4").run(site.id);
      await writeDay();
      release();
      await expect(answer).rejects.toBeInstanceOf(StaleSetError);
      holding = false;
      // The next read makes its set from the copy as written, and answers as the raw rows do.
      const raw = await runQuery(store.db, query, { useRollups: false });
      expect(await runQuery(store.db, query, { useRollups: true, columnar: { coverage: gated.coverage, all: gated.all } })).toEqual(raw);
      expect(raw.results[0]!.metrics).toEqual([3, 3]);
    } finally {
      gated.close();
    }
  });
});
