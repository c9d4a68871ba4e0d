/**
 * The Plausible import on the real Node server and CLI: a site with varied traffic is
 * exported (Teller's export, Plausible's format), the ZIP imported into a fresh site by the
 * admin API and by the CLI (as a ZIP and as a folder), and what the store holds per table
 * and day equals the export's rows. Refusals: a duplicate, bad files (named by file, line
 * and column), a body past the limit, no admin token; nothing stored after any of them.
 *
 * Both sites stay up, so the Stats API's answers for them can be compared (`statsOf`).
 */
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { IMPORTED_TABLES } from '../../server/core/imports/tables.ts';
import { PLAUSIBLE_FORMATS } from '../../server/core/imports/plausible-csv.ts';
import type { Site } from '../../server/core/sites.ts';
import { runCli } from '../../server/node/cli.ts';
import { parseCsv, unzip } from '../helpers/privacy-zip.ts';
import { buildZip } from '../helpers/zip-build.ts';
import { addSite, insertVisitWithEvents } from '../core/query/store.ts';
import { startStatsServer, type StatsServer } from './stats-server.ts';

const ADMIN = 'plausible-import-admin-token-0123456789abcdef';
const RANGE = ['2024-02-01', '2024-03-10'] as const;
const SUFFIX = '_20240201_20240310.csv';
let server: StatsServer;
let original: Site;
let dir: string;
let zip: Uint8Array;
let files: Map<string, string>;

const at = (iso: string) => Date.parse(iso) / 1000;

/** Visits of several kinds over several days (sources, UTM tags, locations, devices, events). */
function seed(site: Site): void {
  const kinds = [
    { source: 'Google', referrer: 'google.com', channel: 'Organic Search', browser: 'Firefox', browser_version: '133.0', os: 'Windows', os_version: '10', device: 'Desktop', country: 'NO', region: 'NO-03', region_name: 'Oslo', city_name: 'Oslo' },
    { source: 'Newsletter', utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'spring, "sale"', utm_content: 'top', utm_term: 'shoes', channel: 'Email', browser: 'Safari', browser_version: '17.5', os: 'iOS', os_version: '17.5', device: 'Mobile', country: 'SE', region: 'SE-AB', region_name: 'Stockholm County' },
    { channel: 'Direct', browser: 'Chrome', browser_version: '131.0', os: 'Mac', os_version: '10.15', device: 'Laptop', country: null },
  ];
  const days = ['2024-02-03', '2024-02-10', '2024-02-28', '2024-03-01', '2024-03-09', '2024-03-10'];
  let visitor = 1;
  days.forEach((day, d) => {
    kinds.forEach((kind, k) => {
      for (let n = 0; n <= (d + k) % 3; n++) {
        const start = at(`${day}T${String(8 + n).padStart(2, '0')}:1${k}:00Z`);
        const events: Array<Record<string, unknown>> = [{ ts: start, path: '/', hostname: 'shop.example' }];
        if ((d + n) % 2 === 0) events.push({ ts: start + 40 + 10 * k, path: `/item/${k}`, hostname: k === 1 ? 'blog.shop.example' : 'shop.example' });
        if (k === 0 && n === 0) events.push({ ts: start + 60, name: 'Signup', path: '/item/0', hostname: 'shop.example', props: { plan: 'pro' } });
        // Plausible's system goals: the export writes their url in link_url, their path in path.
        if (k === 1) events.push({ ts: start + 70, name: 'Outbound Link: Click', path: '/', hostname: 'shop.example', props: { url: `https://out.example/${n}` } });
        if (k === 2 && n === 0) events.push({ ts: start + 80, name: '404', path: '/missing', hostname: 'shop.example', props: { path: '/missing' } });
        insertVisitWithEvents(server.db, site.id, { visitor: visitor++, ...kind }, events as never);
      }
    });
  });
}

/** The export's rows of `table` as the store would hold them: numbers as numbers, in a stable order. */
function exported(table: string): Array<Record<string, string | number>> {
  const format = PLAUSIBLE_FORMATS.find((f) => f.table === table)!;
  const csv = parseCsv(files.get(`${table}${SUFFIX}`)!);
  return csv.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, format.columns[k]!.kind.endsWith('count') ? Number(v) : v]))).sort(byJson);
}

