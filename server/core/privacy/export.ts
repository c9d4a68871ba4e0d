/**
 * The export: a site's daily aggregates as the CSV files of Plausible's CSV export (file
 * names, columns and meaning as Plausible's importer reads them), plus its raw events as
 * stored (the IP truncated or absent, as the site keeps it), all in one streamed ZIP.
 *
 * Aggregates are read through the Stats API's own reader, a month at a time, so they are
 * the numbers the API answers and memory stays bounded. Breakdowns by several columns at
 * once (sources with their UTM tags, browsers with versions, pages with host names) need
 * raw events; for days whose raw events retention has deleted, those files give the first
 * column only and leave the others empty.
 * @module
 */
import { countedRowSql, importedRange } from '../imports/store.ts';
import type { Db } from '../ports.ts';
import { dimensionSpec, PROP_PREFIX, type DimensionSpec } from '../query/dimensions.ts';
import { readGroups } from '../query/read.ts';
import type { ReadContext } from '../query/read-context.ts';
import { readRollupState } from '../query/rollup-state.ts';
import type { EventSums, Key, Relation, VisitSums } from '../query/sums.ts';
import type { Filter, Period } from '../query/types.ts';
import type { Site } from '../sites.ts';
import { addDays, dayStart, isoDateTime, localDayAt } from '../time.ts';
import { csvLine, type CsvValue } from './csv-line.ts';
import { isDay } from './purge.ts';
import { readSitePrivacy } from './site-privacy.ts';
import { ATTRIBUTES, attributesOf, type PlausibleFile } from '../store/schema.ts';
import type { ZipEntry } from '../zip.ts';

interface AggregateFile {
  /** Plausible's table name, which is also the file name's start. */
  table: PlausibleFile | 'imported_visitors';
  relation: Relation;
  /**
   * Plausible's dimension columns after `date`, in reading order: the first is the one
   * given for days whose raw rows are gone. The attribute filling each is the schema's
   * (store/schema.ts); a column none fills is written empty.
   */
  columns: string[];
  /** Columns Teller does not collect, written empty (or 0), after the dimensions. */
  blanks?: Array<[name: string, value: CsvValue]>;
  metrics: Metric[];
  /** Rows to leave out, by their first label. */
  skip?: (label: string) => boolean;
  /** The events counted, when not all of them (Plausible's `where` on the table's events). */
  only?: Filter[];
  /**
   * Plausible's system goals whose property its export writes in a blank column (`url` in
   * link_url, `path` in path; Plausible.Goals.SystemGoals): their rows are split by it.
   */
  withProps?: Array<{ column: string; prop: string; names: string[] }>;
}

/** A group's sums: a visit group's, or an event group's (which has no bounces or duration). */
type Sums = VisitSums & EventSums;
type Metric = [name: string, pick: (s: Sums) => number];

const visitors: Metric = ['visitors', (s) => s.visitors];
const visits: Metric = ['visits', (s) => s.visits];
const pageviews: Metric = ['pageviews', (s) => s.pageviews];
const bounces: Metric = ['bounces', (s) => s.bounces];
const duration: Metric = ['visit_duration', (s) => s.duration];

