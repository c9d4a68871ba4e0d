/**
 * Pageview goal paths as Plausible matches them (Plausible.Stats.Filters.Utils.page_regex):
 * the whole path must match, case-sensitively; `*` and `**` (any run of stars) each stand
 * for any run of characters, slashes included, or none. Every other character is itself.
 * Plausible also turns a `|` into a regex alternation; Teller does not: `|` is a character.
 *
 * The pure matcher is the reference; `pageviewGoalGlob` is the same test for SQLite's
 * case-sensitive GLOB (Node and D1), checked against it in test/core/goals-pattern.test.ts.
 * @module
 */

/** GLOB's special characters other than `*`, written so they match only themselves. */
const GLOB_LITERAL: Record<string, string> = { '?': '[?]', '[': '[[]' };

/** The pattern in pieces: the literal runs between wildcards (first and last may be ''). */
function literalRuns(pattern: string): string[] {
  return pattern.split(/\*+/);
}

/** True when `path` is matched by the pageview goal `pattern`. */
export function pageviewGoalMatches(pattern: string, path: string): boolean {
  const runs = literalRuns(pattern);
  if (runs.length === 1) return path === pattern;
  const first = runs[0]!;
  const last = runs.at(-1)!;
  if (path.length < first.length + last.length || !path.startsWith(first) || !path.endsWith(last)) return false;
  // Leftmost placement of each middle run is optimal: it leaves the most room for the rest.
  let at = first.length;
  const end = path.length - last.length;
  for (const run of runs.slice(1, -1)) {
    const found = path.indexOf(run, at);
    if (found < 0 || found + run.length > end) return false;
    at = found + run.length;
  }
  return true;
}

/** The GLOB operand matching exactly the paths `pageviewGoalMatches(pattern, ·)` accepts: `path GLOB ?`. */
export function pageviewGoalGlob(pattern: string): string {
  return literalRuns(pattern)
    .map((run) => run.replace(/[?[]/g, (c) => GLOB_LITERAL[c]!))
    .join('*');
}

/** True when the pattern has a wildcard (it then matches more than one path). */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*');
}
