/**
 * WP Statistics → Teller's imported tables. Takes the plugin's tables as read by
 * wp-statistics-files.ts (exports or a mysqldump, several files at once) and yields
 * Plausible-shaped `ImportedRow`s. Runtime-independent.
 *
 * A `statistics_visitor` row is one visitor on one day (unique per day, IP hash and agent), so
 * it counts as one visitor and one visit; its `hits` are the pageviews, hits = 1 a bounce,
 * last_view − first_view the visit's duration. `statistics_pages` (uri, date, count) gives the
 * pages' pageviews; `statistics_visitor_relationships` (visitor → page row) their visitors;
 * the visitor's first_page/last_page (page rows) its entry and exit pages; v13's `statistics_search`
 * (and a v13 referrer's query) the visitor's search words. The mapping
 * decisions and what cannot be mapped are in docs/import.md (WP Statistics).
 * @module
 */
import { iso31661 } from 'iso-3166';
import type { LocationPrecision } from '../ingest/location.ts';
import { cleanWords } from '../ingest/bound-text.ts';
import { describePage } from '../ingest/page.ts';
import { classifyReferrer } from '../ingest/referrer.ts';
import type { ImportNote, NotImportedTable } from './notes.ts';
import { ImportFormatError, type ImportedRow, type ImportedTableName, type ImportSource } from './tables.ts';
import { readWpsFile, type WpsRow, type WpsTable, type WpsTableName } from './wp-statistics-files.ts';

export interface WpsFile {
  name: string;
  bytes: Uint8Array;
}

/** The Teller site imported into: its domain, and how precisely it keeps locations. */
export interface WpsTarget {
  domain: string;
  locationPrecision: LocationPrecision;
}

export interface WpsMapping {
  rows: ImportedRow[];
  /** What was read but not imported, and why (shown to the owner). */
  notes: ImportNote[];
}

const COUNTRIES: ReadonlySet<string> = new Set(iso31661.map((c) => c.alpha2));

/** Browser names in `agent` (v14: DeviceDetector's, v13: WhichBrowser's) where Teller's differ. */
const BROWSERS: ReadonlyMap<string, string> = new Map([
  ['Chrome Mobile', 'Chrome'],
  ['Chrome Mobile iOS', 'Chrome'],
  ['Chrome Webview', 'Mobile App'],
  ['Firefox Mobile', 'Firefox'],
  ['Firefox Mobile iOS', 'Firefox'],
  ['Mobile Safari', 'Safari'],
  ['Safari Technology Preview', 'Safari'],
  ['Opera Mobile', 'Opera'],
  ['Opera Mini', 'Opera'],
  ['Opera Mini iOS', 'Opera'],
  ['Edge WebView', 'Mobile App'],
  ['Facebook', 'Mobile App'],
  ['Instagram App', 'Mobile App'],
  ['IE Mobile', 'Internet Explorer'],
  ['Yandex Browser Lite', 'Yandex Browser'],
  // WhichBrowser (v13).
  ['Edge', 'Microsoft Edge'],
  ['Samsung Internet', 'Samsung Browser'],
]);

/** OS names in `platform` where Teller's differ (every Linux distribution is one OS, as in Plausible; OS X is v13's Mac). */
const SYSTEMS: ReadonlyMap<string, string> = new Map([
  ['OS X', 'Mac'],
  ['macOS', 'Mac'],
  ...['Ubuntu', 'Debian', 'Fedora', 'Arch Linux', 'Mint', 'Kubuntu', 'Xubuntu', 'Lubuntu', 'openSUSE', 'CentOS', 'Red Hat',
    'Gentoo', 'Manjaro', 'elementary OS', 'Linux', 'Slackware', 'Mandriva', 'Knoppix', 'Raspbian', 'Deepin']
    .map((n): [string, string] => [n, 'GNU/Linux']),
]);

