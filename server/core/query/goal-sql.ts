/**
 * `event:goal` in SQL over raw events (SQLite, D1) and the columnar copy (DuckDB): a goal
 * filter is the OR of its goals' conditions on the event row; a goal breakdown joins each
 * event to the goals it completes, so an event completing two goals (overlapping page
 * wildcards) counts once under each, as Plausible's does.
 * @module
 */
import { goalEventCondition, type GoalDefinition } from '../goals/goals.ts';
import { sqlLiteral, type SqlPart } from './dimensions.ts';

/** True when the event row `e` completes one of `goals` (FALSE for none). */
export function goalsConditionSql(goals: readonly GoalDefinition[]): SqlPart {
  if (goals.length === 0) return { sql: 'FALSE', params: [] };
  return { sql: `(${goals.map((g) => goalEventCondition(g).sql).join(' OR ')})`, params: [] };
}

/** Alias of the joined goals; its `goal_name` is the label of a goal breakdown. */
export const GOAL_ALIAS = 'g';

/**
 * The join that repeats each event row `e` once per goal of `goals` it completes, the goal's
 * display name as `g.goal_name` (and its revenue currency, '' for none, as `g.goal_currency`).
 * Names are the owner's stored goals, written in as literals (see goalEventCondition).
 */
export function goalJoinSql(goals: readonly GoalDefinition[]): string {
  if (goals.length === 0) return `JOIN (SELECT '' AS goal_name, '' AS goal_currency, 0 AS goal_ix) ${GOAL_ALIAS} ON FALSE`;
  const rows = goals.map((g, i) => `SELECT ${sqlLiteral(g.displayName)} AS goal_name, ${sqlLiteral(currencyOf(g))} AS goal_currency, ${i} AS goal_ix`);
  // An OR of (this goal, its condition) pairs, not a CASE on the goal: DuckDB joins the OR in
  // a tenth of the time (12 months of 1 M events: 0.15 s against 2.7 s), SQLite in a quarter.
  const pairs = goals.map((g, i) => `(${GOAL_ALIAS}.goal_ix = ${i} AND ${goalEventCondition(g).sql})`);
  return `JOIN (${rows.join(' UNION ALL ')}) ${GOAL_ALIAS} ON (${pairs.join(' OR ')})`;
}

/** A goal's revenue currency, '' for a goal without one. */
export function currencyOf(goal: GoalDefinition): string {
  return goal.kind === 'event' ? (goal.currency ?? '') : '';
}
