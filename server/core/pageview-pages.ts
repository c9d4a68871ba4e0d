/**
 * Top Pages from the rollups. The dashboard's Top Pages asks for `event:page` under
 * `is event:name [pageview]` (page views alone), which the rollups' `event:page` rows,
 * counting every event on a page, cannot answer; the events rollups therefore hold rows of
 * their own for it (store/site-days.ts PAGEVIEW_PAGES), built with every day, month and
 * preset range (rollups.ts), and read for exactly that filter alone.
 *
 * They are held from `pageview_pages_from` of rollup_state on; a database rolled up before
 * them (migration 0024) records none (NULL). Maintenance builds them back from the raw rows
 * a few days a pass, from the last rolled-up day back, down to the first rolled-up day whose
 * raw events retention and purge have kept; days before stay without them, and the planner
 * reads those days as before.
 * @module
 */
import type { Db } from './ports.ts';
import { rollupsCanServe } from './query/plan.ts';
import type { RollupState } from './query/rollup-state.ts';
import type { Key, Relation } from './query/sums.ts';
import type { Filter } from './query/types.ts';
import { pageviewPagesDayStatements } from './rollups.ts';
import type { Site } from './sites.ts';
import { PAGEVIEW_PAGES } from './store/site-days.ts';
import { addDays } from './time.ts';

/** True for the one filter Top Pages' rows hold: case-sensitive `is event:name [pageview]`. */
function isPageviewFilter(f: Filter): boolean {
  return 'dimension' in f && f.dimension === 'event:name' && f.op === 'is' && f.caseSensitive && f.values.length === 1 && f.values[0] === 'pageview';
}

/**
 * True when Top Pages' rows answer a read: events grouped by page (and time buckets of a
 * day or more), under the page-view filter alone.
 */
export function pageviewPagesServe(relation: Relation, keys: Key[], filters: Filter[]): boolean {
  if (relation !== 'events' || filters.length !== 1 || !isPageviewFilter(filters[0]!) || !rollupsCanServe(keys)) return false;
  return keys.some((k) => 'spec' in k && k.spec.name === PAGEVIEW_PAGES.of);
}

/**
 * Builds Top Pages' rows of up to `maxDays` days that the other rollups hold and they do
 * not, newest first, down to `firstRolled` (the site's first rolled-up day) or the first day
 * with all its raw rows; returns the days built. Idle, it reads nothing.
 */
export async function buildPageviewPages(db: Db, site: Site, state: RollupState | null, firstRolled: string | null, maxDays: number): Promise<number> {
  if (!state || state.timezone !== site.timezone || firstRolled === null) return 0;
  const from = state.pageviewPagesFrom ?? addDays(state.daysThrough, 1);
  const kept = state.rawKeptFrom !== null && state.rawKeptFrom > firstRolled ? state.rawKeptFrom : firstRolled;
  if (from <= kept) return 0;
  // A purge under way deletes raw rows and rollups before its day: none are built there.
  const purge = await db.first<{ purged_before: string | null }>('SELECT purged_before FROM sites WHERE id = ?', [site.id]);
  const floor = purge?.purged_before != null && purge.purged_before > kept ? purge.purged_before : kept;
  let built = 0;
  for (let day = addDays(from, -1); day >= floor && built < maxDays; day = addDays(day, -1)) {
    await db.batch(pageviewPagesDayStatements(site.id, site.timezone, day));
    built += 1;
  }
  return built;
}
