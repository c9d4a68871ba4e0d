/**
 * Goals the settings page offers to add in one click: the custom events the site already
 * sends, then the three the tracker and a 404 page send (outbound links, file downloads,
 * missing pages) whether or not the site sends them yet, leaving out events a goal already
 * counts whole (without a property).
 * @module
 */
import type { Goal } from '../goals/goals.ts';
import type { Db } from '../ports.ts';

/** Plausible's names, as docs/tracker.md documents them. */
export const STANDARD_GOAL_EVENTS = ['404', 'Outbound Link: Click', 'File Download'] as const;

/** Names offered at most: a site with more distinct custom events has a bug, not goals. */
const MAX_SENT = 50;

export interface GoalSuggestion {
  eventName: string;
  /** Whether the site's stored events include it: false for a standard goal it does not send yet. */
  sent: boolean;
}

/**
 * The distinct custom event names of a site's stored events, in order, at most `limit`:
 * each step seeks the next name in the (site_id, name, …) index, so the cost is one index
 * seek per name, not a scan of the site's events.
 */
export async function sentEventNames(db: Db, siteId: number, limit = MAX_SENT): Promise<string[]> {
  // `pageview` and `engagement` are among the names walked: two more steps than asked for.
  const rows = await db.all<{ name: string }>(
    `WITH RECURSIVE names(name) AS (
       SELECT (SELECT min(name) FROM events WHERE site_id = ? AND name > '')
       UNION ALL
       SELECT (SELECT min(e.name) FROM events e WHERE e.site_id = ? AND e.name > names.name) FROM names WHERE names.name IS NOT NULL
       LIMIT ?
     )
     SELECT name FROM names WHERE name IS NOT NULL AND name NOT IN ('pageview', 'engagement') LIMIT ?`,
    [siteId, siteId, limit + 3, limit],
  );
  return rows.map((r) => r.name);
}

/** What to suggest next to the site's goals: pure, given the names the site sends. */
export function goalSuggestions(goals: readonly Goal[], sent: readonly string[]): GoalSuggestion[] {
  const counted = new Set(goals.flatMap((g) => (g.kind === 'event' && g.prop === null ? [g.eventName] : [])));
  const own = sent.filter((name) => !counted.has(name) && !(STANDARD_GOAL_EVENTS as readonly string[]).includes(name));
  const standard = STANDARD_GOAL_EVENTS.filter((name) => !counted.has(name));
  return [...own.map((eventName) => ({ eventName, sent: true })), ...standard.map((eventName) => ({ eventName, sent: sent.includes(eventName) }))];
}
