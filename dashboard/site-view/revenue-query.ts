/**
 * Whether the view filters by a revenue goal, and the KPI row's revenue question then. Pure,
 * so the e2e test sends the very same query.
 * @module
 */
import type { StatsQuery } from '../lib/api.ts';
import type { Filter } from './state.ts';

export const REVENUE_METRICS = ['total_revenue', 'average_revenue'] as const;

export type GoalKind = { kind: string; displayName: string; currency?: string | null };

/** An `is` goal filter naming an event goal with a currency (the API answers revenue for those only). */
export function filtersRevenueGoal(filters: Filter[], goals: GoalKind[]): boolean {
  const revenue = new Set(goals.filter((g) => g.kind === 'event' && g.currency).map((g) => g.displayName));
  return filters.some((f) => f.op === 'is' && f.dimension === 'event:goal' && f.values.some((v) => revenue.has(v)));
}

/** The KPI row's query (range, filters, comparison, imports) asking the revenue metrics instead. */
export function revenueQuery(kpi: StatsQuery): StatsQuery {
  return { ...kpi, metrics: [...REVENUE_METRICS] };
}
