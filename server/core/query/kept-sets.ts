/**
 * Kept sets: the visits a filtered read of the columnar copy joins against, selected once and
 * kept by the copy as a table (ColumnarReader.all's `sets`) for every read that names the
 * same set, rather than found again by each of a view's fifteen queries. Three kinds:
 * - for a read of visits, the visits with an event in the period passing an event leaf (or
 *   a same-event group): what filters.ts otherwise selects from the events in a subquery;
 * - for a read of visits under filters on both visit and event dimensions, the visits
 *   passing the narrowing ones together (below), which then stands for each event leaf among
 *   them: the read joins one small set instead of every visit with such an event. The set
 *   holds the visits' rows (the columns the dashboard's visit panels read), and the read
 *   reads them in place of the visits table: a few thousand rows kept in memory instead of
 *   a year of visits scanned by each panel; with each row, whether it is its visitor's only
 *   kept visit of its day (KEPT_ALONE), so that the read counts the others alone distinct;
 * - for a read of events keyed by no visit dimension, the visits passing its filters on
 *   visit dimensions alone, and its narrowing event leaves asked of the visit (an event
 *   passing a leaf is such an event of its visit): what the events would otherwise be joined
 *   to visits for.
 * A set is a statement like any other, so it is exactly the subquery it stands for; the copy
 * keys it by its text and parameters and drops it when the copy is written.
 * @module
 */
import type { SqlValue, Stmt } from '../ports.ts';
import type { Dialect } from './dialect.ts';
import { dimensionSpec } from './dimensions.ts';
import { eventLeaves, filterDimensions, filterSql, visitsWithEventSql, type VisitsBeyond } from './filters.ts';
import type { Key, Relation } from './sums.ts';
import type { Filter, FilterLeaf, SameEvent } from './types.ts';

/** How a statement names the i-th of its sets; the copy puts the kept table's name there. */
export function keptSetRef(i: number): string {
  return `kept_set_${i}`;
}

/** Matches the names keptSetRef writes, with the set's index. */
export const KEPT_SET_REF = /\bkept_set_(\d+)\b/g;

/** The kept sets of one read, by the part of its filters each stands for. */
export interface KeptSets {
  /** Reading visits: an event leaf or same-event group → the set of visits passing it (or a subset, with the read's other filters). */
  units: ReadonlyMap<FilterLeaf | SameEvent, string>;
  /** Reading events: the filters on visit dimensions alone, and the set of visits passing them all. */
  visits: { filters: readonly Filter[]; ref: string } | null;
  /**
   * Reading visits: a set holding the rows of every visit the read can pass (it names the set
   * for a top-level event leaf), with every column the read needs, read in place of `visits`.
   */
  visitRows?: string;
}

export interface KeptSetsRead {
  dialect: Dialect;
  relation: Relation;
  keys: Key[];
  filters: Filter[];
  siteId: number;
  start: number;
  end: number;
  periodStart: number;
  periodEnd: number;
  visitsBeyond?: VisitsBeyond;
}

/** What every read of visits names: its measures, time and bounds. */
const VISIT_ROW_COLUMNS = ['site_id', 'id', 'visitor', 'started_at', 'ended_at', 'lt', 'pageviews', 'events'];
/** The columns of the visit dimensions the dashboard's panels group by: a view's reads share one set of rows. */
const PANEL_COLUMNS = ['visit:source', 'visit:channel', 'visit:search_engine', 'visit:search_keyword', 'visit:entry_page', 'visit:exit_page', 'visit:country', 'visit:browser', 'visit:os', 'visit:device'].map(
  (d) => dimensionSpec(d)!.column!,
);

/**
 * The kept rows' column that is 1 on a visit that is its visitor's only kept visit of its
 * local day: counted once, whatever a read's filters and keys, since no other row of that
 * visitor's day can be; a read counts only the others distinct (raw-sql.ts), a few percent
 * of them in the dashboard's views (853 of 30,770 visits, 1 M events, a year of channel +
 * page contains).
 */
export const KEPT_ALONE = 'alone';

function aloneSql(dialect: Dialect): string {
  return `CASE WHEN count(*) OVER (PARTITION BY ${dialect.dayOf('v.lt')}, v.visitor) = 1 THEN 1 ELSE 0 END AS ${KEPT_ALONE}`;
}

/** The visit columns a read's keys and filters name, or null when one is not a plain column of visits. */
function visitColumnsNamed(read: KeptSetsRead): string[] | null {
  const names = [...read.keys.flatMap((k) => ('spec' in k ? [k.spec.name] : [])), ...read.filters.flatMap(filterDimensions)];
  const columns: string[] = [];
  for (const name of names) {
    const spec = dimensionSpec(name);
    if (spec?.scope !== 'visit') continue;
    if (spec.column === null || spec.prop !== null) return null;
    columns.push(spec.column);
  }
  return columns;
}

const onVisitsOnly = (filter: Filter) => filterDimensions(filter).every((d) => dimensionSpec(d)?.scope === 'visit');

/**
 * A top-level filter that narrows the visits when asked of them: a leaf passing some labels
 * (`is`, `contains`), or a same-event group of such leaves; not a negation (nearly every
 * visit has an event on another page), nor "name is pageview" (nearly every visit has one).
 * So a view's panels, whose own filters are of those kinds (search engine is not "(not set)",
 * custom events are not page views, Top Pages' page views), name the same combined set.
 */
