/**
 * Filters: compiled to SQL over visits (`v`) or events (`e`), and evaluated on a
 * dimension label in JavaScript with exactly the same meaning. A leaf compares the label
 * the API shows (`(not set)`, `Direct / None`, `(none)`) rather than the stored NULL, so a
 * client can filter by any value it was given.
 * @module
 */
import { dimensionSpec, labelSql, sqlLiteral, storedValueSql, type DimensionSpec, type SqlPart } from './dimensions.ts';
import { goalsConditionSql } from './goal-sql.ts';
import type { Filter, FilterLeaf, SameEvent } from './types.ts';

/** Lower-cases ASCII letters only, as SQLite's lower() does. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function positiveMatch(leaf: FilterLeaf, label: string): boolean {
  const fold = leaf.caseSensitive ? (s: string) => s : asciiLower;
  const subject = fold(label);
  if (leaf.op === 'is' || leaf.op === 'is_not') return leaf.values.some((v) => fold(v) === subject);
  return leaf.values.some((v) => subject.includes(fold(v)));
}

/** True when a row whose dimension reads `label` passes `leaf`. */
export function leafMatches(leaf: FilterLeaf, label: string): boolean {
  const hit = positiveMatch(leaf, label);
  return leaf.op === 'is' || leaf.op === 'contains' ? hit : !hit;
}

/** Evaluates a filter tree on a row, given the label of each dimension it names. */
export function filterMatches(filter: Filter, labelOf: (dimension: string) => string): boolean {
  switch (filter.op) {
    case 'and':
    case 'same_event':
      return filter.filters.every((f) => filterMatches(f, labelOf));
    case 'or':
      return filter.filters.some((f) => filterMatches(f, labelOf));
    case 'not':
      return !filterMatches(filter.filter, labelOf);
    default:
      return leafMatches(filter, labelOf(filter.dimension));
  }
}

