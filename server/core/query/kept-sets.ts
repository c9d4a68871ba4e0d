/**
 * Kept sets: the visits a filtered read of the columnar copy joins against, selected once and
 * kept by the copy as a table (ColumnarReader.all's `sets`) for every read that names the
 * same set, rather than found again by each of a view's fifteen queries. Two kinds:
 * - for a read of visits, the visits with an event in the period passing an event leaf (or
 *   a same-event group): what filters.ts otherwise selects from the events in a subquery;
 * - for a read of events keyed by no visit dimension, the visits passing its filters on
 *   visit dimensions alone: what the events would otherwise be joined to visits for.
 * A set is a statement like any other, so it is exactly the subquery it stands for; the copy
 * keys it by its text and parameters and drops it when the copy is written.
 * @module
 */
import type { SqlValue, Stmt } from '../ports.ts';
import type { Dialect } from './dialect.ts';
import { dimensionSpec } from './dimensions.ts';
import { eventLeaves, filterDimensions, filterSql, visitsWithEventSql } from './filters.ts';
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
  /** Reading visits: an event leaf or same-event group → the set of visits passing it. */
  units: ReadonlyMap<FilterLeaf | SameEvent, string>;
  /** Reading events: the filters on visit dimensions alone, and the set of visits passing them all. */
  visits: { filters: readonly Filter[]; ref: string } | null;
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
}

const onVisitsOnly = (filter: Filter) => filterDimensions(filter).every((d) => dimensionSpec(d)?.scope === 'visit');

/** The sets a columnar read can name, and the statements selecting them; null when it joins nothing. */
export function keptSets(read: KeptSetsRead): { kept: KeptSets; sets: Stmt[] } | null {
  const sets: Stmt[] = [];
  const add = (stmt: Stmt) => keptSetRef(sets.push(stmt) - 1);
  if (read.relation === 'visits') {
    const units = new Map<FilterLeaf | SameEvent, string>();
    for (const unit of read.filters.flatMap(eventLeaves)) {
      const part = visitsWithEventSql(unit, read.siteId, read.periodStart, read.periodEnd, true);
      units.set(unit, add(part));
    }
    return units.size === 0 ? null : { kept: { units, visits: null }, sets };
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
  const parts = filters.map((f) => filterSql(f, { rows: 'visits', siteId: read.siteId, start: read.periodStart, end: read.periodEnd }));
  const ref = add({ sql: `SELECT v.id AS id FROM visits v WHERE ${[...where, ...parts.map((p) => p.sql)].join(' AND ')}`, params: [...params, ...parts.flatMap((p) => p.params)] });
  return { kept: { units: new Map(), visits: { filters, ref } }, sets };
}
