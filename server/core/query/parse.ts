/**
 * Validation of a Stats API v2 query body into a {@link Query}. Every refusal is a
 * {@link QueryError} naming the field, including what Teller does not support.
 * @module
 */
import { hasNul, type Goal } from '../goals/goals.ts';
import type { Site } from '../sites.ts';
import { comparisonPeriod, parseIsoDate, periodEcho, resolveDateRange } from './date-range.ts';
import { dimensionSpec, GOAL_DIMENSION, PROP_PREFIX, TIME_DIMENSIONS, UNSUPPORTED_DIMENSIONS } from './dimensions.ts';
import { QueryError } from './errors.ts';
import { filterDimensions, filtersOnPage, leafMatches } from './filters.ts';
import { resolveTime } from './time-buckets.ts';
import { dayNumber } from '../time.ts';
import { CONVERSION_METRICS, METRICS, SESSION_METRICS, type Compare, type Filter, type FilterLeaf, type LeafOperator, type Metric, type Query } from './types.ts';

const FIELDS = ['site_id', 'metrics', 'date_range', 'dimensions', 'filters', 'order_by', 'include', 'pagination'];
const UNSUPPORTED_METRICS: Readonly<Record<string, string>> = {
  scroll_depth: 'scroll depth',
  time_on_page: 'time on page',
};
const LEAF_OPERATORS: readonly string[] = ['is', 'is_not', 'contains', 'contains_not'];
const UNSUPPORTED_OPERATORS: Readonly<Record<string, string>> = {
  matches: '`matches` filters (regular expressions)',
  matches_not: '`matches_not` filters (regular expressions)',
  matches_wildcard: '`matches_wildcard` filters',
  matches_wildcard_not: '`matches_wildcard_not` filters',
  has_done: 'behavioural filters (`has_done`)',
  has_not_done: 'behavioural filters (`has_not_done`)',
};
export const MAX_FILTER_DEPTH = 8;
export const MAX_FILTER_VALUES = 50;
/**
 * Leaves in all. A leaf with values already spends one of the 50 values, so this bounds
 * only leaves with an empty list, which would otherwise grow SQLite's expression tree
 * past its depth of 1,000.
 */
export const MAX_FILTER_CONDITIONS = 50;
/**
 * JSON levels a filter list of at most MAX_FILTER_DEPTH can take: the list, two per
 * and/or, one per not, and two for a leaf with its values.
 */
const MAX_FILTERS_NESTING = 2 * MAX_FILTER_DEPTH + 1;
/** No other field needs more than two levels (order_by, include.compare). */
export const MAX_FIELD_NESTING = 8;
const MAX_LIMIT = 10_000;
/** Hourly buckets beyond this many days would be a response nobody can read. */
const MAX_HOURLY_DAYS = 1_000;
/** Longest quote of the client's input in a message. */
const MAX_SHOWN = 100;

/** Called only on input checkNesting has bounded, so JSON.stringify cannot overflow the stack. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/** True when `value` nests deeper than `limit`, found with a stack of its own so no depth overflows the call stack. */
export function nestsDeeper(value: unknown, limit: number): boolean {
  const pending: Array<[value: unknown, level: number]> = [[value, 1]];
  while (pending.length > 0) {
    const [item, level] = pending.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (level > limit) return true;
    for (const child of Object.values(item)) pending.push([child, level + 1]);
  }
  return false;
}

const tooDeep = () => new QueryError('filters', `Invalid filters: nested deeper than ${MAX_FILTER_DEPTH} levels.`);

