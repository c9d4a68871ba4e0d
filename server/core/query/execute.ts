/**
 * Runs a validated query: reads the groups it needs, computes metrics, applies ordering
 * and pagination, adds the comparison period, and shapes the Plausible v2 response.
 * @module
 */
import type { ColumnarCoverage, ColumnarReader, Db } from '../ports.ts';
import { comparisonPeriod, periodEcho } from './date-range.ts';
import { dimensionSpec, GOAL_DIMENSION, goalSpec, isTimeDimension, PROP_PREFIX, type DimensionSpec } from './dimensions.ts';
import { filterDimensions, filterMatches, filtersOnPage, leafMatches, pageAsEntryPage } from './filters.ts';
import { metricChange, metricValue, missingValue, type GroupSums, type Totals } from './metrics.ts';
import { rollupsCanServe } from './plan.ts';
import { importedRange } from '../imports/store.ts';
import { IMPORTS_WARNINGS, ImportsUnanswerable, importsSkipReason } from './imported.ts';
import { readGroups, visitGroupsAddUp } from './read.ts';
import type { ReadContext } from './read-context.ts';
import { readRollupState } from './rollup-state.ts';
import { eventNameForm } from './goal-names.ts';
import { goalRollupsPreferred } from './goal-rollup-read.ts';
import { money, readRevenue, REVENUE_WARNINGS, revenuePlan, revenueValue, roundAmount, wantsRevenue, type OtherCurrency, type RevenuePlan } from './revenue.ts';
import { reachesPurged } from '../privacy/purge-boundary.ts';
import { readSitePrivacy } from '../privacy/site-privacy.ts';
import { KEY_SEPARATOR, type Key } from './sums.ts';
import { timeLabels } from './time-buckets.ts';
import { CONVERSION_METRICS, REVENUE_METRICS, SESSION_METRICS, type Filter, type FilterLeaf, type Metric, type Period, type Query, type TimeDimension } from './types.ts';

export interface ResultRow {
  dimensions: string[];
  metrics: Array<number | null>;
  comparison?: { dimensions: Array<string | null>; metrics: Array<number | null>; change: Array<number | null> };
}

/** A row as answered: revenue metrics as Plausible's money objects (revenue.ts). */
export interface AnsweredRow {
  dimensions: string[];
  metrics: unknown[];
  comparison?: { dimensions: Array<string | null>; metrics: unknown[]; change: Array<number | null> };
}

export interface QueryResponse {
  results: AnsweredRow[];
  meta: Record<string, unknown>;
  query: Record<string, unknown>;
}

export interface RunOptions {
  /** False reads raw tables only: the reference path the rollup path must agree with. */
  useRollups: boolean;
  /** The columnar copy of closed days, read where rollups cannot answer (Node). */
  columnar?: ColumnarReader | null;
}

const VISIT_METRICS: readonly Metric[] = ['visitors', 'visits', 'percentage', ...CONVERSION_METRICS, ...SESSION_METRICS];

/**
 * The goals a goal breakdown lists: the site's, in the owner's order, but those a top-level
 * goal filter leaves out (a breakdown filtered to goal X lists X alone, as Plausible's).
 */
function breakdownGoals(query: Query): Query['goals'] {
  const leaves = query.filters.filter((f): f is FilterLeaf => 'dimension' in f && f.dimension === GOAL_DIMENSION);
  return query.goals.filter((g) => leaves.every((leaf) => leafMatches(leaf, g.displayName)));
}

function keysOf(query: Query): Key[] {
  return query.dimensions.map((d) => {
    if (isTimeDimension(d)) return { time: d };
    return { spec: d === GOAL_DIMENSION ? goalSpec(breakdownGoals(query)) : (dimensionSpec(d) as DimensionSpec) };
  });
}

/** A top-level filter the conversion rates' totals set aside (Plausible's): on goals or custom properties. */
function conversionFilter(f: Filter): boolean {
  return 'dimension' in f && (f.dimension === GOAL_DIMENSION || f.dimension.startsWith(PROP_PREFIX));
}

