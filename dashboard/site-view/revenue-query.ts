/**
 * Whether the view filters by a revenue goal, and the KPI row's revenue question then. Pure,
 * so the e2e test sends the very same query.
 * @module
 */
import type { StatsQuery } from '../lib/api.ts';
import type { Filter } from '../../server/core/dashboard-api/view-queries/state.ts';

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

/**
 * How an amount is printed in a KPI cell, whose figure a phone's half-width column holds at
 * about eleven characters: cents below 1,000, whole units below 100,000, else compact
 * (NOK 1.2M); the cell's title has the exact amount.
 */
export function revenueFormat(value: number, currency: string): Intl.NumberFormatOptions {
  const size = Math.abs(value);
  if (size < 1_000) return { style: 'currency', currency };
  if (size < 100_000) return { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 };
  return { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 };
}
