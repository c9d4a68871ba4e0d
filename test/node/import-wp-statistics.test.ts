/**
 * WP Statistics import from the real fixtures of v14 and v13 (test/fixtures/wp-statistics/
 * README.md): what lands in a real store equals what WP Statistics' own tables say, per day,
 * for visitors, pageviews, pages, countries, browsers and sources. The expectations are
 * computed here from the mysqldump's rows with a reader of this test's own, not the importer's.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runImport } from '../../server/core/imports/store.ts';
import { ImportFormatError } from '../../server/core/imports/tables.ts';
import { importNoteText } from '../../server/core/imports/notes.ts';
import { mapWpStatistics, wpStatisticsSource, type WpsFile } from '../../server/core/imports/wp-statistics.ts';
import { createSite, type Site } from '../../server/core/sites.ts';
import { tempDb } from '../helpers/db.ts';

const root = resolve(import.meta.dirname, '../fixtures/wp-statistics');

/** Each fixture set: its folder, the WordPress site's domain, the tables exported, what its version keeps. */
const SETS = [
  { version: 'v14.15.6', dir: root, domain: 'example.com', exported: 3, durations: true, pagesCountEveryHit: true },
  { version: 'v13.2.16', dir: join(root, 'v13'), domain: 'blog.example.test', exported: 3, durations: false, pagesCountEveryHit: false },
] as const;

/** mysqldump writes one row per line: `(1,'2026-11-23','',…),`. */
function dumpRows(dir: string, table: string): Array<Record<string, string>> {
  const sql = readFileSync(join(dir, 'mysqldump/wp_statistics.sql'), 'utf8');
  const create = new RegExp(`CREATE TABLE \`wp_statistics_${table}\` \\(([\\s\\S]*?)\\n\\)`).exec(sql);
  const columns = [...(create?.[1] ?? '').matchAll(/^\s*`(\w+)`/gm)].map((m) => m[1] ?? '');
  const insert = sql.indexOf(`INSERT INTO \`wp_statistics_${table}\` VALUES`);
  if (insert < 0) return [];
  const lines = sql.slice(insert).split('\n').slice(1);
  const rows: Array<Record<string, string>> = [];
  for (const line of lines) {
    const tuple = /^\((.*)\)([,;])$/.exec(line);
    if (!tuple) break;
    const values = [...(tuple[1] ?? '').matchAll(/'((?:[^'\\]|\\.)*)'|(NULL)|(-?\d+)/g)].map((m) => m[1] ?? m[3] ?? '');
    expect(values).toHaveLength(columns.length);
    rows.push(Object.fromEntries(columns.map((c, i) => [c, values[i] ?? ''])));
    if (tuple[2] === ';') break;
  }
  return rows;
}

/** Teller's names for what the fixtures' WP Statistics rows hold (see docs/import.md, WP Statistics). */
const BROWSER: Record<string, string> = {
  Chrome: 'Chrome', 'Chrome Mobile': 'Chrome', Firefox: 'Firefox', 'Firefox Mobile': 'Firefox', Safari: 'Safari',
  'Mobile Safari': 'Safari', 'Microsoft Edge': 'Microsoft Edge', Edge: 'Microsoft Edge', Opera: 'Opera',
  'Samsung Browser': 'Samsung Browser', 'Samsung Internet': 'Samsung Browser',
};
const SOURCE: Record<string, string> = {
  'google.com': 'Google', 'bing.com': 'Bing', 'duckduckgo.com': 'DuckDuckGo', 'search.yahoo.com': 'Yahoo!',
  'reddit.com': 'Reddit', 'news.ycombinator.com': 'Hacker News', 'l.facebook.com': 'Facebook', 't.co': 'Twitter',
  'linkedin.com': 'LinkedIn', 'nrk.no': 'nrk.no',
};

