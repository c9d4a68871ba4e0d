/**
 * Reset (Plausible's "reset stats"): deletes every statistic of a site, today's included —
 * raw events, their properties, visits, every rollup and the drop notes — in one atomic
 * batch, and keeps the site with its settings, tokens, viewers, shared links and
 * annotations. Test events an owner sent while setting up are gone; the site counts anew.
 *
 * Today becomes the site's purge boundary as well (unless a purge reached further): queries
 * then never read a day before it, and the columnar copy (Node) drops its days before it on
 * its next step, so nothing deleted here is answered from the copy meanwhile.
 * @module
 */
import type { Db } from './ports.ts';
import type { Site } from './sites.ts';
import { clearStatsStatements } from './store/site-days.ts';
import { localDayAt } from './time.ts';

export interface ResetResult {
  /** Raw events (pageviews and custom events) deleted. */
  events: number;
  visits: number;
  /** The site-local day from which the site counts anew (today when reset). */
  countsFrom: string;
}

async function count(db: Db, table: 'events' | 'visits', siteId: number): Promise<number> {
  return (await db.first<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE site_id = ?`, [siteId]))?.n ?? 0;
}

/** Deletes all of the site's statistics at `nowSec`; the counts are those just before the delete. */
export async function resetSite(db: Db, site: Site, nowSec: number): Promise<ResetResult> {
  const today = localDayAt(site.timezone, nowSec);
  const events = await count(db, 'events', site.id);
  const visits = await count(db, 'visits', site.id);
  await db.batch([
    { sql: 'UPDATE sites SET purged_before = ? WHERE id = ? AND (purged_before IS NULL OR purged_before < ?)', params: [today, site.id, today] },
    ...clearStatsStatements(site.id),
  ]);
  return { events, visits, countsFrom: today };
}