/** The visitors of `query` per group of `dimensions`, without its goal and property filters: what converted visitors are a share of. */
async function visitorsWithoutGoals(ctx: ReadContext, query: Query, dimensions: string[], period: Period): Promise<Map<string, number>> {
  const totals: Query = { ...query, metrics: ['visitors'], dimensions, filters: query.filters.filter((f) => !conversionFilter(f)) };
  const rows = await computeRows(ctx, totals, period);
  return new Map(rows.map((r) => [r.dimensions.join(KEY_SEPARATOR), (r.metrics[0] as number | null) ?? 0]));
}

/** Session metrics of a page are those of the visits that entered on it. */
function visitKeysForEventQuery(keys: Key[]): Key[] {
  return keys.map((k) => ('spec' in k && k.spec.name === 'event:page' ? { spec: dimensionSpec('visit:entry_page') as DimensionSpec } : k));
}

/**
 * Filters that only pick whole groups of the one dimension being broken down by can be
 * applied to the groups afterwards, so rollups still serve the query. Not with
 * `percentage` (its total is the filtered total) nor with session metrics of pages (their
 * visits are selected by entry page, not by the pages filtered).
 */
function groupSelection(query: Query, keys: Key[], byEvent: boolean, needVisits: boolean): string | null {
  if (query.filters.length === 0 || !rollupsCanServe(keys) || query.metrics.includes('percentage')) return null;
  if (byEvent && needVisits) return null;
  const specs = keys.flatMap((k) => ('spec' in k ? [k.spec.name] : []));
  if (specs.length !== 1) return null;
  return query.filters.flatMap(filterDimensions).every((d) => d === specs[0]) ? specs[0]! : null;
}

async function totalVisitors(ctx: ReadContext, query: Query, period: Period): Promise<number> {
  const groups = await readGroups(ctx, 'visits', [], query.filters, period);
  return [...groups.values()].reduce((n, g) => n + g.sums.visitors, 0);
}

/**
 * Result rows of `query` over `period`, unordered and unpaginated; revenue metrics as plain
 * numbers (formatted last). Revenue in other currencies than its goal's is added to `other`.
 */
