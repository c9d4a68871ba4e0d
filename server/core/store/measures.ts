/**
 * Every measure once: the integer sums each group of visits or events carries, from which
 * every Stats API metric is computed (query/metrics.ts). Each is written as the value a raw
 * row gives and how a day's rows make it, and every form is derived from that: the raw and
 * columnar reads (query/raw-sql.ts), the first-of-day flags that stand in for distinct
 * counts on the columnar copy, the day rollups built from raw rows, and the month and
 * range rollups and rollup reads that add up their sums (rollups.ts, query/rollup-sql.ts).
 * Unique visitors are counted per local day, because the visitor hash lives for one day;
 * every other form is a sum, so days, months and ranges add up.
 * @module
 */

export type Relation = 'visits' | 'events';

export interface Measure {
  /** The sum's name: its column in the rollup tables and in every read's rows. */
  name: string;
  /** Its value per raw row (visits as `v`, events as `e`), or null when it counts rows. */
  row: string | null;
  /** How one day's rows make it: distinct values of `row`, the rows, or the sum of `row`. */
  day: 'distinct' | 'count' | 'sum';
  /** For a distinct count: which first-of-day flag the columnar copy sums instead (first-flags.ts). */
  flag?: 'visitors' | 'visits';
}

/**
 * The measures of each relation, in the rollup tables' column order. Booleans are summed
 * as CASE: SQLite and DuckDB agree on that, not on summing a comparison.
 */
export const MEASURES = {
  /** Over the visits started in the period; pageviews and events are the visits' own counters. */
  visits: [
    { name: 'visitors', row: 'v.visitor', day: 'distinct', flag: 'visitors' },
    { name: 'visits', row: null, day: 'count' },
    { name: 'bounces', row: 'CASE WHEN v.pageviews = 1 AND v.events = 0 THEN 1 ELSE 0 END', day: 'sum' },
    { name: 'duration', row: 'v.ended_at - v.started_at', day: 'sum' },
    { name: 'pageviews', row: 'v.pageviews', day: 'sum' },
    { name: 'events', row: 'v.pageviews + v.events', day: 'sum' },
  ],
  /** Over the period's events: pageviews and custom events. */
  events: [
    { name: 'visitors', row: 'e.visitor', day: 'distinct', flag: 'visitors' },
    { name: 'visits', row: 'e.visit_id', day: 'distinct', flag: 'visits' },
    { name: 'pageviews', row: "CASE WHEN e.name = 'pageview' THEN 1 ELSE 0 END", day: 'sum' },
    { name: 'events', row: null, day: 'count' },
  ],
} as const satisfies Record<Relation, readonly Measure[]>;

/** A relation's sums for one group, by measure name. */
export type SumsOfRelation<R extends Relation> = { [M in (typeof MEASURES)[R][number] as M['name']]: number };

const measuresOf = (relation: Relation): readonly Measure[] => MEASURES[relation];

/** The measures' names, comma-separated: the rollup tables' sum columns. */
export function measureColumns(relation: Relation): string {
  return measuresOf(relation)
    .map((m) => m.name)
    .join(', ');
}

/** Each raw row's values, named after their measures (a measure counting rows needs none). */
export function rowMeasures(relation: Relation): string {
  return measuresOf(relation)
    .flatMap((m) => (m.row === null ? [] : [`${m.row} AS ${m.name}`]))
    .join(', ');
}

/** One day's measures over rowMeasures' rows: visitors (and events' visits) counted distinct. */
export function dayMeasures(relation: Relation): string {
  return measuresOf(relation)
    .map((m) => `${m.day === 'distinct' ? `COUNT(DISTINCT ${m.name})` : m.day === 'count' ? 'COUNT(*)' : `SUM(${m.name})`} AS ${m.name}`)
    .join(', ');
}

/**
 * The measures over rowMeasures' rows with the distinct counts left at 0: for a read whose
 * visitors and visits come from elsewhere (a filtered view's pageviews and events), which
 * then needs neither the per-day grouping nor the distinct counts that cost most of it.
 */
export function countMeasures(relation: Relation): string {
  return measuresOf(relation)
    .map((m) => `${m.day === 'distinct' ? '0' : m.day === 'count' ? 'COUNT(*)' : `SUM(${m.name})`} AS ${m.name}`)
    .join(', ');
}

/** The measures added up over rows that hold them already (days, months, ranges). */
export function summedMeasures(relation: Relation): string {
  return measuresOf(relation)
    .map((m) => `SUM(${m.name}) AS ${m.name}`)
    .join(', ');
}

/** Flag column names on the copy's rows, first of their visitor or of their visit that day (first-flags.ts). */
export interface FlagColumns {
  visitors: string;
  visits: string | null;
}

/** Each columnar row's values as rowMeasures', but a distinct count's flag in place of its value. */
export function flagRowMeasures(relation: Relation, flags: FlagColumns): string {
  const alias = relation === 'visits' ? 'v' : 'e';
  return measuresOf(relation)
    .flatMap((m) => {
      if (m.flag) return [`${alias}.${flags[m.flag]} AS ${m.name}`];
      return m.row === null ? [] : [`${m.row} AS ${m.name}`];
    })
    .join(', ');
}

/** The measures over flagRowMeasures' rows of whole days at once: flags summed, not counted distinct. */
export function flagMeasures(relation: Relation): string {
  return measuresOf(relation)
    .map((m) => `${m.day === 'count' ? 'COUNT(*)' : `SUM(${m.name})`} AS ${m.name}`)
    .join(', ');
}

/** A relation's sums read from a row of a statement above (missing or NULL reads as 0). */
export function sumsFromRow<R extends Relation>(relation: R, row: Readonly<Record<string, unknown>>): SumsOfRelation<R> {
  const sums: Record<string, number> = {};
  for (const m of measuresOf(relation)) {
    const value = row[m.name];
    sums[m.name] = typeof value === 'number' ? value : 0;
  }
  return sums as SumsOfRelation<R>;
}

/** Two groups' sums added up. */
export function addSums<R extends Relation>(relation: R, a: SumsOfRelation<R>, b: SumsOfRelation<R>): SumsOfRelation<R> {
  const sums: Record<string, number> = {};
  const left = a as Record<string, number>;
  const right = b as Record<string, number>;
  for (const m of measuresOf(relation)) sums[m.name] = left[m.name]! + right[m.name]!;
  return sums as SumsOfRelation<R>;
}
