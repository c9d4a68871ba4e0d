/**
 * Imported history in queries (`include.imports`), as Plausible's imported stats: each read
 * of own groups adds the groups of the one `imported_*` table that holds every dimension
 * the read groups or filters by, summed by day. Whether a query can include imports at all
 * is decided first (no imports, an hourly interval, a period without imported days); a read
 * that no single table can answer in full (two tables' dimensions, a measure the table
 * lacks) throws {@link ImportsUnanswerable}, and the query is answered from own data alone
 * and says why, never half-mixed. Imported rows are daily sums, so visitors add up over
 * days as Teller's own day-scoped visitor counts do.
 * @module
 */
import type { Db, SqlValue } from '../ports.ts';
import { countedRowSql, type ImportedSpan } from '../imports/store.ts';
import { ATTRIBUTES } from '../store/schema.ts';
import { sumsFromRow, type Relation } from '../store/measures.ts';
import { dimensionSpec, namedLabel, type DimensionSpec } from './dimensions.ts';
import { filterDimensions, filterMatches, leafMatches } from './filters.ts';
import { addGroup, type Groups, type Key, type SumsOf } from './sums.ts';
import { weekStart } from './time-buckets.ts';
import type { Filter, Metric, Period, Query, TimeDimension } from './types.ts';

/** Plausible's `meta.imports_skip_reason` codes. */
export type SkipReason = 'no_imported_data' | 'out_of_range' | 'unsupported_interval' | 'unsupported_query';

/** Plausible's `meta.imports_warning` texts, for the reasons it gives one. */
export const IMPORTS_WARNINGS: Partial<Record<SkipReason, string>> = {
  unsupported_query: 'Imported stats are not included in the results because query parameters are not supported.',
  unsupported_interval: 'Imported stats are not included because the time dimension (i.e. the interval) is too short.',
};

/** Thrown by a read no single imported table can answer in full. */
export class ImportsUnanswerable extends Error {}

type MeasureSql = Readonly<Record<string, string>>;

interface ImportedSource {
  /** The table, or a subquery with the same `site_id, import_id, date` columns. */
  from: string;
  /** Dimension → its column in the table. */
  columns: Readonly<Record<string, string>>;
  /** Dimension → the one label every row of the table has for it. */
  constants: Readonly<Record<string, string>>;
  /**
   * Dimension → its column, held only for the events named (an `is` filter on event:name
   * naming no others): Plausible keeps a link's URL or a path for these events alone.
   */
  guarded?: Readonly<Record<string, { column: string; names: readonly string[] }>>;
  /** Per relation, each measure it gives as SQL over `r` (measures missing: not given). */
  measures: Partial<Record<Relation, MeasureSql>>;
}

/** A day's custom events, and a day's pageviews as the event named `pageview`. */
const CUSTOM_EVENTS_WITH_PAGEVIEWS = `(SELECT site_id, import_id, date, name, link_url, path, visitors, events, 0 AS pageviews FROM imported_custom_events
  UNION ALL SELECT site_id, import_id, date, 'pageview', '', '', visitors, pageviews, pageviews FROM imported_visitors)`;

/** Plausible's events whose `url` / `path` property its imports keep (Imported.goals_with_url/path). */
const WITH_URL = ['Outbound Link: Click', 'Cloaked Link: Click', 'File Download'];
const WITH_PATH = ['404', 'WP Search Queries', 'WP Form Completions'];

const visitMeasures = (visits: string): MeasureSql => ({
  visitors: 'SUM(r.visitors)',
  visits: `SUM(r.${visits})`,
  bounces: 'SUM(r.bounces)',
  duration: 'SUM(r.visit_duration)',
  pageviews: 'SUM(r.pageviews)',
});
const AS_PAGEVIEW = { 'event:name': 'pageview' } as const;