/** Plausible's CSV export, file by file, in its column order. */
export const AGGREGATE_FILES: AggregateFile[] = [
  { table: 'imported_visitors', relation: 'visits', columns: [], metrics: [visitors, pageviews, bounces, visits, duration] },
  {
    table: 'imported_sources',
    relation: 'visits',
    columns: ['source', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'],
    metrics: [pageviews, visitors, visits, duration, bounces],
  },
  {
    table: 'imported_pages',
    relation: 'events',
    columns: ['page', 'hostname'],
    // Pageviews alone (exports.ex: `where: [name: "pageview"]`): a page's visitors are those who viewed it.
    only: [nameFilter('is', ['pageview'])],
    // Plausible's columns since 2025 (exports.ex); Teller measures neither, so 0 visits have them.
    blanks: [['total_scroll_depth', 0], ['total_scroll_depth_visits', 0], ['total_time_on_page', 0], ['total_time_on_page_visits', 0]],
    metrics: [['visits', (s) => s.visits], ['visitors', (s) => s.visitors], ['pageviews', (s) => s.pageviews]],
  },
  { table: 'imported_entry_pages', relation: 'visits', columns: ['entry_page'], metrics: [visitors, ['entrances', (s) => s.visits], duration, bounces, pageviews] },
  { table: 'imported_exit_pages', relation: 'visits', columns: ['exit_page'], metrics: [visitors, duration, ['exits', (s) => s.visits], bounces, pageviews] },
  // Plausible's city is a GeoNames id, which Teller does not have.
  { table: 'imported_locations', relation: 'visits', columns: ['country', 'region'], blanks: [['city', 0]], metrics: [visitors, visits, duration, bounces, pageviews] },
  { table: 'imported_devices', relation: 'visits', columns: ['device'], metrics: [visitors, visits, duration, bounces, pageviews] },
  { table: 'imported_browsers', relation: 'visits', columns: ['browser', 'browser_version'], metrics: [visitors, visits, duration, bounces, pageviews] },
  {
    table: 'imported_operating_systems',
    relation: 'visits',
    columns: ['operating_system', 'operating_system_version'],
    metrics: [visitors, visits, duration, bounces, pageviews],
  },
  {
    table: 'imported_custom_events',
    relation: 'events',
    columns: ['name'],
    blanks: [['link_url', ''], ['path', '']],
    metrics: [visitors, ['events', (s) => s.events]],
    skip: (name) => name === 'pageview',
    withProps: [
      { column: 'link_url', prop: 'url', names: ['Outbound Link: Click', 'Cloaked Link: Click', 'File Download'] },
      { column: 'path', prop: 'path', names: ['404', 'WP Form Completions', 'Form: Submission'] },
    ],
  },
];

/** The dimension of the attribute filling `column` of Plausible's `file`, or null when none does. */
function columnSpec(file: AggregateFile['table'], column: string): DimensionSpec | null {
  const attribute = ATTRIBUTES.find((a) => a.plausible?.file === file && a.plausible.column === column);
  return attribute?.dimension ? dimensionSpec(attribute.dimension) : null;
}

/**
 * Plausible's column order where it differs from the reading order: imported_pages starts
 * `date, hostname, page`, but the page is read first because it is the rolled-up one.
 */
const HEADER_ORDER: Record<string, string[]> = {
  imported_pages: [
    'date', 'hostname', 'page', 'visits', 'visitors', 'pageviews',
    'total_scroll_depth', 'total_scroll_depth_visits', 'total_time_on_page', 'total_time_on_page_visits',
  ],
};

export interface ExportRange {
  from: string;
  to: string;
}

const encoder = new TextEncoder();
const DAY_KEY: Key = { time: 'time:day' };
/** Raw events per read: one bounded statement at a time. */
const EVENTS_PER_READ = 1_000;

function yyyymmdd(day: string): string {
  return day.replaceAll('-', '');
}

function periodOf(site: Site, first: string, last: string): Period {
  return { firstDay: first, lastDay: last, start: dayStart(site.timezone, first), end: dayStart(site.timezone, addDays(last, 1)) };
}

/** Month-long (or shorter) stretches of first..last. */
function months(first: string, last: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let from = first; from <= last; ) {
    const nextMonth = addDays(`${from.slice(0, 7)}-28`, 7).slice(0, 7) + '-01';
    const end = addDays(nextMonth, -1);
    out.push([from, end < last ? end : last]);
    from = nextMonth;
  }
  return out;
}

/** A stored value from its API label: the labels for "none" are empty in Plausible's files. */
function stored(label: string, spec: DimensionSpec): string {
  return label === spec.nullLabel ? '' : label;
}

