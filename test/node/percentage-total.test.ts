/**
 * A share's total (`percentage`) under a filter, grouped by a column the visitor hash
 * determines within a day (country): where no hash had two countries on a day, the groups'
 * visitors add up to the total and no statement counts it again; where one did, the visitor
 * is in two groups and the total is counted. Hand-worked numbers, the same on every engine.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncColumnarCopy } from '../../server/core/columnar/sync.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { runQuery, type QueryResponse } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import type { Site } from '../../server/core/sites.ts';
import { openDuckStore, type DuckStore } from '../../server/node/columnar/duckdb-store.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from '../core/query/store.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const NOW = at('2024-03-12T12:00:00Z');

/*
 * 2024-03-10: visitor 1 (NO) and 2 (SE) sign up, 3 (NO) does not.
 * 2024-03-11: visitor 7 signs up from NO at 09:00 and again from SE at 15:00 (one hash, two
 *   countries that day); visitor 8 (US) signs up.
 * Signup, 10th: NO 1, SE 1 of 2 → 50 %, 50 %.
 * Signup, 10th–11th: NO 2, SE 2, US 1 of 4 visitors (7 counted once a day) → 50 %, 50 %, 25 %.
 */
let store: TestStore;
let duck: DuckStore;
let site: Site;
let columnarReads = 0;

beforeAll(async () => {
  store = openTestStore();
  duck = await openDuckStore({ path: join(store.dir, 'columns.duckdb'), memoryLimit: '128MB', threads: 1 });
  site = await addSite(store.db, 'example.com');
  const visit = (visitor: number, country: string, iso: string, signup: boolean) =>
    insertVisitWithEvents(store.db, site.id, { visitor, country }, [
      { ts: at(iso), path: '/' },
      ...(signup ? [{ ts: at(iso) + 30, path: '/', name: 'Signup' }] : []),
    ]);
  visit(1, 'NO', '2024-03-10T10:00:00Z', true);
  visit(2, 'SE', '2024-03-10T11:00:00Z', true);
  visit(3, 'NO', '2024-03-10T12:00:00Z', false);
  visit(7, 'NO', '2024-03-11T09:00:00Z', true);
  visit(7, 'SE', '2024-03-11T15:00:00Z', true);
  visit(8, 'US', '2024-03-11T16:00:00Z', true);
  await runMaintenance(store.db, NOW * 1000, { maxDaysPerSite: 100 });
  while ((await syncColumnarCopy(store.db, duck, 100, NOW)).behind);
});
afterAll(() => {
  duck.close();
  store.close();
});

const columns = () => ({
  coverage: duck.coverage,
  all: async (sql: string, params: readonly (string | number | null)[], sets?: Parameters<typeof duck.all>[2]) => {
    columnarReads += 1;
    return duck.all(sql, params, sets);
  },
});

/** The answer on every engine (all equal), and the columnar copy's statements for it. */
async function ask(dateRange: [string, string]): Promise<{ answer: QueryResponse; reads: number }> {
  const body = { site_id: site.domain, metrics: ['visitors', 'percentage'], dimensions: ['visit:country'], date_range: dateRange, filters: [['is', 'event:name', ['Signup']]] };
  const parsed = parseQuery(body, site, NOW, null);
  const raw = await runQuery(store.db, parsed, { useRollups: false });
  const before = columnarReads;
  expect(await runQuery(store.db, parsed, { useRollups: true, columnar: columns() })).toEqual(raw);
  const reads = columnarReads - before;
  expect(await runQuery(store.db, parsed, { useRollups: true })).toEqual(raw);
  return { answer: raw, reads };
}

const rows = (r: QueryResponse) => r.results.map((x) => [x.dimensions[0], ...x.metrics]);

describe('a share’s total under a filter, by country', () => {
  it('adds up the groups on days when each visitor had one country: one statement on the copy', async () => {
    const { answer, reads } = await ask(['2024-03-10', '2024-03-10']);
    expect(rows(answer)).toEqual([['NO', 1, 50], ['SE', 1, 50]]);
    expect(reads).toBe(1);
  });

  it('counts the total when a visitor had two countries on a day, and is in both groups', async () => {
    const { answer, reads } = await ask(['2024-03-10', '2024-03-11']);
    expect(rows(answer)).toEqual([['NO', 2, 50], ['SE', 2, 50], ['US', 1, 25]]);
    expect(reads).toBe(2);
  });
});
