/**
 * The Stats API queries of the site view, built from its state: the KPI row, the time
 * series, each panel's rows, the search-word "not provided" share. Pure, so the e2e test
 * can send the very same queries and compare numbers.
 * @module
 */
import type { StatsQuery } from './stats-query.ts';
import type { DateRange } from './dates.ts';
import { apiCompare } from './dates.ts';
import { chartMetrics, conversionBaseFilters, kpiApiMetrics } from './kpi-set.ts';
import { PAGEVIEW, type SecondMetric, type TabDef } from './panels.ts';
import { type Compare, type Filter, type Interval, apiFilters } from './state.ts';

export interface QueryBase {
  siteId: string;
  range: DateRange;
  filters: Filter[];
  compare: Compare | null;
  /** Plausible's "match day of week": the comparison starts on the weekday the period starts on. */
  matchWeekday?: boolean;
  /** Imported history counted in (`include.imports`). */
  imports?: boolean;
}

const importsInclude = (base: Pick<QueryBase, 'imports'>) => (base.imports ? { imports: true } : {});

const compareInclude = (base: QueryBase) => {
  const value = apiCompare(base.compare);
  if (!value) return {};
  return base.matchWeekday ? { compare: value, compare_match_day_of_week: true } : { compare: value };
};

/** The KPI row's figures for the view's filters (kpi-set.ts). */
export function kpiQuery(base: QueryBase): StatsQuery {
  return {
    site_id: base.siteId,
    metrics: kpiApiMetrics(base.filters),
    date_range: base.range,
    filters: apiFilters(base.filters),
    include: { ...compareInclude(base), ...importsInclude(base) },
  };
}

/** The visitors the conversion rate divides by: the view without its event-name and property filters. */
export function conversionBaseQuery(base: QueryBase): StatsQuery {
  return { ...kpiQuery({ ...base, filters: conversionBaseFilters(base.filters) }), metrics: ['visitors'] };
}

/** Every metric the chart can draw per bucket, so switching the chart's metric needs no new query. `null`: the API picks (`time`). */
export function seriesQuery(base: QueryBase, interval: Interval | null): StatsQuery {
  return {
    site_id: base.siteId,
    metrics: chartMetrics(base.filters),
    date_range: base.range,
    dimensions: [interval ? `time:${interval}` : 'time'],
    filters: apiFilters(base.filters),
    include: { time_labels: true, ...compareInclude(base), ...importsInclude(base) },
  };
}

export function secondMetrics(second: SecondMetric): string[] {
  return ['visitors', second];
}

export interface BreakdownOptions {
  limit: number;
  offset?: number;
  /** Narrows the rows (the Details dialog's search box): a `contains` on the tab's dimension. */
  search?: string;
  orderBy?: [string, 'asc' | 'desc'];
}

export function breakdownQuery(base: QueryBase, tab: TabDef, options: BreakdownOptions): StatsQuery {
  const filters = [...base.filters, ...(tab.extraFilters ?? [])];
  // A filter on event names or goals already says which events count.
  if (tab.pageviewsOnly && !base.filters.some((f) => f.dimension === 'event:name' || f.dimension === 'event:goal')) filters.push(PAGEVIEW);
  if (tab.hideNotSet) filters.push({ op: 'is_not', dimension: tab.dimension, values: ['(not set)'] });
  if (options.search) filters.push({ op: 'contains', dimension: tab.shown ?? tab.dimension, values: [options.search] });
  return {
    site_id: base.siteId,
    metrics: secondMetrics(tab.second),
    date_range: base.range,
    dimensions: tab.dimensions ?? [tab.dimension],
    filters: apiFilters(filters),
    order_by: [options.orderBy ?? ['visitors', 'desc']],
    include: { total_rows: true, ...importsInclude(base) },
    pagination: { limit: options.limit, offset: options.offset ?? 0 },
  };
}

/** The Goals panel's rows (`event:goal`): each goal's conversions, and its revenue when `metrics` asks. */
export function goalsQuery(base: QueryBase, metrics = ['visitors', 'events', 'conversion_rate']): StatsQuery {
  return { ...breakdownQuery(base, { dimension: 'event:goal', second: 'events' } as TabDef, { limit: 100 }), metrics };
}

/** Search-engine visits, and those of them without search words: the "not provided" share. */
export function notProvidedQueries(base: QueryBase): [StatsQuery, StatsQuery] {
  const engine: Filter = { op: 'is_not', dimension: 'visit:search_engine', values: ['(not set)'] };
  const noWords: Filter = { op: 'is', dimension: 'visit:search_keyword', values: ['(not set)'] };
  const q = (filters: Filter[]): StatsQuery => ({ site_id: base.siteId, metrics: ['visits'], date_range: base.range, filters: apiFilters(filters), include: importsInclude(base) });
  return [q([...base.filters, engine]), q([...base.filters, engine, noWords])];
}

/**
 * Visitors of all time: zero means no event has arrived yet (the snippet's empty state).
 * With imports, all time starts at the first imported day.
 */
export function everQuery(siteId: string, imports = false): StatsQuery {
  return { site_id: siteId, metrics: ['visitors'], date_range: 'all', ...(imports ? { include: { imports: true } } : {}) };
}
