/**
 * Pair rollups on D1 (migration 0023, server/core/pair-rollups.ts), in workerd: the Worker's
 * cron builds them with the day rollups, a few days a run; a one-value `is` filter then reads
 * them, giving the raw path's answers from far fewer rows, while a filter of several values
 * stays on the raw path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import { findSite, type Site } from '../../server/core/sites.ts';
import { d1Db, newD1Meter } from '../../server/workers/d1-db.ts';
import { type TellerWorker, dbOf, startWorker } from './harness.ts';

const VISITS = 2400;
const T0 = Date.parse('2024-03-01T00:00:00Z') / 1000;
const NOW = Date.parse('2024-03-10T12:00:00Z');

let worker: TellerWorker;
let site: Site;

const binding = () => worker.db as unknown as Parameters<typeof d1Db>[0];

async function answer(body: Record<string, unknown>): Promise<{ results: unknown; rowsRead: number; pairReads: number }> {
  const meter = newD1Meter();
  const db = d1Db(binding(), meter);
  let pairReads = 0;
  const counted = { ...db, all: (sql: string, params?: readonly unknown[]) => ((pairReads += /FROM rollup_pair_/.test(sql) ? 1 : 0), db.all(sql, params as never)) } as typeof db;
  const response = await runQuery(counted, parseQuery({ site_id: 'example.com', date_range: ['2024-03-01', '2024-03-10'], ...body }, site, NOW / 1000, null));
  return { results: response.results, rowsRead: meter.rowsRead, pairReads };
}

/** The same query with the pair rollups' state removed: the planner reads raw rows, as before them. */
async function withoutPairs(body: Record<string, unknown>): Promise<{ results: unknown; rowsRead: number }> {
  const state = await worker.db.prepare('SELECT * FROM rollup_pair_state').first<{ site_id: number; timezone: string; first_day: string; days_through: string }>();
  await worker.db.exec('DELETE FROM rollup_pair_state');
  try {
    return await answer(body);
  } finally {
    await worker.db
      .prepare('INSERT INTO rollup_pair_state (site_id, timezone, first_day, days_through) VALUES (?, ?, ?, ?)')
      .bind(state!.site_id, state!.timezone, state!.first_day, state!.days_through)
      .run();
  }
}