const SOURCES: Record<string, ImportedSource> = {
  imported_visitors: {
    from: 'imported_visitors',
    columns: {},
    constants: {},
    measures: {
      visits: {
        ...visitMeasures('visits'),
        // A visit's events are its pageviews and custom events. Looked up by the (site, day)
        // index: `+` keeps SQLite off the import_id one, a scan of the whole import per day.
        events:
          'SUM(r.pageviews + coalesce((SELECT SUM(c.events) FROM imported_custom_events c WHERE c.site_id = r.site_id AND c.date = r.date AND +c.import_id = r.import_id), 0))',
      },
    },
  },
  imported_sources: {
    from: 'imported_sources',
    // Teller's own columns, filled at import time (imports/acquisition.ts); the rest are Plausible's (schema.ts).
    columns: { 'visit:channel': 'channel', 'visit:search_engine': 'search_engine', 'visit:search_keyword': 'search_keyword' },
    constants: {},
    measures: { visits: visitMeasures('visits') },
  },
  imported_entry_pages: { from: 'imported_entry_pages', columns: {}, constants: AS_PAGEVIEW, measures: { visits: visitMeasures('entrances') } },
  imported_exit_pages: { from: 'imported_exit_pages', columns: {}, constants: AS_PAGEVIEW, measures: { visits: visitMeasures('exits') } },
  imported_locations: { from: 'imported_locations', columns: { 'visit:city_name': 'city_name' }, constants: {}, measures: { visits: visitMeasures('visits') } },
  imported_devices: { from: 'imported_devices', columns: {}, constants: {}, measures: { visits: visitMeasures('visits') } },
  imported_browsers: { from: 'imported_browsers', columns: {}, constants: {}, measures: { visits: visitMeasures('visits') } },
  imported_operating_systems: { from: 'imported_operating_systems', columns: {}, constants: {}, measures: { visits: visitMeasures('visits') } },
  imported_pages: {
    from: 'imported_pages',
    columns: {},
    constants: AS_PAGEVIEW,
    measures: {
      visits: { visitors: 'SUM(r.visitors)', visits: 'SUM(r.visits)' },
      // No events: which custom events a page had, the table does not say.
      events: { visitors: 'SUM(r.visitors)', visits: 'SUM(r.visits)', pageviews: 'SUM(r.pageviews)' },
    },
  },
  imported_custom_events: {
    from: CUSTOM_EVENTS_WITH_PAGEVIEWS,
    columns: {},
    constants: {},
    guarded: { 'event:props:url': { column: 'link_url', names: WITH_URL }, 'event:props:path': { column: 'path', names: WITH_PATH } },
    measures: {
      visits: { visitors: 'SUM(r.visitors)' },
      events: { visitors: 'SUM(r.visitors)', pageviews: 'SUM(r.pageviews)', events: 'SUM(r.events)' },
    },
  },
};

// The schema names the column of Plausible's files each attribute fills; a named
// dimension (country names) reads its codes' column.
for (const a of ATTRIBUTES) {
  const source = a.plausible && a.dimension ? SOURCES[a.plausible.file] : undefined;
  if (source) (source.columns as Record<string, string>)[a.dimension!] = a.plausible!.column;
}
(SOURCES.imported_locations!.columns as Record<string, string>)['visit:country_name'] = 'country';

/** Preference when several tables hold the dimensions: the first. */
const ORDER = Object.keys(SOURCES);

/** The filters every row must pass at once: the top-level list with its `and`s opened. */
function conjuncts(filters: readonly Filter[]): Filter[] {
  return filters.flatMap((f) => (f.op === 'and' || f.op === 'same_event' ? conjuncts(f.filters) : [f]));
}

/**
 * True when `source` holds every dimension: grouped-by ones as columns, filtered ones as
 * columns or as its constant, when each filter on the constant is one all rows pass (a
 * pageview filter on pages); a filter that would leave out some of its rows asks for what
 * the table cannot tell (which of a page's events were not pageviews).
 */
function holds(source: ImportedSource, keyDims: readonly string[], filters: readonly Filter[]): boolean {
  const leaves = conjuncts(filters);
  const column = (d: string) => columnOf(source, d, leaves) !== null;
  const filterDims = filters.flatMap(filterDimensions);
  if (![...keyDims, ...filterDims].some(column)) return false;
  if (!keyDims.every(column)) return false;
  return filterDims.every((d) => {
    if (column(d)) return true;
    const constant = source.constants[d];
    if (constant === undefined) return false;
    const passing = leaves.filter((l) => 'dimension' in l && l.dimension === d && leafMatches(l, constant));
    return passing.length === filterDims.filter((x) => x === d).length;
  });
}

/** The column holding dimension `d` in `source` under filters `leaves` (all must pass), or null. */
function columnOf(source: ImportedSource, d: string, leaves: readonly Filter[]): string | null {
  if (d in source.columns) return source.columns[d]!;
  const guard = source.guarded?.[d];
  const named = leaves.some((l) => 'dimension' in l && l.dimension === 'event:name' && l.op === 'is' && l.caseSensitive && l.values.every((v) => guard?.names.includes(v)));
  return guard && named ? guard.column : null;
}

/** The table holding every dimension the read groups (no time ones) and filters by; null when none does. */
export function importedTableFor(keyDims: readonly string[], filters: readonly Filter[]): string | null {
  if (keyDims.length === 0 && filters.length === 0) return 'imported_visitors';
  return ORDER.find((t) => holds(SOURCES[t]!, keyDims, filters)) ?? null;
}

/** The measures (store/measures.ts) each metric reads, per relation: session metrics read visits only. */
const READS: Record<Relation, Record<Metric, string[]>> = {
  visits: {
    visitors: ['visitors'],
    visits: ['visits'],
    pageviews: ['pageviews'],
    events: ['events'],
    percentage: ['visitors'],
    bounce_rate: ['bounces', 'visits'],
    visit_duration: ['duration', 'visits'],
    views_per_visit: ['pageviews', 'visits'],
    conversion_rate: ['visitors'],
    group_conversion_rate: ['visitors'],
    total_revenue: [],
    average_revenue: [],
  },
  events: {
    visitors: ['visitors'],
    visits: ['visits'],
    pageviews: ['pageviews'],
    events: ['events'],
    percentage: ['visitors'],
    bounce_rate: [],
    visit_duration: [],
    views_per_visit: [],
    conversion_rate: ['visitors'],
    group_conversion_rate: ['visitors'],
    total_revenue: [],
    average_revenue: [],
  },
};