/** Every dimension a filter tree names. */
export function filterDimensions(filter: Filter): string[] {
  switch (filter.op) {
    case 'and':
    case 'or':
    case 'same_event':
      return filter.filters.flatMap(filterDimensions);
    case 'not':
      return filterDimensions(filter.filter);
    default:
      return [filter.dimension];
  }
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** The positive form of a leaf (is / contains) as SQL that is never NULL. */
function positiveSql(leaf: FilterLeaf, spec: DimensionSpec): SqlPart {
  // A goal leaf names its goals already (parse.ts): the event completes one of them.
  if (spec.goals) return goalsConditionSql(leaf.goals ?? []);
  if (leaf.values.length === 0) return { sql: 'FALSE', params: [] };
  if (spec.named) return namedSql(leaf, spec);
  if (leaf.op === 'is' || leaf.op === 'is_not') {
    if (!leaf.caseSensitive) {
      const label = labelSql(spec);
      return {
        sql: `lower(${label.sql}) IN (${leaf.values.map(() => 'lower(?)').join(', ')})`,
        params: [...label.params, ...leaf.values],
      };
    }
    // Compared on the stored column so an index on it can serve the filter.
    const stored = storedValueSql(spec);
    const nullToo = leaf.values.includes(spec.nullLabel);
    return {
      sql: nullToo
        ? `(${stored.sql} IS NULL OR ${stored.sql} IN (${placeholders(leaf.values.length)}))`
        : `(${stored.sql} IS NOT NULL AND ${stored.sql} IN (${placeholders(leaf.values.length)}))`,
      params: [...stored.params, ...stored.params, ...leaf.values],
    };
  }
  const label = labelSql(spec);
  const subject = leaf.caseSensitive ? label.sql : `lower(${label.sql})`;
  const needle = leaf.caseSensitive ? '?' : 'lower(?)';
  return {
    sql: `(${leaf.values.map(() => `instr(${subject}, ${needle}) > 0`).join(' OR ')})`,
    params: leaf.values.flatMap((v) => [...label.params, v]),
  };
}

/** Names are not stored: the leaf becomes a test on the codes whose names match. */
function namedSql(leaf: FilterLeaf, spec: DimensionSpec): SqlPart {
  const positive: FilterLeaf = { ...leaf, op: leaf.op === 'is_not' ? 'is' : leaf.op === 'contains_not' ? 'contains' : leaf.op };
  const names = spec.named!.names();
  const codes = [...names].filter(([, name]) => leafMatches(positive, name)).map(([code]) => code);
  const column = storedValueSql(spec).sql;
  const parts: string[] = [];
  // Codes come from the names' own table, never client input: safe as literals.
  // IS NOT NULL: a row of unknown code must make the leaf false, not NULL, or `is_not` drops it.
  if (codes.length > 0) parts.push(`(${column} IS NOT NULL AND ${column} IN (${codes.map(sqlLiteral).join(', ')}))`);
  if (leafMatches(positive, spec.nullLabel)) {
    parts.push(`(${column} IS NULL OR ${column} NOT IN (${[...names.keys()].map(sqlLiteral).join(', ')}))`);
  }
  return { sql: parts.length === 0 ? 'FALSE' : `(${parts.join(' OR ')})`, params: [] };
}

function spec(name: string): DimensionSpec {
  const s = dimensionSpec(name);
  if (!s) throw new Error(`unknown dimension ${name} reached the SQL builder`);
  return s;
}

/**
 * For each event leaf, visits that pass it through events the tables being read do not
 * hold. The columnar copy ends at its last closed day; a visit that began there and went
 * on past midnight can have events after it, in SQLite only, that make it pass.
 */
export type VisitsBeyond = ReadonlyMap<FilterLeaf | SameEvent, readonly number[]>;

export interface FilterScope {
  /** Which table the rows being filtered come from. */
  rows: 'visits' | 'events';
  siteId: number;
  /** Events of a visit count for it when they fall in [start, end). */
  start: number;
  end: number;
  visitsBeyond?: VisitsBeyond;
  /** Event leaves (and same-event groups) whose visits the columnar copy keeps as a set, named so (kept-sets.ts); a top-level one's set may hold only those of its visits that pass the other filters too. */
  kept?: ReadonlyMap<FilterLeaf | SameEvent, string>;
}

/** A leaf as a condition on the row it names (an event for event dimensions), negated for `is_not` / `contains_not`. */
function rowSql(leaf: FilterLeaf): SqlPart {
  const positive = positiveSql(leaf, spec(leaf.dimension));
  const negate = leaf.op === 'is_not' || leaf.op === 'contains_not';
  return negate ? { sql: `NOT ${positive.sql}`, params: positive.params } : positive;
}

/** The condition on one event row a leaf or a same-event group sets. */
function eventRowSql(unit: FilterLeaf | SameEvent): SqlPart {
  if (unit.op !== 'same_event') return rowSql(unit);
  const parts = unit.filters.map((f) => filterSql(f, { rows: 'events', siteId: 0, start: 0, end: 0 }));
  return { sql: `(${parts.map((p) => p.sql).join(' AND ')})`, params: parts.flatMap((p) => p.params) };
}

/** The visits with an event in [start, end) that passes an event leaf or a same-event group, as `id` (`distinct`: each once). */
export function visitsWithEventSql(unit: FilterLeaf | SameEvent, siteId: number, start: number, end: number, distinct = false): SqlPart {
  const condition = eventRowSql(unit);
  return { sql: `SELECT ${distinct ? 'DISTINCT ' : ''}e.visit_id AS id FROM events e WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? AND ${condition.sql}`, params: [siteId, start, end, ...condition.params] };
}

/** A visit passes an event leaf or a same-event group when one of its events in the period passes it. */
function visitHasEventSql(unit: FilterLeaf | SameEvent, scope: FilterScope): SqlPart {
  const kept = scope.kept?.get(unit);
  const visits = kept === undefined ? visitsWithEventSql(unit, scope.siteId, scope.start, scope.end) : { sql: `SELECT id FROM ${kept}`, params: [] };
  const sql = `v.id IN (${visits.sql})`;
  const params = visits.params;
  const beyond = scope.visitsBeyond?.get(unit) ?? [];
  // Visit ids are integers read from the database, never client input: safe as literals.
  if (beyond.length > 0) return { sql: `(${sql} OR v.id IN (${beyond.map((id) => String(Math.trunc(id))).join(', ')}))`, params };
  return { sql, params };
}

function leafSql(leaf: FilterLeaf, scope: FilterScope): SqlPart {
  if (scope.rows === 'visits' && spec(leaf.dimension).scope === 'event') return visitHasEventSql(leaf, scope);
  return rowSql(leaf);
}

/** SQL for a filter tree over the rows of `scope`; events read their visit as `v`. */
export function filterSql(filter: Filter, scope: FilterScope): SqlPart {
  switch (filter.op) {
    case 'and':
    case 'or': {
      const parts = filter.filters.map((f) => filterSql(f, scope));
      return {
        sql: `(${parts.map((p) => p.sql).join(filter.op === 'and' ? ' AND ' : ' OR ')})`,
        params: parts.flatMap((p) => p.params),
      };
    }
    case 'not': {
      const inner = filterSql(filter.filter, scope);
      return { sql: `NOT ${inner.sql}`, params: inner.params };
    }
    case 'same_event':
      return scope.rows === 'visits' ? visitHasEventSql(filter, scope) : eventRowSql(filter);
    default:
      return leafSql(filter, scope);
  }
}

/** What a visit passes through one of its events: the event leaves of a filter tree, or a same-event group whole. */
export function eventLeaves(filter: Filter): Array<FilterLeaf | SameEvent> {
  switch (filter.op) {
    case 'and':
    case 'or':
      return filter.filters.flatMap(eventLeaves);
    case 'not':
      return eventLeaves(filter.filter);
    case 'same_event':
      return [filter];
    default:
      return spec(filter.dimension).scope === 'event' ? [filter] : [];
  }
}

const onEventsOnly = (filter: Filter) => filterDimensions(filter).every((d) => spec(d).scope === 'event');

/**
 * The filters for reading visits: the top-level filters on event dimensions alone must be
 * passed by one and the same event (as Plausible's), so under "page /blog" and "event
 * Signup" a visit counts when it sent Signup from /blog, as the events counted do, not when
 * it viewed /blog and sent Signup elsewhere.
 */
export function sameEventFilters(filters: Filter[]): Filter[] {
  const events = filters.filter(onEventsOnly);
  if (events.length < 2) return filters;
  return [...filters.filter((f) => !onEventsOnly(f)), { op: 'same_event', filters: events }];
}

/**
 * SQLite statement for the visits begun before `from` that pass `unit` through one of their
 * events in [from, to): what a read of visits that ends at `from` cannot see (VisitsBeyond).
 */
export function visitsBeyondSql(unit: FilterLeaf | SameEvent, siteId: number, from: number, to: number): SqlPart {
  const condition = eventRowSql(unit);
  return {
    sql: `SELECT DISTINCT e.visit_id AS id FROM events e JOIN visits v ON v.id = e.visit_id
      WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? AND v.started_at < ? AND ${condition.sql}`,
    params: [siteId, from, to, from, ...condition.params],
  };
}

/** True when a filter tree names `event:page`. */
export function filtersOnPage(filters: Filter[]): boolean {
  return filters.flatMap(filterDimensions).includes('event:page');
}

/**
 * The filter with each `event:page` leaf asked of the visit's entry page instead: under a
 * page filter, bounce rate and visit duration are those of the visits that entered on the
 * pages (as in Plausible, and as the Top Pages rows show them).
 */
export function pageAsEntryPage(filter: Filter): Filter {
  switch (filter.op) {
    case 'and':
    case 'or':
    case 'same_event':
      return { op: filter.op, filters: filter.filters.map(pageAsEntryPage) };
    case 'not':
      return { op: 'not', filter: pageAsEntryPage(filter.filter) };
    default:
      return filter.dimension === 'event:page' ? { ...filter, dimension: 'visit:entry_page' } : filter;
  }
}

/** True when filtering events by `filters` needs each event's visit. */
export function filtersNeedVisit(filters: Filter[]): boolean {
  return filters.flatMap(filterDimensions).some((d) => spec(d).scope === 'visit');
}
