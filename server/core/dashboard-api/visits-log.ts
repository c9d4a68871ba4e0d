/**
 * The recent-visits log: a site's visits in a period, newest first, paged, narrowed by the
 * Stats API's own filters. `date_range` and `filters` are parsed by the Stats API's parser,
 * so they take the same forms and fail with the same 400s. Visits keep only a truncated
 * IP (or none), so the log shows what is stored. Each visit comes with its trail (its
 * pages and custom events in order: paths already without query strings, no properties)
 * and the words searched in the site's own search box.
 * @module
 */
import type { Db } from '../ports.ts';
import { QueryError } from '../query/errors.ts';
import { filterSql, sameEventFilters } from '../query/filters.ts';
import { parseQuery } from '../query/parse.ts';
import { goalsForQuery } from '../goals/goals.ts';
import type { Site } from '../sites.ts';
import { attributesOf, type RecentVisitAttributes } from '../store/schema.ts';
import type { RecentVisit, RecentVisitsPage, TrailStep } from './contract.ts';

export const MAX_VISITS_PAGE = 100;
/** Steps of a visit's trail returned at most; `trailMore` counts the rest. */
export const MAX_TRAIL = 50;
const DEFAULT_LIMIT = 50;

export interface VisitsRequest {
  /** JSON text of a Stats API date_range (default "day"). */
  dateRange?: string;
  /** JSON text of a Stats API filters list. */
  filters?: string;
  page?: string;
  limit?: string;
}

/** The visit attributes shown with each visit (store/schema.ts). */
const SHOWN = attributesOf('visits').filter((a) => a.recentVisits);

interface VisitRow {
  id: number;
  started_at: number;
  ended_at: number;
  pageviews: number;
  [column: string]: string | number | null;
}

function jsonParam(text: string | undefined, field: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new QueryError(field, `Invalid ${field}: not valid JSON.`);
  }
}

function positiveInt(text: string | undefined, field: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max) throw new QueryError(field, `Invalid ${field}: a whole number from 1 to ${max}.`);
  return n;
}

interface StepRow {
  visit_id: number;
  ts: number;
  name: string;
  path: string;
  site_search: string | null;
  n: number;
  total: number;
}

interface Trail {
  steps: TrailStep[];
  more: number;
  siteSearches: string[];
}

const NO_TRAIL: Trail = { steps: [], more: 0, siteSearches: [] };

/**
 * The first MAX_TRAIL events of each visit, in order, and each visit's distinct site-search
 * words (from all its events). Ids are integers read from the database: safe as literals,
 * and a page of 100 stays within D1's 100 bound parameters. `+e.site_id` keeps the site
 * check out of index choice: with it, SQLite stepped over all the site's events by
 * events_site_ts instead of seeking each visit's through events_visit.
 */
async function trails(db: Db, siteId: number, visits: VisitRow[]): Promise<Map<number, Trail>> {
  const byVisit = new Map<number, Trail>();
  if (visits.length === 0) return byVisit;
  const ids = visits.map((v) => String(Math.trunc(v.id))).join(', ');
  const steps = await db.all<StepRow>(
    `SELECT visit_id, ts, name, path, site_search, n, total FROM (
       SELECT e.visit_id, e.ts, e.name, e.path, e.site_search,
              ROW_NUMBER() OVER (PARTITION BY e.visit_id ORDER BY e.ts, e.id) AS n,
              COUNT(*) OVER (PARTITION BY e.visit_id) AS total
         FROM events e WHERE +e.site_id = ? AND e.visit_id IN (${ids}))
      WHERE n <= ? ORDER BY visit_id, n`,
    [siteId, MAX_TRAIL],
  );
  const searches = await db.all<{ visit_id: number; site_search: string }>(
    `SELECT e.visit_id, e.site_search, MIN(e.ts) AS first FROM events e
      WHERE +e.site_id = ? AND e.visit_id IN (${ids}) AND e.site_search IS NOT NULL
      GROUP BY e.visit_id, e.site_search ORDER BY e.visit_id, first`,
    [siteId],
  );
  const trailOf = (id: number) => {
    let trail = byVisit.get(id);
    if (!trail) byVisit.set(id, (trail = { steps: [], more: 0, siteSearches: [] }));
    return trail;
  };
  for (const row of steps) {
    const trail = trailOf(row.visit_id);
    trail.steps.push({ at: row.ts, name: row.name, path: row.path, siteSearch: row.site_search });
    trail.more = row.total - trail.steps.length;
  }
  for (const row of searches) trailOf(row.visit_id).siteSearches.push(row.site_search);
  return byVisit;
}

function toVisit(row: VisitRow, trail: Trail): RecentVisit {
  const attributes = Object.fromEntries(SHOWN.map((a) => [a.field, row[a.column] ?? null])) as RecentVisitAttributes;
  return {
    ...attributes,
    startedAt: row.started_at,
    pageviews: row.pageviews,
    duration: Math.max(0, row.ended_at - row.started_at),
    siteSearches: trail.siteSearches,
    trail: trail.steps,
    trailMore: trail.more,
  };
}

/** One page of the log; throws QueryError naming the bad parameter. */
export async function recentVisits(db: Db, site: Site, request: VisitsRequest, nowMs: number, statsStart: string | null): Promise<RecentVisitsPage> {
  const page = positiveInt(request.page, 'page', 1, 1_000_000);
  const limit = positiveInt(request.limit, 'limit', DEFAULT_LIMIT, MAX_VISITS_PAGE);
  const filters = jsonParam(request.filters, 'filters');
  // A goal filter (the Goals panel's) names the site's goals.
  const goals = await goalsForQuery(db, site.id, filters ?? null);
  const query = parseQuery(
    {
      site_id: site.domain,
      metrics: ['visits'],
      date_range: jsonParam(request.dateRange, 'date_range') ?? 'day',
      filters,
    },
    site,
    Math.floor(nowMs / 1000),
    statsStart,
    goals,
  );
  const { start, end } = query.period;
  const where = sameEventFilters(query.filters).map((f) => filterSql(f, { rows: 'visits', siteId: site.id, start, end }));
  // One row more than the page tells whether there is a next one.
  const rows = await db.all<VisitRow>(
    `SELECT v.id, v.started_at, v.ended_at, v.pageviews, ${SHOWN.map((a) => `v.${a.column}`).join(', ')}
       FROM visits v
      WHERE v.site_id = ? AND v.started_at >= ? AND v.started_at < ?${where.map((w) => ` AND ${w.sql}`).join('')}
      ORDER BY v.started_at DESC, v.id DESC
      LIMIT ? OFFSET ?`,
    [site.id, start, end, ...where.flatMap((w) => w.params), limit + 1, (page - 1) * limit],
  );
  const shown = rows.slice(0, limit);
  const byVisit = await trails(db, site.id, shown);
  return { visits: shown.map((row) => toVisit(row, byVisit.get(row.id) ?? NO_TRAIL)), page, limit, hasMore: rows.length > limit };
}
