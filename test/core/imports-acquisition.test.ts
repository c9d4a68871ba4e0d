/**
 * Channels, search engines and search words of imported sources, worked out at import time
 * by Teller's own classifier: by the row's columns alone, through the store whatever the
 * importer (a real migrated SQLite file), and WP Statistics' search words joined to its
 * visitor rows. Then the Stats API answers the three dimensions from imported days.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { importedAcquisition } from '../../server/core/imports/acquisition.ts';
import { runImport } from '../../server/core/imports/store.ts';
import type { ImportedRow } from '../../server/core/imports/tables.ts';
import { importNoteText } from '../../server/core/imports/notes.ts';
import { mapWpStatistics, wpStatisticsSource } from '../../server/core/imports/wp-statistics.ts';
import { runQuery } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import type { Site } from '../../server/core/sites.ts';
import { memorySource } from '../helpers/import-source.ts';
import { addSite, openTestStore, type TestStore } from './query/store.ts';

const DOMAIN = 'example.com';
const NOW_SEC = Date.parse('2024-07-01T12:00:00Z') / 1000;

describe('importedAcquisition', () => {
  const of = (values: Record<string, string>) => importedAcquisition(values, DOMAIN);

  it('reads a search engine’s referrer as Organic Search from that engine, without words (the referrer keeps no query)', () => {
    expect(of({ source: 'Google', referrer: 'google.com' })).toEqual({ channel: 'Organic Search', search_engine: 'Google', search_keyword: '' });
    expect(of({ source: 'DuckDuckGo', referrer: 'duckduckgo.com' })).toEqual({ channel: 'Organic Search', search_engine: 'DuckDuckGo', search_keyword: '' });
  });

  it('reads UTM tags as the pipeline does: an email campaign is Email, a paid medium on an engine Paid Search, utm_term the words', () => {
    expect(of({ source: 'newsletter', utm_source: 'newsletter', utm_medium: 'email' })).toEqual({ channel: 'Email', search_engine: '', search_keyword: '' });
    expect(of({ source: 'Google', referrer: 'google.com', utm_source: 'google', utm_medium: 'cpc', utm_term: 'web  analytics' })).toEqual({
      channel: 'Paid Search',
      search_engine: 'Google',
      search_keyword: 'web analytics',
    });
  });

  it('reads a row without source or tags as Direct, and an unknown site as Referral', () => {
    expect(of({})).toEqual({ channel: 'Direct', search_engine: '', search_keyword: '' });
    expect(of({ source: 'nrk.no', referrer: 'nrk.no/kultur' })).toEqual({ channel: 'Referral', search_engine: '', search_keyword: '' });
  });

  it('reads a source its referrer does not name as the tag it came from (another tool’s name, or `ref=`)', () => {
    // The referrer names no known site here, the source does: the visit came tagged ref=Facebook.
    expect(of({ source: 'Facebook', referrer: 'links.example.org' })).toMatchObject({ channel: 'Organic Social' });
    expect(of({ source: 'Bing' })).toEqual({ channel: 'Organic Search', search_engine: 'Bing', search_keyword: '' });
  });
});

let store: TestStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

async function open(): Promise<{ site: Site; db: TestStore['db'] }> {
  store = openTestStore();
  return { db: store.db, site: await addSite(store.db, DOMAIN) };
}

const sources = (db: TestStore['db']) =>
  db.raw.prepare('SELECT source, utm_medium, channel, search_engine, search_keyword, visitors FROM imported_sources ORDER BY source, utm_medium').all();

async function ask(db: TestStore['db'], site: Site, dimension: string, filters: unknown[] = []) {
  const query = parseQuery(
    { site_id: DOMAIN, metrics: ['visitors'], date_range: ['2024-01-01', '2024-01-31'], dimensions: [dimension], filters, include: { imports: true } },
    site,
    NOW_SEC,
    '2024-01-01',
  );
  const answer = await runQuery(db, query);
  expect(answer.meta).toMatchObject({ imports_included: true });
  return answer.results.map((r) => [r.dimensions[0], r.metrics[0]]);
}

describe('the store', () => {
  it('fills channel, search engine and words of every imported source row, keeping words an importer gives', async () => {
    const { db, site } = await open();
    const row = (values: Record<string, string | number>): ImportedRow => ({ table: 'imported_sources', date: '2024-01-02', values });
    const rows = [
      row({ source: 'Google', referrer: 'google.com', visitors: 3, visits: 3 }),
      row({ source: 'Google', referrer: 'google.com', utm_medium: 'cpc', visitors: 1, visits: 1 }),
      row({ source: 'Bing', referrer: 'bing.com', search_keyword: 'privacy analytics', visitors: 2, visits: 2 }),
      row({ source: 'newsletter', utm_source: 'newsletter', utm_medium: 'email', visitors: 4, visits: 4 }),
      row({ visitors: 5, visits: 5 }),
    ];
    await runImport(db, site, memorySource(rows), { by: 'cli', nowSec: NOW_SEC });
    expect(sources(db)).toEqual([
      { source: '', utm_medium: '', channel: 'Direct', search_engine: '', search_keyword: '', visitors: 5 },
      { source: 'Bing', utm_medium: '', channel: 'Organic Search', search_engine: 'Bing', search_keyword: 'privacy analytics', visitors: 2 },
      { source: 'Google', utm_medium: '', channel: 'Organic Search', search_engine: 'Google', search_keyword: '', visitors: 3 },
      { source: 'Google', utm_medium: 'cpc', channel: 'Paid Search', search_engine: 'Google', search_keyword: '', visitors: 1 },
      { source: 'newsletter', utm_medium: 'email', channel: 'Email', search_engine: '', search_keyword: '', visitors: 4 },
    ]);

    expect(await ask(db, site, 'visit:channel')).toEqual([
      ['Direct', 5],
      ['Organic Search', 5],
      ['Email', 4],
      ['Paid Search', 1],
    ]);
    expect(await ask(db, site, 'visit:search_engine', [['is_not', 'visit:search_engine', ['(not set)']]])).toEqual([
      ['Google', 4],
      ['Bing', 2],
    ]);
    expect(await ask(db, site, 'visit:search_keyword', [['is', 'visit:channel', ['Organic Search']]])).toEqual([
      ['(not set)', 3],
      ['privacy analytics', 2],
    ]);
  });
});

/** WP Statistics v13's export, as its CSV writer quotes it (the search table's `visitor` is the visitor row's ID). */
const csv = (lines: string[][]) => new TextEncoder().encode(lines.map((cells) => cells.map((c) => `"${c}"`).join(',')).join('\n'));
const VISITOR_HEADER = ['ID', 'last_counter', 'referred', 'agent', 'platform', 'version', 'device', 'model', 'UAString', 'ip', 'location', 'user_id', 'hits', 'honeypot'];
const visitorRow = (id: string, referred: string) => [id, '2024-01-02', referred, 'Firefox', 'Windows', '121.0', 'desktop', 'Unknown', '', '#hash#ab', 'NO', '0', '2', '0'];
const WP_FILES = [
  {
    name: 'statistics_visitor.csv',
    bytes: csv([VISITOR_HEADER, visitorRow('1', 'https://www.google.com/'), visitorRow('2', 'https://www.bing.com/search?q=wordpress+statistics'), visitorRow('3', 'https://www.google.com/')]),
  },
  {
    name: 'statistics_search.csv',
    bytes: csv([['ID', 'last_counter', 'engine', 'host', 'words', 'visitor'], ['1', '2024-01-02', 'google', 'www.google.com', 'self hosted  analytics', '1'], ['2', '2024-01-02', 'google', 'www.google.com', 'lost', '0']]),
  },
];

