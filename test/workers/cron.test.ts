/**
 * The cron trigger in workerd: the Worker's `scheduled` handler, driven through Miniflare
 * at a chosen time, deletes salts that can no longer be used, rolls up closed days (a
 * backlog over several runs) and applies raw-event retention, while the aggregates keep
 * answering the Stats API for the purged days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TellerWorker, startWorker } from './harness.ts';

const ADMIN = 'workers-cron-admin-token-0123456789';
const NOW = new Date('2024-03-12T12:00:00Z');
const at = (iso: string) => Date.parse(iso) / 1000;

let worker: TellerWorker;
let siteId: number;

async function addVisit(visitor: number, startIso: string, paths: string[], country: string): Promise<void> {
  const start = at(startIso);
  const end = start + 60 * (paths.length - 1);
  const visit = await worker.db
    .prepare(
      `INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, events, entry_page, exit_page, hostname, channel, country, browser, os, device)
       VALUES (?, ?, ?, ?, ?, 0, ?, ?, 'kept.example', 'Direct', ?, 'Firefox', 'Windows', 'Desktop') RETURNING id`,
    )
    .bind(siteId, visitor, start, end, paths.length, paths[0]!, paths.at(-1)!, country)
    .first<{ id: number }>();
  await worker.db.batch(
    paths.map((path, i) =>
      worker.db
        .prepare("INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (?, ?, ?, ?, 'pageview', 'kept.example', ?)")
        .bind(siteId, visit!.id, visitor, start + 60 * i, path),
    ),
  );
}

const count = async (sql: string) => (await worker.db.prepare(sql).bind(siteId).first<{ n: number }>())!.n;

beforeAll(async () => {
  worker = await startWorker({ vars: { TELLER_ADMIN_TOKEN: ADMIN } });
  const site = await worker.db
    .prepare("INSERT INTO sites (domain, timezone, retention_days, created_at) VALUES ('kept.example', 'Europe/Oslo', 30, 0) RETURNING id")
    .first<{ id: number }>();
  siteId = site!.id;
  await worker.db.batch(
    ['2024-03-09', '2024-03-10', '2024-03-11', '2024-03-12'].map((day) =>
      worker.db.prepare('INSERT INTO salts (site_id, day, salt) VALUES (?, ?, ?)').bind(siteId, day, `salt-${day}`),
    ),
  );
  await addVisit(1, '2024-01-05T10:00:00Z', ['/', '/pricing'], 'NO');
  await addVisit(2, '2024-01-20T09:00:00Z', ['/'], 'SE');
  await addVisit(3, '2024-03-11T10:00:00Z', ['/'], 'NO');
});
afterAll(() => worker?.close());

async function runCron(): Promise<void> {
  const result = await worker.scheduled({ scheduledTime: NOW, cron: '7 * * * *' });
  expect(result.outcome).toBe('ok');
}

describe('the cron trigger', () => {
  it('deletes salts older than yesterday, rolls up a few days per run and purges only rolled-up days', async () => {
    await runCron();
    const salts = await worker.db.prepare('SELECT day FROM salts WHERE site_id = ? ORDER BY day').bind(siteId).all<{ day: string }>();
    expect(salts.results.map((r) => r.day)).toEqual(['2024-03-11', '2024-03-12']);
    const state = await worker.db.prepare('SELECT days_through FROM rollup_state WHERE site_id = ?').bind(siteId).first<{ days_through: string }>();
    // The backlog starts on the first day with data; one run does three days (wrangler.toml runs hourly).
    expect(state?.days_through).toBe('2024-01-07');
    // Retention already reaches the rolled-up days outside the 30-day window (5 January),
    // never the days not rolled up yet (20 January), so nothing is lost from the stats.
    const left = await worker.db.prepare('SELECT visitor FROM visits WHERE site_id = ? ORDER BY visitor').bind(siteId).all<{ visitor: number }>();
    expect(left.results.map((r) => r.visitor)).toEqual([2, 3]);
  });

  it('works off the backlog over later runs, then applies retention to raw events only', async () => {
    for (let run = 0; run < 40; run++) {
      const state = await worker.db.prepare('SELECT days_through FROM rollup_state WHERE site_id = ?').bind(siteId).first<{ days_through: string }>();
      if (state?.days_through === '2024-03-11') break;
      await runCron();
    }
    await runCron();
    const state = await worker.db.prepare('SELECT days_through, raw_kept_from FROM rollup_state WHERE site_id = ?').bind(siteId).first();
    expect(state).toEqual({ days_through: '2024-03-11', raw_kept_from: '2024-02-11' });
    // Raw visits and events older than 30 days are gone; the March one stays.
    expect(await count('SELECT count(*) AS n FROM visits WHERE site_id = ?')).toBe(1);
    expect(await count('SELECT count(*) AS n FROM events WHERE site_id = ?')).toBe(1);
    // The aggregates of the purged days remain.
    expect(await count("SELECT count(*) AS n FROM rollup_visits WHERE site_id = ? AND dimension = '' AND day < '2024-02-11'")).toBe(2);
  });

  it('leaves the Stats API answering from rollups for purged days, and refusing what needs raw events', async () => {
    const post = (body: unknown) =>
      worker.fetch('/api/v2/query', {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const range = { site_id: 'kept.example', metrics: ['visitors', 'pageviews'], date_range: ['2024-01-01', '2024-03-11'] };
    const byCountry = await post({ ...range, dimensions: ['visit:country'] });
    expect(byCountry.status).toBe(200);
    expect(((await byCountry.json()) as { results: unknown }).results).toEqual([
      { metrics: [2, 3], dimensions: ['NO'] },
      { metrics: [1, 1], dimensions: ['SE'] },
    ]);
    const needsRaw = await post({ ...range, filters: [['is', 'visit:country', ['NO']]], dimensions: ['event:page'] });
    expect(needsRaw.status).toBe(400);
    expect(((await needsRaw.json()) as { error: string }).error).toContain('date_range');
  });

  it('is harmless to run again: nothing left to do changes nothing', async () => {
    const before = await worker.db.prepare('SELECT dimension, day, value, visitors, pageviews FROM rollup_visits ORDER BY 1, 2, 3').all();
    await runCron();
    await runCron();
    const after = await worker.db.prepare('SELECT dimension, day, value, visitors, pageviews FROM rollup_visits ORDER BY 1, 2, 3').all();
    expect(after.results).toEqual(before.results);
    expect(await count('SELECT count(*) AS n FROM visits WHERE site_id = ?')).toBe(1);
  });
});