async function computeRows(ctx: ReadContext, query: Query, period: Period, other?: Map<string, OtherCurrency>): Promise<ResultRow[]> {
  // Goals that are plain event names are read as event:name (goal-names.ts); totals and revenue from the query itself.
  // A single-goal filter is read from its goal rollups instead where they cover the period
  // (goal-rollup-read.ts); not with imports, whose custom events count for event-name goals.
  const named = ctx.rollups && !ctx.imports && goalRollupsPreferred(query) ? null : eventNameForm(query, breakdownGoals(query));
  const read = named?.query ?? query;
  const keys = keysOf(read);
  const byEvent = keys.some((k) => 'spec' in k && k.spec.scope === 'event');
  // Unless events are filtered, a visit's own counters are its pageviews and events, so
  // visit-level queries never read the events table.
  const fromCounters = !byEvent && !read.filters.flatMap(filterDimensions).some((d) => dimensionSpec(d)?.scope === 'event');
  // Revenue is of events: under event filters, its groups are those of the events passing them.
  const wantsEvents = query.metrics.some((m) => m === 'pageviews' || m === 'events' || REVENUE_METRICS.includes(m));
  const needVisits = byEvent ? query.metrics.some((m) => SESSION_METRICS.includes(m)) : fromCounters || query.metrics.some((m) => VISIT_METRICS.includes(m));
  const needEvents = byEvent || (!fromCounters && wantsEvents);
  const selected = ctx.rollups ? groupSelection(read, keys, byEvent, needVisits) : null;
  const filters = selected ? [] : read.filters;

  // Under a page filter, session metrics are of the visits that entered on the pages.
  const entered = needVisits && filtersOnPage(filters) && query.metrics.some((m) => SESSION_METRICS.includes(m));
  const entryFilters = entered ? filters.map(pageAsEntryPage) : filters;
  // Grouped by an event dimension, visits are read for session metrics only.
  const visits = needVisits ? await readGroups(ctx, 'visits', byEvent ? visitKeysForEventQuery(keys) : keys, byEvent ? entryFilters : filters, period) : new Map();
  const sessions = entered && !byEvent ? await readGroups(ctx, 'visits', keys, entryFilters, period) : visits;
  // Not grouped by an event dimension, events give pageviews and events alone (metricValue): no distinct counts.
  const events = needEvents ? await readGroups(ctx, 'events', keys, filters, period, !byEvent) : new Map();

  const groups = new Map<string, { labels: string[] } & GroupSums>();
  const sources = byEvent ? [events] : [visits, events];
  for (const source of sources) {
    for (const [key, g] of source) if (!groups.has(key)) groups.set(key, { labels: g.labels, visits: null, events: null, sessions: null });
  }
  if (keys.length === 0 && groups.size === 0) groups.set('', { labels: [], visits: null, events: null, sessions: null });
  for (const [key, g] of groups) {
    g.visits = visits.get(key)?.sums ?? null;
    g.sessions = sessions.get(key)?.sums ?? null;
    const counters = g.visits && fromCounters ? { visitors: 0, visits: 0, pageviews: g.visits.pageviews, events: g.visits.events } : null;
    g.events = counters ?? events.get(key)?.sums ?? null;
  }

  let rows = [...groups.values()];
  if (selected) {
    const position = read.dimensions.indexOf(selected);
    rows = rows.filter((g) => read.filters.every((f) => filterMatches(f, () => g.labels[position]!)));
  }
  if (named) {
    const position = query.dimensions.indexOf(GOAL_DIMENSION);
    if (position >= 0) for (const g of rows) g.labels = g.labels.map((l, i) => (i === position ? (named.labels.get(l) ?? l) : l));
  }
  // A share's total: the groups' visitors added up where each visitor is in one group alone (read.ts), else counted.
  const summed = !selected && !byEvent && query.metrics.includes('percentage') && (await visitGroupsAddUp(ctx, keys, filters, period));
  const total = !query.metrics.includes('percentage') ? 0 : summed ? [...visits.values()].reduce((n, g) => n + g.sums.visitors, 0) : await totalVisitors(ctx, query, period);
  const conversion = query.metrics.includes('conversion_rate') ? ((await visitorsWithoutGoals(ctx, query, [], period)).get('') ?? 0) : 0;
  // Groups are the other dimensions' values: a goal's converted visitors are a share of all the group's.
  const groupDims = query.dimensions.filter((d) => d !== GOAL_DIMENSION);
  const groupTotals = query.metrics.includes('group_conversion_rate') ? await visitorsWithoutGoals(ctx, query, groupDims, period) : null;
  const groupKey = (labels: string[]) => labels.filter((_, i) => query.dimensions[i] !== GOAL_DIMENSION).join(KEY_SEPARATOR);
  const plan = wantsRevenue(query) ? revenuePlan(query, breakdownGoals(query)) : null;
  const revenue = plan && plan.warning === null ? await readRevenue(ctx, plan, keysOf(query), query.filters, period) : null;
  for (const [currency, o] of revenue?.other ?? []) {
    const seen = other?.get(currency) ?? { currency, events: 0, amount: 0 };
    other?.set(currency, { currency, events: seen.events + o.events, amount: seen.amount + o.amount });
  }
  return rows.map((g) => {
    const totals: Totals = { visitors: total, conversion, group: groupTotals?.get(groupKey(g.labels)) ?? 0 };
    const sums = revenue?.groups.get(g.labels.join(KEY_SEPARATOR));
    const value = (m: Metric) => (REVENUE_METRICS.includes(m) ? (revenue ? revenueValue(m, sums) : null) : metricValue(m, g, byEvent, totals));
    return { dimensions: g.labels, metrics: query.metrics.map(value) };
  });
}

/**
 * Revenue metrics as Plausible answers them: money objects in the row's currency (null
 * where the plan gives none), comparison values too; changes stay numbers.
 */
function formatRevenue(rows: ResultRow[], query: Query, plan: RevenuePlan | null): AnsweredRow[] {
  if (!plan) return rows;
  const positions = query.metrics.flatMap((m, i) => (REVENUE_METRICS.includes(m) ? [i] : []));
  const format = (metrics: Array<number | null>, labels: Array<string | null>) =>
    metrics.map((v, i) => {
      if (!positions.includes(i)) return v;
      const currency = plan.warning === null && labels.every((l) => l !== null) ? plan.currency(labels as string[]) : null;
      return currency === null ? null : money(v ?? 0, currency);
    });
  return rows.map((r) => ({
    ...r,
    metrics: format(r.metrics, r.dimensions),
    ...(r.comparison ? { comparison: { ...r.comparison, metrics: format(r.comparison.metrics, r.dimensions) } } : {}),
  }));
}

