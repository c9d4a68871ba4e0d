/**
 * Which key figures the KPI row shows under the view's filters, as Plausible's top stats:
 * - no event filter: the six visit figures;
 * - a custom-event filter (`event:name is Signup`, Plausible's goal): unique conversions,
 *   total conversions and the conversion rate (converted visitors ÷ visitors of the same
 *   view without the event-name and property filters);
 * - a page filter: visitors, visits and pageviews of the pages; bounce rate and visit
 *   duration are those of the visits that entered on them (the API's meaning, as the Top
 *   Pages rows); views per visit would mix whole visits with the pages' pageviews, so the
 *   API refuses it;
 * - another event filter: the six, the three session figures marked as of whole visits.
 * Pure, so the unit tests and the e2e test read the same choices.
 * @module
 */
import type { Key } from '../../../../dashboard/i18n/index.ts';
import type { StatsResult } from './stats-query.ts';
import { METRICS, type Filter, type Metric } from './state.ts';

export type KpiMode = 'visits' | 'goal' | 'page' | 'event';

export interface KpiDef {
  /** The Stats API metric; `conversion_rate` is computed from two answers (conversionRate). */
  metric: Metric | 'events' | 'conversion_rate';
  label: Key;
  /** What the figure covers, where the label alone would mislead. */
  note: Key | null;
}

/** A custom event or a goal (`event:goal`, whose conversions the API counts) filtered with `is`. */
const isGoal = (f: Filter) => f.op === 'is' && (f.dimension === 'event:goal' || (f.dimension === 'event:name' && !f.values.includes('pageview')));

export function kpiMode(filters: Filter[]): KpiMode {
  if (filters.some(isGoal)) return 'goal';
  if (filters.some((f) => f.dimension === 'event:page')) return 'page';
  if (filters.some((f) => f.dimension.startsWith('event:'))) return 'event';
  return 'visits';
}

const plain = (metric: Metric): KpiDef => ({ metric, label: `sv.kpi.${metric}` as Key, note: null });
const noted = (metric: Metric, note: Key): KpiDef => ({ metric, label: `sv.kpi.${metric}` as Key, note });

export function kpiSet(filters: Filter[]): KpiDef[] {
  switch (kpiMode(filters)) {
    case 'goal':
      return [
        { metric: 'visitors', label: 'sv.kpi.conversions', note: null },
        { metric: 'events', label: 'sv.kpi.events', note: null },
        { metric: 'conversion_rate', label: 'sv.kpi.conversion_rate', note: null },
      ];
    case 'page':
      return [plain('visitors'), plain('visits'), plain('pageviews'), noted('bounce_rate', 'sv.kpi.note.entered'), noted('visit_duration', 'sv.kpi.note.entered')];
    case 'event':
      return [plain('visitors'), plain('visits'), plain('pageviews'), noted('views_per_visit', 'sv.kpi.note.whole'), noted('bounce_rate', 'sv.kpi.note.whole'), noted('visit_duration', 'sv.kpi.note.whole')];
    case 'visits':
      return METRICS.map(plain);
  }
}

/** The metrics the KPI query asks the API for, in the row's order. */
export function kpiApiMetrics(filters: Filter[]): string[] {
  return kpiSet(filters)
    .map((k) => k.metric)
    .filter((m) => m !== 'conversion_rate');
}

/** The chart's metrics: those of the row the chart can draw (the API refuses views per visit under a page filter). */
export function chartMetrics(filters: Filter[]): Metric[] {
  return kpiMode(filters) === 'page' ? METRICS.filter((m) => m !== 'views_per_visit') : [...METRICS];
}

/** The metric the chart draws: the one chosen, unless the filters leave it out of the row. */
export function chartMetric(chosen: Metric, filters: Filter[]): Metric {
  return kpiSet(filters).some((k) => k.metric === chosen) ? chosen : 'visitors';
}

/** The chart's title: the row's label of its metric ("Unique conversions" under a custom-event filter). */
export function chartLabelKey(metric: Metric, filters: Filter[]): Key {
  return kpiSet(filters).find((k) => k.metric === metric)?.label ?? (`sv.kpi.${metric}` as Key);
}

/** The view the conversion rate divides by: the same filters without goals, event names and properties. */
export function conversionBaseFilters(filters: Filter[]): Filter[] {
  return filters.filter((f) => f.dimension !== 'event:name' && f.dimension !== 'event:goal' && !f.dimension.startsWith('event:props:'));
}

/** converted ÷ all in percent, one decimal, rounded half up as the API rounds; null without visitors. */
export function rate(converted: number | null, all: number | null): number | null {
  if (converted === null || !all) return null;
  return Math.floor((2 * 1000 * converted + all) / (2 * all)) / 10;
}

/**
 * The goal KPI answer with the conversion rate appended to its metrics (and to its
 * comparison, the change in percentage points as Plausible shows it).
 */
export function withConversionRate(goal: StatsResult, base: StatsResult): StatsResult {
  const row = goal.results[0];
  const all = base.results[0];
  const current = rate(row?.metrics[0] ?? 0, all?.metrics[0] ?? 0);
  const metrics = [...(row?.metrics ?? [0, 0]), current];
  if (!row?.comparison || !all?.comparison) return { ...goal, results: [{ dimensions: [], metrics }] };
  const before = rate(row.comparison.metrics[0] ?? 0, all.comparison.metrics[0] ?? 0);
  const change = current === null || before === null ? null : Math.round((current - before) * 10) / 10;
  const comparison = { ...row.comparison, metrics: [...row.comparison.metrics, before], change: [...row.comparison.change, change] };
  return { ...goal, results: [{ dimensions: [], metrics, comparison }] };
}