const byJson = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);

/** What the store holds for `site` in `table`, in the export's columns. */
function stored(site: Site, table: string): Array<Record<string, string | number>> {
  const header = parseCsv(files.get(`${table}${SUFFIX}`)!).header;
  return (server.db.raw.prepare(`SELECT ${header.join(', ')} FROM ${table} WHERE site_id = ?`).all(site.id) as Array<Record<string, string | number>>).sort(byJson);
}

function storedCount(site: Site): number {
  return IMPORTED_TABLES.reduce((n, t) => n + (server.db.raw.prepare(`SELECT count(*) AS n FROM ${t.name} WHERE site_id = ?`).get(site.id) as { n: number }).n, 0);
}

function importUrl(domain: string, query = ''): string {
  return `${server.url}/api/v1/sites/${domain}/imports/plausible${query}`;
}

function upload(domain: string, body: Uint8Array | ReadableStream<Uint8Array>, query = '', token: string | null = ADMIN): Promise<Response> {
  return fetch(importUrl(domain, query), {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/zip' },
    body,
    duplex: 'half',
  } as RequestInit);
}

/** The Stats API's answer for `domain`: the original site's, and (once queries read imports) the copy's to compare. */
async function statsOf(domain: string, body: Record<string, unknown>): Promise<Array<{ dimensions: string[]; metrics: number[] }>> {
  const res = await fetch(`${server.url}/api/v2/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ site_id: domain, date_range: RANGE, include: { imports: true }, ...body }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Array<{ dimensions: string[]; metrics: number[] }> }).results;
}

function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l), prompt: async () => null, env: { TELLER_DB: server.db.raw.name } };
  return runCli(args, io).then((code) => ({ code, out, err }));
}

beforeAll(async () => {
  server = await startStatsServer(ADMIN, Date.parse('2024-03-11T15:00:00Z'));
  dir = mkdtempSync(join(tmpdir(), 'teller-import-'));
  original = await addSite(server.db, 'shop.example', 'Europe/Oslo');
  // In one transaction: the server's maintenance pass never sees a closed day half written.
  server.db.raw.transaction(() => seed(original))();
  for (let i = 0; i < 10 && (await runMaintenance(server.db, server.now.ms, { maxDaysPerSite: 100 })).daysRolledUp > 0; i++);
  const res = await fetch(`${server.url}/api/v1/sites/shop.example/export?from=${RANGE[0]}&to=${RANGE[1]}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  zip = new Uint8Array(await res.arrayBuffer());
  files = unzip(zip);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('round trip: Teller export → import into a fresh site', () => {
  let copy: Site;

  it('imports the export by the admin API and says what it stored', async () => {
    copy = await addSite(server.db, 'copy.example', 'Europe/Oslo');
    const res = await upload(copy.domain, zip, '?file_name=shop-export.zip');
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ days: 6, first_day: '2024-02-03', last_day: '2024-03-10', clipped_days: 0, note: null, skipped_files: [`events${SUFFIX}`] });
    expect(body.rows).toBe(PLAUSIBLE_FORMATS.reduce((n, f) => n + (files.has(`${f.table}${SUFFIX}`) ? parseCsv(files.get(`${f.table}${SUFFIX}`)!).rows.length : 0), 0));
  });

  it("stores exactly the export's rows, table by table and day by day", () => {
    for (const { table } of PLAUSIBLE_FORMATS) {
      const rows = exported(table);
      if (table !== 'imported_custom_events') expect(rows.length, table).toBeGreaterThan(0);
      expect(stored(copy, table), table).toEqual(rows);
    }
    const events = stored(copy, 'imported_custom_events');
    expect(events.filter((r) => r.name === 'Signup').every((r) => r.link_url === '' && r.path === '')).toBe(true);
    expect(new Set(events.filter((r) => r.name === 'Outbound Link: Click').map((r) => r.link_url))).toEqual(new Set(['https://out.example/0', 'https://out.example/1', 'https://out.example/2']));
    expect(events.filter((r) => r.name === '404').map((r) => [r.path, r.link_url])).toEqual(Array(6).fill(['/missing', '']));
  });

  it("holds per day what the original site's Stats API answers", async () => {
    const byDay = await statsOf(original.domain, { metrics: ['visitors', 'visits', 'pageviews'], dimensions: ['time:day'] });
    const rows = server.db.raw.prepare('SELECT date, visitors, visits, pageviews FROM imported_visitors WHERE site_id = ? ORDER BY date').all(copy.id) as Array<Record<string, number | string>>;
    expect(rows.map((r) => ({ dimensions: [r.date], metrics: [r.visitors, r.visits, r.pageviews] }))).toEqual(byDay);
    const sources = await statsOf(original.domain, { metrics: ['visitors', 'visits'], dimensions: ['visit:source'] });
    const stored = server.db.raw.prepare("SELECT CASE source WHEN '' THEN 'Direct / None' ELSE source END AS s, sum(visitors) AS v, sum(visits) AS n FROM imported_sources WHERE site_id = ? GROUP BY 1").all(copy.id) as Array<{ s: string; v: number; n: number }>;
    expect(new Map(stored.map((r) => [r.s, [r.v, r.n]]))).toEqual(new Map(sources.map((r) => [r.dimensions[0]!, r.metrics])));
  });

  it('refuses the same file again, and stores nothing more', async () => {
    const before = storedCount(copy);
    const res = await upload(copy.domain, zip, '?file_name=again.zip');
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/delete that import first/);
    expect(storedCount(copy)).toBe(before);
  });
});