/** Plausible's `meta.metric_warnings` for revenue, and the revenue left out for its currency. */
function revenueWarnings(query: Query, plan: RevenuePlan | null, other: Map<string, OtherCurrency>): Record<string, unknown> | null {
  if (!plan) return null;
  let warning: Record<string, unknown> | null = null;
  if (plan.warning !== null) {
    warning = { code: plan.warning, warning: REVENUE_WARNINGS[plan.warning] };
  } else if (other.size > 0) {
    const currencies = [...other.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1)).map((o) => ({ ...o, amount: roundAmount(o.amount) }));
    warning = {
      code: 'revenue_in_other_currencies',
      warning: 'Revenue in another currency than its goal\'s is not included: Teller converts no currencies.',
      other_currencies: currencies,
    };
  }
  if (!warning) return null;
  return Object.fromEntries(query.metrics.filter((m) => REVENUE_METRICS.includes(m)).map((m) => [m, warning]));
}

function compareValues(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** Orders rows by `order_by`, then by every dimension ascending, so ties always break the same way. */
function sortRows(rows: ResultRow[], query: Query): void {
  const columns = query.orderBy.map(([key, direction]) => {
    const metric = query.metrics.indexOf(key as Metric);
    const pick =
      metric >= 0 ? (r: ResultRow) => r.metrics[metric] ?? null : (r: ResultRow) => r.dimensions[query.dimensions.indexOf(key)] ?? null;
    return { pick, sign: direction === 'asc' ? 1 : -1 };
  });
  rows.sort((a, b) => {
    for (const c of columns) {
      const d = compareValues(c.pick(a), c.pick(b)) * c.sign;
      if (d !== 0) return d;
    }
    for (let i = 0; i < a.dimensions.length; i++) {
      const d = compareValues(a.dimensions[i] ?? null, b.dimensions[i] ?? null);
      if (d !== 0) return d;
    }
    return 0;
  });
}

function timeDimension(query: Query): TimeDimension | null {
  return (query.dimensions.find(isTimeDimension) as TimeDimension | undefined) ?? null;
}

/** Attaches the comparison period's values and changes to each row, the way Plausible v2 does. */
async function addComparison(ctx: ReadContext, query: Query, rows: ResultRow[], period: Period): Promise<ResultRow[]> {
  const time = timeDimension(query);
  const position = time ? query.dimensions.indexOf(time) : -1;
  let all = rows;
  const mainLabels = time ? timeLabels(time, query.period.firstDay, query.period.lastDay) : [];
  if (time && query.dimensions.length === 1) {
    // A time series gets a row for every bucket, so each can show its comparison.
    const present = new Set(rows.map((r) => r.dimensions[0]));
    const empty = mainLabels.filter((l) => !present.has(l));
    all = [...rows, ...empty.map((l) => ({ dimensions: [l], metrics: query.metrics.map(missingValue) }))];
  }
  const previous = new Map((await computeRows(ctx, query, period)).map((r) => [r.dimensions.join(KEY_SEPARATOR), r.metrics]));
  const previousLabels = time ? timeLabels(time, period.firstDay, period.lastDay) : [];
  const shifted = new Map(mainLabels.map((l, i) => [l, previousLabels[i] ?? null]));
  return all.map((row) => {
    const dimensions = row.dimensions.map((d, i) => (i === position ? (shifted.get(d) ?? null) : d));
    const metrics = previous.get(dimensions.join(KEY_SEPARATOR)) ?? query.metrics.map(missingValue);
    const change = query.metrics.map((m, i) => metricChange(m, metrics[i] ?? null, row.metrics[i] ?? null));
    return { ...row, comparison: { dimensions, metrics, change } };
  });
}

function includeEcho(query: Query): Record<string, unknown> {
  const include: Record<string, unknown> = {};
  if (query.include.imports) include.imports = true;
  if (query.include.timeLabels) include.time_labels = true;
  if (query.include.totalRows) include.total_rows = true;
  const compare = query.include.compare;
  if (compare) include.compare = compare.mode === 'custom' ? [compare.first, compare.last] : compare.mode;
  if (query.include.compareMatchDayOfWeek) include.compare_match_day_of_week = true;
  return include;
}

/** The rows of `query`, with their comparison when asked, and the meta the comparison adds. */
async function answer(ctx: ReadContext, query: Query, comparison: Period | null, meta: Record<string, unknown>): Promise<ResultRow[]> {
  const other = new Map<string, OtherCurrency>();
  const rows = await computeRows(ctx, query, query.period, other);
  const warnings = revenueWarnings(query, wantsRevenue(query) ? revenuePlan(query, breakdownGoals(query)) : null, other);
  if (warnings) meta.metric_warnings = warnings;
  if (!comparison) return rows;
  meta.comparison_date_range = periodEcho(query.site.timezone, comparison);
  if (reachesPurged(comparison, ctx.purgedBefore)) meta.purged_before = ctx.purgedBefore;
  return addComparison(ctx, query, rows, comparison);
}

/**
 * The answer with imported days included where the query allows (imported.ts), else from
 * own data alone with Plausible's reason in `meta`.
 */
async function answerWithImports(ctx: ReadContext, query: Query, comparison: Period | null, meta: Record<string, unknown>): Promise<ResultRow[]> {
  const spans = (await importedRange(ctx.db, query.site.id))?.imports ?? [];
  // Goals that are plain event names are imported custom events (imported_custom_events); other goals are not imported.
  const asRead = eventNameForm(query, breakdownGoals(query))?.query ?? query;
  let reason = importsSkipReason(asRead, spans, comparison ? [query.period, comparison] : [query.period]);
  if (reason === null) {
    try {
      const rows = await answer({ ...ctx, imports: { imports: spans, metrics: query.metrics } }, query, comparison, meta);
      meta.imports_included = true;
      return rows;
    } catch (e) {
      if (!(e instanceof ImportsUnanswerable)) throw e;
      reason = 'unsupported_query';
    }
  }
  meta.imports_included = false;
  meta.imports_skip_reason = reason;
  const warning = IMPORTS_WARNINGS[reason];
  if (warning) meta.imports_warning = warning;
  return answer(ctx, query, comparison, meta);
}

/** Answers a validated query. */
export async function runQuery(db: Db, query: Query, options: RunOptions = { useRollups: true }): Promise<QueryResponse> {
  const { purgedBefore } = await readSitePrivacy(db, query.site.id);
  const reader = options.columnar ?? null;
  let coverage: Promise<ColumnarCoverage | null> | null = null;
  const ctx: ReadContext = {
    db,
    site: query.site,
    rollups: options.useRollups ? await readRollupState(db, query.site.id) : null,
    purgedBefore,
    columnar: reader && { reader, coverage: () => (coverage ??= reader.coverage(query.site.id, query.site.timezone)) },
  };
  const meta: Record<string, unknown> = {};
  const compare = query.include.compare;
  const comparison = compare ? comparisonPeriod(compare, query.period, query.site.timezone, query.now, query.include.compareMatchDayOfWeek) : null;
  const rows = query.include.imports ? await answerWithImports(ctx, query, comparison, meta) : await answer(ctx, query, comparison, meta);
  // Days before a purge read as empty because they are: said so, not left to look like no traffic.
  if (reachesPurged(query.period, purgedBefore)) meta.purged_before = purgedBefore;
  sortRows(rows, query);
  const time = timeDimension(query);
  if (query.include.timeLabels && time) meta.time_labels = timeLabels(time, query.period.firstDay, query.period.lastDay);
  if (query.include.totalRows) meta.total_rows = rows.length;
  const { limit, offset } = query.pagination;
  const plan = wantsRevenue(query) ? revenuePlan(query, breakdownGoals(query)) : null;
  return {
    results: formatRevenue(rows.slice(offset, offset + limit), query, plan),
    meta,
    query: {
      site_id: query.site.domain,
      metrics: query.metrics,
      date_range: query.dateRangeEcho,
      filters: query.filtersEcho,
      dimensions: query.dimensions,
      order_by: query.orderBy,
      include: includeEcho(query),
      pagination: query.pagination,
    },
  };
}