/**
 * WP Statistics' `device` → Plausible's four devices: v14 stores DeviceDetector's types,
 * v13 WhichBrowser's (`type` or `type:subtype`, e.g. `mobile:smart`), looked up by type.
 */
const DEVICES: ReadonlyMap<string, string> = new Map([
  ['desktop', 'Desktop'],
  ['smartphone', 'Mobile'],
  ['feature phone', 'Mobile'],
  ['phablet', 'Mobile'],
  ['wearable', 'Mobile'],
  ['portable media player', 'Mobile'],
  ['camera', 'Mobile'],
  ['tablet', 'Tablet'],
  ['car browser', 'Tablet'],
  ['smart display', 'Tablet'],
  ['tv', 'Desktop'],
  ['console', 'Desktop'],
  ['peripheral', 'Desktop'],
  ['smart speaker', 'Desktop'],
  ['mobile', 'Mobile'],
  ['watch', 'Mobile'],
  ['media', 'Mobile'],
  ['ereader', 'Tablet'],
  ['car', 'Tablet'],
  ['television', 'Desktop'],
  ['gaming', 'Desktop'],
]);

/** WP Statistics writes these where the detector found nothing. */
const UNKNOWN = new Set(['', 'unknown', 'Unknown', '000', '(not set)']);

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/** Tables recognised but not imported, each with the reason the owner is told. */
/** Tables read but never imported (notes.ts says why). */
const NOT_IMPORTED: ReadonlySet<WpsTableName> = new Set(['visit', 'historical', 'exclusions'] satisfies NotImportedTable[]);

/** Reads the files and maps them; throws ImportFormatError naming file, line and column. */
export function mapWpStatistics(files: readonly WpsFile[], site: WpsTarget): WpsMapping {
  const tables: WpsTable[] = [];
  const emptyFiles: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(file.bytes);
    } catch {
      throw new ImportFormatError('not UTF-8 text', { file: file.name });
    }
    const read = readWpsFile(file.name, text);
    if (read.length === 0) emptyFiles.push(file.name);
    tables.push(...read);
  }
  // An owner exporting every table gets some empty ones: skipped, unless nothing else was given.
  const [firstEmpty] = emptyFiles;
  if (tables.length === 0 && firstEmpty !== undefined) {
    throw new ImportFormatError('the table was empty when exported (WP Statistics wrote "No data in table!")', { file: firstEmpty });
  }
  const mapping = mapTables(tables, site);
  for (const name of emptyFiles) mapping.notes.push({ code: 'empty-table', file: name });
  return mapping;
}

