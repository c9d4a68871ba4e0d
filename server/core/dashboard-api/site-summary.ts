/**
 * A site's line in the site list: unique visitors of the last 30 site-local days, today
 * last, read through the query engine so closed days come from the rollups, with imported
 * history counted in as the site view counts it: a site moved from WP Statistics or
 * Plausible last week does not look empty.
 * @module
 */
import type { Db } from '../ports.ts';
import { QueryError } from '../query/errors.ts';
import { runQuery } from '../query/execute.ts';
import { parseQuery } from '../query/parse.ts';
import type { Site } from '../sites.ts';
import { addDays, localDayAt } from '../time.ts';
import type { SiteSummary } from './contract.ts';

export const SPARKLINE_DAYS = 30;

/** True once the site has any visit of its own, raw or rolled up (raw rows may be gone to retention); imports are not the tracking working. */
async function hasEvents(db: Db, siteId: number): Promise<boolean> {
  const raw = await db.first('SELECT 1 AS one FROM visits WHERE site_id = ? LIMIT 1', [siteId]);
  return raw !== null || (await db.first("SELECT 1 AS one FROM rollup_visits WHERE site_id = ? AND dimension = '' LIMIT 1", [siteId])) !== null;
}

/** Unique visitors per day over the last SPARKLINE_DAYS days; zeros when the days cannot be read (past retention, not yet rolled up). */
async function dailyVisitors(db: Db, site: Site, nowMs: number): Promise<number[]> {
  const now = Math.floor(nowMs / 1000);
  const today = localDayAt(site.timezone, now);
  const days = Array.from({ length: SPARKLINE_DAYS }, (_, i) => addDays(today, i - SPARKLINE_DAYS + 1));
  try {
    const query = parseQuery({ site_id: site.domain, metrics: ['visitors'], date_range: [days[0], today], dimensions: ['time:day'], include: { imports: true } }, site, now, null);
    const answer = await runQuery(db, query);
    const byDay = new Map(answer.results.map((r) => [String(r.dimensions[0]).slice(0, 10), Number(r.metrics[0] ?? 0)]));
    return days.map((d) => byDay.get(d) ?? 0);
  } catch (e) {
    if (e instanceof QueryError) return days.map(() => 0);
    throw e;
  }
}

export async function siteSummary(db: Db, site: Site, nowMs: number): Promise<SiteSummary> {
  const sparkline = await dailyVisitors(db, site, nowMs);
  return {
    domain: site.domain,
    timezone: site.timezone,
    visitorsToday: sparkline.at(-1) ?? 0,
    sparkline,
    hasEvents: await hasEvents(db, site.id),
  };
}
