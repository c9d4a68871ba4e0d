/**
 * Reads the groups of one relation over a period: plans the stretches, runs a rollup or
 * raw statement for each and adds their sums together by labels. Day-scoped visitor
 * counts make this exact: no day is ever read from two stretches.
 * @module
 */
import type { SqlValue, Stmt } from '../ports.ts';
import type { Site } from '../sites.ts';
import { sumsFromRow } from '../store/measures.ts';
import { periodAfterPurge } from '../privacy/purge-boundary.ts';
import { DUCKDB, SQLITE } from './dialect.ts';
import { namedLabel } from './dimensions.ts';
import { addImportedGroups } from './imported.ts';
import { QueryError } from './errors.ts';
import { eventLeaves, sameEventFilters, visitsBeyondSql, type VisitsBeyond } from './filters.ts';
import { goalRollupStatement, planGoalRollups } from './goal-rollup-read.ts';
import { checkRetention, granularityFor, planSegments, rollupsCanServe, routeCopiedDaysToColumnar, type RowSegment, type Segment } from './plan.ts';
import { columnarStatements, rawStatement, type RawRead } from './raw-sql.ts';
import { keptSets } from './kept-sets.ts';
import { pairRollupStatement, rollupStatement } from './rollup-sql.ts';
import { pairFilterOf, pairGroupPasses, pairSegments, type PairFilter } from '../pair-rollups.ts';
import { pageviewPagesServe } from '../pageview-pages.ts';
import type { ReadContext } from './read-context.ts';
import { addGroup, type Groups, type Key, type Relation, type SumsOf } from './sums.ts';
import { VISITOR_COLUMNS } from './first-flags.ts';
import type { Filter, FilterLeaf, Period, SameEvent } from './types.ts';

/** D1 refuses statements with more bound parameters than this. */
const MAX_PARAMS = 100;

/** A row's sums, or null for a group without any visit (visits) or event (events): its measure of the relation's own rows. */
function sumsOf<R extends Relation>(relation: R, row: Record<string, SqlValue>): SumsOf<R> | null {
  const sums = sumsFromRow(relation, row);
  return (sums as Record<string, number>)[relation]! > 0 ? sums : null;
}

function labelsOf(keys: Key[], row: Record<string, SqlValue>): string[] {
  return keys.map((key, i) => {
    const value = row[`k${i}`] ?? null;
    if ('spec' in key && key.spec.named) return namedLabel(key.spec, value);
    return String(value);
  });
}

/** A statement of a columnar stretch, with the visit sets it names (kept-sets.ts). */
type ColumnarStmt = Stmt & { sets?: Stmt[] };

/**
 * The statements of one stretch: one, but for whole columnar days, whose sums are added up.
 * With `pages`, a rolled-up stretch is read from Top Pages' rows (pageview-pages.ts).
 */
function statementsFor(
  relation: Relation,
  keys: Key[],
  filters: Filter[],
  period: Period,
  site: Site,
  segment: Segment,
  visitsBeyond?: VisitsBeyond,
  countsOnly = false,
  pages = false,
): ColumnarStmt[] {
  if (segment.kind === 'raw' || segment.kind === 'columnar') {
    const read: RawRead = {
      dialect: segment.kind === 'raw' ? SQLITE : DUCKDB,
      relation,
      keys,
      filters,
      siteId: site.id,
      timeZone: site.timezone,
      start: segment.start,
      end: segment.end,
      periodStart: period.start,
      periodEnd: period.end,
      firstDay: period.firstDay,
      visitsBeyond,
      countsOnly,
    };
    if (segment.kind === 'raw') return [rawStatement(read)];
    const kept = keptSets(read);
    if (!kept) return columnarStatements(read, segment.varying);
    return columnarStatements({ ...read, kept: kept.kept }, segment.varying).map((stmt) => ({ ...stmt, sets: kept.sets }));
  }
  return [
    rollupStatement({
      relation,
      keys,
      siteId: site.id,
      granularity: segment.kind === 'months' ? 'month' : segment.kind === 'range' ? 'range' : 'day',
      first: segment.first,
      last: segment.last,
      firstDay: period.firstDay,
      pageviewPages: pages,
    }),
  ];
}

/**
 * The stretches `period` is read in for these keys and filters; with `pair`, whole days from
 * pair rollups where they hold them; with `pages` (the filters are Top Pages' alone), whole
 * days from the rollups' Top Pages rows from the first day they hold.
 */
