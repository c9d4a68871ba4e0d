/**
 * The Plausible import on Workers, in real workerd with D1, through the admin API (the only
 * way a Workers deployment has): a deflated ZIP inflated by workerd's DecompressionStream,
 * its rows in D1, a duplicate and a bad file refused with nothing stored; and the round
 * trip: the Worker's own export of a site imported into a fresh site holds the export's rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, unzip } from '../helpers/privacy-zip.ts';
import { buildZip } from '../helpers/zip-build.ts';
import { type TellerWorker, startWorker } from './harness.ts';

const ADMIN = 'workers-import-admin-token-0123456789';
let worker: TellerWorker;

const VISITORS = 'date,visitors,pageviews,bounces,visits,visit_duration\n2024-01-02,3,7,1,4,120\n2024-01-03,1,1,1,1,0\n';
const PAGES = 'date,hostname,page,visits,visitors,pageviews,total_scroll_depth,total_scroll_depth_visits,total_time_on_page,total_time_on_page_visits\n2024-01-02,wk.example,/,4,3,7,0,0,0,0\n';

function upload(body: Uint8Array, name = 'export.zip', domain = 'wk.example'): Promise<Response> {
  return worker.fetch(`/api/v1/sites/${domain}/imports/plausible?file_name=${name}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/zip' }, body: body as Uint8Array<ArrayBuffer> });
}

async function count(table: string): Promise<number> {
  return (await worker.db.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
}

beforeAll(async () => {
  worker = await startWorker({ vars: { TELLER_ADMIN_TOKEN: ADMIN } });
  await worker.db.prepare("INSERT INTO sites (domain, timezone, created_at) VALUES ('wk.example', 'Europe/Oslo', 0)").run();
});
afterAll(() => worker?.close());

describe('Plausible import on Workers', () => {
  it('imports a deflated ZIP into D1 and answers the summary', async () => {
    const zip = buildZip([
      { name: 'imported_visitors_20240101_20240131.csv', data: VISITORS, deflate: true },
      { name: 'imported_pages_20240101_20240131.csv', data: PAGES, deflate: true },
    ]);
    const res = await upload(zip);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ days: 2, rows: 3, first_day: '2024-01-02', last_day: '2024-01-03', clipped_days: 0, skipped_files: [] });
    expect(await worker.db.prepare('SELECT date, visitors, pageviews, bounces, visits, visit_duration FROM imported_visitors ORDER BY date').all()).toMatchObject({
      results: [
        { date: '2024-01-02', visitors: 3, pageviews: 7, bounces: 1, visits: 4, visit_duration: 120 },
        { date: '2024-01-03', visitors: 1, pageviews: 1, bounces: 1, visits: 1, visit_duration: 0 },
      ],
    });
    expect((await upload(zip, 'again.zip')).status).toBe(409);
    expect(await count('imported_visitors')).toBe(2);
  });

  it('refuses a bad field naming file, line and column, and stores nothing', async () => {
    const zip = buildZip([{ name: 'imported_locations_20240201_20240229.csv', data: 'date,country,region,city,visitors,visits,visit_duration,bounces,pageviews\n2024-02-01,XQ,,0,1,1,0,1,1\n', deflate: true }]);
    const res = await upload(zip, 'bad.zip');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ file: 'imported_locations_20240201_20240229.csv', line: 2, column: 'country' });
    expect(await count('imported_locations')).toBe(0);
    expect(await count('imports')).toBe(1);
  });
});

describe('round trip on Workers', () => {
  it("imports the Worker's own export of a site into a fresh site, row for row", async () => {
    const site = await worker.db.prepare("INSERT INTO sites (domain, timezone, created_at) VALUES ('from.example', 'Etc/UTC', 0) RETURNING id").first<{ id: number }>();
    for (const [i, day] of ['2024-03-01', '2024-03-02', '2024-03-05'].entries()) {
      const start = Date.parse(`${day}T10:00:00Z`) / 1000;
      const visit = await worker.db
        .prepare(
          `INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, events, entry_page, exit_page, hostname, channel, source, country, browser, os, device)
           VALUES (?, ?, ?, ?, 2, 2, '/', '/p', 'from.example', 'Direct', ?, 'NO', 'Firefox', 'Windows', 'Desktop') RETURNING id`,
        )
        .bind(site!.id, i + 1, start, start + 60, i % 2 ? 'Google' : null)
        .first<{ id: number }>();
      await worker.db.batch(
        ['/', '/p'].map((path, n) =>
          worker.db.prepare("INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (?, ?, ?, ?, 'pageview', 'from.example', ?)").bind(site!.id, visit!.id, i + 1, start + 60 * n, path),
        ),
      );
    }
    const exported = await worker.fetch('/api/v1/sites/from.example/export?from=2024-03-01&to=2024-03-05', { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(exported.status).toBe(200);
    const zip = new Uint8Array(await exported.arrayBuffer());
    await worker.db.prepare("INSERT INTO sites (domain, timezone, created_at) VALUES ('to.example', 'Etc/UTC', 0)").run();
    const res = await upload(zip, 'from.zip', 'to.example');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ days: 3, first_day: '2024-03-01', last_day: '2024-03-05' });

    const files = unzip(zip);
    for (const table of ['imported_visitors', 'imported_pages', 'imported_sources', 'imported_browsers']) {
      const csv = parseCsv(files.get(`${table}_20240301_20240305.csv`)!);
      const rows = (
        await worker.db.prepare(`SELECT ${csv.header.join(', ')} FROM ${table} t JOIN sites s ON s.id = t.site_id WHERE s.domain = 'to.example'`).all<Record<string, string | number>>()
      ).results.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])));
      const sort = (a: Record<string, string>[]) => a.map((r) => JSON.stringify(r)).sort();
      expect(sort(rows), table).toEqual(sort(csv.rows));
      expect(rows.length, table).toBeGreaterThan(0);
    }
  });
});