describe('WP Statistics search words', () => {
  it('come from the search table, joined to the visitor row, or from a v13 referrer’s query; a search naming no visitor is said', () => {
    const { rows, notes } = mapWpStatistics(WP_FILES, { domain: DOMAIN, locationPrecision: 'country' });
    const words = rows.filter((r) => r.table === 'imported_sources').map((r) => [r.values.source, r.values.search_keyword, r.values.visitors]);
    expect(words.sort()).toEqual([
      ['Bing', 'wordpress statistics', 1],
      ['Google', '', 1],
      ['Google', 'self hosted analytics', 1],
    ]);
    expect(notes).toContainEqual({ code: 'search-unjoined', count: 1 });
    expect(notes.map(importNoteText).join('\n')).toMatch(/statistics_search: 1 search\(es\) name no visitor/);
  });

  it('are imported with the engine and channel the store gives the visit’s source', async () => {
    const { db, site } = await open();
    await runImport(db, site, await wpStatisticsSource(WP_FILES, { domain: DOMAIN, locationPrecision: 'country' }), { by: 'cli', nowSec: NOW_SEC });
    expect(await ask(db, site, 'visit:search_keyword')).toEqual([
      ['(not set)', 1],
      ['self hosted analytics', 1],
      ['wordpress statistics', 1],
    ]);
    expect(await ask(db, site, 'visit:search_engine')).toEqual([
      ['Google', 2],
      ['Bing', 1],
    ]);
  });
});