async function plan(ctx: ReadContext, keys: Key[], filters: Filter[], whole: Period, pair: PairFilter | null = null, pages = false): Promise<Segment[]> {
  const period = periodAfterPurge(whole, ctx.site.timezone, ctx.purgedBefore);
  if (period === null) return [];
  const state = ctx.rollups;
  const from = pages ? (state?.pageviewPagesFrom ?? null) : undefined;
  const usable = state !== null && state.timezone === ctx.site.timezone && (filters.length === 0 || from != null) && rollupsCanServe(keys);
  const coverage = usable ? { daysThrough: state.daysThrough, monthsThrough: state.monthsThrough, ranges: state.ranges, ...(from != null ? { from } : {}) } : null;
  const pairs = pair && state?.timezone === ctx.site.timezone && state.pairs?.timezone === ctx.site.timezone ? state.pairs : null;
  let segments = pairs ? pairSegments(period, ctx.site.timezone, pairs) : planSegments(period, ctx.site.timezone, coverage, granularityFor(keys));
  if (ctx.columnar && segments.some((s) => s.kind === 'raw')) segments = routeCopiedDaysToColumnar(segments, ctx.site.timezone, await ctx.columnar.coverage());
  checkRetention(segments, ctx.site.timezone, state?.rawKeptFrom ?? null);
  return segments;
}

/**
 * For a columnar read of visits under event filters: the visits begun in it whose passing
 * events come after it, within the period, found in SQLite (a handful: visits that went
 * on past the copy's last midnight).
 */
async function visitsBeyond(ctx: ReadContext, filters: Filter[], segment: RowSegment, period: Period): Promise<VisitsBeyond | undefined> {
  if (segment.end >= period.end) return undefined;
  const leaves = filters.flatMap(eventLeaves);
  if (leaves.length === 0) return undefined;
  const beyond = new Map<FilterLeaf | SameEvent, number[]>();
  for (const unit of leaves) {
    const part = visitsBeyondSql(unit, ctx.site.id, segment.end, period.end);
    beyond.set(unit, (await ctx.db.all<{ id: number }>(part.sql, part.params)).map((r) => r.id));
  }
  return beyond;
}

/**
 * A columnar read, or the same stretch from SQLite's raw rows when the copy fails to answer
 * (Node: its process died between planning and reading): slower, never wrong.
 */
async function readColumnar(ctx: ReadContext, stmts: ColumnarStmt[], raw: Stmt): Promise<Array<Record<string, SqlValue>>> {
  try {
    const rows: Array<Record<string, SqlValue>> = [];
    for (const stmt of stmts) rows.push(...(await ctx.columnar!.reader.all(stmt.sql, stmt.params, stmt.sets)));
    return rows;
  } catch {
    return ctx.db.all<Record<string, SqlValue>>(raw.sql, raw.params);
  }
}

/**
 * Groups of `relation` over `period` by `keys`, with `filters` applied. With `countsOnly`,
 * raw and columnar stretches leave the distinct counts (visitors, events' visits) at 0.
 */
