/**
 * Imported history's tables as data: the shapes of Plausible's `imported_*` tables (its
 * ClickHouse tables after its 2025 migrations, the columns its CSV export writes), which
 * every importer fills, Teller's export writes and the query engine reads. The migrations
 * `0013_imports.sql` and `0014_imported_sources_search.sql` create exactly these;
 * `test/core/imports-store.test.ts` compares them.
 * Each row also has `site_id`, `import_id` and `date` (the site-local day, YYYY-MM-DD).
 *
 * Also the contract importers implement (`ImportSource`) and the error a source throws on
 * bad input (`ImportFormatError`). Pure data and types: imports nothing of the core but
 * the schema's file names, so any module may import it.
 * @module
 */
import type { PlausibleFile } from '../store/schema.ts';

/** How a column is stored: text ('' when the source has no value) or a whole number (0). */
export type ColumnType = 'text' | 'integer';

export interface ImportedColumn {
  name: string;
  type: ColumnType;
  /** Not in Plausible's table: Teller's own column, which Teller's export leaves out. */
  tellerOnly?: true;
  /** Added by a later migration, so stored after the metrics (SQLite appends added columns). */
  appended?: true;
}

export interface ImportedTableSpec {
  name: ImportedTableName;
  /** Dimension columns, in Plausible's column order. */
  dimensions: readonly ImportedColumn[];
  /** Metric columns (whole, non-negative numbers), in Plausible's column order. */
  metrics: readonly string[];
  /** Not in Plausible's schema: Teller's own table. */
  tellerOnly?: true;
}

/** Every imported table's name. */
export type ImportedTableName = PlausibleFile | 'imported_visitors' | 'imported_custom_props';

const text = (name: string): ImportedColumn => ({ name, type: 'text' });
/** A text column of Teller's own, added after Plausible's (0014). */
const tellerText = (name: string): ImportedColumn => ({ name, type: 'text', tellerOnly: true, appended: true });

/** The metrics of every visit-dimension table (devices, browsers, OS, locations). */
const VISIT_METRICS = ['visitors', 'visits', 'visit_duration', 'bounces', 'pageviews'] as const;

/** The imported tables, in the order of Plausible's export. */
export const IMPORTED_TABLES = [
  { name: 'imported_visitors', dimensions: [], metrics: ['visitors', 'pageviews', 'bounces', 'visits', 'visit_duration'] },
  {
    name: 'imported_sources',
    // channel, search_engine: the store fills them from the others (imports/acquisition.ts);
    // search_keyword too, unless the importer gives the words (WP Statistics).
    dimensions: [
      ...['source', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'].map(text),
      ...['channel', 'search_engine', 'search_keyword'].map(tellerText),
    ],
    metrics: ['pageviews', 'visitors', 'visits', 'visit_duration', 'bounces'],
  },
  {
    name: 'imported_pages',
    dimensions: [text('hostname'), text('page')],
    // `exits` is kept from older exports; the scroll and time totals are Plausible's since 2025.
    metrics: ['visits', 'visitors', 'pageviews', 'exits', 'total_scroll_depth', 'total_scroll_depth_visits', 'total_time_on_page', 'total_time_on_page_visits'],
  },
  { name: 'imported_entry_pages', dimensions: [text('entry_page')], metrics: ['visitors', 'entrances', 'visit_duration', 'bounces', 'pageviews'] },
  { name: 'imported_exit_pages', dimensions: [text('exit_page')], metrics: ['visitors', 'visit_duration', 'exits', 'bounces', 'pageviews'] },
  {
    name: 'imported_locations',
    // city: Plausible's GeoNames id (0: none); city_name: Teller's, for sources naming the city.
    dimensions: [text('country'), text('region'), { name: 'city', type: 'integer' }, { name: 'city_name', type: 'text', tellerOnly: true }],
    metrics: VISIT_METRICS,
  },
  { name: 'imported_devices', dimensions: [text('device')], metrics: VISIT_METRICS },
  { name: 'imported_browsers', dimensions: [text('browser'), text('browser_version')], metrics: VISIT_METRICS },
  { name: 'imported_operating_systems', dimensions: [text('operating_system'), text('operating_system_version')], metrics: VISIT_METRICS },
  { name: 'imported_custom_events', dimensions: [text('name'), text('link_url'), text('path')], metrics: ['visitors', 'events'] },
  // Plausible's imports answer only the url and path properties (from custom events' columns).
  { name: 'imported_custom_props', dimensions: [text('property'), text('value')], metrics: ['visitors', 'events'], tellerOnly: true },
] as const satisfies readonly ImportedTableSpec[];

/** The names, in order: the tables a site's imported rows live in. */
export const IMPORTED_TABLE_NAMES: readonly ImportedTableName[] = IMPORTED_TABLES.map((t) => t.name);

/** The table named `name`, or undefined. */
export function importedTable(name: string): ImportedTableSpec | undefined {
  return (IMPORTED_TABLES as readonly ImportedTableSpec[]).find((t) => t.name === name);
}

/**
 * One imported row: the site-local day and its table's columns by name. A dimension left
 * out is stored as '' (0 for `city`), a metric left out as 0; a column the table does not
 * have is refused.
 */
export interface ImportedRow {
  table: ImportedTableName;
  /** Site-local day, YYYY-MM-DD. */
  date: string;
  values: Readonly<Record<string, string | number>>;
}

export type ImportKind = 'plausible' | 'wp-statistics';

/** What an importer gives the store: one file (or archive) read as rows. */
export interface ImportSource {
  kind: ImportKind;
  /** The uploaded file's name, as the owner knows it (shown in the list of imports). */
  fileName: string;
  /** sha256 of the uploaded bytes, lower-case hex: the same file is not imported twice. */
  fileHash: string;
  /** The rows, read as they are asked for; throws ImportFormatError on bad input. */
  rows(): AsyncIterable<ImportedRow>;
}

/** Bad input in a source, naming where: the file (inside an archive, if any), line and column. */
export class ImportFormatError extends Error {
  readonly file: string;
  readonly line: number | null;
  readonly column: string | null;
  constructor(problem: string, where: { file: string; line?: number | null; column?: string | null }) {
    const at = [where.file, where.line != null ? `line ${where.line}` : null, where.column != null ? `column ${where.column}` : null].filter(Boolean).join(', ');
    super(`${at}: ${problem}`);
    this.name = 'ImportFormatError';
    this.file = where.file;
    this.line = where.line ?? null;
    this.column = where.column ?? null;
  }
}