/** Refuses a field nested deeper than any valid one, before anything reads, recurses into or quotes it. */
function checkNesting(body: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(body)) {
    const filters = field === 'filters';
    if (!nestsDeeper(value, filters ? MAX_FILTERS_NESTING : MAX_FIELD_NESTING)) continue;
    throw filters ? tooDeep() : new QueryError(field, `Invalid ${field}: nested deeper than ${MAX_FIELD_NESTING} levels.`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `site_id` of a query body, before anything else is validated (it decides authorisation). */
export function readSiteId(body: unknown): string {
  if (!isRecord(body)) throw new QueryError('body', 'The query must be a JSON object.');
  if (typeof body.site_id !== 'string' || body.site_id.length === 0) {
    throw new QueryError('site_id', 'Missing site_id: the domain of the site to query.');
  }
  return body.site_id;
}

function parseMetrics(input: unknown): Metric[] {
  if (!Array.isArray(input) || input.length === 0) {
    throw new QueryError('metrics', 'Invalid metrics: a non-empty list of metric names is required.');
  }
  const metrics: Metric[] = [];
  for (const m of input) {
    if (typeof m === 'string' && m in UNSUPPORTED_METRICS) {
      throw new QueryError('metrics', `Unsupported metric '${m}': Teller does not support ${UNSUPPORTED_METRICS[m]}.`);
    }
    if (typeof m !== 'string' || !(METRICS as readonly string[]).includes(m)) {
      throw new QueryError('metrics', `Unknown metric ${show(m)}.`);
    }
    if (metrics.includes(m as Metric)) throw new QueryError('metrics', `Metric '${m}' is listed twice.`);
    metrics.push(m as Metric);
  }
  return metrics;
}

function checkKnownDimension(name: string, field: string): void {
  // Known first: an attribute added to the schema is answered at once.
  if (dimensionSpec(name)) return;
  if (name in UNSUPPORTED_DIMENSIONS) {
    throw new QueryError(field, `Unsupported dimension '${name}': Teller does not support ${UNSUPPORTED_DIMENSIONS[name]}.`);
  }
  throw new QueryError(field, `Invalid dimension ${show(name)}.`);
}

function parseDimensions(input: unknown): string[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw new QueryError('dimensions', 'Invalid dimensions: a list of dimension names is expected.');
  const dims: string[] = [];
  for (const d of input) {
    if (typeof d !== 'string') throw new QueryError('dimensions', `Invalid dimension ${show(d)}.`);
    if (d === 'time:minute') throw new QueryError('dimensions', "Unsupported dimension 'time:minute'.");
    if (!TIME_DIMENSIONS.includes(d)) checkKnownDimension(d, 'dimensions');
    if (dims.includes(d)) throw new QueryError('dimensions', `Dimension '${d}' is listed twice.`);
    dims.push(d);
  }
  if (dims.filter((d) => TIME_DIMENSIONS.includes(d)).length > 1) {
    throw new QueryError('dimensions', 'Invalid dimensions: at most one time dimension.');
  }
  return dims;
}

/** What the filter tree has spent so far, across all its branches and the top-level list, and the site's goals. */
interface FilterBudget {
  values: number;
  conditions: number;
  goals: readonly Goal[];
}

const GOALS_HELP = 'Find out how to configure goals here: https://plausible.io/docs/stats-api#filtering-by-goals';

/**
 * An `event:goal` leaf with the goals it names: `is` must name configured goals (Plausible's
 * check; a `contains` may match none). Top level only, as Plausible's: a goal filter is a
 * condition on the events and, through them, the visits of the whole query.
 */
function goalLeaf(leaf: FilterLeaf, depth: number, goals: readonly Goal[]): FilterLeaf {
  if (depth > 1) throw new QueryError('filters', `Invalid filters. Dimension \`${GOAL_DIMENSION}\` can only be filtered at the top level.`);
  const positive: FilterLeaf = { ...leaf, op: leaf.op === 'is_not' ? 'is' : leaf.op === 'contains_not' ? 'contains' : leaf.op };
  if (positive.op === 'is') {
    const missing = leaf.values.find((v) => !goals.some((g) => leafMatches({ ...positive, values: [v] }, g.displayName)));
    if (missing !== undefined) throw new QueryError('filters', `Invalid filters. The goal \`${missing}\` is not configured for this site. ${GOALS_HELP}`);
  }
  return { ...leaf, goals: goals.filter((g) => leafMatches(positive, g.displayName)) };
}

function parseFilter(input: unknown, depth: number, budget: FilterBudget): Filter {
  if (depth > MAX_FILTER_DEPTH) throw tooDeep();
  if (!Array.isArray(input) || typeof input[0] !== 'string') throw new QueryError('filters', `Invalid filter ${show(input)}.`);
  const op = input[0];
  if (op in UNSUPPORTED_OPERATORS) throw new QueryError('filters', `Unsupported filter: Teller does not support ${UNSUPPORTED_OPERATORS[op]}.`);
  if (op === 'and' || op === 'or') {
    if (input.length !== 2 || !Array.isArray(input[1]) || input[1].length === 0) {
      throw new QueryError('filters', `Invalid filter ${show(input)}: '${op}' takes a non-empty list of filters.`);
    }
    return { op, filters: input[1].map((f: unknown) => parseFilter(f, depth + 1, budget)) };
  }
  if (op === 'not') {
    if (input.length !== 2) throw new QueryError('filters', `Invalid filter ${show(input)}: 'not' takes one filter.`);
    return { op, filter: parseFilter(input[1], depth + 1, budget) };
  }
  if (!LEAF_OPERATORS.includes(op)) throw new QueryError('filters', `Unknown operator for filter ${show(input)}.`);
  if (input.length !== 3 && input.length !== 4) throw new QueryError('filters', `Invalid filter ${show(input)}.`);
  const [, dimension, clauses, modifiers] = input as [string, unknown, unknown, unknown];
  if (typeof dimension !== 'string') throw new QueryError('filters', `Invalid filter ${show(input)}.`);
  if (TIME_DIMENSIONS.includes(dimension)) {
    throw new QueryError('filters', `Invalid filter ${show(input)}: time dimensions cannot be filtered, set date_range instead.`);
  }
  checkKnownDimension(dimension, 'filters');
  if (!Array.isArray(clauses) || !clauses.every((c) => typeof c === 'string')) {
    throw new QueryError('filters', `Invalid filter ${show(input)}: the third element must be a list of strings.`);
  }
  budget.conditions += 1;
  if (budget.conditions > MAX_FILTER_CONDITIONS) throw new QueryError('filters', `Invalid filters: at most ${MAX_FILTER_CONDITIONS} conditions in all.`);
  budget.values += clauses.length;
  if (budget.values > MAX_FILTER_VALUES) throw new QueryError('filters', `Invalid filters: at most ${MAX_FILTER_VALUES} values in all.`);
  if (dimension === 'visit:country' && (op === 'is' || op === 'is_not') && !clauses.every((c) => c.length === 2 || c === '(not set)')) {
    throw new QueryError('filters', 'Invalid visit:country filter, visit:country needs to be a valid 2-letter country code.');
  }
  let caseSensitive = true;
  if (modifiers !== undefined) {
    if (!isRecord(modifiers) || Object.keys(modifiers).some((k) => k !== 'case_sensitive') || (modifiers.case_sensitive !== undefined && typeof modifiers.case_sensitive !== 'boolean')) {
      throw new QueryError('filters', `Invalid filter ${show(input)}: the only modifier is {"case_sensitive": boolean}.`);
    }
    caseSensitive = modifiers.case_sensitive !== false;
  }
  const leaf: FilterLeaf = { op: op as LeafOperator, dimension, values: clauses as string[], caseSensitive };
  return dimension === GOAL_DIMENSION ? goalLeaf(leaf, depth, budget.goals) : leaf;
}

function parseFilters(input: unknown, goals: readonly Goal[]): Filter[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw new QueryError('filters', 'Invalid filters: a list of filters is expected.');
  const budget = { values: 0, conditions: 0, goals };
  return input.map((f) => parseFilter(f, 1, budget));
}

function parseOrderBy(input: unknown, metrics: Metric[], dims: string[], time: string | null): Array<[string, 'asc' | 'desc']> | null {
  if (input === undefined || input === null) return null;
  if (!Array.isArray(input)) throw new QueryError('order_by', 'Invalid order_by: a list of [metric or dimension, "asc" | "desc"] is expected.');
  return input.map((entry: unknown): [string, 'asc' | 'desc'] => {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || (entry[1] !== 'asc' && entry[1] !== 'desc')) {
      throw new QueryError('order_by', `Invalid order_by entry ${show(entry)}.`);
    }
    const key = entry[0] === 'time' || (TIME_DIMENSIONS.includes(entry[0]) && dims.includes(entry[0])) ? time : entry[0];
    if (key === null || !((metrics as string[]).includes(key) || dims.includes(key))) {
      throw new QueryError('order_by', `Invalid order_by entry ${show(entry)}: it must name a metric or dimension of the query.`);
    }
    return [key, entry[1]];
  });
}

interface Include {
  imports: boolean;
  timeLabels: boolean;
  totalRows: boolean;
  compare: Compare | null;
  compareMatchDayOfWeek: boolean;
}

function parseCompare(input: unknown): Compare | null {
  if (input === undefined || input === null) return null;
  if (input === 'previous_period' || input === 'year_over_year') return { mode: input };
  if (Array.isArray(input) && input.length === 2 && typeof input[0] === 'string' && typeof input[1] === 'string') {
    const first = parseIsoDate(input[0]);
    const last = parseIsoDate(input[1]);
    if (first && last && first <= last) return { mode: 'custom', first, last };
  }
  throw new QueryError('include', `Invalid include.compare ${show(input)}: "previous_period", "year_over_year" or two ISO dates.`);
}

function parseInclude(input: unknown): Include {
  const include: Include = { imports: false, timeLabels: false, totalRows: false, compare: null, compareMatchDayOfWeek: false };
  if (input === undefined || input === null) return include;
  if (!isRecord(input)) throw new QueryError('include', 'Invalid include: an object is expected.');
  const flags: Record<string, 'imports' | 'timeLabels' | 'totalRows' | 'compareMatchDayOfWeek'> = {
    imports: 'imports',
    time_labels: 'timeLabels',
    total_rows: 'totalRows',
    compare_match_day_of_week: 'compareMatchDayOfWeek',
  };
  for (const [key, value] of Object.entries(input)) {
    if (key === 'compare') {
      include.compare = parseCompare(value);
      continue;
    }
    const flag = flags[key];
    if (!flag) throw new QueryError('include', `Invalid include: unknown option '${key}'.`);
    if (typeof value !== 'boolean') throw new QueryError('include', `Invalid include.${key}: true or false expected.`);
    include[flag] = value;
  }
  return include;
}

function parsePagination(input: unknown): { limit: number; offset: number } {
  const pagination = { limit: MAX_LIMIT, offset: 0 };
  if (input === undefined || input === null) return pagination;
  if (!isRecord(input)) throw new QueryError('pagination', 'Invalid pagination: an object with limit and offset is expected.');
  for (const [key, value] of Object.entries(input)) {
    if (key !== 'limit' && key !== 'offset') throw new QueryError('pagination', `Invalid pagination: unknown option '${key}'.`);
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new QueryError('pagination', `Invalid pagination.${key}: an integer is expected.`);
    if (key === 'limit' && (value < 1 || value > MAX_LIMIT)) throw new QueryError('pagination', `Invalid pagination.limit: between 1 and ${MAX_LIMIT}.`);
    if (key === 'offset' && (value < 0 || value > 1e9)) throw new QueryError('pagination', 'Invalid pagination.offset: a non-negative integer is expected.');
    pagination[key] = value;
  }
  return pagination;
}

function checkMetricsFitDimensions(metrics: Metric[], dims: string[]): void {
  if (metrics.includes('percentage') && dims.length === 0) {
    throw new QueryError('metrics', 'Metric `percentage` can only be queried with dimensions.');
  }
  const eventDims = dims.filter((d) => dimensionSpec(d)?.scope === 'event');
  const sessionMetrics = metrics.filter((m) => SESSION_METRICS.includes(m));
  // Session metrics of a page are those of the visits entering on it; other event
  // dimensions have no visit of their own to measure.
  if (sessionMetrics.length > 0 && eventDims.length > 0 && !(eventDims.length === 1 && eventDims[0] === 'event:page')) {
    throw new QueryError(
      'metrics',
      `Session metric(s) \`${sessionMetrics.join(', ')}\` cannot be queried along with event dimension(s) \`${eventDims.join(', ')}\`.`,
    );
  }
}

/** Depth of each filter leaf's dimension: 0 in the top-level list, one more inside each and/or/not. */
function leafDepths(filters: Filter[], depth = 0): Array<[string, number]> {
  return filters.flatMap((f): Array<[string, number]> => {
    if (f.op === 'not') return leafDepths([f.filter], depth + 1);
    if ('filters' in f) return leafDepths(f.filters, depth + 1);
    return [[f.dimension, depth]];
  });
}

/**
 * Views per visit are of whole visits, which a page filter would mix with the pages' own
 * pageviews (Plausible refuses it too). Conversion rates are relative to the visitors
 * without the goal and property filters, which can only be set aside at the top level.
 */
function checkMetricsFitFilters(metrics: Metric[], filters: Filter[], dims: string[]): void {
  if (metrics.includes('views_per_visit') && filtersOnPage(filters)) {
    throw new QueryError('metrics', 'Metric `views_per_visit` cannot be queried with a filter on `event:page`.');
  }
  const conversion = metrics.filter((m) => CONVERSION_METRICS.includes(m));
  if (conversion.length === 0) return;
  if (!dims.includes(GOAL_DIMENSION) && !filters.flatMap(filterDimensions).includes(GOAL_DIMENSION)) {
    throw new QueryError('metrics', `Metric \`${conversion[0]}\` can only be queried with event:goal filters or dimensions.`);
  }
  if (leafDepths(filters).some(([d, depth]) => depth > 0 && d.startsWith(PROP_PREFIX))) {
    throw new QueryError(
      'filters',
      'Invalid filters. When `conversion_rate` or `group_conversion_rate` metrics are used, custom property filters can only be used on top level.',
    );
  }
}

/**
 * Validates a query body for `site` (already authorised) at instant `now` (Unix seconds).
 * `statsStart` is the site's first recorded day, for `date_range: "all"`; `goals` are the
 * site's goals, which `event:goal` names.
 */
export function parseQuery(body: Record<string, unknown>, site: Site, now: number, statsStart: string | null, siteGoals: readonly Goal[] = []): Query {
  // A goal whose text holds NUL cannot be written into SQL: such goals (made before they were refused) are left out.
  const goals = siteGoals.filter((g) => !hasNul(g));
  for (const key of Object.keys(body)) {
    if (!FIELDS.includes(key)) throw new QueryError(key, `Unknown field '${key}'.`);
  }
  checkNesting(body);
  const metrics = parseMetrics(body.metrics);
  if (body.date_range === undefined) throw new QueryError('date_range', 'Missing date_range.');
  const period = resolveDateRange(body.date_range, site.timezone, now, statsStart);
  const requested = parseDimensions(body.dimensions);
  const time = requested.find((d) => TIME_DIMENSIONS.includes(d));
  const resolvedTime = time === undefined ? null : time === 'time' ? resolveTime(period) : time;
  const dimensions = requested.map((d) => (d === time ? (resolvedTime as string) : d));
  if (resolvedTime === 'time:hour' && dayNumber(period.lastDay) - dayNumber(period.firstDay) + 1 > MAX_HOURLY_DAYS) {
    throw new QueryError('dimensions', `Invalid dimensions: hourly buckets cover at most ${MAX_HOURLY_DAYS} days.`);
  }
  const filters = parseFilters(body.filters, goals);
  checkMetricsFitDimensions(metrics, dimensions);
  checkMetricsFitFilters(metrics, filters, dimensions);
  const orderBy = parseOrderBy(body.order_by, metrics, dimensions, resolvedTime) ?? [
    ...(resolvedTime ? [[resolvedTime, 'asc'] as [string, 'asc']] : []),
    [metrics[0]!, 'desc'] as [string, 'desc'],
  ];
  const include = parseInclude(body.include);
  if (include.timeLabels && !resolvedTime) throw new QueryError('include', 'Invalid include.time_labels: requires a time dimension.');
  // Resolved here too so a comparison period out of bounds is a 400 before any work is done.
  if (include.compare) comparisonPeriod(include.compare, period, site.timezone, now, include.compareMatchDayOfWeek);
  return {
    site,
    metrics,
    period,
    dateRangeEcho: periodEcho(site.timezone, period),
    dimensions,
    filters,
    filtersEcho: Array.isArray(body.filters) ? body.filters : [],
    orderBy,
    include,
    pagination: parsePagination(body.pagination),
    now,
    goals,
  };
}