export async function readGroups<R extends Relation>(
  ctx: ReadContext,
  relation: R,
  keys: Key[],
  filters: Filter[],
  period: Period,
  countsOnly = false,
): Promise<Groups<R>> {
  // Events are filtered row by row already; a visit passes the event filters through one event.
  if (relation === 'visits') filters = sameEventFilters(filters);
  // Whole days a goal's rollups cover come from them (goal-rollup-read.ts); the rest as planned here.
  const goalPlan = await planGoalRollups(ctx, relation, keys, filters, period);
  const pair = !goalPlan && ctx.rollups?.pairs ? pairFilterOf(relation, keys, filters) : null;
  const pages = !goalPlan && pageviewPagesServe(relation, keys, filters);
  const segments = goalPlan ? (await Promise.all(goalPlan.rest.map((p) => plan(ctx, keys, filters, p)))).flat() : await plan(ctx, keys, filters, period, pair, pages);
  // `raw`: the stretch as SQLite reads it; for a columnar one, what a failed read falls back to.
  const statements: Array<{ stmts: ColumnarStmt[]; segment: Segment; raw: Stmt }> = [];
  for (const s of segments) {
    const beyond = s.kind === 'columnar' && relation === 'visits' ? await visitsBeyond(ctx, filters, s, period) : undefined;
    const stmts =
      pair && s.kind === 'days'
        ? [pairRollupStatement({ relation, keys, siteId: ctx.site.id, granularity: 'day', first: s.first, last: s.last, firstDay: period.firstDay }, pair)]
        : statementsFor(relation, keys, filters, period, ctx.site, s, beyond, countsOnly, pages);
    const raw = s.kind === 'columnar' ? statementsFor(relation, keys, filters, period, ctx.site, { kind: 'raw', start: s.start, end: s.end }, undefined, countsOnly)[0]! : stmts[0]!;
    statements.push({ stmts, segment: s, raw });
  }
  // SQLite's bound (and D1's), so a query is refused alike with or without the copy.
  if (statements.some((s) => s.raw.params.length > MAX_PARAMS)) {
    throw new QueryError('filters', `Invalid filters: the query needs more than ${MAX_PARAMS} values; use fewer filter values.`);
  }
  const groups: Groups<R> = new Map();
  const goalRead = goalPlan ? { stmts: [], segment: { kind: 'days', first: goalPlan.first, last: goalPlan.last } as const, raw: goalRollupStatement(ctx, goalPlan, relation, keys, period.firstDay) } : null;
  for (const read of goalRead ? [...statements, goalRead] : statements) {
    const { stmts, segment, raw } = read;
    const rows =
      segment.kind === 'columnar' ? await readColumnar(ctx, stmts, raw) : await ctx.db.all<Record<string, SqlValue>>(raw.sql, raw.params);
    // Pair rollups hold every group of their filter label: the filters on the grouped dimension pick among them.
    const picked = pair && segment.kind === 'days' ? pair : null;
    for (const row of rows) {
      const sums = sumsOf(relation, row);
      const labels = labelsOf(keys, row);
      const kept = read === goalRead ? goalPlan!.keeps(labels) : !picked || pairGroupPasses(picked, labels);
      if (sums && kept) addGroup(groups, relation, labels, sums);
    }
  }
  if (ctx.imports) {
    const days = periodAfterPurge(period, ctx.site.timezone, ctx.purgedBefore);
    if (days) await addImportedGroups(ctx.db, ctx.site.id, ctx.imports, relation, keys, filters, days, groups);
  }
  return groups;
}

/** The longest raw stretch checked for a visitor hash with two values (today, and the rest of yesterday). */
const CHECKED_RAW_SECONDS = 2 * 86_400 + 7_200;

/** True when some visitor hash had two values of `column` among the visits begun in [start, end) (per hash, which is stricter than per day). */
async function rawVaries(ctx: ReadContext, column: string, start: number, end: number): Promise<boolean> {
  const row = await ctx.db.first(
    `SELECT 1 AS x FROM visits v WHERE v.site_id = ? AND v.started_at >= ? AND v.started_at < ?
      GROUP BY v.visitor HAVING COUNT(DISTINCT v.${column}) > 1 OR (COUNT(v.${column}) > 0 AND COUNT(v.${column}) < COUNT(*)) LIMIT 1`,
    [ctx.site.id, start, end],
  );
  return row !== null;
}

/**
 * True when the visitors of the visit groups of `keys` over `period` add up to all their
 * visitors, so a share's total needs no statement of its own: one dimension that the visitor
 * hash determines within a day (VISITOR_COLUMNS), on days on which no hash had two of its
 * values, so that each visitor of a day is in one group alone. Known for the copy's whole
 * days; checked in SQLite for a short raw stretch (today); otherwise false.
 */
export async function visitGroupsAddUp(ctx: ReadContext, keys: Key[], filters: Filter[], period: Period): Promise<boolean> {
  if (ctx.imports || keys.length !== 1 || !('spec' in keys[0]!)) return false;
  const { spec } = keys[0];
  if (spec.scope !== 'visit' || spec.column === null || !VISITOR_COLUMNS.includes(spec.column)) return false;
  for (const s of await plan(ctx, keys, filters, period)) {
    if (s.kind === 'columnar') {
      if (s.varying === null || Object.values(s.varying).some((columns) => columns.includes(spec.column!))) return false;
    } else if (s.kind === 'raw') {
      if (s.end - s.start > CHECKED_RAW_SECONDS || (await rawVaries(ctx, spec.column, s.start, s.end))) return false;
    } else {
      return false;
    }
  }
  return true;
}