async function* aggregateLines(ctx: ReadContext, file: AggregateFile, range: ExportRange, rawKeptFrom: string | null): AsyncGenerator<string> {
  const columnSpecs = file.columns.map((column) => columnSpec(file.table, column));
  const specs = columnSpecs.filter((spec) => spec !== null);
  const header = ['date', ...file.columns, ...(file.blanks ?? []).map(([n]) => n), ...file.metrics.map(([n]) => n)];
  const order = (HEADER_ORDER[file.table] ?? header).map((name) => header.indexOf(name));
  yield csvLine(order.map((i) => header[i]!));
  for (const [first, last] of months(range.from, range.to)) {
    // Several columns at once need raw events; where retention deleted them, the first column alone.
    const rawGone = rawKeptFrom !== null && first < rawKeptFrom;
    const coarse = specs.length > 1 && rawGone;
    const used = coarse ? specs.slice(0, 1) : specs;
    const period = periodOf(ctx.site, first, last);
    const split = rawGone ? [] : (file.withProps ?? []);
    const others: Filter[] = [...(file.only ?? []), ...(split.length > 0 ? [nameFilter('is_not', split.flatMap((p) => p.names))] : [])];
    const groups = await readGroups(ctx, file.relation, [DAY_KEY, ...used.map((spec) => ({ spec }))], others, period);
    const values: CsvValue[][] = [...groups.values()]
      .filter((g) => !(file.skip && g.labels[1] !== undefined && file.skip(g.labels[1])))
      .map((group) => {
        const dims = columnSpecs.map((spec) => {
          const i = spec ? used.indexOf(spec) : -1;
          return spec && i >= 0 ? stored(group.labels[i + 1]!, spec) : '';
        });
        return [group.labels[0]!, ...dims, ...(file.blanks ?? []).map(([, v]) => v), ...file.metrics.map(([, pick]) => pick(group.sums as Sums))];
      });
    for (const props of split) values.push(...(await propRows(ctx, file, header, props, period)));
    values.push(...(await importedRows(ctx, file, header, first, last)));
    let text = '';
    for (const row of values.sort(byCells)) text += csvLine(order.map((i) => row[i]!));
    if (text) yield text;
  }
}

/**
 * The imported rows of `file`'s days first..last, as they were imported (the imported tables
 * have Plausible's shapes, so a row is a line of the same file): an export after an import
 * carries the imported history, and an import of that export gives the same rows back.
 */
async function importedRows(ctx: ReadContext, file: AggregateFile, header: string[], first: string, last: string): Promise<CsvValue[][]> {
  const rows = await ctx.db.all<Record<string, string | number | null>>(
    `SELECT * FROM ${file.table} t WHERE t.site_id = ? AND t.date BETWEEN ? AND ? AND ${countedRowSql('t')}`,
    [ctx.site.id, first, last, ctx.site.id],
  );
  const blank = (column: string): CsvValue => (file.blanks ?? []).find(([n]) => n === column)?.[1] ?? '';
  return rows.map((row) => header.map((column) => (column in row ? (row[column] ?? '') : blank(column))));
}

function nameFilter(op: 'is' | 'is_not', names: string[]): Filter {
  return { op, dimension: 'event:name', values: names, caseSensitive: true };
}

