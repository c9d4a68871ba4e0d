/**
 * The catalogue of query dimensions: where each lives (visits or events), which column
 * holds it, what a missing value reads as, and whether rollups hold it.
 * @module
 */
import type { SqlValue } from '../ports.ts';
import type { TimeDimension } from './types.ts';

export const DIRECT_NONE = 'Direct / None';
export const NOT_SET = '(not set)';
/** What Plausible shows for an event without the property being broken down by. */
export const NO_PROP = '(none)';
export const PROP_PREFIX = 'event:props:';

export interface DimensionSpec {
  name: string;
  scope: 'visit' | 'event';
  /** Column in `visits` (scope visit) or `events` (scope event); null for custom properties. */
  column: string | null;
  /** The label a NULL reads as. */
  nullLabel: string;
  /** Custom property key, for `event:props:<key>`. */
  prop: string | null;
  /** True when rollup tables hold this dimension by day. */
  rolledUp: boolean;
}

function visit(name: string, column: string, nullLabel = NOT_SET): DimensionSpec {
  return { name: `visit:${name}`, scope: 'visit', column, nullLabel, prop: null, rolledUp: true };
}

function event(name: string, column: string): DimensionSpec {
  return { name: `event:${name}`, scope: 'event', column, nullLabel: NOT_SET, prop: null, rolledUp: true };
}

const SPECS: DimensionSpec[] = [
  event('page', 'path'),
  event('name', 'name'),
  event('hostname', 'hostname'),
  event('site_search', 'site_search'),
  visit('entry_page', 'entry_page'),
  visit('exit_page', 'exit_page'),
  visit('source', 'source', DIRECT_NONE),
  visit('referrer', 'referrer', DIRECT_NONE),
  visit('channel', 'channel'),
  visit('utm_source', 'utm_source'),
  visit('utm_medium', 'utm_medium'),
  visit('utm_campaign', 'utm_campaign'),
  visit('utm_term', 'utm_term'),
  visit('utm_content', 'utm_content'),
  visit('country', 'country'),
  // Grouped by code and named afterwards, so it shares the country rollup.
  visit('country_name', 'country'),
  visit('device', 'device'),
  visit('browser', 'browser'),
  visit('browser_version', 'browser_version'),
  visit('os', 'os'),
  visit('os_version', 'os_version'),
  visit('search_engine', 'search_engine'),
  visit('search_keyword', 'search_keyword'),
];

const BY_NAME = new Map(SPECS.map((s) => [s.name, s]));

/** Every dimension held in a column of visits or events (all but custom properties). */
export const COLUMN_DIMENSIONS: readonly DimensionSpec[] = SPECS;

/** Visit dimensions the rollups are built for (country_name reads the country rollup). */
export const ROLLED_UP_VISIT_DIMENSIONS = SPECS.filter((s) => s.scope === 'visit' && s.name !== 'visit:country_name');
/** Event dimensions the rollups are built for. */
export const ROLLED_UP_EVENT_DIMENSIONS = SPECS.filter((s) => s.scope === 'event');

export const TIME_DIMENSIONS: readonly string[] = ['time', 'time:hour', 'time:day', 'time:week', 'time:month'];

/** Plausible dimensions Teller does not collect, and the feature to name in the 400. */
export const UNSUPPORTED_DIMENSIONS: Readonly<Record<string, string>> = {
  'event:goal': 'goals',
  'visit:city': 'cities',
  'visit:city_name': 'cities',
  'visit:region': 'regions',
  'visit:region_name': 'regions',
  'visit:screen': 'screen sizes',
  'visit:entry_page_hostname': 'entry page hostnames',
  'visit:exit_page_hostname': 'exit page hostnames',
  segment: 'segments',
};

export function isTimeDimension(name: string): name is TimeDimension {
  return name.startsWith('time:');
}

/** The spec of a non-time dimension, or null when there is no such dimension. */
export function dimensionSpec(name: string): DimensionSpec | null {
  if (name.startsWith(PROP_PREFIX)) {
    const key = name.slice(PROP_PREFIX.length);
    if (key.length === 0) return null;
    return { name, scope: 'event', column: null, nullLabel: NO_PROP, prop: key, rolledUp: false };
  }
  return BY_NAME.get(name) ?? null;
}

/** The rollup dimension that holds `spec` (country_name lives under visit:country). */
export function rollupDimension(spec: DimensionSpec): string {
  return spec.name === 'visit:country_name' ? 'visit:country' : spec.name;
}

export interface SqlPart {
  sql: string;
  params: SqlValue[];
}

/**
 * SQL for the value of `spec` as stored (NULL stays NULL), reading visits as `v` and
 * events as `e`.
 */
export function storedValueSql(spec: DimensionSpec): SqlPart {
  if (spec.prop !== null) {
    return { sql: '(SELECT p.value FROM event_props p WHERE p.event_id = e.id AND p.key = ?)', params: [spec.prop] };
  }
  return { sql: `${spec.scope === 'visit' ? 'v' : 'e'}.${spec.column}`, params: [] };
}

/** A constant as an SQL string literal (for fixed labels, never for client input). */
export function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The label labelSql gives a stored value, in JavaScript. */
export function labelOf(spec: DimensionSpec, value: SqlValue): SqlValue {
  if (spec.name === 'visit:country_name') return value;
  return value ?? spec.nullLabel;
}

/**
 * SQL for the value of `spec` as the API shows it: NULL replaced by its label. Country
 * names stay codes here; they are named after grouping.
 */
export function labelSql(spec: DimensionSpec): SqlPart {
  const stored = storedValueSql(spec);
  if (spec.name === 'visit:country_name') return stored;
  return { sql: `coalesce(${stored.sql}, ${sqlLiteral(spec.nullLabel)})`, params: stored.params };
}