describe('the CLI', () => {
  it('imports a ZIP and prints the summary', async () => {
    const site = await addSite(server.db, 'cli-zip.example');
    const file = join(dir, 'export.zip');
    writeFileSync(file, zip);
    const { code, out, err } = await cli(['import', 'plausible', '--site', site.domain, file]);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^Imported export\.zip into cli-zip\.example \(import \d+\): 6 days, \d+ rows, 2024-02-03 to 2024-03-10\.$/);
    expect(out[1]).toBe(`Not read (not files of Plausible's export): events${SUFFIX}`);
    expect(stored(site, 'imported_pages')).toEqual(exported('imported_pages'));
  });

  it('imports a folder of CSV files (an unzipped export)', async () => {
    const site = await addSite(server.db, 'cli-folder.example');
    const folder = join(dir, 'unzipped');
    mkdirSync(folder);
    for (const [name, text] of files) if (name.startsWith('imported_')) writeFileSync(join(folder, name), text);
    const { code, out } = await cli(['import', 'plausible', '--site', site.domain, folder]);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^Imported unzipped into cli-folder\.example/);
    for (const { table } of PLAUSIBLE_FORMATS) expect(stored(site, table), table).toEqual(exported(table));
  });

  it('clips days Teller counted itself, and says so', async () => {
    const site = await addSite(server.db, 'cli-clip.example');
    insertVisitWithEvents(server.db, site.id, { visitor: 1, channel: 'Direct' }, [{ ts: at('2024-03-01T10:00:00Z'), path: '/', hostname: 'cli-clip.example' }]);
    const file = join(dir, 'clip.zip');
    writeFileSync(file, zip);
    const { code, out } = await cli(['import', 'plausible', '--site', site.domain, file]);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/: 3 days, \d+ rows, 2024-02-03 to 2024-02-28\.$/);
    expect(out[1]).toMatch(/2024-03-01/);
    const strict = await addSite(server.db, 'cli-refuse.example');
    insertVisitWithEvents(server.db, strict.id, { visitor: 1, channel: 'Direct' }, [{ ts: at('2024-03-01T10:00:00Z'), path: '/', hostname: 'cli-refuse.example' }]);
    const refused = await cli(['import', 'plausible', '--site', strict.domain, '--refuse-overlap', file]);
    expect(refused.code).toBe(1);
    expect(refused.err[0]).toMatch(/^teller: import refused, nothing stored: .*Teller counts cli-refuse\.example itself from 2024-03-01/);
    expect(storedCount(strict)).toBe(0);
  });

  it('refuses bad input with the file, line and column, and stores nothing', async () => {
    const site = await addSite(server.db, 'cli-bad.example');
    const bad = buildZip([
      { name: 'imported_visitors_20240101_20240131.csv', data: 'date,visitors,pageviews,bounces,visits,visit_duration\n2024-01-02,1,1,0,1,0\n', deflate: true },
      { name: 'imported_pages_20240101_20240131.csv', data: 'date,hostname,page,visits,visitors,pageviews\n2024-01-02,a,/,1,1,1\n2024-01-03,a,/,1,-1,1\n', deflate: true },
    ]);
    const file = join(dir, 'bad.zip');
    writeFileSync(file, bad);
    const { code, err } = await cli(['import', 'plausible', '--site', site.domain, file]);
    expect(code).toBe(1);
    expect(err).toEqual(['teller: import refused, nothing stored: imported_pages_20240101_20240131.csv, line 3, column visitors: "-1" is not a whole number of 0 or more']);
    expect(storedCount(site)).toBe(0);
    expect(server.db.raw.prepare('SELECT count(*) AS n FROM imports WHERE site_id = ?').get(site.id)).toEqual({ n: 0 });

    // A 2 GB file (sparse: no disk used) is refused by its size, before a byte is read or hashed.
    const big = join(dir, 'big');
    mkdirSync(big);
    writeFileSync(join(big, 'imported_visitors_20240101_20240131.csv'), 'date,visitors\n2024-01-01,1\n');
    const pages = join(big, 'imported_pages_20240101_20240131.csv');
    writeFileSync(pages, '');
    truncateSync(pages, 2 * 1024 ** 3);
    const huge = await cli(['import', 'plausible', '--site', site.domain, big]);
    expect(huge.code).toBe(1);
    expect(huge.err).toEqual(['teller: import refused, nothing stored: imported_pages_20240101_20240131.csv: the file has 2147483648 bytes; at most 1073741824 (1 GiB) are read from one file']);

    writeFileSync(join(dir, 'truncated.zip'), zip.subarray(0, zip.length - 100));
    const truncated = await cli(['import', 'plausible', '--site', site.domain, join(dir, 'truncated.zip')]);
    expect(truncated.code).toBe(1);
    expect(truncated.err[0]).toMatch(/truncated\.zip: (not a ZIP archive, or a truncated one|the archive is truncated)/);
    expect((await cli(['import', 'plausible', '--site', site.domain])).code).toBe(2);
    expect((await cli(['import', 'plausible', '--site', 'nope.example', file])).err[0]).toMatch(/^teller: unknown site nope\.example/);
    expect((await cli(['import', 'plausible', '--site', site.domain, join(dir, 'missing.zip')])).code).toBe(1);
    expect(storedCount(site)).toBe(0);
  });
});

