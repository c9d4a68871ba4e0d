/**
 * What a filtered Stats API query costs in D1 rows read, metered by workerd's local D1
 * through the Workers adapter's meter (`d1Db(binding, meter)`), the way bench/d1-rows.ts
 * measures whole dashboard views. D1 bills every row a query steps over, so a country
 * filter must read the visits of that country through visits_site_country (migration
 * 0006), not every visit of the period.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import { findSite, type Site } from '../../server/core/sites.ts';
import { d1Db, newD1Meter } from '../../server/workers/d1-db.ts';
import { type TellerWorker, dbOf, startWorker } from './harness.ts';

const VISITS = 3000;
/** Every tenth visit is from the US. */
const US_VISITS = VISITS / 10;
const T0 = Date.parse('2024-03-01T00:00:00Z') / 1000;
const NOW = Date.parse('2024-03-10T12:00:00Z') / 1000;

let worker: TellerWorker;
let site: Site;

const binding = () => worker.db as unknown as Parameters<typeof d1Db>[0];

async function usVisits(): Promise<{ visits: unknown; rowsRead: number; statements: number }> {
  const meter = newD1Meter();
  const query = parseQuery(
    { site_id: 'example.com', metrics: ['visitors', 'visits'], date_range: ['2024-03-01', '2024-03-07'], filters: [['is', 'visit:country', ['US']]] },
    site,
    NOW,
    null,
  );
  const response = await runQuery(d1Db(binding(), meter), query);
  return { visits: response.results, rowsRead: meter.rowsRead, statements: meter.statements };
}

beforeAll(async () => {
  worker = await startWorker();
  await worker.db.prepare("INSERT INTO sites (id, domain, timezone, created_at) VALUES (1, 'example.com', 'Etc/UTC', 0)").run();
  // A week of one-page visits, one every 200 seconds, from ten countries in turn.
  await worker.db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${VISITS - 1})
       INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, entry_page, exit_page, hostname, channel, country, browser, os, device)
       SELECT 1, 1000 + i, ? + i * 200, ? + i * 200, 1, '/', '/', 'example.com', 'Direct',
         CASE i % 10 WHEN 0 THEN 'US' WHEN 1 THEN 'DE' WHEN 2 THEN 'GB' WHEN 3 THEN 'NO' WHEN 4 THEN 'FR' WHEN 5 THEN 'IN' WHEN 6 THEN 'CA' WHEN 7 THEN 'NL' WHEN 8 THEN 'SE' ELSE 'BR' END,
         'Firefox', 'Windows', 'Desktop' FROM n`,
    )
    .bind(T0, T0)
    .run();
  site = (await findSite(dbOf(worker.db), 'example.com'))!;
});
afterAll(() => worker?.close());

describe('D1 rows read by a filtered query', () => {
  it('reads only the visits of the filtered country through visits_site_country', async () => {
    const withIndex = await usVisits();
    expect(withIndex.visits).toEqual([{ metrics: [US_VISITS, US_VISITS], dimensions: [] }]);
    // Each US visit once from the index and once more in the per-day grouping (about 2 × 300),
    // plus a few lookups: far from the 3,000 visits of the week.
    expect(withIndex.rowsRead).toBeGreaterThanOrEqual(US_VISITS);
    expect(withIndex.rowsRead).toBeLessThan(VISITS / 2);
    expect(withIndex.statements).toBeGreaterThan(1);

    // Without the index the same answer steps over every visit of the week.
    await worker.db.exec('DROP INDEX visits_site_country');
    try {
      const without = await usVisits();
      expect(without.visits).toEqual(withIndex.visits);
      expect(without.rowsRead).toBeGreaterThan(VISITS);
    } finally {
      await worker.db.exec('CREATE INDEX visits_site_country ON visits (site_id, country, started_at)');
    }
  });

  it('meters without changing what the adapter returns', async () => {
    const sql = 'SELECT count(*) AS n, min(started_at) AS first FROM visits WHERE site_id = ?';
    const meter = newD1Meter();
    const metered = d1Db(binding(), meter);
    const plain = d1Db(binding());
    expect(await metered.first(sql, [1])).toEqual(await plain.first(sql, [1]));
    expect(await metered.all(sql, [1])).toEqual(await plain.all(sql, [1]));
    expect(await metered.first('SELECT 1 AS x WHERE 0')).toBeNull();
    expect(meter.statements).toBe(3);
    // Two full scans of the site's visits through its index.
    expect(meter.rowsRead).toBeGreaterThanOrEqual(2 * VISITS);
    const written = newD1Meter();
    await d1Db(binding(), written).batch([{ sql: "UPDATE sites SET operator = 'Example AS' WHERE id = ?", params: [1] }]);
    expect(written.rowsWritten).toBe(1);
  });
});
