/**
 * Answers a funnel query (`POST /api/v1/sites/:domain/funnels/:id/query`): the period and
 * filters are the Stats API v2's, parsed by its own parser, and the counts come from raw
 * visits and events (query.ts). Days before a purge read as empty, as everywhere; a period
 * reaching before the raw events retention has kept is refused naming date_range, since
 * rollups hold no order of events to count a funnel from.
 * @module
 */
import type { Db, SqlValue } from '../ports.ts';
import { periodAfterPurge, reachesPurged } from '../privacy/purge-boundary.ts';
import { readSitePrivacy } from '../privacy/site-privacy.ts';
import { SQLITE } from '../query/dialect.ts';
import { QueryError } from '../query/errors.ts';
import { parseQuery } from '../query/parse.ts';
import { readRollupState } from '../query/rollup-state.ts';
import type { Filter, Period } from '../query/types.ts';
import type { Site } from '../sites.ts';
import { dayStart } from '../time.ts';
import type { Funnel } from './funnels.ts';
import { countsFromRow, funnelStatement, type FunnelCounts, stepResults } from './query.ts';

/** D1 refuses statements with more bound parameters than this (as query/read.ts). */
const MAX_PARAMS = 100;
const FIELDS = ['date_range', 'filters'];

export interface FunnelQuery {
  period: Period;
  filters: Filter[];
  dateRangeEcho: [string, string];
  filtersEcho: unknown[];
}

/**
 * Checks a query body `{ date_range, filters }` with the Stats API's own rules; a
 * QueryError names the field. `statsStart` is the site's first day, for `"all"`.
 */
export function parseFunnelQuery(body: unknown, site: Site, now: number, statsStart: string | null): FunnelQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new QueryError('body', 'The query must be a JSON object with date_range and, if any, filters.');
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) throw new QueryError(unknown, `Unknown field '${unknown.slice(0, 60)}': a funnel query takes date_range and filters.`);
  const query = parseQuery({ site_id: site.domain, metrics: ['visitors'], date_range: record.date_range, filters: record.filters }, site, now, statsStart);
  return { period: query.period, filters: query.filters, dateRangeEcho: query.dateRangeEcho, filtersEcho: query.filtersEcho };
}

export interface FunnelStepAnswer {
  step: number;
  goal_id: number;
  name: string;
  visitors: number;
  visits: number;
  conversion_rate: number;
  conversion_rate_step: number;
  dropoff: number;
  dropoff_rate: number;
}

export interface FunnelAnswer {
  funnel: { id: number; name: string };
  date_range: [string, string];
  filters: unknown[];
  steps: FunnelStepAnswer[];
  meta: Record<string, unknown>;
}

function checkRetention(site: Site, period: Period, rawKeptFrom: string | null): void {
  if (rawKeptFrom === null || period.start >= dayStart(site.timezone, rawKeptFrom)) return;
  throw new QueryError(
    'date_range',
    `Invalid date_range: a funnel is counted from raw events, and the site's retention has deleted those before ${rawKeptFrom}. Choose a range from ${rawKeptFrom} on.`,
  );
}

/** The funnel's counts over the period, from SQLite's raw tables (Node's file, D1). */
export async function countFunnel(db: Db, site: Site, funnel: Funnel, query: FunnelQuery): Promise<{ counts: FunnelCounts; meta: Record<string, unknown> }> {
  const meta: Record<string, unknown> = {};
  const { purgedBefore } = await readSitePrivacy(db, site.id);
  if (reachesPurged(query.period, purgedBefore)) meta.purged_before = purgedBefore;
  const period = periodAfterPurge(query.period, site.timezone, purgedBefore);
  if (period === null) return { counts: countsFromRow(null, funnel.steps.length), meta };
  checkRetention(site, period, (await readRollupState(db, site.id))?.rawKeptFrom ?? null);
  const stmt = funnelStatement({
    dialect: SQLITE,
    siteId: site.id,
    timeZone: site.timezone,
    steps: funnel.steps,
    filters: query.filters,
    start: period.start,
    end: period.end,
    periodStart: period.start,
    periodEnd: period.end,
  });
  if (stmt.params.length > MAX_PARAMS) throw new QueryError('filters', `Invalid filters: the query needs more than ${MAX_PARAMS} values; use fewer filter values.`);
  const row = await db.first<Record<string, SqlValue>>(stmt.sql, stmt.params);
  return { counts: countsFromRow(row, funnel.steps.length), meta };
}

/** The JSON answer of a funnel query. */
export async function runFunnel(db: Db, site: Site, funnel: Funnel, query: FunnelQuery): Promise<FunnelAnswer> {
  const { counts, meta } = await countFunnel(db, site, funnel, query);
  const results = stepResults(counts);
  return {
    funnel: { id: funnel.id, name: funnel.name },
    date_range: query.dateRangeEcho,
    filters: query.filtersEcho,
    steps: funnel.steps.map((goal, i) => {
      const r = results[i]!;
      return {
        step: i + 1,
        goal_id: goal.id,
        name: goal.displayName,
        visitors: r.visitors,
        visits: r.visits,
        conversion_rate: r.conversionRate,
        conversion_rate_step: r.conversionRateStep,
        dropoff: r.dropoff,
        dropoff_rate: r.dropoffRate,
      };
    }),
    meta,
  };
}