function neededMeasures(relation: Relation, metrics: readonly Metric[]): string[] {
  return [...new Set(metrics.flatMap((m) => READS[relation][m]))];
}

/** What reads need to add imported groups: the imports in the query's days and the metrics asked. */
export interface ImportedReads {
  imports: ImportedSpan[];
  metrics: readonly Metric[];
}

const overlaps = (period: Period, span: ImportedSpan) => span.firstDay <= period.lastDay && span.lastDay >= period.firstDay;

/**
 * Whether `query` can include imports at all (Plausible's order of reasons): null when it
 * can, so far as that is known before reading; `periods` are the main and comparison periods.
 */
export function importsSkipReason(query: Query, spans: ImportedSpan[], periods: Period[]): SkipReason | null {
  if (spans.length === 0) return 'no_imported_data';
  if (query.dimensions.includes('time:hour')) return 'unsupported_interval';
  if (!periods.some((p) => spans.some((s) => overlaps(p, s)))) return 'out_of_range';
  return importedTableFor(query.dimensions.filter((d) => !d.startsWith('time:')), query.filters) === null ? 'unsupported_query' : null;
}

/** The label of `day`'s bucket, as time-buckets.ts labels own rows. */
function bucketOf(time: TimeDimension, day: string, firstDay: string): string {
  switch (time) {
    case 'time:day':
      return day;
    case 'time:week': {
      const monday = weekStart(day);
      return monday < firstDay ? firstDay : monday;
    }
    case 'time:month':
      return `${day.slice(0, 7)}-01`;
    default:
      throw new ImportsUnanswerable(`${time} from daily imports`);
  }
}

function labelOf(spec: DimensionSpec, value: SqlValue): string {
  const stored = value === '' ? null : value;
  if (spec.named) return namedLabel(spec, stored);
  return stored === null ? spec.nullLabel : String(stored);
}

/**
 * Adds to `groups` the imported groups of `relation` by `keys` under `filters` over
 * `period`'s days, from the one table holding them all. Throws ImportsUnanswerable when
 * no table holds them or the table lacks a measure the query's metrics read.
 */
export async function addImportedGroups<R extends Relation>(
  db: Db,
  siteId: number,
  reads: ImportedReads,
  relation: R,
  keys: Key[],
  filters: Filter[],
  period: Period,
  groups: Groups<R>,
): Promise<void> {
  const keyDims = keys.flatMap((k) => ('spec' in k ? [k.spec.name] : []));
  const filterDims = filters.flatMap(filterDimensions);
  const table = importedTableFor(keyDims, filters);
  if (table === null) throw new ImportsUnanswerable(`no imported table holds ${[...keyDims, ...filterDims].join(', ')}`);
  const source = SOURCES[table]!;
  const measures = source.measures[relation];
  const missing = neededMeasures(relation, reads.metrics).filter((m) => !measures?.[m]);
  if (!measures || missing.length > 0) throw new ImportsUnanswerable(`${table} lacks ${relation} ${missing.join(', ')}`);

  if (!reads.imports.some((s) => overlaps(period, s))) return;
  const leaves = conjuncts(filters);
  const dims = [...new Set([...keyDims, ...filterDims])].filter((d) => columnOf(source, d, leaves) !== null);
  const byDay = keys.some((k) => 'time' in k);
  const columns = [...(byDay ? ['r.date AS d'] : []), ...dims.map((d, n) => `r.${columnOf(source, d, leaves)} AS c${n}`)];
  const groupBy = [...(byDay ? ['d'] : []), ...dims.map((_, n) => `c${n}`)];
  const sums = Object.entries(measures).map(([name, sql]) => `${sql} AS ${name}`);
  const params: SqlValue[] = [siteId, period.firstDay, period.lastDay, siteId];
  const sql =
    `SELECT ${[...columns, ...sums].join(', ')} FROM ${source.from} r` +
    ` WHERE r.site_id = ? AND r.date >= ? AND r.date <= ? AND ${countedRowSql('r')}` +
    (groupBy.length > 0 ? ` GROUP BY ${groupBy.join(', ')}` : '');
  const rows = await db.all<Record<string, SqlValue>>(sql, params);

  for (const row of rows) {
    const label = (name: string): string => {
      const n = dims.indexOf(name);
      return n < 0 ? source.constants[name]! : labelOf(dimensionSpec(name)!, row[`c${n}`] ?? null);
    };
    if (!filters.every((f) => filterMatches(f, label))) continue;
    const sums = Object.fromEntries(Object.keys(measures).map((m) => [m, Number(row[m] ?? 0)]));
    if (Object.values(sums).every((n) => n === 0)) continue;
    const complete = { ...sumsFromRow(relation, {}), ...sums } as SumsOf<R>;
    const labels = keys.map((k) => ('time' in k ? bucketOf(k.time, String(row.d), period.firstDay) : label(k.spec.name)));
    addGroup(groups, relation, labels, complete);
  }
}
