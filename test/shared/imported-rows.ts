/**
 * Imported history for tests, written straight into the `imported_*` tables: visits of
 * imported days (each its own visitor) aggregated the way Plausible's export aggregates a
 * day, with a complete `imports` row. The same visits can be stored as own visits on
 * another site, whose answers the merged ones must equal.
 */
import { importedAcquisition, type SourceAcquisition } from '../../server/core/imports/acquisition.ts';
import type { SqlValue, Stmt } from '../../server/core/ports.ts';

/** One visit of an imported day: '' where the source has no value. */
export interface ImportedVisit {
  day: string;
  page: string;
  hostname: string;
  source: string;
  referrer: string;
  utm_medium: string;
  utm_campaign: string;
  /** '' when left out. */
  utm_term?: string;
  /** Search words an importer gave (WP Statistics); left out, the store's classifier's. */
  search_keyword?: string;
  country: string;
  region: string;
  city_name: string;
  browser: string;
  browser_version: string;
  os: string;
  os_version: string;
  device: string;
  /** Pageviews of `page`, at least one. */
  pageviews: number;
  duration: number;
  /** A custom event the visit sent after its pageviews, or null. */
  custom: string | null;
  /** The custom event's link (Plausible keeps it for outbound links and file downloads). */
  link?: string;
}

/** A one-page visit from Google on a desktop Firefox in Norway, with `fields` changed. */
export function importedVisit(day: string, page: string, hostname: string, fields: Partial<ImportedVisit> = {}): ImportedVisit {
  return {
    day, page, hostname,
    source: 'Google', referrer: 'google.com', utm_medium: '', utm_campaign: '',
    country: 'NO', region: '', city_name: '',
    browser: 'Firefox', browser_version: '', os: '', os_version: '', device: 'Desktop',
    pageviews: 1, duration: 0, custom: null,
    ...fields,
  };
}

type Table = { name: string; dims: (v: ImportedVisit) => Record<string, SqlValue>; metrics: (vs: ImportedVisit[]) => Record<string, number> };

const bounces = (vs: ImportedVisit[]) => vs.filter((v) => v.pageviews === 1 && v.custom === null).length;
const sum = (vs: ImportedVisit[], f: (v: ImportedVisit) => number) => vs.reduce((n, v) => n + f(v), 0);
const visitMetrics = (visitsName: string) => (vs: ImportedVisit[]) => ({
  visitors: vs.length,
  [visitsName]: vs.length,
  visit_duration: sum(vs, (v) => v.duration),
  bounces: bounces(vs),
  pageviews: sum(vs, (v) => v.pageviews),
});

/** Channel, search engine and words as the store fills them at import time (imports/acquisition.ts). */
export function acquisitionOf(v: ImportedVisit): SourceAcquisition {
  const found = importedAcquisition({ source: v.source, referrer: v.referrer, utm_medium: v.utm_medium, utm_campaign: v.utm_campaign, utm_term: v.utm_term ?? '' }, v.hostname);
  return v.search_keyword ? { ...found, search_keyword: v.search_keyword } : found;
}

const TABLES: Table[] = [
  { name: 'imported_visitors', dims: () => ({}), metrics: visitMetrics('visits') },
  {
    name: 'imported_sources',
    dims: (v) => ({
      source: v.source,
      referrer: v.referrer,
      utm_source: '',
      utm_medium: v.utm_medium,
      utm_campaign: v.utm_campaign,
      utm_content: '',
      utm_term: v.utm_term ?? '',
      ...acquisitionOf(v),
    }),
    metrics: visitMetrics('visits'),
  },
  {
    name: 'imported_pages',
    dims: (v) => ({ hostname: v.hostname, page: v.page }),
    metrics: (vs) => ({ visitors: vs.length, visits: vs.length, pageviews: sum(vs, (v) => v.pageviews), exits: vs.length }),
  },
  { name: 'imported_entry_pages', dims: (v) => ({ entry_page: v.page }), metrics: visitMetrics('entrances') },
  { name: 'imported_exit_pages', dims: (v) => ({ exit_page: v.page }), metrics: visitMetrics('exits') },
  { name: 'imported_locations', dims: (v) => ({ country: v.country, region: v.region, city: 0, city_name: v.city_name }), metrics: visitMetrics('visits') },
  { name: 'imported_devices', dims: (v) => ({ device: v.device }), metrics: visitMetrics('visits') },
  { name: 'imported_browsers', dims: (v) => ({ browser: v.browser, browser_version: v.browser_version }), metrics: visitMetrics('visits') },
  {
    name: 'imported_operating_systems',
    dims: (v) => ({ operating_system: v.os, operating_system_version: v.os_version }),
    metrics: visitMetrics('visits'),
  },
];

/** One INSERT of a row into `table` (under twenty parameters: D1's limit is 100). */
function insert(table: string, row: Record<string, SqlValue>): Stmt {
  const columns = Object.keys(row);
  return { sql: `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, params: Object.values(row) };
}

/** Statements storing `visits` as complete import `importId` of site `siteId` (kind Plausible unless given). */
export function importStatements(siteId: number, importId: number, visits: ImportedVisit[], kind = 'plausible'): Stmt[] {
  const days = visits.map((v) => v.day).sort();
  const stmts: Stmt[] = [
    insert('imports', {
      id: importId,
      site_id: siteId,
      kind,
      file_name: `export-${importId}.zip`,
      file_hash: `hash-${siteId}-${importId}`,
      first_day: days[0] ?? null,
      last_day: days.at(-1) ?? null,
      day_count: new Set(days).size,
      row_count: visits.length,
      status: 'complete',
      created_at: 0,
      created_by: 'cli',
      updated_at: 0,
    }),
  ];
  const group = (table: string, dims: (v: ImportedVisit) => Record<string, SqlValue>, metrics: (vs: ImportedVisit[]) => Record<string, number>, of: ImportedVisit[]) => {
    const groups = new Map<string, ImportedVisit[]>();
    for (const v of of) {
      const key = JSON.stringify([v.day, dims(v)]);
      groups.set(key, [...(groups.get(key) ?? []), v]);
    }
    for (const vs of groups.values()) stmts.push(insert(table, { site_id: siteId, import_id: importId, date: vs[0]!.day, ...dims(vs[0]!), ...metrics(vs) }));
  };
  for (const t of TABLES) group(t.name, t.dims, t.metrics, visits);
  const custom = visits.filter((v) => v.custom !== null);
  group('imported_custom_events', (v) => ({ name: v.custom, link_url: v.link ?? '', path: '' }), (vs) => ({ visitors: vs.length, events: vs.length }), custom);
  return stmts;
}
