/**
 * Reading the goal rollups (goal-rollups.ts) where they hold the exact answer, the rest of
 * the period the present way (read.ts). They answer a read of whole days that a goal's
 * rollups cover, in the site's timezone and for the goal's current definition, when
 *  - visits are filtered by one goal (`is`/`contains` naming one goal: with two, a visitor
 *    converting on either is not the sum of the goals'), grouped by time buckets of a day or
 *    more and at most one dimension of rollup_visits, other filters only on that dimension
 *    (they pick whole groups: applied to the rows);
 *  - events are filtered by one goal alone, or not filtered and grouped by `event:goal`
 *    (the Goals panel), with time buckets of a day or more and no other dimension.
 * Goal rollups hold the visits that completed the goal the day they started. A visit that
 * went on past midnight and completed the goal later counts for a period reaching that
 * conversion: its day (goal_rollup_pending says which visits could) is then read the
 * present way, so no answer ever differs from the raw path's.
 * @module
 */
import { goalEventCondition, type Goal, type GoalDefinition } from '../goals/goals.ts';
import { goalDefinitionKey } from '../goal-rollups.ts';
import type { SqlValue, Stmt } from '../ports.ts';
import { periodAfterPurge } from '../privacy/purge-boundary.ts';
import { summedMeasures } from '../store/measures.ts';
import { addDays, dayStart } from '../time.ts';
import { dimensionSpec, GOAL_DIMENSION, rollupDimension, sqlLiteral, type DimensionSpec } from './dimensions.ts';
import { filterDimensions, filterMatches } from './filters.ts';
import type { ReadContext } from './read-context.ts';
import type { Key, Relation } from './sums.ts';
import { bucketOfDay } from './time-buckets.ts';
import type { Filter, FilterLeaf, Period, Query } from './types.ts';

/** What a read takes from the goal rollups: days `first`..`last` but `skipped`, and the periods read the present way. */
export interface GoalRollupPlan {
  goals: readonly Goal[];
  /** Filters picking whole groups of the read's dimension, applied to the rollup rows' labels. */
  keeps(labels: string[]): boolean;
  first: string;
  last: string;
  skipped: readonly string[];
  rest: Period[];
}

const isGoal = (g: GoalDefinition): g is Goal => 'id' in g && typeof (g as Goal).id === 'number';

/** The one goal of a goal filter leaf naming exactly one, or null. */
function singleGoal(filter: Filter): Goal | null {
  if (!('dimension' in filter) || filter.dimension !== GOAL_DIMENSION) return null;
  const leaf = filter as FilterLeaf;
  if (leaf.op !== 'is' && leaf.op !== 'contains') return null;
  const goals = leaf.goals ?? [];
  return goals.length === 1 && isGoal(goals[0]!) ? goals[0] : null;
}

/**
 * The filters besides one single-goal filter, when each only picks whole groups of the one
 * visit dimension `spec` (a panel's own `is_not (not set)`): applied to the rollup's rows.
 */
function groupFilters(filters: Filter[], spec: DimensionSpec | null): { goal: Goal; others: Filter[] } | null {
  const goals = filters.flatMap((f) => {
    const goal = singleGoal(f);
    return goal ? [{ goal, filter: f }] : [];
  });
  if (goals.length !== 1) return null;
  const others = filters.filter((f) => f !== goals[0]!.filter);
  if (others.length > 0 && (spec === null || spec.scope !== 'visit' || !others.flatMap(filterDimensions).every((d) => d === spec.name))) return null;
  return { goal: goals[0]!.goal, others };
}

/** True for a query whose goal rollups may answer it: read with them rather than as its event:name twin. */
export function goalRollupsPreferred(query: Query): boolean {
  const specs = query.dimensions.flatMap((d) => (d === GOAL_DIMENSION ? [] : [dimensionSpec(d)].filter((x): x is DimensionSpec => x !== null)));
  return groupFilters(query.filters, specs.length === 1 ? specs[0]! : null) !== null;
}

