/**
 * The WP Statistics upload route on the real Node server: a ZIP of the plugin's real exports
 * (test/fixtures/wp-statistics/export/) stores exactly the rows the CLI's core path stores; the
 * same tables as a mysqldump sent on their own are the same import and refused; a bad cell,
 * a truncated ZIP and an empty body are 4xx naming the problem with nothing stored; a ZIP
 * tool's extra entries are named as not read; only the admin may import.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../server/core/imports/store.ts';
import { IMPORTED_TABLES } from '../../server/core/imports/tables.ts';
import { wpStatisticsSource } from '../../server/core/imports/wp-statistics.ts';
import type { Site } from '../../server/core/sites.ts';
import { buildZip } from '../helpers/zip-build.ts';
import { addSite } from '../core/query/store.ts';
import { startStatsServer, type StatsServer } from './stats-server.ts';

const ADMIN = 'wp-statistics-api-admin-token-0123456789abcdef';
const FIXTURES = resolve(import.meta.dirname, '../fixtures/wp-statistics');
const EXPORTS = ['statistics_visitor.csv', 'statistics_pages.csv', 'statistics_visitor_relationships.csv'];
const exportFile = (name: string) => ({ name, bytes: new Uint8Array(readFileSync(join(FIXTURES, 'export', name))) });
const DUMP = new Uint8Array(readFileSync(join(FIXTURES, 'mysqldump/wp_statistics.sql')));
let server: StatsServer;

function upload(domain: string, body: Uint8Array, query = '', token: string | null = ADMIN): Promise<Response> {
  return fetch(`${server.url}/api/v1/sites/${domain}/imports/wp-statistics${query}`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' } : { 'content-type': 'application/octet-stream' },
    body: body as Uint8Array<ArrayBuffer>,
  });
}

/** Every imported row of the site, without its import's id, in one comparable list. */
async function storedRows(site: Site): Promise<string[]> {
  const rows: string[] = [];
  for (const { name: table } of IMPORTED_TABLES) {
    for (const { import_id: _import, site_id: _site, ...rest } of await server.db.all<Record<string, unknown>>(`SELECT * FROM ${table} WHERE site_id = ?`, [site.id])) {
      rows.push(`${table} ${JSON.stringify(rest)}`);
    }
  }
  return rows.sort();
}

const count = async (site: Site, table = 'imported_visitors') => (await server.db.first<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE site_id = ?`, [site.id]))!.n;

beforeAll(async () => {
  server = await startStatsServer(ADMIN);
});
afterAll(() => server.close());

describe('POST /api/v1/sites/:domain/imports/wp-statistics', () => {
  it("stores a ZIP of the plugin's exports as the core path does, and refuses the same tables dumped", async () => {
    const viaApi = await addSite(server.db, 'example.com', 'Europe/Oslo');
    const zip = buildZip([...EXPORTS.map((name) => ({ name: `wp-export/${name}`, data: exportFile(name).bytes, deflate: true })), { name: '__MACOSX/._statistics_pages.csv', data: 'x' }]);
    const res = await upload('example.com', zip, '?file_name=wp-export.zip');
    expect(res.status).toBe(201);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ first_day: '2026-11-23', clipped_days: 0, note: null, skipped_files: ['__MACOSX/._statistics_pages.csv'], notes: [] });
    expect(await server.db.first('SELECT kind, file_name, created_by FROM imports WHERE id = ?', [answer.id as number])).toEqual({ kind: 'wp-statistics', file_name: 'wp-export.zip', created_by: 'api' });

    const viaCore = await addSite(server.db, 'core.example.com', 'Europe/Oslo');
    const source = await wpStatisticsSource(EXPORTS.map(exportFile), { domain: 'example.com', locationPrecision: viaCore.locationPrecision });
    const summary = await runImport(server.db, viaCore, source, { by: 'cli', nowSec: 0 });
    expect(answer).toMatchObject({ days: summary.days, rows: summary.rows, last_day: summary.lastDay });
    expect(await storedRows(viaApi)).toEqual(await storedRows(viaCore));
    expect((await storedRows(viaApi)).length).toBeGreaterThan(10);

    const again = await upload('example.com', DUMP, '?file_name=wp_statistics.sql');
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toMatch(/^wp_statistics\.sql .*delete that import first/);
  });

  it('takes a mysqldump sent as one file', async () => {
    const site = await addSite(server.db, 'dump.example.com', 'Europe/Oslo');
    const res = await upload(site.domain, DUMP, '?file_name=wp_statistics.sql');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ first_day: '2026-11-23', skipped_files: [] });
    expect(await server.db.first('SELECT file_name FROM imports WHERE site_id = ?', [site.id])).toEqual({ file_name: 'wp_statistics.sql' });
    expect(await count(site)).toBeGreaterThan(0);
  });

  it('refuses bad input with a 4xx naming the problem, storing nothing', async () => {
    const site = await addSite(server.db, 'bad.example.com', 'Europe/Oslo');
    const visitor = exportFile('statistics_visitor.csv');
    const broken = new TextDecoder().decode(visitor.bytes).replace('"1","2026-11-23"', '"1","2026-11-31"');
    const bad = await upload(site.domain, buildZip([{ name: 'statistics_visitor.csv', data: broken }]), '?file_name=bad.zip');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ file: 'statistics_visitor.csv', line: 2, column: 'last_counter' });

    const zip = buildZip([{ name: 'statistics_visitor.csv', data: visitor.bytes, deflate: true }]);
    const truncated = await upload(site.domain, zip.subarray(0, zip.length - 30), '?file_name=cut.zip');
    expect(truncated.status).toBe(400);
    expect(((await truncated.json()) as { file: string }).file).toBe('cut.zip');

    const empty = await upload(site.domain, new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: string }).error).toMatch(/body is empty/);

    const onlyTooling = await upload(site.domain, buildZip([{ name: '__MACOSX/._x', data: 'x' }]), '?file_name=mac.zip');
    expect(await onlyTooling.json()).toMatchObject({ error: 'mac.zip: the ZIP archive holds no files', file: 'mac.zip' });
    expect(await count(site)).toBe(0);
    expect(await count(site, 'imports')).toBe(0);
  });

  it('answers 401 without the admin token and 404 for an unknown site', async () => {
    expect((await upload('example.com', DUMP, '', null)).status).toBe(401);
    expect((await upload('example.com', DUMP, '', 'not-the-token-0123456789abcdef0123')).status).toBe(401);
    const unknown = await upload('nowhere.example', DUMP);
    expect(unknown.status).toBe(404);
  });
});