describe('the admin API refuses', () => {
  it('bad files with the file, line and column; a body that is not a ZIP; a wrong clip', async () => {
    const site = await addSite(server.db, 'api-bad.example');
    const wrongHeader = buildZip([{ name: 'imported_devices_20240101_20240131.csv', data: 'date,screen,visitors\n2024-01-01,Desktop,1\n' }]);
    const res = await upload(site.domain, wrongHeader);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: expect.stringContaining('imported_devices_20240101_20240131.csv, line 1, column screen: unknown column "screen"'),
      file: 'imported_devices_20240101_20240131.csv',
      line: 1,
      column: 'screen',
    });
    const notZip = await upload(site.domain, new TextEncoder().encode('date,visitors\n'));
    expect(notZip.status).toBe(400);
    expect(((await notZip.json()) as { error: string }).error).toMatch(/must be a ZIP archive/);
    expect((await upload(site.domain, zip, '?clip=sometimes')).status).toBe(400);
    expect(storedCount(site)).toBe(0);
  });

  it('a body past 100 MB with 413, without an admin token 401, an unknown site 404', async () => {
    const site = await addSite(server.db, 'api-big.example');
    // Headers only: the server answers from Content-Length before a byte of the body is sent.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(importUrl(site.domain), { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-length': String(100_000_001) } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toMatch(/at most 100000000 bytes/);
    expect((await upload(site.domain, zip, '', null)).status).toBe(401);
    expect((await upload('nope.example', zip)).status).toBe(404);
    expect(storedCount(site)).toBe(0);
  });
});