class Cell {
  constructor(private readonly table: WpsTable, private readonly row: WpsRow) {}
  text(column: string): string {
    const at = this.table.columns.get(column);
    return at === undefined ? '' : (this.row.cells[at] ?? '').trim();
  }
  fail(column: string, problem: string): never {
    throw new ImportFormatError(problem, { file: this.table.file, line: this.row.line, column });
  }
  /** A count: '' (CSV writes 0 as '') and NULL read as 0. */
  count(column: string): number {
    const value = this.text(column);
    if (value === '') return 0;
    if (!/^\d{1,12}$/.test(value)) this.fail(column, `expected a whole number ≥ 0, found "${value.slice(0, 40)}"`);
    return Number(value);
  }
  day(column: string): string {
    const value = this.text(column).slice(0, 10);
    const m = DATE.exec(value);
    const valid = m && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
    if (!valid) this.fail(column, `expected a date YYYY-MM-DD, found "${this.text(column).slice(0, 40)}"`);
    return value;
  }
  /** Seconds since the day's epoch for a datetime, null when empty or unreadable (it is optional). */
  seconds(column: string): number | null {
    const m = DATETIME.exec(this.text(column));
    if (!m) return null;
    const [y, mo, d, h, mi, s] = [m[1]?.slice(0, 4), m[1]?.slice(5, 7), m[1]?.slice(8, 10), m[2], m[3], m[4]].map(Number) as [number, number, number, number, number, number];
    if (!isRealDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
    return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
  }
}

function isRealDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return y >= 1970 && y <= 9999 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

type Metrics = Record<string, number>;

/** Sums metrics per (table, day, dimensions). */
class Totals {
  private readonly rows = new Map<string, { table: ImportedTableName; date: string; dims: Record<string, string | number>; metrics: Metrics }>();
  add(table: ImportedTableName, date: string, dims: Record<string, string | number>, metrics: Metrics): void {
    // Length-prefixed, so no value can run into the next.
    let key = `${table} ${date}`;
    for (const value of Object.values(dims)) key += ` ${String(value).length}:${value}`;
    const row = this.rows.get(key);
    if (!row) {
      this.rows.set(key, { table, date, dims, metrics: { ...metrics } });
      return;
    }
    for (const [name, value] of Object.entries(metrics)) row.metrics[name] = (row.metrics[name] ?? 0) + value;
  }
  list(): ImportedRow[] {
    return [...this.rows.values()].map((r) => ({ table: r.table, date: r.date, values: { ...r.dims, ...r.metrics } }));
  }
}

export function browserName(agent: string): string {
  return UNKNOWN.has(agent) ? '' : (BROWSERS.get(agent) ?? agent);
}

/** Teller keeps major.minor ('131' → '131.0'). */
export function browserVersion(version: string): string {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version);
  return m ? `${m[1]}.${m[2] ?? '0'}` : '';
}

export function systemName(platform: string): string {
  return UNKNOWN.has(platform) ? '' : (SYSTEMS.get(platform) ?? platform);
}

export function deviceName(device: string): string {
  const type = device.toLowerCase();
  return DEVICES.get(type) ?? DEVICES.get(type.split(':')[0] ?? '') ?? '';
}

/**
 * A page as Teller keeps its own: the path without query string (which can carry personal
 * data), so `?s=words` counts as `/` and tagged landing pages as the page itself.
 */
export function pagePath(uri: string, siteDomain: string): string | null {
  // WP Statistics stores the home page's query pages without the slash ('?s=words').
  if (!uri.startsWith('/') && !uri.startsWith('?')) return null;
  try {
    return describePage(new URL(uri, `https://${siteDomain || 'site.invalid'}`), false, []).path;
  } catch {
    return null;
  }
}

export function countryCode(location: string): string {
  const code = location.toUpperCase();
  return COUNTRIES.has(code) ? code : '';
}

/** Search words kept as the classifier keeps an engine's (bound-text.ts): WP Statistics' column holds 190. */
const MAX_WORDS = 300;

/** An imported source's columns; channel and search engine where the store could not tell them. */
type WpsSource = { source: string; referrer: string; search_keyword: string } & Partial<Record<'channel' | 'search_engine', string>>;

/**
 * Source and referrer by Teller's own classifier, from what WP Statistics kept of the
 * referrer (v14: the host; v13: the URL, whose query may hold the search words); the store
 * adds their channel and search engine (acquisition.ts). A visit without one but with a
 * source WP Statistics named from the page's tags (e.g. an email campaign) keeps that name,
 * and its channel is the classifier's with WP Statistics' channel (`email`, `social`, …) as
 * the medium: the tags themselves are not kept, so the source alone would not tell.
 */
export function sourceOf(referred: string, sourceName: string, channel: string, siteDomain: string): WpsSource {
  const page = new URL(`https://${siteDomain || 'site.invalid'}/`);
  if (referred !== '') {
    const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(referred) ? referred : `https://${referred}`;
    const acquisition = classifyReferrer(url, page, siteDomain);
    if (acquisition.source !== null) return { source: acquisition.source, referrer: acquisition.referrer ?? '', search_keyword: acquisition.searchKeyword ?? '' };
  }
  if (sourceName !== '' && channel !== '' && channel !== 'direct' && channel !== 'unassigned') {
    page.searchParams.set('utm_source', sourceName);
    page.searchParams.set('utm_medium', channel);
    const tagged = classifyReferrer(null, page, siteDomain);
    return { source: tagged.source ?? sourceName, referrer: '', search_keyword: '', channel: tagged.channel, search_engine: tagged.searchEngine ?? '' };
  }
  return { source: '', referrer: '', search_keyword: '' };
}

