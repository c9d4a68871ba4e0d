/**
 * Purge over the admin API on the real Node server: the purged days read zero everywhere
 * (raw rows, day, month and range rollups), the Stats API answers them as empty and says
 * so in meta, and the rest of the site and every other site are untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { updateSite, type Site } from '../../server/core/sites.ts';
import { dayStart } from '../../server/core/time.ts';
import { addSite, insertVisitWithEvents } from '../core/query/store.ts';
import { startStatsServer, type StatsServer } from './stats-server.ts';

const ADMIN = 'privacy-purge-admin-token-0123456789abcdef';
const DAYS = ['2024-01-10', '2024-01-31', '2024-02-10', '2024-02-14', '2024-02-15', '2024-02-20', '2024-03-05', '2024-03-10'];
const BEFORE = '2024-02-15';

let server: StatsServer;
let purged: Site;
let other: Site;

const at = (day: string, time = '10:00:00') => Date.parse(`${day}T${time}Z`) / 1000;

function seed(site: Site): void {
  DAYS.forEach((day, i) => {
    insertVisitWithEvents(server.db, site.id, { visitor: i + 1, country: 'NO', source: i % 2 ? 'Google' : null, browser: 'Firefox' }, [
      { ts: at(day), path: '/' },
      { ts: at(day, '10:05:00'), path: `/p${i}` },
      { ts: at(day, '10:06:00'), name: 'Signup', path: `/p${i}`, props: { plan: 'pro' } },
    ]);
    insertVisitWithEvents(server.db, site.id, { visitor: 100 + i, country: 'SE' }, [{ ts: at(day, '23:30:00'), path: '/late' }]);
  });
}

async function rollUpEverything(): Promise<void> {
  for (let i = 0; i < 10 && (await runMaintenance(server.db, server.now.ms, { maxDaysPerSite: 100 })).daysRolledUp > 0; i++);
}

async function stats(body: Record<string, unknown>): Promise<{ status: number; json: { results: Array<{ metrics: number[]; dimensions: string[] }>; meta: Record<string, unknown>; error?: string } }> {
  const res = await fetch(`${server.url}/api/v2/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as never };
}

function purge(domain: string, body: unknown, token = ADMIN): Promise<Response> {
  return fetch(`${server.url}/api/v1/sites/${domain}/purge`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const count = (sql: string, ...params: Array<string | number>) => (server.db.raw.prepare(sql).get(...params) as { n: number }).n;

const TOTALS = ['visitors', 'visits', 'pageviews', 'events', 'bounce_rate', 'visit_duration'];
const q = (site: Site, date_range: unknown, extra: Record<string, unknown> = {}) => ({ site_id: site.domain, metrics: TOTALS, date_range, ...extra });
const QUERIES = (site: Site, range: [string, string]) => [
  q(site, range),
  q(site, range, { dimensions: ['visit:source'] }),
  q(site, range, { dimensions: ['event:page'], metrics: ['visitors', 'pageviews'] }),
  q(site, range, { dimensions: ['time:day'] }),
  q(site, range, { dimensions: ['time:month'] }),
  q(site, range, { filters: [['is', 'visit:country', ['NO']]] }),
  q(site, range, { dimensions: ['event:props:plan'], metrics: ['visitors', 'events'] }),
];

async function answers(site: Site, range: [string, string]): Promise<unknown[]> {
  const out = [];
  for (const body of QUERIES(site, range)) {
    const r = await stats(body);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    out.push(r.json.results);
  }
  return out;
}

beforeAll(async () => {
  server = await startStatsServer(ADMIN);
  purged = await addSite(server.db, 'purged.example', 'Europe/Oslo');
  other = await addSite(server.db, 'other.example', 'Europe/Oslo');
  // In one transaction: the server's maintenance pass never sees a closed day half written.
  server.db.raw.transaction(() => {
    seed(purged);
    seed(other);
  })();
  await rollUpEverything();
});
afterAll(() => server.close());

describe('purge', () => {
  it('refuses bad input with a 4xx naming it', async () => {
    const cases: Array<[string, unknown, number, string]> = [
      ['purged.example', { before: '15.02.2024' }, 400, 'before'],
      ['purged.example', { before: '2024-02-30' }, 400, 'before'],
      ['purged.example', { before: '2024-03-13' }, 400, 'today'],
      ['purged.example', {}, 400, 'before'],
      ['purged.example', 'not json', 400, 'JSON object'],
      ['nope.example', { before: BEFORE }, 404, 'unknown site nope.example'],
    ];
    for (const [domain, body, status, words] of cases) {
      const res = await purge(domain, body);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: string }).error).toContain(words);
    }
    expect((await purge('purged.example', { before: BEFORE }, 'wrong-token')).status).toBe(401);
    expect(count('SELECT count(*) AS n FROM sites WHERE purged_before IS NOT NULL')).toBe(0);
  });

  it('deletes the days before the date, keeps the rest, and the Stats API says the purged days are empty', async () => {
    expect(count('SELECT count(*) AS n FROM rollup_ranges WHERE site_id = ?', purged.id)).toBeGreaterThan(0);
    expect(count('SELECT count(*) AS n FROM rollup_visits_monthly WHERE site_id = ?', purged.id)).toBeGreaterThan(0);
    const kept: [string, string] = [BEFORE, '2024-03-11'];
    const keptBefore = await answers(purged, kept);
    const otherBefore = await answers(other, ['2024-01-01', '2024-03-11']);
    const otherRows = count('SELECT count(*) AS n FROM events WHERE site_id = ?', other.id);

    let calls = 0;
    for (let done = false; !done; calls++) {
      const res = await purge('purged.example', { before: BEFORE });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { purged_before: string; done: boolean };
      expect(body.purged_before).toBe(BEFORE);
      done = body.done;
      expect(calls).toBeLessThan(50);
    }

    const cutoff = dayStart('Europe/Oslo', BEFORE);
    expect(count('SELECT count(*) AS n FROM events WHERE site_id = ? AND ts < ?', purged.id, cutoff)).toBe(0);
    expect(count('SELECT count(*) AS n FROM visits WHERE site_id = ? AND started_at < ?', purged.id, cutoff)).toBe(0);
    expect(count('SELECT count(*) AS n FROM event_props p WHERE site_id = ? AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = p.event_id)', purged.id)).toBe(0);
    for (const table of ['rollup_visits', 'rollup_events']) {
      expect(count(`SELECT count(*) AS n FROM ${table} WHERE site_id = ? AND day < ?`, purged.id, BEFORE)).toBe(0);
    }
    for (const table of ['rollup_visits_monthly', 'rollup_events_monthly']) {
      expect(count(`SELECT count(*) AS n FROM ${table} WHERE site_id = ? AND month < '2024-02'`, purged.id)).toBe(0);
    }
    // February straddles the date: its month row now sums only the days kept.
    const feb = server.db.raw.prepare("SELECT visits FROM rollup_visits_monthly WHERE site_id = ? AND dimension = '' AND month = '2024-02'").get(purged.id);
    const febDays = server.db.raw
      .prepare("SELECT sum(visits) AS visits FROM rollup_visits WHERE site_id = ? AND dimension = '' AND day >= ? AND day <= '2024-02-29'")
      .get(purged.id, BEFORE);
    // 15th and 20th, and the 14th's late visit, which is past midnight in Oslo.
    expect(feb).toEqual({ visits: 5 });
    expect(febDays).toEqual(feb);
    expect(count('SELECT count(*) AS n FROM rollup_range_visits WHERE site_id = ? AND first_day < ?', purged.id, BEFORE)).toBe(0);
    expect(count('SELECT count(*) AS n FROM rollup_ranges WHERE site_id = ? AND first_day < ?', purged.id, BEFORE)).toBe(0);

    // The purged days answer as empty, and meta says why; rollup and raw paths alike.
    for (const body of QUERIES(purged, ['2024-01-01', '2024-02-14'])) {
      const r = await stats(body);
      expect(r.status).toBe(200);
      expect(r.json.meta.purged_before).toBe(BEFORE);
      const values = r.json.results.flatMap((row) => row.metrics);
      expect(values.every((v) => v === 0 || v === null), JSON.stringify(r.json.results)).toBe(true);
    }
    // A range across the date counts only the days kept.
    const across = await stats(q(purged, ['2024-01-01', '2024-03-11']));
    const keptOnly = await stats(q(purged, kept));
    expect(across.json.results).toEqual(keptOnly.json.results);
    expect(across.json.meta.purged_before).toBe(BEFORE);
    expect(keptOnly.json.meta.purged_before).toBeUndefined();

    expect(await answers(purged, kept)).toEqual(keptBefore);
    expect(await answers(other, ['2024-01-01', '2024-03-11'])).toEqual(otherBefore);
    expect(count('SELECT count(*) AS n FROM events WHERE site_id = ?', other.id)).toBe(otherRows);
    expect(count('SELECT count(*) AS n FROM sites WHERE purged_before IS NOT NULL')).toBe(1);

    // Maintenance builds the preset ranges again from what is left; they agree with the days.
    await rollUpEverything();
    const year = await stats(q(purged, 'year'));
    const yearByDays = await stats(q(purged, ['2024-01-01', '2024-03-11'], { dimensions: ['time:day'] }));
    const sum = (i: number) => yearByDays.json.results.reduce((n, r) => n + r.metrics[i]!, 0);
    expect(year.json.results[0]!.metrics.slice(0, 4)).toEqual([sum(0), sum(1), sum(2), sum(3)]);
    expect(year.json.meta.purged_before).toBe(BEFORE);
  });

  it('a purged range that retention also reached is answered as empty, not refused for retention', async () => {
    await updateSite(server.db, 'purged.example', { retentionDays: 10 });
    await rollUpEverything();
    expect(count("SELECT count(*) AS n FROM rollup_state WHERE site_id = ? AND raw_kept_from > ?", purged.id, BEFORE)).toBe(1);
    const filtered = await stats(q(purged, ['2024-01-01', '2024-02-14'], { filters: [['is', 'visit:country', ['NO']]] }));
    expect(filtered.status).toBe(200);
    expect(filtered.json.meta.purged_before).toBe(BEFORE);
    // Where raw events are really missing (after the purge, before retention's boundary), the refusal stands.
    const missing = await stats(q(purged, ['2024-02-15', '2024-03-11'], { filters: [['is', 'visit:country', ['NO']]] }));
    expect(missing.status).toBe(400);
    expect(missing.json.error).toContain('date_range');
  });
});
