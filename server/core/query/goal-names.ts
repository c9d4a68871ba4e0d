/**
 * Goals that are plain event names, read as `event:name`: when every goal a query groups or
 * filters by is a custom-event goal without a property, "completes the goal" is "is named
 * so" (the definition of each is unique per site, so names and goals pair one to one). The
 * query is then read as its `event:name` twin, which rollups (an unfiltered goal breakdown)
 * and the columnar copy's first-of-day flags can serve like any `event:name` query, and the
 * rows are labelled with the goals' display names again.
 * @module
 */
import type { GoalDefinition } from '../goals/goals.ts';
import { GOAL_DIMENSION } from './dimensions.ts';
import type { Filter, FilterLeaf, Query } from './types.ts';

const NAME_DIMENSION = 'event:name';

function goalLeaves(query: Query): FilterLeaf[] {
  return query.filters.filter((f): f is FilterLeaf => 'dimension' in f && f.dimension === GOAL_DIMENSION);
}

const plainName = (g: GoalDefinition): string | null => (g.kind === 'event' && g.prop === null ? g.eventName : null);

function names(goals: readonly GoalDefinition[]): string[] | null {
  const all = goals.map(plainName);
  return all.every((n): n is string => n !== null) ? all : null;
}

/** The `event:name` twin of a goal query, and each name's goal label; null when some goal is not a plain event name. */
export function eventNameForm(query: Query, breakdown: readonly GoalDefinition[]): { query: Query; labels: ReadonlyMap<string, string> } | null {
  const byGoal = query.dimensions.includes(GOAL_DIMENSION);
  const leaves = goalLeaves(query);
  if (!byGoal && leaves.length === 0) return null;
  const filters: Filter[] = [];
  for (const f of query.filters) {
    if (!leaves.includes(f as FilterLeaf)) {
      filters.push(f);
      continue;
    }
    const leaf = f as FilterLeaf;
    const named = names(leaf.goals ?? []);
    if (named === null) return null;
    const negated = leaf.op === 'is_not' || leaf.op === 'contains_not';
    filters.push({ op: negated ? 'is_not' : 'is', dimension: NAME_DIMENSION, values: named, caseSensitive: true });
  }
  const listed = byGoal ? names(breakdown) : [];
  if (listed === null) return null;
  // The breakdown lists its goals' events only.
  if (byGoal) filters.push({ op: 'is', dimension: NAME_DIMENSION, values: listed, caseSensitive: true });
  const twin: Query = { ...query, dimensions: query.dimensions.map((d) => (d === GOAL_DIMENSION ? NAME_DIMENSION : d)), filters };
  return { query: twin, labels: new Map(byGoal ? breakdown.map((g, i) => [listed[i]!, g.displayName]) : []) };
}
