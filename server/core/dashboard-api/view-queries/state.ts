/**
 * The site view's state and its query string (ViewQuery in the contract): one parser and one
 * serialiser, so a bookmarked or reloaded URL draws the same screen. Unknown or malformed
 * parameters fall back to defaults instead of failing: a hand-edited link still opens.
 * @module
 */
import { countryValue } from './countries.ts';

export const PERIODS = ['day', 'yesterday', '7d', '28d', '30d', '91d', 'month', 'last_month', 'year', '12mo', 'all', 'custom'] as const;
export type Period = (typeof PERIODS)[number];

export const METRICS = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'] as const;
export type Metric = (typeof METRICS)[number];

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

export const OPS = ['is', 'is_not', 'contains', 'contains_not'] as const;
export type Op = (typeof OPS)[number];

export type Compare = 'previous' | 'year';

export interface Filter {
  op: Op;
  dimension: string;
  values: string[];
}

export interface ViewState {
  period: Period;
  /** YYYY-MM-DD, only with period custom. */
  from: string | null;
  to: string | null;
  compare: Compare | null;
  /**
   * The comparison moved to start on the same weekday, as Plausible does by default;
   * `match=date` compares the exact dates instead.
   */
  matchWeekday: boolean;
  metric: Metric;
  /** null: the default for the range. */
  interval: Interval | null;
  filters: Filter[];
  /** Open tab per panel (`sources` → `visit:referrer`). */
  tabs: Record<string, string>;
  /** Imported history counted in (the Stats API's `include.imports`); `imports=off` leaves it out. */
  imports: boolean;
}

export const DEFAULT_PERIOD: Period = '28d';

/** The `period` of the realtime view's URL: a view of its own, with no Stats API queries. */
export const REALTIME_PERIOD = 'realtime';

export function isRealtime(search: string): boolean {
  return new URLSearchParams(search).get('period') === REALTIME_PERIOD;
}

export function defaultState(): ViewState {
  return { period: DEFAULT_PERIOD, from: null, to: null, compare: null, matchWeekday: true, metric: 'visitors', interval: null, filters: [], tabs: {}, imports: true };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DIMENSION = /^(event|visit):[a-z_]+(:.+)?$/;

const oneOf = <T extends string>(list: readonly T[], value: string | null): T | null =>
  value !== null && (list as readonly string[]).includes(value) ? (value as T) : null;

/** A value may hold `|` (a page path can); it and `%` are escaped so the split stays exact. */
const escapeValue = (v: string) => v.replace(/%/g, '%25').replace(/\|/g, '%7C');
const unescapeValue = (v: string) => v.replace(/%7C/gi, '|').replace(/%25/g, '%');

export function encodeFilter(filter: Filter): string {
  return [filter.op, filter.dimension, ...filter.values.map(escapeValue)].join('|');
}

export function decodeFilter(text: string): Filter | null {
  const [op, dimension, ...values] = text.split('|');
  const validOp = oneOf(OPS, op ?? null);
  if (!validOp || !dimension || !DIMENSION.test(dimension) || values.length === 0) return null;
  let decoded = values.map(unescapeValue);
  // The API refuses a country that is no code, and every card would say so: repair or drop it.
  if (dimension === 'visit:country' && (validOp === 'is' || validOp === 'is_not')) decoded = decoded.map(countryValue).filter((v): v is string => v !== null);
  return decoded.length ? { op: validOp, dimension, values: decoded } : null;
}

export function parseView(search: string | URLSearchParams): ViewState {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const state = defaultState();
  const period = oneOf(PERIODS, params.get('period'));
  const from = params.get('from');
  const to = params.get('to');
  if (period === 'custom') {
    if (from && to && DAY.test(from) && DAY.test(to)) {
      state.period = 'custom';
      [state.from, state.to] = from <= to ? [from, to] : [to, from];
    }
  } else if (period) {
    state.period = period;
  }
  const compare = params.get('compare');
  state.compare = compare === 'previous' || compare === 'year' ? compare : null;
  state.matchWeekday = state.compare === null || params.get('match') !== 'date';
  state.metric = oneOf(METRICS, params.get('metric')) ?? 'visitors';
  state.interval = oneOf(INTERVALS, params.get('interval'));
  state.filters = params.getAll('f').map(decodeFilter).filter((f): f is Filter => f !== null);
  state.imports = params.get('imports') !== 'off';
  for (const [name, value] of params) {
    if (name.startsWith('tab.') && name.length > 4 && value) state.tabs[name.slice(4)] = value;
  }
  return state;
}

/** The query string (without `?`); defaults are left out so plain links stay short. */
export function serializeView(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.period !== DEFAULT_PERIOD) params.set('period', state.period);
  if (state.period === 'custom' && state.from && state.to) {
    params.set('from', state.from);
    params.set('to', state.to);
  }
  if (state.compare) params.set('compare', state.compare);
  if (state.compare && !state.matchWeekday) params.set('match', 'date');
  if (state.metric !== 'visitors') params.set('metric', state.metric);
  if (state.interval) params.set('interval', state.interval);
  for (const filter of state.filters) params.append('f', encodeFilter(filter));
  for (const name of Object.keys(state.tabs).sort()) params.set(`tab.${name}`, state.tabs[name]!);
  if (!state.imports) params.set('imports', 'off');
  return params.toString();
}

/** Adds a filter, replacing one of the same dimension and operator (a click narrows, it does not pile up). */
export function withFilter(state: ViewState, filter: Filter): ViewState {
  const rest = state.filters.filter((f) => !(f.dimension === filter.dimension && f.op === filter.op));
  return { ...state, filters: [...rest, filter] };
}

export function withoutFilter(state: ViewState, index: number): ViewState {
  return { ...state, filters: state.filters.filter((_, i) => i !== index) };
}

/** The Stats API's form of the filters. */
export function apiFilters(filters: Filter[]): Array<[Op, string, string[]]> {
  return filters.map((f) => [f.op, f.dimension, f.values]);
}

/** The value of an `is` filter on one dimension with one value, if any (drill-downs read it). */
export function isFilterValue(filters: Filter[], dimension: string): string | null {
  const f = filters.find((x) => x.op === 'is' && x.dimension === dimension && x.values.length === 1);
  return f ? f.values[0]! : null;
}

/**
 * The panels whose open tab differs between two states that differ in nothing else, or
 * null when something else differs too (then the whole view is drawn again).
 */
export function tabChanges(from: ViewState, to: ViewState): string[] | null {
  if (serializeView({ ...to, tabs: from.tabs }) !== serializeView(from)) return null;
  const names = new Set([...Object.keys(from.tabs), ...Object.keys(to.tabs)]);
  return [...names].filter((name) => from.tabs[name] !== to.tabs[name]);
}
