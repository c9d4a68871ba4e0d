/**
 * Which goal names of a view's filters the site no longer has (pure, for stale-goals.ts).
 * @module
 */
import type { Filter } from '../../server/core/dashboard-api/view-queries/state.ts';

/**
 * The filters the queries can take, and the goal names among them the site does not have. A
 * filter left with no name is dropped: `is` on no goal would match nothing the user meant, and
 * `is not` a missing goal excludes no one.
 */
export function splitStaleGoals(filters: Filter[], goalNames: string[]): { applied: Filter[]; stale: string[] } {
  // Exactly as the Stats API compares them (its filters are case-sensitive unless told otherwise).
  const known = new Set(goalNames);
  const stale: string[] = [];
  const applied: Filter[] = [];
  for (const filter of filters) {
    if (filter.dimension !== 'event:goal' || (filter.op !== 'is' && filter.op !== 'is_not')) {
      applied.push(filter);
      continue;
    }
    const values = filter.values.filter((v) => known.has(v));
    stale.push(...filter.values.filter((v) => !known.has(v)));
    if (values.length > 0) applied.push({ ...filter, values });
  }
  return { applied, stale };
}