const dailyOrCoarser = (k: Key) => 'time' in k && k.time !== 'time:hour';

/** The goals whose rollups answer this read and the filters left to apply to its rows, or null. */
function goalsFor(relation: Relation, keys: Key[], filters: Filter[]): { goals: readonly Goal[]; others: Filter[] } | null {
  const specs = keys.filter((k): k is { spec: DimensionSpec } => 'spec' in k);
  if (!keys.every((k) => 'spec' in k || dailyOrCoarser(k)) || specs.length > 1) return null;
  const spec = specs[0]?.spec ?? null;
  if (relation === 'visits') {
    const picked = groupFilters(filters, spec);
    return picked && (spec === null || (spec.scope === 'visit' && spec.rolledUp)) ? { goals: [picked.goal], others: picked.others } : null;
  }
  const filtered = filters.length === 1 ? singleGoal(filters[0]!) : null;
  if (filters.length > 0 && filtered === null) return null;
  const goals = eventGoals(spec, filtered);
  return goals ? { goals, others: [] } : null;
}

/** The goals whose conversions answer a read of events grouped by `spec` under the goal filter `filtered`, or null. */
function eventGoals(spec: DimensionSpec | null, filtered: Goal | null): readonly Goal[] | null {
  if (spec === null) return filtered ? [filtered] : null;
  if (!spec.goals || !spec.goals.every(isGoal)) return null;
  // Grouped by goal under a goal filter: exact when the rows are that goal's alone.
  if (filtered) return spec.goals.length === 1 && spec.goals[0]!.id === filtered.id ? [filtered] : null;
  return spec.goals.length > 0 ? spec.goals : null;
}

/** Days covered for every goal: the latest first day and the earliest last, or null. */
async function coveredDays(ctx: ReadContext, goals: readonly Goal[]): Promise<[string, string] | null> {
  // Ids are the site's stored goals' integers, written in: a breakdown may list more goals than D1 binds parameters.
  const ids = goals.map((g) => Math.trunc(g.id)).join(', ');
  const rows = await ctx.db.all<{ goal_id: number; definition: string; timezone: string; first_day: string; days_through: string }>(
    `SELECT goal_id, definition, timezone, first_day, days_through FROM goal_rollup_state WHERE site_id = ? AND goal_id IN (${ids})`,
    [ctx.site.id],
  );
  const byId = new Map(rows.map((r) => [r.goal_id, r]));
  let first = '';
  let last = '9999-12-31';
  for (const goal of goals) {
    const row = byId.get(goal.id);
    if (!row || row.definition !== goalDefinitionKey(goal) || row.timezone !== ctx.site.timezone) return null;
    if (row.first_day > first) first = row.first_day;
    if (row.days_through < last) last = row.days_through;
  }
  return first <= last ? [first, last] : null;
}

/** Days of first..last on which a visit that started then completed `goal` after midnight, before `end`. */
async function lateDays(ctx: ReadContext, goal: Goal, first: string, last: string, end: number): Promise<string[]> {
  const rows = await ctx.db.all<{ day: string }>(
    `SELECT DISTINCT p.day AS day FROM goal_rollup_pending p JOIN events e ON e.visit_id = p.visit_id
      WHERE p.site_id = ? AND p.goal_id = ? AND p.day >= ? AND p.day <= ? AND e.ts < ? AND ${goalEventCondition(goal, 'e').sql}`,
    [ctx.site.id, goal.id, first, last, end],
  );
  return rows.map((r) => r.day).sort();
}

/** A stretch of `period` between two instants, as a period of its own (its days as they fall). */
function part(period: Period, start: number, end: number, firstDay: string, lastDay: string): Period {
  return { start: Math.max(start, period.start), end: Math.min(end, period.end), firstDay, lastDay };
}

/**
 * The goal rollups' part of a read and the periods left to read the present way, or null
 * when goal rollups cannot answer any of it.
 */
