/**
 * The WP Statistics import on Workers, in real workerd with D1, through the admin API: a
 * deflated ZIP of the plugin's real exports (test/fixtures/wp-statistics/export/) inflated by
 * workerd, its rows in D1 matching the fixture's visitor rows per day, the mysqldump of the
 * same tables refused as the same import, and a bad cell refused naming file, line and column.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip } from '../helpers/zip-build.ts';
import { type TellerWorker, startWorker } from './harness.ts';

const ADMIN = 'workers-wp-import-admin-token-0123456789';
const FIXTURES = resolve(import.meta.dirname, '../fixtures/wp-statistics');
const EXPORTS = ['statistics_visitor.csv', 'statistics_pages.csv', 'statistics_visitor_relationships.csv'];
const read = (path: string) => new Uint8Array(readFileSync(join(FIXTURES, path)));
let worker: TellerWorker;

function upload(body: Uint8Array, name: string, domain = 'example.com'): Promise<Response> {
  return worker.fetch(`/api/v1/sites/${domain}/imports/wp-statistics?file_name=${name}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body: body as Uint8Array<ArrayBuffer> });
}

/** Visitors and hits per day as WP Statistics' own visitor table (the CSV export) says. */
function fixtureDays(): Array<{ date: string; visitors: number; pageviews: number }> {
  const [header, ...lines] = new TextDecoder().decode(read('export/statistics_visitor.csv')).trim().split('\n');
  const columns = JSON.parse(`[${header}]`) as string[];
  const days = new Map<string, { visitors: number; pageviews: number }>();
  for (const line of lines) {
    const cells = JSON.parse(`[${line}]`) as string[];
    const date = cells[columns.indexOf('last_counter')]!;
    const day = days.get(date) ?? { visitors: 0, pageviews: 0 };
    day.visitors += 1;
    day.pageviews += Number(cells[columns.indexOf('hits')]);
    days.set(date, day);
  }
  return [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, day]) => ({ date, ...day }));
}

beforeAll(async () => {
  worker = await startWorker({ vars: { TELLER_ADMIN_TOKEN: ADMIN } });
  await worker.db.prepare("INSERT INTO sites (domain, timezone, created_at) VALUES ('example.com', 'Europe/Oslo', 0), ('bad.example.com', 'Europe/Oslo', 0)").run();
});
afterAll(() => worker?.close());

describe('WP Statistics import on Workers', () => {
  it("imports a ZIP of the plugin's exports into D1, and refuses the same tables dumped", async () => {
    const zip = buildZip(EXPORTS.map((name) => ({ name, data: read(`export/${name}`), deflate: true })));
    const res = await upload(zip, 'wp-export.zip');
    expect(res.status).toBe(201);
    const expected = fixtureDays();
    expect(await res.json()).toMatchObject({ days: expected.length, first_day: expected[0]!.date, last_day: expected.at(-1)!.date, skipped_files: [] });
    const stored = await worker.db.prepare('SELECT date, visitors, pageviews FROM imported_visitors ORDER BY date').all();
    expect(stored.results).toEqual(expected);
    expect(await worker.db.prepare('SELECT kind, file_name, created_by FROM imports').all()).toMatchObject({ results: [{ kind: 'wp-statistics', file_name: 'wp-export.zip', created_by: 'api' }] });

    const again = await upload(read('mysqldump/wp_statistics.sql'), 'wp_statistics.sql');
    expect(again.status).toBe(409);
    expect((await worker.db.prepare('SELECT count(*) AS n FROM imports').first<{ n: number }>())!.n).toBe(1);
  });

  it('refuses a bad cell naming file, line and column, and stores nothing', async () => {
    const broken = new TextDecoder().decode(read('export/statistics_visitor.csv')).replace('"1","2026-11-23"', '"1","2026-11-31"');
    const res = await upload(buildZip([{ name: 'statistics_visitor.csv', data: broken, deflate: true }]), 'bad.zip', 'bad.example.com');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ file: 'statistics_visitor.csv', line: 2, column: 'last_counter' });
    expect((await worker.db.prepare("SELECT count(*) AS n FROM imports i JOIN sites s ON s.id = i.site_id WHERE s.domain = 'bad.example.com'").first<{ n: number }>())!.n).toBe(0);
  });
});