/** The channel and search engine of each source the fixtures hold (Plausible's channel rules). */
const CHANNEL: Record<string, [channel: string, engine: string]> = {
  Google: ['Organic Search', 'Google'], Bing: ['Organic Search', 'Bing'], DuckDuckGo: ['Organic Search', 'DuckDuckGo'], 'Yahoo!': ['Organic Search', 'Yahoo!'],
  Reddit: ['Organic Social', ''], 'Hacker News': ['Organic Social', ''], Facebook: ['Organic Social', ''], Twitter: ['Organic Social', ''],
  LinkedIn: ['Organic Social', ''], 'nrk.no': ['Referral', ''], newsletter: ['Email', ''], '': ['Direct', ''],
};
/** The words in a v13 referrer's query, under the engine's own parameter (v14 keeps no query). */
function expectedWords(r: Record<string, string>): string {
  const url = /^https?:\/\//.test(r.referred ?? '') ? new URL(r.referred ?? '') : null;
  return (url?.searchParams.get(url.hostname.includes('yahoo') ? 'p' : 'q') ?? '').trim();
}

/** v14 keeps the referrer's host, v13 its URL (and the site's own address for a direct visit). */
function expectedSource(r: Record<string, string>, domain: string): string {
  const host = (r.referred ?? '').replace(/^[a-z]+:\/\//, '').replace(/[/:?#].*$/, '').replace(/^www\./, '');
  if (host === '' || host === domain) return r.source_channel === 'email' ? (r.source_name ?? '') : '';
  return SOURCE[host] ?? `unexpected ${host}`;
}

function tally<T>(rows: readonly T[], key: (r: T) => string, value: (r: T) => number = () => 1) {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + value(r);
  return out;
}

describe.each(SETS)('WP Statistics $version import of the real fixtures', ({ dir, domain, exported, durations, pagesCountEveryHit }) => {
  const file = (path: string): WpsFile => ({ name: path.split('/').pop() as string, bytes: readFileSync(join(dir, path)) });
  const rowsOf = (table: string) => dumpRows(dir, table);
  const target = { domain, locationPrecision: 'city' } as const;
  let t: ReturnType<typeof tempDb>;
  let site: Site;
  beforeEach(async () => {
    t = tempDb();
    site = await createSite(t.db, { domain }, Date.UTC(2026, 11, 1));
  });
  afterEach(() => t.cleanup());

  async function stored(sql: string): Promise<Record<string, number>> {
    const rows = await t.db.all<{ k: string; n: number }>(sql, [site.id]);
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  }

  it('stores per day the visitors, pageviews, pages, countries, browsers and sources WP Statistics counted', async () => {
    const visitors = rowsOf('visitor');
    const pages = rowsOf('pages');
    expect(visitors.length).toBeGreaterThan(20);
    const source = await wpStatisticsSource([file('mysqldump/wp_statistics.sql')], site);
    const summary = await runImport(t.db, site, source, { by: 'test', nowSec: Date.UTC(2026, 11, 1) / 1000 });
    expect(summary.days).toBe(new Set(visitors.map((v) => v.last_counter)).size);

    const day = (r: Record<string, string>) => r.last_counter ?? '';
    expect(await stored('SELECT date AS k, visitors AS n FROM imported_visitors WHERE site_id = ?')).toEqual(tally(visitors, day));
    const hits = tally(visitors, day, (r) => Number(r.hits));
    expect(await stored('SELECT date AS k, pageviews AS n FROM imported_visitors WHERE site_id = ?')).toEqual(hits);
    // WP Statistics' two counts of views: v14's pages count every hit the visitor rows count;
    // v13's leave out the site-search page (`?s=`), which is why the visitor rows' hits are the pageviews.
    const pageHits = tally(pages, (r) => r.date ?? '', (r) => Number(r.count));
    if (pagesCountEveryHit) expect(pageHits).toEqual(hits);
    else for (const [date, n] of Object.entries(hits)) expect(pageHits[date]).toBeLessThan(n);
    // v13's statistics_visit holds the same daily hits, which is why it is not imported.
    const visit = rowsOf('visit');
    if (visit.length > 0) expect(tally(visit, (r) => r.last_counter ?? '', (r) => Number(r.visit))).toEqual(hits);
    expect(await stored('SELECT date AS k, bounces AS n FROM imported_visitors WHERE site_id = ?')).toEqual(tally(visitors, day, (r) => (r.hits === '1' ? 1 : 0)));

    // Teller keeps a page's path as it keeps its own (no query, no trailing slash): '?s=…' is the home page, a tagged URL its page.
    const path = (uri: string) => (uri.startsWith('?') ? '/' : uri.replace(/\?.*$/, '').replace(/(.)\/+$/, '$1'));
    expect(await stored("SELECT date || ' ' || page AS k, SUM(pageviews) AS n FROM imported_pages WHERE site_id = ? GROUP BY 1"))
      .toEqual(tally(pages, (r) => `${r.date} ${path(r.uri ?? '')}`, (r) => Number(r.count)));
    expect(await stored("SELECT date || ' ' || country AS k, SUM(visitors) AS n FROM imported_locations WHERE site_id = ? GROUP BY 1"))
      .toEqual(tally(visitors, (r) => `${day(r)} ${r.location}`));
    // The site keeps regions, not cities (the default): nor does its imported history.
    expect(await stored("SELECT city_name AS k, COUNT(*) AS n FROM imported_locations WHERE site_id = ? GROUP BY 1")).toEqual({ '': expect.any(Number) });
    expect(await stored("SELECT date || ' ' || browser AS k, SUM(visitors) AS n FROM imported_browsers WHERE site_id = ? GROUP BY 1"))
      .toEqual(tally(visitors, (r) => `${day(r)} ${BROWSER[r.agent ?? ''] ?? 'unexpected'}`));
    const sourceOf = (r: Record<string, string>) => expectedSource(r, domain);
    expect(await stored("SELECT date || ' ' || source AS k, SUM(visitors) AS n FROM imported_sources WHERE site_id = ? GROUP BY 1"))
      .toEqual(tally(visitors, (r) => `${day(r)} ${sourceOf(r)}`));
    expect(await stored("SELECT date || ' ' || source AS k, SUM(pageviews) AS n FROM imported_sources WHERE site_id = ? GROUP BY 1"))
      .toEqual(tally(visitors, (r) => `${day(r)} ${sourceOf(r)}`, (r) => Number(r.hits)));
  });

  it('gives each day’s sources their channel and search engine, and v13 referrers their search words', async () => {
    const visitors = rowsOf('visitor');
    await runImport(t.db, site, await wpStatisticsSource([file('mysqldump/wp_statistics.sql')], site), { by: 'test', nowSec: Date.UTC(2026, 11, 1) / 1000 });
    const day = (r: Record<string, string>) => r.last_counter ?? '';
    const of = (r: Record<string, string>) => CHANNEL[expectedSource(r, domain)] ?? ['unexpected', 'unexpected'];
    expect(await stored("SELECT date || ' ' || channel AS k, SUM(visitors) AS n FROM imported_sources WHERE site_id = ? GROUP BY 1"))
      .toEqual(tally(visitors, (r) => `${day(r)} ${of(r)[0]}`));
    expect(await stored("SELECT date || ' ' || search_engine AS k, SUM(visitors) AS n FROM imported_sources WHERE site_id = ? GROUP BY 1"))
      .toEqual(tally(visitors, (r) => `${day(r)} ${of(r)[1]}`));
    const words = await stored("SELECT search_keyword AS k, SUM(visitors) AS n FROM imported_sources WHERE site_id = ? GROUP BY 1");
    expect(words).toEqual(tally(visitors, expectedWords));
    // The v13 fixtures' visitors searched with words on Google, Bing and Yahoo (their search table stayed empty, README).
    if (domain === 'blog.example.test') expect(Object.keys(words).sort()).toEqual(['', 'privacy friendly analytics', 'simple web stats', 'wordpress statistics plugin']);
  });

  it('keeps city names for a site that keeps cities', () => {
    const { rows } = mapWpStatistics([file('mysqldump/wp_statistics.sql')], target);
    const cities = tally(rows.filter((r) => r.table === 'imported_locations'), (r) => `${r.date} ${r.values.city_name}`, (r) => Number(r.values.visitors));
    // v13 kept no city (its visitor table has no city column).
    expect(cities).toEqual(tally(rowsOf('visitor'), (r) => `${r.last_counter} ${r.city ?? ''}`));
  });

  it('reads the same rows from each export format, with and without header, as from the dump', () => {
    const fromDump = mapWpStatistics([file('mysqldump/wp_statistics.sql')], target).rows;
    const sorted = (rows: typeof fromDump) => rows.map((r) => JSON.stringify([r.table, r.date, Object.entries(r.values).sort()])).sort();
    const exports = readdirSync(join(dir, 'export'));
    for (const format of ['csv', 'noheader.csv', 'tsv', 'xml']) {
      const files = exports.filter((f) => f.endsWith(`.${format}`) && !f.includes('.empty.') && (format !== 'csv' || !f.includes('noheader')));
      expect(files).toHaveLength(exported);
      expect(sorted(mapWpStatistics(files.map((f) => file(`export/${f}`)), target).rows), format).toEqual(sorted(fromDump));
    }
  });

  it.runIf(durations)('counts a visit duration from first to last view, and entry and exit pages from the visitor rows', () => {
    const visitors = rowsOf('visitor');
    const { rows } = mapWpStatistics([file('mysqldump/wp_statistics.sql')], target);
    const seconds = (v: string | undefined) => Date.parse(`${(v ?? '').replace(' ', 'T')}Z`) / 1000;
    const duration = tally(visitors, (r) => r.last_counter ?? '', (r) => seconds(r.last_view) - seconds(r.first_view));
    const imported = Object.fromEntries(rows.filter((r) => r.table === 'imported_visitors').map((r) => [r.date, r.values.visit_duration]));
    expect(imported).toEqual(duration);
    expect(Object.values(duration).every((d) => d > 0)).toBe(true);
    const entrances = rows.filter((r) => r.table === 'imported_entry_pages').reduce((n, r) => n + Number(r.values.entrances), 0);
    const exits = rows.filter((r) => r.table === 'imported_exit_pages').reduce((n, r) => n + Number(r.values.exits), 0);
    expect(entrances).toBe(visitors.length);
    expect(exits).toBe(visitors.length);
  });

  it('refuses a bad count or date naming the file, line and column, and stores nothing', async () => {
    const csv = readFileSync(join(dir, 'export/statistics_visitor.csv'), 'utf8').split('\n');
    const cases: Array<[string, (cells: string[]) => void, string]> = [
      ['hits', (c) => (c[12] = '"-1"'), 'hits'],
      ['date', (c) => (c[1] = '"2026-02-30"'), 'last_counter'],
      ['words', (c) => (c[12] = '"many"'), 'hits'],
    ];
    for (const [name, edit, column] of cases) {
      const lines = [...csv];
      const cells = (lines[5] ?? '').split(',');
      edit(cells);
      lines[5] = cells.join(',');
      const bad = { name: `bad-${name}.csv`, bytes: new TextEncoder().encode(lines.join('\n')) };
      const error = await wpStatisticsSource([bad], target).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportFormatError);
      expect(error).toMatchObject({ file: `bad-${name}.csv`, line: 6, column });
    }
    expect(await stored('SELECT date AS k, COUNT(*) AS n FROM imported_visitors WHERE site_id = ? GROUP BY date')).toEqual({});
  });

  it('says which tables it read but could not import', () => {
    const { notes } = mapWpStatistics([file('export/statistics_pages.csv')], target);
    expect(notes).toContainEqual({ code: 'no-visitors' });
    expect(notes.map(importNoteText).join('\n')).toMatch(/no statistics_visitor rows/);
  });
});

describe('WP Statistics exports of an empty table', () => {
  it('are refused, naming the file (the plugin writes only "No data in table!")', () => {
    for (const name of ['statistics_search.empty.csv', 'statistics_search.empty.xml']) {
      const bytes = readFileSync(join(root, 'v13/export', name));
      expect(() => mapWpStatistics([{ name, bytes }], { domain: 'blog.example.test', locationPrecision: 'city' })).toThrow(`${name}: the table was empty when exported`);
    }
  });
});
