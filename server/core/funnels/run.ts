/**
 * Answers a funnel query (`POST /api/v1/sites/:domain/funnels/:id/query`): the period and
 * filters are the Stats API v2's, parsed by its own parser, and the counts come from raw
 * visits and events (query.ts): the columnar copy's where it holds the days (Node), SQLite's
 * elsewhere, planned as the Stats API plans its raw reads. Days before a purge read as
 * empty, as everywhere; a period reaching before the raw events retention has kept is
 * refused naming date_range, since rollups hold no order of events to count a funnel from.
 * @module
 */
import type { Goal } from '../goals/goals.ts';
import type { ColumnarReader, Db, SqlValue, Stmt } from '../ports.ts';
import { periodAfterPurge, reachesPurged } from '../privacy/purge-boundary.ts';
import { readSitePrivacy } from '../privacy/site-privacy.ts';
import { DUCKDB, type Dialect, SQLITE } from '../query/dialect.ts';
import { QueryError } from '../query/errors.ts';
import { parseQuery } from '../query/parse.ts';
import { readRollupState } from '../query/rollup-state.ts';
import { eventLeaves, sameEventFilters, type VisitsBeyond, visitsBeyondSql } from '../query/filters.ts';
import { routeCopiedDaysToColumnar, type RowSegment, type Segment } from '../query/plan.ts';
import type { Filter, FilterLeaf, Period, SameEvent } from '../query/types.ts';
import type { Site } from '../sites.ts';
import { dayStart } from '../time.ts';
import type { Funnel } from './funnels.ts';
import { addCounts, countsFromRow, funnelStatement, type FunnelCounts, stepResults } from './query.ts';

/** D1 refuses statements with more bound parameters than this (as query/read.ts). */
const MAX_PARAMS = 100;
const FIELDS = ['date_range', 'filters'];

export interface FunnelQuery {
  period: Period;
  filters: Filter[];
  dateRangeEcho: [string, string];
  filtersEcho: unknown[];
  /** The shortest columnar stretch in days counted from the copy's flags (query.ts); tests lower it to test them on a few days. */
  flaggedMinDays?: number;
}

/**
 * Checks a query body `{ date_range, filters }` with the Stats API's own rules; a
 * QueryError names the field. `statsStart` is the site's first day, for `"all"`.
 */
export function parseFunnelQuery(body: unknown, site: Site, now: number, statsStart: string | null, goals: readonly Goal[] = []): FunnelQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new QueryError('body', 'The query must be a JSON object with date_range and, if any, filters.');
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) throw new QueryError(unknown, `Unknown field '${unknown.slice(0, 60)}': a funnel query takes date_range and filters.`);
  const query = parseQuery({ site_id: site.domain, metrics: ['visitors'], date_range: record.date_range, filters: record.filters }, site, now, statsStart, goals);
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

/** The stretch's statement, by the engine that reads it. */
function statement(dialect: Dialect, site: Site, funnel: Funnel, query: FunnelQuery, period: Period, segment: RowSegment, visitsBeyond?: VisitsBeyond): Stmt {
  return funnelStatement({
    dialect,
    siteId: site.id,
    timeZone: site.timezone,
    steps: funnel.steps,
    filters: query.filters,
    start: segment.start,
    end: segment.end,
    periodStart: period.start,
    periodEnd: period.end,
    visitsBeyond,
    flaggedMinDays: query.flaggedMinDays,
  });
}

/**
 * For a columnar stretch under event filters: the visits begun in it that pass a filter
 * through events after it (in SQLite only), as query/read.ts finds them.
 */
async function visitsBeyond(db: Db, site: Site, filters: Filter[], segment: RowSegment, period: Period): Promise<VisitsBeyond | undefined> {
  const leaves = sameEventFilters(filters).flatMap(eventLeaves);
  if (segment.end >= period.end || leaves.length === 0) return undefined;
  const beyond = new Map<FilterLeaf | SameEvent, number[]>();
  for (const unit of leaves) {
    const part = visitsBeyondSql(unit, site.id, segment.end, period.end);
    beyond.set(unit, (await db.all<{ id: number }>(part.sql, part.params)).map((r) => r.id));
  }
  return beyond;
}

/** One stretch's counts: from the columnar copy when it holds the stretch (SQLite if the copy fails to answer), else from SQLite. */
async function countStretch(db: Db, columnar: ColumnarReader | null, site: Site, funnel: Funnel, query: FunnelQuery, period: Period, segment: RowSegment): Promise<FunnelCounts> {
  const raw = statement(SQLITE, site, funnel, query, period, segment);
  if (raw.params.length > MAX_PARAMS) throw new QueryError('filters', `Invalid filters: the query needs more than ${MAX_PARAMS} values; use fewer filter values.`);
  if (segment.kind === 'columnar' && columnar) {
    const stmt = statement(DUCKDB, site, funnel, query, period, segment, await visitsBeyond(db, site, query.filters, segment, period));
    try {
      return countsFromRow((await columnar.all(stmt.sql, stmt.params))[0] ?? null, funnel.steps.length);
    } catch {
      // Slower, never wrong: as query/read.ts does when the copy's process is gone.
    }
  }
  return countsFromRow(await db.first<Record<string, SqlValue>>(raw.sql, raw.params), funnel.steps.length);
}

/**
 * The funnel's counts over the period: the days the columnar copy holds from it (Node),
 * the rest from SQLite's raw tables (Node's file, D1). Stretches are cut at midnight, so
 * their visitors (counted per day) add up, and a visit begun in the copy's days has all its
 * events there: a visit ends at the site's midnight, where the visitor hash's salt changes.
 */
export async function countFunnel(
  db: Db,
  site: Site,
  funnel: Funnel,
  query: FunnelQuery,
  columnar: ColumnarReader | null = null,
): Promise<{ counts: FunnelCounts; meta: Record<string, unknown> }> {
  const meta: Record<string, unknown> = {};
  const { purgedBefore } = await readSitePrivacy(db, site.id);
  if (reachesPurged(query.period, purgedBefore)) meta.purged_before = purgedBefore;
  let counts = countsFromRow(null, funnel.steps.length);
  const period = periodAfterPurge(query.period, site.timezone, purgedBefore);
  if (period === null) return { counts, meta };
  checkRetention(site, period, (await readRollupState(db, site.id))?.rawKeptFrom ?? null);
  const whole: Segment[] = [{ kind: 'raw', start: period.start, end: period.end }];
  const segments = columnar ? routeCopiedDaysToColumnar(whole, site.timezone, await columnar.coverage(site.id, site.timezone)) : whole;
  for (const segment of segments as RowSegment[]) counts = addCounts(counts, await countStretch(db, columnar, site, funnel, query, period, segment));
  return { counts, meta };
}

/** The JSON answer of a funnel query. */
export async function runFunnel(db: Db, site: Site, funnel: Funnel, query: FunnelQuery, columnar: ColumnarReader | null = null): Promise<FunnelAnswer> {
  const { counts, meta } = await countFunnel(db, site, funnel, query, columnar);
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