export async function planGoalRollups(ctx: ReadContext, relation: Relation, keys: Key[], filters: Filter[], whole: Period): Promise<GoalRollupPlan | null> {
  if (ctx.rollups === null || ctx.imports) return null;
  const picked = goalsFor(relation, keys, filters);
  if (!picked) return null;
  const { goals, others } = picked;
  const position = keys.findIndex((k) => 'spec' in k);
  const keeps = (labels: string[]) => others.every((f) => filterMatches(f, () => labels[position]!));
  const period = periodAfterPurge(whole, ctx.site.timezone, ctx.purgedBefore);
  if (period === null) return null;
  const tz = ctx.site.timezone;
  const firstWhole = period.start === dayStart(tz, period.firstDay) ? period.firstDay : addDays(period.firstDay, 1);
  const lastWhole = period.end === dayStart(tz, addDays(period.lastDay, 1)) ? period.lastDay : addDays(period.lastDay, -1);
  if (firstWhole > lastWhole) return null;
  const covered = await coveredDays(ctx, goals);
  if (!covered) return null;
  const first = covered[0] > firstWhole ? covered[0] : firstWhole;
  const last = covered[1] < lastWhole ? covered[1] : lastWhole;
  if (first > last) return null;
  const skipped = relation === 'visits' ? await lateDays(ctx, goals[0]!, first, last, period.end) : [];
  const rest: Period[] = [];
  const firstStart = dayStart(tz, first);
  if (period.start < firstStart) rest.push(part(period, period.start, firstStart, period.firstDay, addDays(first, -1)));
  for (const day of skipped) rest.push(part(period, dayStart(tz, day), dayStart(tz, addDays(day, 1)), day, day));
  const lastEnd = dayStart(tz, addDays(last, 1));
  if (lastEnd < period.end) rest.push(part(period, lastEnd, period.end, addDays(last, 1), period.lastDay));
  return { goals, keeps, first, last, skipped, rest };
}

/** The statement reading the goal rollups' part of a plan; rows as read.ts' raw reads have them. */
export function goalRollupStatement(ctx: ReadContext, plan: GoalRollupPlan, relation: Relation, keys: Key[], firstDay: string): Stmt {
  const columns: string[] = [];
  const params: SqlValue[] = [];
  let dimension = '';
  keys.forEach((key, i) => {
    if ('time' in key) {
      const bucket = bucketOfDay(key.time as Exclude<typeof key.time, 'time:hour'>, 'day', firstDay);
      columns.push(`${bucket.sql} AS k${i}`);
      params.push(...bucket.params);
    } else if (key.spec.goals) {
      // Goal ids and names are the site's stored goals: safe as literals.
      columns.push(`CASE goal_id ${plan.goals.map((g) => `WHEN ${Math.trunc(g.id)} THEN ${sqlLiteral(g.displayName)}`).join(' ')} END AS k${i}`);
    } else {
      dimension = rollupDimension(key.spec);
      columns.push(`value AS k${i}`);
    }
  });
  const table = relation === 'visits' ? 'goal_rollup_visits' : 'goal_rollup_events';
  const ids = plan.goals.map((g) => Math.trunc(g.id)).join(', ');
  const where = [`site_id = ?`, `goal_id IN (${ids})`, 'day >= ?', 'day <= ?'];
  params.push(ctx.site.id, plan.first, plan.last);
  if (relation === 'visits') {
    where.push('dimension = ?');
    params.push(dimension);
  }
  // Days come from the database's own rows: safe as literals.
  if (plan.skipped.length > 0) where.push(`day NOT IN (${plan.skipped.map(sqlLiteral).join(', ')})`);
  const names = keys.map((_, i) => `k${i}`);
  return {
    sql: `SELECT ${[...columns, summedMeasures(relation)].join(', ')} FROM ${table} WHERE ${where.join(' AND ')}${names.length > 0 ? ` GROUP BY ${names.join(', ')}` : ''}`,
    params,
  };
}
