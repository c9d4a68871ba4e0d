/**
 * The Stats API v2 query after validation: what the planner and executor work from.
 * @module
 */
import type { Goal, GoalDefinition } from '../goals/goals.ts';
import type { Site } from '../sites.ts';

export const METRICS = [
  'visitors',
  'visits',
  'pageviews',
  'views_per_visit',
  'bounce_rate',
  'visit_duration',
  'events',
  'percentage',
  'conversion_rate',
  'group_conversion_rate',
  'total_revenue',
  'average_revenue',
] as const;
export type Metric = (typeof METRICS)[number];

/** Metrics computed from visits whatever the dimensions (Plausible's "session metrics"). */
export const SESSION_METRICS: readonly Metric[] = ['bounce_rate', 'visit_duration', 'views_per_visit'];

/** Metrics of goal conversions, relative to the visitors without the goal filters (Plausible's special metrics). */
export const CONVERSION_METRICS: readonly Metric[] = ['conversion_rate', 'group_conversion_rate'];

/** Metrics of the revenue of revenue goals, answered as Plausible's money objects. */
export const REVENUE_METRICS: readonly Metric[] = ['total_revenue', 'average_revenue'];

export type TimeDimension = 'time:hour' | 'time:day' | 'time:week' | 'time:month';

/** Dimension names as the API spells them, `time` already resolved to a bucket. */
export type Dimension = string;

export type LeafOperator = 'is' | 'is_not' | 'contains' | 'contains_not';

export interface FilterLeaf {
  op: LeafOperator;
  dimension: Dimension;
  values: string[];
  caseSensitive: boolean;
  /** For `event:goal`: the site's goals the leaf's positive form (is / contains) names, resolved when parsed. */
  goals?: readonly GoalDefinition[];
}

/**
 * Filters one event must pass together: a visit passes when one of its events does. Never
 * parsed from a query; made of a query's event filters when visits are read (filters.ts).
 */
export interface SameEvent {
  op: 'same_event';
  filters: Filter[];
}

export type Filter =
  | FilterLeaf
  | { op: 'and' | 'or'; filters: Filter[] }
  | { op: 'not'; filter: Filter }
  | SameEvent;

export type Compare =
  | { mode: 'previous_period' }
  | { mode: 'year_over_year' }
  | { mode: 'custom'; first: string; last: string };

/**
 * The resolved period: local days `firstDay`..`lastDay` and the instants
 * [`start`, `end`) in Unix seconds. For date ranges they coincide; a date-time range may
 * start or end inside a day.
 */
export interface Period {
  firstDay: string;
  lastDay: string;
  start: number;
  end: number;
}

export interface Query {
  site: Site;
  metrics: Metric[];
  period: Period;
  /** `query.date_range` as echoed: ISO date-times in the site's timezone. */
  dateRangeEcho: [string, string];
  dimensions: Dimension[];
  /** Top-level filters (an implicit `and`). */
  filters: Filter[];
  /** The filters exactly as the client sent them, for the echo. */
  filtersEcho: unknown[];
  orderBy: Array<[string, 'asc' | 'desc']>;
  include: {
    imports: boolean;
    timeLabels: boolean;
    totalRows: boolean;
    compare: Compare | null;
    compareMatchDayOfWeek: boolean;
  };
  pagination: { limit: number; offset: number };
  /** The request instant, Unix seconds. */
  now: number;
  /** The site's goals in the owner's order (what `event:goal` groups and filters by). */
  goals: readonly Goal[];
}
