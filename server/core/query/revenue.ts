/**
 * `total_revenue` and `average_revenue`, as Plausible's: the revenue of the events that
 * complete a revenue goal (an event goal with a currency), answered in the goal's currency
 * as `{ value, currency, short, long }`. Which goals count is Plausible's rule: the goals the
 * query's goal filters leave (all without one); with one currency among them the answer is
 * in it; grouped by `event:goal`, each goal's row is in its own; otherwise the metrics are
 * null and `meta.metric_warnings` says why, with Plausible's codes.
 *
 * Teller has no exchange rates: an event whose revenue is in another currency than its goal's
 * is left out of the sums and listed in `meta.metric_warnings` (code
 * `revenue_in_other_currencies`) with its currency, events and amount. Revenue is read from
 * SQLite's raw events over the whole period (rollups and the columnar copy hold none).
 * @module
 */
import type { SqlValue } from '../ports.ts';
import { periodAfterPurge } from '../privacy/purge-boundary.ts';
import { type GoalDefinition } from '../goals/goals.ts';
import { SQLITE } from './dialect.ts';
import { GOAL_DIMENSION, goalSpec, namedLabel, sqlLiteral } from './dimensions.ts';
import { currencyOf, GOAL_ALIAS } from './goal-sql.ts';
import { checkRetention } from './plan.ts';
import { revenueStatement } from './raw-sql.ts';
import type { ReadContext } from './read-context.ts';
import { KEY_SEPARATOR, type Key } from './sums.ts';
import { REVENUE_METRICS, type Filter, type Metric, type Period, type Query } from './types.ts';

/** Plausible's revenue warning codes and texts. */
export const REVENUE_WARNINGS = {
  no_revenue_goals_matching: 'Revenue metrics are null as there are no matching revenue goals.',
  no_single_revenue_currency: 'Revenue metrics are null as there are multiple currencies for the selected event:goals.',
} as const;

export type RevenueWarning = keyof typeof REVENUE_WARNINGS;

/** Which goals' revenue a query sums and in which currency, or why it cannot. */
export type RevenuePlan =
  | { warning: RevenueWarning }
  | { warning: null; goals: readonly GoalDefinition[]; byGoal: boolean; currency: (labels: string[]) => string | null };

/** Plausible's choice of revenue goals and currency for a query; `goals` are those its goal filters leave. */
export function revenuePlan(query: Query, goals: readonly GoalDefinition[]): RevenuePlan {
  const revenueGoals = goals.filter((g) => currencyOf(g) !== '');
  const currencies = [...new Set(revenueGoals.map(currencyOf))];
  if (currencies.length === 0) return { warning: 'no_revenue_goals_matching' };
  const position = query.dimensions.indexOf(GOAL_DIMENSION);
  if (position >= 0) {
    const byName = new Map(revenueGoals.map((g) => [g.displayName, currencyOf(g)]));
    return { warning: null, goals: revenueGoals, byGoal: true, currency: (labels) => byName.get(labels[position]!) ?? null };
  }
  if (currencies.length > 1) return { warning: 'no_single_revenue_currency' };
  return { warning: null, goals: revenueGoals, byGoal: false, currency: () => currencies[0]! };
}

/** A group's revenue in its goal's currency: the sum and the events summed. */
export interface RevenueSums {
  amount: number;
  events: number;
}

/** Revenue left out for its currency, over the whole answer. */
export interface OtherCurrency {
  currency: string;
  events: number;
  amount: number;
}

export interface RevenueRead {
  groups: Map<string, RevenueSums>;
  other: Map<string, OtherCurrency>;
}

/** Amounts as Plausible's (ClickHouse Decimal64(3)): three decimals, which also clears float noise. */
export const roundAmount = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The revenue of each group of `keys` over `period`, under `filters`: the events completing
 * one of the plan's goals, in that goal's currency; other currencies apart.
 */
export async function readRevenue(ctx: ReadContext, plan: Extract<RevenuePlan, { warning: null }>, keys: Key[], filters: Filter[], whole: Period): Promise<RevenueRead> {
  const read: RevenueRead = { groups: new Map(), other: new Map() };
  const period = periodAfterPurge(whole, ctx.site.timezone, ctx.purgedBefore);
  if (period === null) return read;
  checkRetention([{ kind: 'raw', start: period.start, end: period.end }], ctx.site.timezone, ctx.rollups?.rawKeptFrom ?? null);
  const revenueKeys = keys.map((k): Key => ('spec' in k && k.spec.goals ? { spec: goalSpec(plan.goals) } : k));
  const onlyRevenueGoals: Filter = { op: 'is', dimension: GOAL_DIMENSION, values: [], caseSensitive: true, goals: plan.goals };
  const stmt = revenueStatement(
    {
      dialect: SQLITE,
      relation: 'events',
      keys: revenueKeys,
      filters: plan.byGoal ? filters : [...filters, onlyRevenueGoals],
      siteId: ctx.site.id,
      timeZone: ctx.site.timezone,
      start: period.start,
      end: period.end,
      periodStart: period.start,
      periodEnd: period.end,
      firstDay: period.firstDay,
    },
    plan.byGoal ? `${GOAL_ALIAS}.goal_currency` : sqlLiteral(plan.currency([])!),
  );
  for (const row of await ctx.db.all<Record<string, SqlValue>>(stmt.sql, stmt.params)) {
    const amount = Number(row.amount ?? 0);
    const events = Number(row.n ?? 0);
    if (row.currency !== row.goal_currency) {
      const currency = String(row.currency);
      const other = read.other.get(currency) ?? { currency, events: 0, amount: 0 };
      read.other.set(currency, { currency, events: other.events + events, amount: other.amount + amount });
      continue;
    }
    const labels = keys.map((k, i) => ('spec' in k && k.spec.named ? namedLabel(k.spec, row[`k${i}`] ?? null) : String(row[`k${i}`] ?? null)));
    const key = labels.join(KEY_SEPARATOR);
    const sums = read.groups.get(key) ?? { amount: 0, events: 0 };
    read.groups.set(key, { amount: sums.amount + amount, events: sums.events + events });
  }
  return read;
}

/** A revenue metric's number for a group: the total, or the average per event (0 without events, as Plausible's). */
export function revenueValue(metric: Metric, sums: RevenueSums | undefined): number {
  if (!sums || sums.events === 0) return 0;
  return roundAmount(metric === 'total_revenue' ? sums.amount : sums.amount / sums.events);
}

/** Plausible's money object for an amount in `currency`. */
export function money(value: number, currency: string): { value: number; currency: string; short: string; long: string } {
  const long = new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(value);
  const short = new Intl.NumberFormat('en-US', { style: 'currency', currency, notation: 'compact', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
  return { value, currency, short, long };
}

/** True when the query asks a revenue metric. */
export function wantsRevenue(query: Query): boolean {
  return query.metrics.some((m) => REVENUE_METRICS.includes(m));
}