/**
 * v13's search table: the words each visitor row (`visitor` = its ID) searched for. A search
 * without a visitor cannot join a visit, and is left out (and said).
 */
function searchWords(tables: readonly WpsTable[], notes: ImportNote[]): Map<string, string> {
  const words = new Map<string, string>();
  let unjoined = 0;
  for (const table of tables) {
    for (const row of table.rows) {
      const cell = new Cell(table, row);
      const found = cleanWords(cell.text('words'), MAX_WORDS);
      const visitor = cell.text('visitor');
      if (found === null) continue;
      if (visitor === '' || visitor === '0') unjoined++;
      else words.set(visitor, found);
    }
  }
  if (unjoined > 0) notes.push({ code: 'search-unjoined', count: unjoined });
  return words;
}

function mapTables(tables: readonly WpsTable[], site: WpsTarget): WpsMapping {
  const siteDomain = site.domain;
  // Imported history is kept no more precisely than the site keeps its own visitors' location.
  const keepCity = site.locationPrecision === 'city';
  const notes: ImportNote[] = [];
  const of = (name: WpsTableName) => tables.filter((t) => t.table === name);
  for (const t of tables) {
    if (NOT_IMPORTED.has(t.table)) notes.push({ code: 'not-imported', file: t.file, table: t.table as NotImportedTable });
  }
  const totals = new Totals();

  // page_id → (uri, date) of the per-day page rows that visitors and relationships point at.
  const pages = new Map<string, { uri: string; date: string }>();
  for (const table of of('pages')) {
    for (const row of table.rows) {
      const cell = new Cell(table, row);
      const uri = pagePath(cell.text('uri'), siteDomain) ?? cell.fail('uri', `expected a path, found "${cell.text('uri').slice(0, 40)}"`);
      const date = cell.day('date');
      const id = cell.text('page_id');
      if (id !== '') pages.set(id, { uri, date });
      totals.add('imported_pages', date, { hostname: siteDomain, page: uri }, { pageviews: cell.count('count') });
    }
  }

  const visitorDays = new Set<string>();
  // A site has few distinct referrers; classifying each once keeps a large import fast.
  const sources = new Map<string, ReturnType<typeof sourceOf>>();
  const cachedSource = (referred: string, name: string, channel: string) => {
    const key = `${referred}\0${name}\0${channel}`;
    let found = sources.get(key);
    if (!found) {
      found = sourceOf(referred, name, channel, siteDomain);
      sources.set(key, found);
    }
    return found;
  };
  // Distinct visitors per day and path (several page rows can share a path once queries are dropped).
  const visitorsOf = new Map<string, { date: string; uri: string; visitors: Set<string> }>();
  for (const table of of('visitor_relationships')) {
    for (const row of table.rows) {
      const cell = new Cell(table, row);
      const page = pages.get(cell.text('page_id'));
      const visitorId = cell.text('visitor_id');
      if (!page || visitorId === '') continue;
      const key = `${page.date} ${page.uri}`;
      const seen = visitorsOf.get(key) ?? { ...page, visitors: new Set<string>() };
      seen.visitors.add(visitorId);
      visitorsOf.set(key, seen);
    }
  }
  for (const { date, uri, visitors } of visitorsOf.values()) {
    totals.add('imported_pages', date, { hostname: siteDomain, page: uri }, { visitors: visitors.size, visits: visitors.size });
  }

  const wordsOf = searchWords(of('search'), notes);
  for (const table of of('visitor')) {
    for (const row of table.rows) {
      const cell = new Cell(table, row);
      const date = cell.day('last_counter');
      visitorDays.add(date);
      const hits = cell.count('hits');
      const first = cell.seconds('first_view');
      const last = cell.seconds('last_view');
      const duration = first !== null && last !== null && last > first ? last - first : 0;
      const bounce = hits === 1 ? 1 : 0;
      const visit = { visitors: 1, visits: 1, pageviews: hits, bounces: bounce, visit_duration: duration };
      totals.add('imported_visitors', date, {}, visit);
      const source = cachedSource(cell.text('referred'), cell.text('source_name'), cell.text('source_channel'));
      const words = wordsOf.get(cell.text('ID'));
      totals.add('imported_sources', date, words ? { ...source, search_keyword: words } : source, visit);
      const country = countryCode(cell.text('location'));
      const city = !keepCity || country === '' || UNKNOWN.has(cell.text('city')) ? '' : cell.text('city');
      totals.add('imported_locations', date, { country, region: '', city: 0, city_name: city }, visit);
      const browser = browserName(cell.text('agent'));
      totals.add('imported_browsers', date, { browser, browser_version: browser === '' ? '' : browserVersion(cell.text('version')) }, visit);
      totals.add('imported_operating_systems', date, { operating_system: systemName(cell.text('platform')), operating_system_version: '' }, visit);
      totals.add('imported_devices', date, { device: deviceName(cell.text('device')) }, visit);
      const entry = pages.get(cell.text('first_page'));
      if (entry) {
        totals.add('imported_entry_pages', date, { entry_page: entry.uri }, { visitors: 1, entrances: 1, visit_duration: duration, bounces: bounce, pageviews: hits });
      }
      const exit = pages.get(cell.text('last_page'));
      if (exit) {
        totals.add('imported_exit_pages', date, { exit_page: exit.uri }, { visitors: 1, visit_duration: duration, exits: 1, bounces: bounce, pageviews: hits });
        totals.add('imported_pages', exit.date, { hostname: siteDomain, page: exit.uri }, { exits: 1 });
      }
    }
  }

  // v14.16+ keeps daily totals of days whose visitor rows were purged: those days get totals only.
  let totalsOnly = 0;
  for (const table of of('summary_totals')) {
    for (const row of table.rows) {
      const cell = new Cell(table, row);
      const date = cell.day('date');
      if (visitorDays.has(date)) continue;
      const visitors = cell.count('visitors');
      totals.add('imported_visitors', date, {}, { visitors, visits: visitors, pageviews: cell.count('views'), bounces: 0, visit_duration: 0 });
      totalsOnly++;
    }
  }
  if (totalsOnly > 0) notes.push({ code: 'totals-only', count: totalsOnly });
  if (of('visitor').length === 0 && of('summary_totals').length === 0) notes.push({ code: 'no-visitors' });
  if (of('pages').length > 0 && of('visitor_relationships').length === 0) notes.push({ code: 'no-relationships' });

  return { rows: totals.list(), notes };
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(bytes));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The files as one ImportSource (the tables refer to each other, so they are one import).
 * Its hash is of the rows the files give, not of their bytes: the same tables exported again
 * in another format, or dumped instead of exported, are the same import and are refused.
 */
export async function wpStatisticsSource(files: readonly WpsFile[], site: WpsTarget): Promise<ImportSource & { notes: ImportNote[] }> {
  const { rows, notes } = mapWpStatistics(files, site);
  const canonical = rows.map((r) => JSON.stringify([r.table, r.date, Object.entries(r.values).sort(([a], [b]) => (a < b ? -1 : 1))])).sort();
  return {
    kind: 'wp-statistics',
    fileName: files.map((f) => f.name).sort().join(', '),
    fileHash: await sha256Hex(new TextEncoder().encode(canonical.join('\n'))),
    notes,
    async *rows() {
      yield* rows;
    },
  };
}