function narrows(filter: Filter): filter is FilterLeaf | SameEvent {
  if (filter.op === 'same_event') return filter.filters.every(narrows);
  if (filter.op !== 'is' && filter.op !== 'contains') return false;
  return !(filter.dimension === 'event:name' && filter.values.includes('pageview'));
}

/**
 * The visits passing the read's narrowing filters on visit dimensions and, through an event
 * in the period, its narrowing event leaves: null without one of each. Its rows are a subset
 * of any visit set the read names for these filters, so a read still applying every filter
 * of its own may name it instead. `bounds` narrows the visits scanned (a read of events: its
 * events' visits may have begun before the period).
 */
function combinedSet(
  read: KeptSetsRead,
  filters: Filter[],
  bounds: { sql: string; params: SqlValue[] },
  select = 'v.id AS id',
): { stmt: Stmt; units: Array<FilterLeaf | SameEvent> } | null {
  const narrowing = filters.filter(narrows);
  const onVisits = narrowing.filter(onVisitsOnly);
  const units = narrowing.filter((f) => !onVisitsOnly(f));
  if (onVisits.length === 0 || units.length === 0) return null;
  const parts = [...onVisits, ...units].map((f) => filterSql(f, { rows: 'visits', siteId: read.siteId, start: read.periodStart, end: read.periodEnd }));
  return {
    stmt: { sql: `SELECT ${select} FROM visits v WHERE v.site_id = ? AND ${[bounds.sql, ...parts.map((p) => p.sql)].join(' AND ')}`, params: [read.siteId, ...bounds.params, ...parts.flatMap((p) => p.params)] },
    units,
  };
}

/** The sets a columnar read can name, and the statements selecting them; null when it joins nothing. */
export function keptSets(read: KeptSetsRead): { kept: KeptSets; sets: Stmt[] } | null {
  const sets: Stmt[] = [];
  const add = (stmt: Stmt) => keptSetRef(sets.push(stmt) - 1);
  if (read.relation === 'visits') {
    const units = new Map<FilterLeaf | SameEvent, string>();
    // Visits passing through events beyond the copy are not in a combined set: each leaf's own set then, with them beside it.
    const beyond = [...(read.visitsBeyond?.values() ?? [])].some((ids) => ids.length > 0);
    // Rows only when the panels' columns cover the read's: a set of its own would cost more than it saves.
    const rows = visitColumnsNamed(read)?.every((c) => PANEL_COLUMNS.includes(c)) ?? false;
    const select = rows ? [...[...VISIT_ROW_COLUMNS, ...PANEL_COLUMNS].map((c) => `v.${c}`), aloneSql(read.dialect)].join(', ') : undefined;
    const period = { sql: 'v.started_at >= ? AND v.started_at < ?', params: [read.periodStart, read.periodEnd] };
    const combined = beyond ? null : combinedSet(read, read.filters, period, select);
    let visitRows: string | undefined;
    if (combined) {
      const ref = add(combined.stmt);
      for (const unit of combined.units) units.set(unit, ref);
      if (rows) visitRows = ref;
    }
    for (const unit of read.filters.flatMap(eventLeaves)) {
      if (units.has(unit)) continue;
      const part = visitsWithEventSql(unit, read.siteId, read.periodStart, read.periodEnd, true);
      units.set(unit, add(part));
    }
    return units.size === 0 ? null : { kept: { units, visits: null, ...(visitRows ? { visitRows } : {}) }, sets };
  }
  const visitKeys = read.keys.some((k) => 'spec' in k && k.spec.scope === 'visit');
  const filters = read.filters.filter(onVisitsOnly);
  if (visitKeys || filters.length === 0) return null;
  const where = ['v.site_id = ?'];
  const params: SqlValue[] = [read.siteId];
  const joined = read.dialect.joinedVisits(read.siteId, read.start, read.end);
  if (joined) {
    where.push(joined.sql);
    params.push(...joined.params);
  }
  const combined = joined && combinedSet(read, [...filters.filter(narrows), ...read.filters.filter((f) => !onVisitsOnly(f) && f.op !== 'same_event')], joined);
  if (combined) {
    // The remaining visit filters are of the visit alone, and the read's events pass its event leaves themselves.
    const rest = filters.filter((f) => !narrows(f)).map((f) => filterSql(f, { rows: 'visits', siteId: read.siteId, start: read.periodStart, end: read.periodEnd }));
    const stmt = rest.length === 0 ? combined.stmt : { sql: `${combined.stmt.sql} AND ${rest.map((p) => p.sql).join(' AND ')}`, params: [...combined.stmt.params, ...rest.flatMap((p) => p.params)] };
    return { kept: { units: new Map(), visits: { filters, ref: add(stmt) } }, sets };
  }
  const parts = filters.map((f) => filterSql(f, { rows: 'visits', siteId: read.siteId, start: read.periodStart, end: read.periodEnd }));
  const ref = add({ sql: `SELECT v.id AS id FROM visits v WHERE ${[...where, ...parts.map((p) => p.sql)].join(' AND ')}`, params: [...params, ...parts.flatMap((p) => p.params)] });
  return { kept: { units: new Map(), visits: { filters, ref } }, sets };
}