/** Rows in order of their cells (day first), as text. */
function byCells(a: CsvValue[], b: CsvValue[]): number {
  const x = a.map(String).join('\u0000');
  const y = b.map(String).join('\u0000');
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The rows of `props.names` split by their property, its value in `props.column` (header order). */
async function propRows(ctx: ReadContext, file: AggregateFile, header: string[], props: NonNullable<AggregateFile['withProps']>[number], period: Period): Promise<CsvValue[][]> {
  const name = dimensionSpec('event:name')!;
  const prop = dimensionSpec(`${PROP_PREFIX}${props.prop}`)!;
  const groups = await readGroups(ctx, file.relation, [DAY_KEY, { spec: name }, { spec: prop }], [nameFilter('is', props.names)], period);
  return [...groups.values()].map((group) => {
    const sums = group.sums as Sums;
    return header.map((column): CsvValue => {
      if (column === 'date') return group.labels[0]!;
      if (column === 'name') return group.labels[1]!;
      if (column === props.column) return stored(group.labels[2]!, prop);
      const metric = file.metrics.find(([n]) => n === column);
      if (metric) return metric[1](sums);
      return (file.blanks ?? []).find(([n]) => n === column)?.[1] ?? '';
    });
  });
}

/** The schema's exported columns of `table`, in its order. */
const exportedOf = (table: 'visits' | 'events') => attributesOf(table).flatMap((a) => (a.exported ? [a.column] : []));
const RAW_EVENT_COLUMNS = exportedOf('events');
const RAW_VISIT_COLUMNS = exportedOf('visits');

const RAW_COLUMNS = ['timestamp', ...RAW_EVENT_COLUMNS, 'props', 'visit_id', 'visit_started_at', ...RAW_VISIT_COLUMNS];

interface RawRow {
  id: number;
  ts: number;
  props: string | null;
  started_at: number | null;
  [column: string]: string | number | null;
}

/**
 * Raw events with their visit's attributes, as stored: the IP only as the site keeps it
 * (truncated, or NULL), never the visitor hash. Keyset pages in index order.
 */
async function* rawEventLines(db: Db, site: Site, range: ExportRange, purgedBefore: string | null): AsyncGenerator<string> {
  yield csvLine(RAW_COLUMNS);
  const from = purgedBefore !== null && purgedBefore > range.from ? purgedBefore : range.from;
  const end = dayStart(site.timezone, addDays(range.to, 1));
  // Id -1 before the first event: the first page starts at the range's first instant.
  let after = { ts: dayStart(site.timezone, from), id: -1 };
  for (;;) {
    const rows = await db.all<RawRow>(
      `SELECT e.id, e.ts, ${RAW_EVENT_COLUMNS.map((c) => `e.${c}`).join(', ')},
         (SELECT json_group_object(p.key, p.value) FROM event_props p WHERE p.event_id = e.id) AS props,
         e.visit_id, v.started_at, ${RAW_VISIT_COLUMNS.map((c) => `v.${c}`).join(', ')}
       FROM events e LEFT JOIN visits v ON v.id = e.visit_id
       WHERE e.site_id = ? AND e.ts < ? AND (e.ts > ? OR (e.ts = ? AND e.id > ?))
       ORDER BY e.ts, e.id LIMIT ?`,
      [site.id, end, after.ts, after.ts, after.id, EVENTS_PER_READ],
    );
    if (rows.length === 0) return;
    let text = '';
    for (const row of rows) {
      const values: CsvValue[] = RAW_COLUMNS.map((column) => {
        if (column === 'timestamp') return isoDateTime('Etc/UTC', row.ts);
        if (column === 'visit_started_at') return row.started_at === null ? null : isoDateTime('Etc/UTC', row.started_at);
        if (column === 'props') return row.props === '{}' ? null : row.props;
        return row[column] ?? null;
      });
      text += csvLine(values);
    }
    yield text;
    const last = rows.at(-1)!;
    after = { ts: last.ts, id: last.id };
    if (rows.length < EVENTS_PER_READ) return;
  }
}

function entry(name: string, lines: AsyncIterable<string>): ZipEntry {
  return {
    name,
    chunks: (async function* () {
      for await (const text of lines) yield encoder.encode(text);
    })(),
  };
}

/** The export's files, produced one after the other as the archive is read. */
export async function* exportEntries(db: Db, site: Site, range: ExportRange): AsyncGenerator<ZipEntry> {
  const state = await readRollupState(db, site.id);
  const { purgedBefore } = await readSitePrivacy(db, site.id);
  const ctx: ReadContext = { db, site, rollups: state, purgedBefore, columnar: null };
  const suffix = `${yyyymmdd(range.from)}_${yyyymmdd(range.to)}`;
  for (const file of AGGREGATE_FILES) {
    yield entry(`${file.table}_${suffix}.csv`, aggregateLines(ctx, file, range, state?.rawKeptFrom ?? null));
  }
  yield entry(`events_${suffix}.csv`, rawEventLines(db, site, range, purgedBefore));
}

/** The range an export covers, from optional `from`/`to` days; an error message names a bad one. */
export async function resolveExportRange(
  db: Db,
  site: Site,
  input: { from?: string; to?: string },
  nowSec: number,
): Promise<ExportRange | { error: string }> {
  for (const [name, value] of Object.entries(input)) {
    if (value !== undefined && !isDay(value)) return { error: `${name}: must be a date written YYYY-MM-DD, got "${value}"` };
  }
  const today = localDayAt(site.timezone, nowSec);
  const to = input.to ?? today;
  const from = input.from ?? (await firstDataDay(db, site)) ?? to;
  if (from > to) return { error: `from: ${from} is after to: ${to}` };
  return { from, to };
}

/** The first site-local day with data, raw, rolled up or imported. */
async function firstDataDay(db: Db, site: Site): Promise<string | null> {
  const raw = await db.first<{ t: number | null }>('SELECT min(started_at) AS t FROM visits WHERE site_id = ?', [site.id]);
  const rolled = await db.first<{ day: string | null }>("SELECT min(day) AS day FROM rollup_visits WHERE site_id = ? AND dimension = ''", [site.id]);
  const imported = await importedRange(db, site.id);
  const days = [raw?.t == null ? null : localDayAt(site.timezone, raw.t), rolled?.day ?? null, imported?.firstDay ?? null].filter((d): d is string => d !== null);
  return days.length === 0 ? null : days.sort()[0]!;
}