beforeAll(async () => {
  worker = await startWorker();
  await worker.db.prepare("INSERT INTO sites (id, domain, timezone, created_at) VALUES (1, 'example.com', 'Etc/UTC', 0)").run();
  // Ten days of visits, one every 360 seconds, from four countries and two browsers in turn, 'SE' on even days only.
  await worker.db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${VISITS - 1})
       INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, entry_page, exit_page, hostname, channel, source, country, browser, os, device)
       SELECT 1, 1000 + i % 700, ? + i * 360, ? + i * 360 + 30, 2, '/', CASE i % 3 WHEN 0 THEN '/' ELSE '/pricing' END, 'example.com', 'Direct',
         CASE i % 5 WHEN 0 THEN 'Google' ELSE NULL END,
         CASE WHEN i % 4 = 0 THEN 'US' WHEN i % 4 = 1 THEN 'NO' WHEN (i * 360 / 86400) % 2 = 0 THEN 'SE' ELSE 'DE' END,
         CASE i % 2 WHEN 0 THEN 'Firefox' ELSE 'Chrome' END, 'Windows', 'Desktop' FROM n`,
    )
    .bind(T0, T0)
    .run();
  for (const [ts, path] of [['started_at', "'/'"], ['ended_at', 'exit_page']]) {
    await worker.db.prepare(`INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) SELECT site_id, id, visitor, ${ts}, 'pageview', 'example.com', ${path} FROM visits`).run();
  }
  site = (await findSite(dbOf(worker.db), 'example.com'))!;
  // Three days a run, as deployed: the nine closed days take three runs, pair rollups alongside.
  for (let run = 0; run < 4; run++) expect((await worker.scheduled({ scheduledTime: new Date(NOW), cron: '7 * * * *' })).outcome).toBe('ok');
});
afterAll(() => worker?.close());

describe('pair rollups on D1', () => {
  it('are built by the cron for every closed day', async () => {
    expect(await worker.db.prepare('SELECT first_day, days_through FROM rollup_pair_state').first()).toEqual({ first_day: '2024-03-01', days_through: '2024-03-09' });
    const days = await worker.db.prepare("SELECT count(DISTINCT day) AS n FROM rollup_pair_visits WHERE filter_dimension = 'visit:country' AND filter_value = 'SE'").first<{ n: number }>();
    // 'SE' comes and goes: on the five even days of the nine closed ones.
    expect(days!.n).toBe(5);
  });

  const VIEWS: Array<[string, Record<string, unknown>]> = [
    ['KPIs', { metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'], filters: [['is', 'visit:country', ['US']]] }],
    ['time series', { metrics: ['visitors', 'pageviews'], dimensions: ['time:day'], filters: [['is', 'visit:country', ['SE']]] }],
    ['top pages', { metrics: ['visitors', 'pageviews'], dimensions: ['event:page'], filters: [['is', 'visit:browser', ['Firefox']]] }],
    ['countries', { metrics: ['visitors', 'percentage'], dimensions: ['visit:country'], filters: [['is', 'visit:source', ['Direct / None']]] }],
    ['exit pages, a filter on them too', { metrics: ['visits'], dimensions: ['visit:exit_page'], filters: [['is', 'visit:country', ['NO']], ['is_not', 'visit:exit_page', ['/']]] }],
  ];
  for (const [name, body] of VIEWS) {
    it(`answer ${name} as the raw path does, from fewer rows`, async () => {
      const pairs = await answer(body);
      const raw = await withoutPairs(body);
      expect(pairs.results).toEqual(raw.results);
      expect(pairs.pairReads).toBeGreaterThan(0);
      expect(pairs.rowsRead).toBeLessThan(raw.rowsRead);
    });
  }

  it('leave a filter of several values to the raw path', async () => {
    const body = { metrics: ['visitors'], filters: [['is', 'visit:country', ['US', 'NO']]] };
    const several = await answer(body);
    expect(several.pairReads).toBe(0);
    expect(several.results).toEqual((await withoutPairs(body)).results);
  });
});

describe('pair rollups switched off (TELLER_PAIR_ROLLUPS=off)', () => {
  let quiet: TellerWorker;
  beforeAll(async () => {
    quiet = await startWorker({ vars: { TELLER_PAIR_ROLLUPS: 'off' } });
    await quiet.db.prepare("INSERT INTO sites (id, domain, timezone, created_at) VALUES (1, 'example.com', 'Etc/UTC', 0)").run();
    await quiet.db
      .prepare(
        `INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, entry_page, exit_page, hostname, channel, country, browser, os, device)
         VALUES (1, 1, ?, ?, 1, '/', '/', 'example.com', 'Direct', 'US', 'Firefox', 'Windows', 'Desktop')`,
      )
      .bind(T0, T0)
      .run();
    expect((await quiet.scheduled({ scheduledTime: new Date(NOW), cron: '7 * * * *' })).outcome).toBe('ok');
  });
  afterAll(() => quiet?.close());

  it('rolls the days up but writes no pair rows', async () => {
    expect(await quiet.db.prepare('SELECT days_through FROM rollup_state').first()).toEqual({ days_through: expect.any(String) });
    expect(await quiet.db.prepare('SELECT count(*) AS n FROM rollup_visits').first()).not.toEqual({ n: 0 });
    expect(await quiet.db.prepare('SELECT count(*) AS n FROM rollup_pair_state').first()).toEqual({ n: 0 });
    expect(await quiet.db.prepare('SELECT count(*) AS n FROM rollup_pair_visits').first()).toEqual({ n: 0 });
  });
});
