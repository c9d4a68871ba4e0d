/**
 * Top Pages' rollup rows on D1 (migration 0024, server/core/pageview-pages.ts), in workerd:
 * the Worker's cron builds them with the day rollups; Top Pages (`event:page` under
 * `is event:name [pageview]`) then reads them, giving the raw path's answers from far fewer
 * rows. On a database rolled up before them the cron builds them back a few days a run,
 * and every answer meanwhile is the raw path's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import { findSite, type Site } from '../../server/core/sites.ts';
import { d1Db, newD1Meter } from '../../server/workers/d1-db.ts';
import { countingPageReads, OLD_ROLLUPS_SQL } from '../helpers/pageview-pages.ts';
import { type TellerWorker, dbOf, startWorker } from './harness.ts';

const VISITS = 1800;
const T0 = Date.parse('2024-02-20T00:00:00Z') / 1000;
const NOW = Date.parse('2024-03-10T12:00:00Z');
const PAGEVIEWS = [['is', 'event:name', ['pageview']]];

let worker: TellerWorker;
let site: Site;

const binding = () => worker.db as unknown as Parameters<typeof d1Db>[0];

async function answer(body: Record<string, unknown>, useRollups = true): Promise<{ results: unknown; rowsRead: number; pageReads: number }> {
  const meter = newD1Meter();
  const tally = { pages: 0 };
  const db = countingPageReads(d1Db(binding(), meter), tally);
  const query = parseQuery({ site_id: 'example.com', filters: PAGEVIEWS, ...body }, site, NOW / 1000, null);
  const response = await runQuery(db, query, { useRollups });
  return { results: response.results, rowsRead: meter.rowsRead, pageReads: tally.pages };
}

const cron = async () => {
  expect((await worker.scheduled({ scheduledTime: new Date(NOW), cron: '7 * * * *' })).outcome).toBe('ok');
};

const VIEWS: Array<[string, Record<string, unknown>]> = [
  ['Top Pages, last 7 days', { metrics: ['visitors', 'pageviews'], dimensions: ['event:page'], date_range: '7d' }],
  ['Top Pages, the whole stretch', { metrics: ['visitors', 'pageviews'], dimensions: ['event:page'], date_range: ['2024-02-20', '2024-03-10'] }],
  ['pages by day', { metrics: ['visitors', 'visits', 'events'], dimensions: ['event:page', 'time:day'], date_range: ['2024-02-25', '2024-03-09'] }],
];

beforeAll(async () => {
  worker = await startWorker();
  await worker.db.prepare("INSERT INTO sites (id, domain, timezone, created_at) VALUES (1, 'example.com', 'Etc/UTC', 0)").run();
  // Twenty days of visits, one every 960 seconds: a page view, a custom event on another page, a second page view.
  await worker.db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${VISITS - 1})
       INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, events, entry_page, exit_page, hostname, channel, country, browser, os, device)
       SELECT 1, 1000 + i % 500, ? + i * 960, ? + i * 960 + 60, 2, 1, CASE i % 3 WHEN 0 THEN '/' WHEN 1 THEN '/blog' ELSE '/pricing' END, '/blog',
         'example.com', 'Direct', 'US', 'Firefox', 'Windows', 'Desktop' FROM n`,
    )
    .bind(T0, T0)
    .run();
  for (const [ts, name, path] of [['started_at', "'pageview'", 'entry_page'], ['started_at + 30', "'Signup'", "'/signup'"], ['ended_at', "'pageview'", 'exit_page']]) {
    await worker.db.prepare(`INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) SELECT site_id, id, visitor, ${ts}, ${name}, 'example.com', ${path} FROM visits`).run();
  }
  site = (await findSite(dbOf(worker.db), 'example.com'))!;
  // Three days a run, as deployed: the nineteen closed days take seven runs.
  for (let run = 0; run < 7; run++) await cron();
});
afterAll(() => worker?.close());

describe('Top Pages rows on D1', () => {
  it('are built by the cron with the day rollups', async () => {
    expect(await worker.db.prepare('SELECT days_through, pageview_pages_from FROM rollup_state').first()).toEqual({ days_through: '2024-03-09', pageview_pages_from: '2024-02-20' });
    const pages = await worker.db.prepare("SELECT DISTINCT value FROM rollup_events WHERE dimension = 'event:page|pageview' ORDER BY value").all<{ value: string }>();
    expect(pages.results.map((r) => r.value)).toEqual(['/', '/blog', '/pricing']);
  });

  for (const [name, body] of VIEWS) {
    it(`answer ${name} as the raw path does, from far fewer rows`, async () => {
      const planned = await answer(body);
      const raw = await answer(body, false);
      expect(planned.results).toEqual(raw.results);
      expect(planned.pageReads).toBeGreaterThan(0);
      expect(planned.rowsRead * 5).toBeLessThan(raw.rowsRead);
    });
  }

  it('on a database rolled up before them: the raw path\'s answers before, while and after the cron builds them back', async () => {
    for (const sql of OLD_ROLLUPS_SQL) await worker.db.prepare(sql).bind(1).run();
    expect(await worker.db.prepare('SELECT pageview_pages_from FROM rollup_state').first()).toEqual({ pageview_pages_from: null });
    const check = async (used: boolean) => {
      for (const [, body] of VIEWS) {
        const planned = await answer(body);
        expect(planned.results).toEqual((await answer(body, false)).results);
        if (!used) expect(planned.pageReads).toBe(0);
      }
    };
    await check(false);
    // Eight days a run, newest first.
    await cron();
    expect(await worker.db.prepare('SELECT pageview_pages_from FROM rollup_state').first()).toEqual({ pageview_pages_from: '2024-03-02' });
    await check(true);
    await cron();
    await cron();
    expect(await worker.db.prepare('SELECT pageview_pages_from FROM rollup_state').first()).toEqual({ pageview_pages_from: '2024-02-20' });
    await check(true);
    expect((await answer(VIEWS[1]![1])).pageReads).toBeGreaterThan(0);
  });
});
