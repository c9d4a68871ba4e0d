/**
 * Privacy and data rights on Workers, in real workerd with D1: the privacy text, the
 * operator and confirmed property names, purge (over several requests when needed) and the streamed export, through
 * the admin API, the only way a Workers deployment has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDayAt, addDays, dayStart } from '../../server/core/time.ts';
import { parseCsv, unzip } from '../helpers/privacy-zip.ts';
import { ORIGIN, type TellerWorker, startWorker } from './harness.ts';

const ADMIN = 'workers-privacy-admin-token-0123456789';
const TZ = 'Europe/Oslo';
let worker: TellerWorker;
let siteId: number;

const today = localDayAt(TZ, Math.floor(Date.now() / 1000));
const DAYS = [-12, -10, -8, -5, -3].map((n) => addDays(today, n));
const BEFORE = addDays(today, -7);

function admin(path: string, init: RequestInit = {}): Promise<Response> {
  return worker.fetch(path, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...init.headers } });
}

async function addVisit(visitor: number, day: string, paths: string[]): Promise<void> {
  const start = dayStart(TZ, day) + 10 * 3600;
  const visit = await worker.db
    .prepare(
      `INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, events, entry_page, exit_page, hostname, channel, country, browser, os, device, ip)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?, 'wk.example', 'Direct', 'NO', 'Firefox', 'Windows', 'Desktop', '84.208.20.0') RETURNING id`,
    )
    .bind(siteId, visitor, start, start + 60 * paths.length, paths.length, paths[0]!, paths.at(-1)!)
    .first<{ id: number }>();
  await worker.db.batch([
    ...paths.map((path, i) =>
      worker.db
        .prepare("INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (?, ?, ?, ?, 'pageview', 'wk.example', ?)")
        .bind(siteId, visit!.id, visitor, start + 60 * i, path),
    ),
    worker.db
      .prepare("INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (?, ?, ?, ?, 'Signup', 'wk.example', '/')")
      .bind(siteId, visit!.id, visitor, start + 60 * paths.length),
  ]);
  await worker.db
    .prepare("INSERT INTO event_props (event_id, site_id, key, value) SELECT max(id), ?, 'plan', 'pro' FROM events WHERE site_id = ?")
    .bind(siteId, siteId)
    .run();
}

async function stats(range: [string, string]): Promise<{ results: Array<{ metrics: number[] }>; meta: Record<string, unknown> }> {
  const res = await admin('/api/v2/query', {
    method: 'POST',
    body: JSON.stringify({ site_id: 'wk.example', metrics: ['visitors', 'pageviews'], date_range: range }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as never;
}

beforeAll(async () => {
  worker = await startWorker({ vars: { TELLER_ADMIN_TOKEN: ADMIN } });
  const site = await worker.db
    .prepare("INSERT INTO sites (domain, timezone, ip_storage, retention_days, created_at) VALUES ('wk.example', ?, 'none', 60, 0) RETURNING id")
    .bind(TZ)
    .first<{ id: number }>();
  siteId = site!.id;
  for (const [i, day] of DAYS.entries()) await addVisit(i + 1, day, ['/', `/p${i}`]);
  expect((await worker.scheduled({ scheduledTime: new Date(), cron: '7 * * * *' })).outcome).toBe('ok');
});
afterAll(() => worker?.close());

describe('privacy routes on Workers', () => {
  it('writes the privacy text from the live settings, with the widget served from this Worker', async () => {
    const res = await admin('/api/v1/sites/wk.example/privacy-text?lang=nb&format=html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain('den lagres aldri');
    expect(html).toContain('slettes etter 60 dager.');
    // A property name received is not listed until the owner confirms it.
    expect(html).not.toContain('<code>plan</code>');
    expect(html).toContain('ett egenskapsnavn som er mottatt med hendelser, er ikke nevnt ovenfor');
    expect(await (await admin('/api/v1/sites/wk.example/privacy-props')).json()).toEqual({ confirmed: [], unconfirmed: ['plan'] });
    const confirmed = await admin('/api/v1/sites/wk.example/privacy-props', { method: 'PUT', body: JSON.stringify({ confirmed: ['plan'] }) });
    expect(await confirmed.json()).toEqual({ confirmed: ['plan'], unconfirmed: [] });
    const listed = await (await admin('/api/v1/sites/wk.example/privacy-text?lang=nb&format=html')).text();
    expect(listed).toContain('med disse opplysningene: <code>plan</code>;');
    expect(listed).not.toContain('--privacy-prop');
    expect(html).toContain(`<script defer src="${ORIGIN}/optout.js"></script>`);
    expect(html).toContain('teksten sier ikke hvem som drifter statistikkserveren');

    const set = await admin('/api/v1/sites/wk.example/operator', { method: 'PUT', body: JSON.stringify({ operator: 'Drift AS' }) });
    expect(await set.json()).toEqual({ operator: 'Drift AS' });
    const en = await (await admin('/api/v1/sites/wk.example/privacy-text?lang=en&format=txt')).text();
    expect(en).toContain('on a server operated by Drift AS.');
    expect(en).not.toMatch(/[{}]|undefined|null/);

    expect((await admin('/api/v1/sites/wk.example/privacy-text?lang=sv')).status).toBe(400);
    expect((await admin('/api/v1/sites/wk.example/operator', { method: 'PUT', body: JSON.stringify({ operator: 'x'.repeat(201) }) })).status).toBe(400);
    expect((await admin('/api/v1/sites/wk.example/privacy-props', { method: 'PUT', body: JSON.stringify({ confirmed: 'plan' }) })).status).toBe(400);
    expect((await admin('/api/v1/sites/none.example/privacy-text')).status).toBe(404);
    expect((await worker.fetch('/api/v1/sites/wk.example/privacy-text')).status).toBe(401);
  });

  it('exports a ZIP whose daily visitors add up to the Stats API', async () => {
    const range: [string, string] = [DAYS[0]!, today];
    const res = await admin(`/api/v1/sites/wk.example/export?from=${range[0]}&to=${range[1]}`);
    expect(res.status).toBe(200);
    const files = unzip(new Uint8Array(await res.arrayBuffer()));
    const suffix = `_${range[0].replaceAll('-', '')}_${range[1].replaceAll('-', '')}.csv`;
    const visitors = parseCsv(files.get(`imported_visitors${suffix}`)!).rows;
    const [total] = (await stats(range)).results;
    expect([visitors.reduce((n, r) => n + Number(r.visitors), 0), visitors.reduce((n, r) => n + Number(r.pageviews), 0)]).toEqual(total!.metrics);
    const events = parseCsv(files.get(`events${suffix}`)!).rows;
    expect(events).toHaveLength(15);
    expect(new Set(events.map((e) => e.ip))).toEqual(new Set(['84.208.20.0']));
    expect((await admin('/api/v1/sites/wk.example/export?from=2024-02-30')).status).toBe(400);
  });

  it('purges over as many requests as it takes; the purged days answer as empty and say so', async () => {
    const kept = await stats([BEFORE, today]);
    let done = false;
    for (let calls = 0; !done; calls++) {
      expect(calls).toBeLessThan(30);
      const res = await admin('/api/v1/sites/wk.example/purge', { method: 'POST', body: JSON.stringify({ before: BEFORE }) });
      expect(res.status).toBe(200);
      done = ((await res.json()) as { done: boolean }).done;
    }
    const purged = await stats([DAYS[0]!, addDays(BEFORE, -1)]);
    expect(purged.results).toEqual([{ metrics: [0, 0], dimensions: [] }]);
    expect(purged.meta.purged_before).toBe(BEFORE);
    expect((await stats([BEFORE, today])).results).toEqual(kept.results);
    const left = await worker.db.prepare('SELECT count(*) AS n FROM events WHERE site_id = ? AND ts < ?').bind(siteId, dayStart(TZ, BEFORE)).first<{ n: number }>();
    expect(left!.n).toBe(0);
    const rolled = await worker.db.prepare('SELECT count(*) AS n FROM rollup_visits WHERE site_id = ? AND day < ?').bind(siteId, BEFORE).first<{ n: number }>();
    expect(rolled!.n).toBe(0);

    const future = await admin('/api/v1/sites/wk.example/purge', { method: 'POST', body: JSON.stringify({ before: addDays(today, 1) }) });
    expect(future.status).toBe(400);
    expect(((await future.json()) as { error: string }).error).toContain('before');
  });
});
