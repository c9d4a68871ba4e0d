/**
 * The catalogue of query dimensions, as the query code needs them: where each lives (visits
 * or events), which column holds it, what a missing value reads as, and whether rollups
 * hold it. Derived from the schema (store/schema.ts), with custom properties besides.
 * @module
 */
import type { GoalDefinition } from '../goals/goals.ts';
import type { SqlValue } from '../ports.ts';
import { ATTRIBUTES, attributeOf, NAMED_DIMENSIONS, NOT_SET } from '../store/schema.ts';
import type { TimeDimension } from './types.ts';

export { DIRECT_NONE, NOT_SET } from '../store/schema.ts';
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
  /** For a dimension named from another's codes (store/schema.ts): that dimension, and the names. */
  named: { of: string; names: () => ReadonlyMap<string, string> } | null;
  /**
   * For `event:goal` only: the goals an event is grouped under, each matching event once
   * per goal it completes (goalSpec gives a query's; the catalogue's own lists none).
   */
  goals?: readonly GoalDefinition[];
}

const scopeOf = (table: 'visits' | 'events') => (table === 'visits' ? 'visit' : 'event');

const STORED: DimensionSpec[] = ATTRIBUTES.flatMap((a) =>
  a.dimension === null
    ? []
    : [{ name: a.dimension, scope: scopeOf(a.table), column: a.column, nullLabel: a.nullLabel, prop: null, rolledUp: a.rolledUp, named: null }],
);

const NAMED: DimensionSpec[] = NAMED_DIMENSIONS.map(({ dimension, of, names }) => {
  const codes = attributeOf(of)!;
  return { name: dimension, scope: scopeOf(codes.table), column: codes.column, nullLabel: NOT_SET, prop: null, rolledUp: codes.rolledUp, named: { of, names } };
});

const SPECS: DimensionSpec[] = [...STORED, ...NAMED];

const BY_NAME = new Map(SPECS.map((s) => [s.name, s]));

/** Every dimension held in a column of visits or events (all but custom properties). */
export const COLUMN_DIMENSIONS: readonly DimensionSpec[] = SPECS;

export const TIME_DIMENSIONS: readonly string[] = ['time', 'time:hour', 'time:day', 'time:week', 'time:month'];

/** Plausible dimensions Teller does not collect, and the feature to name in the 400. */
export const UNSUPPORTED_DIMENSIONS: Readonly<Record<string, string>> = {
  'visit:city': 'GeoNames city ids (visit:city_name gives the city by name)',
  'visit:screen': 'screen sizes',
  'visit:entry_page_hostname': 'entry page hostnames',
  'visit:exit_page_hostname': 'exit page hostnames',
  segment: 'segments',
};

export const GOAL_DIMENSION = 'event:goal';

/** `event:goal` grouping by `goals`: an event dimension no column holds, never rolled up or flagged. */
export function goalSpec(goals: readonly GoalDefinition[]): DimensionSpec {
  return { name: GOAL_DIMENSION, scope: 'event', column: null, nullLabel: NO_PROP, prop: null, rolledUp: false, named: null, goals };
}

export function isTimeDimension(name: string): name is TimeDimension {
  return name.startsWith('time:');
}

/** The spec of a non-time dimension, or null when there is no such dimension. */
export function dimensionSpec(name: string): DimensionSpec | null {
  if (name.startsWith(PROP_PREFIX)) {
    const key = name.slice(PROP_PREFIX.length);
    if (key.length === 0) return null;
    return { name, scope: 'event', column: null, nullLabel: NO_PROP, prop: key, rolledUp: false, named: null };
  }
  if (name === GOAL_DIMENSION) return goalSpec([]);
  return BY_NAME.get(name) ?? null;
}

/** The rollup dimension that holds `spec` (a named dimension lives under its codes'). */
export function rollupDimension(spec: DimensionSpec): string {
  return spec.named?.of ?? spec.name;
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
  if (spec.goals) throw new Error('event:goal has no stored value: it is a condition per goal (goal-sql.ts)');
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
  if (spec.named) return value;
  return value ?? spec.nullLabel;
}

/**
 * SQL for the value of `spec` as the API shows it: NULL replaced by its label. A named
 * dimension stays codes here; they are named after grouping (namedLabel).
 */
export function labelSql(spec: DimensionSpec): SqlPart {
  const stored = storedValueSql(spec);
  if (spec.named) return stored;
  return { sql: `coalesce(${stored.sql}, ${sqlLiteral(spec.nullLabel)})`, params: stored.params };
}

/** The label of a code of a named dimension: its name, or the null label for NULL and unknown codes. */
export function namedLabel(spec: DimensionSpec, code: SqlValue): string {
  return (code !== null && spec.named?.names().get(String(code))) || spec.nullLabel;
}
