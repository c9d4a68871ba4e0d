/**
 * WP Statistics import from the real fixtures (test/fixtures/wp-statistics/README.md): what
 * lands in a real store equals what WP Statistics' own tables say, per day, for visitors,
 * pageviews, pages, countries, browsers and sources. The expectations are computed here
 * from the mysqldump's rows with a reader of this test's own, not with the importer's.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runImport } from '../../server/core/imports/store.ts';
import { ImportFormatError } from '../../server/core/imports/tables.ts';
import { mapWpStatistics, wpStatisticsSource, type WpsFile } from '../../server/core/imports/wp-statistics.ts';
import { createSite, type Site } from '../../server/core/sites.ts';
import { tempDb } from '../helpers/db.ts';

const dir = resolve(import.meta.dirname, '../fixtures/wp-statistics');
const file = (path: string): WpsFile => ({ name: path.split('/').pop() as string, bytes: readFileSync(join(dir, path)) });
const DOMAIN = 'example.com';

/** mysqldump writes one row per line: `(1,'2026-11-23','',…),`. */
function dumpRows(table: string): Array<Record<string, string>> {
  const sql = readFileSync(join(dir, 'mysqldump/wp_statistics.sql'), 'utf8');
  const create = new RegExp(`CREATE TABLE \`wp_statistics_${table}\` \\(([\\s\\S]*?)\\n\\)`).exec(sql);
  const columns = [...(create?.[1] ?? '').matchAll(/^\s*`(\w+)`/gm)].map((m) => m[1] ?? '');
  const insert = sql.indexOf(`INSERT INTO \`wp_statistics_${table}\` VALUES`);
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

/** Teller's names for what the fixture's WP Statistics rows hold (see docs/import-wp-statistics.md). */
const BROWSER: Record<string, string> = {
  Chrome: 'Chrome', 'Chrome Mobile': 'Chrome', Firefox: 'Firefox', 'Firefox Mobile': 'Firefox', Safari: 'Safari',
  'Mobile Safari': 'Safari', 'Microsoft Edge': 'Microsoft Edge', Opera: 'Opera', 'Samsung Browser': 'Samsung Browser',
};
const SOURCE: Record<string, string> = {
  'google.com': 'Google', 'bing.com': 'Bing', 'duckduckgo.com': 'DuckDuckGo', 'search.yahoo.com': 'Yahoo!',
  'reddit.com': 'Reddit', 'news.ycombinator.com': 'Hacker News', 'l.facebook.com': 'Facebook', 't.co': 'Twitter',
  'linkedin.com': 'LinkedIn', 'nrk.no': 'nrk.no',
};

function tally(rows: Array<Record<string, string>>, key: (r: Record<string, string>) => string, value: (r: Record<string, string>) => number = () => 1) {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + value(r);
  return out;
}

describe('WP Statistics import of the real fixtures', () => {
  let t: ReturnType<typeof tempDb>;
  let site: Site;
  beforeEach(async () => {
    t = tempDb();
    site = await createSite(t.db, { domain: DOMAIN }, Date.UTC(2026, 11, 1));
  });
  afterEach(() => t.cleanup());

  async function stored(sql: string): Promise<Record<string, number>> {
    const rows = await t.db.all<{ k: string; n: number }>(sql, [site.id]);
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  }

  it('stores per day the visitors, pageviews, pages, countries, browsers and sources WP Statistics counted', async () => {
    const visitors = dumpRows('visitor');
    const pages = dumpRows('pages');
    expect(visitors.length).toBeGreaterThan(20);
    const source = await wpStatisticsSource([file('mysqldump/wp_statistics.sql')], DOMAIN);
    const summary = await runImport(t.db, site, source, { by: 'test', nowSec: Date.UTC(2026, 11, 1) / 1000 });
    expect(summary.days).toBe(new Set(visitors.map((v) => v.last_counter)).size);

    const day = (r: Record<string, string>) => r.last_counter ?? '';
    expect(await stored('SELECT date AS k, visitors AS n FROM imported_visitors WHERE site_id = ?')).toEqual(tally(visitors, day));
    const hits = tally(visitors, day, (r) => Number(r.hits));
    expect(await stored('SELECT date AS k, pageviews AS n FROM imported_visitors WHERE site_id = ?')).toEqual(hits);
    // WP Statistics' two counts of views agree in the fixture: the visitor rows' hits and the pages' counts.
    expect(tally(pages, (r) => r.date ?? '', (r) => Number(r.count))).toEqual(hits);
    expect(await stored('SELECT date AS k, bounces AS n FROM imported_visitors WHERE site_id = ?')).toEqual(tally(visitors, day, (r) => (r.hits === '1' ? 1 : 0)));

    // Teller keeps a page's path as it keeps its own (no query, no trailing slash): '?s=…' is the home page, a tagged URL its page.
    const path = (uri: string) => (uri.startsWith('?') ? '/' : uri.replace(/\?.*$/, '').replace(/(.)\/+$/, '$1'));
    expect(await stored("SELECT date || ' ' || page AS k, SUM(pageviews) AS n FROM imported_pages WHERE site_id = ? GROUP BY 1"))
      .toEqual(tally(pages, (r) => `${r.date} ${path(r.uri ?? '')}`, (r) => Number(r.count)));
    expect(await stored("SELECT date || ' ' || country AS k, SUM(visitors) AS n FROM imported_locations WHERE site_id = ? GROUP BY 1"))
      .toEqual(tally(visitors, (r) => `${day(r)} ${r.location}`));
    expect(await stored("SELECT date || ' ' || browser AS k, SUM(visitors) AS n FROM imported_browsers WHERE site_id = ? GROUP BY 1"))
      .toEqual(tally(visitors, (r) => `${day(r)} ${BROWSER[r.agent ?? ''] ?? 'unexpected'}`));
    const sourceOf = (r: Record<string, string>) => (r.referred ? (SOURCE[r.referred] ?? 'unexpected') : r.source_channel === 'email' ? r.source_name : '');
    expect(await stored("SELECT date || ' ' || source AS k, SUM(visitors) AS n FROM imported_sources WHERE site_id = ? GROUP BY 1"))
      .toEqual(tally(visitors, (r) => `${day(r)} ${sourceOf(r)}`));
    expect(await stored("SELECT date || ' ' || source AS k, SUM(pageviews) AS n FROM imported_sources WHERE site_id = ? GROUP BY 1"))
      .toEqual(tally(visitors, (r) => `${day(r)} ${sourceOf(r)}`, (r) => Number(r.hits)));
  });

  it('reads the same rows from each export format, with and without header, as from the dump', () => {
    const fromDump = mapWpStatistics([file('mysqldump/wp_statistics.sql')], DOMAIN).rows;
    const sorted = (rows: typeof fromDump) => rows.map((r) => JSON.stringify([r.table, r.date, Object.entries(r.values).sort()])).sort();
    const exports = readdirSync(join(dir, 'export'));
    for (const format of ['csv', 'noheader.csv', 'tsv', 'xml']) {
      const files = exports.filter((f) => f.endsWith(`.${format}`) && (format !== 'csv' || !f.includes('noheader')));
      expect(files).toHaveLength(3);
      expect(sorted(mapWpStatistics(files.map((f) => file(`export/${f}`)), DOMAIN).rows), format).toEqual(sorted(fromDump));
    }
  });

  it('counts a visit duration from first to last view, and entry and exit pages from the visitor rows', () => {
    const visitors = dumpRows('visitor');
    const { rows } = mapWpStatistics([file('mysqldump/wp_statistics.sql')], DOMAIN);
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
      const error = await wpStatisticsSource([bad], DOMAIN).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportFormatError);
      expect(error).toMatchObject({ file: `bad-${name}.csv`, line: 6, column });
    }
    expect(await stored('SELECT date AS k, COUNT(*) AS n FROM imported_visitors WHERE site_id = ? GROUP BY date')).toEqual({});
  });

  it('says which tables it read but could not import, and refuses an empty table export', () => {
    const { notes } = mapWpStatistics([file('export/statistics_pages.csv')], DOMAIN);
    expect(notes.join('\n')).toMatch(/no statistics_visitor rows/);
    expect(() => mapWpStatistics([{ name: 'e.csv', bytes: new TextEncoder().encode('No data in table!') }], DOMAIN)).toThrow(/e\.csv: the table was empty/);
  });
});
