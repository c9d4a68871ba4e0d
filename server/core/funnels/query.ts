/**
 * A funnel's counts over a period, from raw visits and events in one statement that runs
 * alike on SQLite (Node's file, D1) and the columnar copy (DuckDB, same tables).
 *
 * Semantics (docs/goals.md#funnels): the visits started in the period that pass the
 * filters (as the Stats API selects visits) are read with their events up to the period's
 * end. A visit reaches step 1 with its first event completing goal 1, and step k with its
 * first event completing goal k recorded after the event that reached step k-1: events
 * are in the order Teller recorded them (event id, which is arrival order). Any events
 * may come between steps; a repeated step changes nothing (the earliest is taken, which
 * never reaches fewer steps than a later one would); one event is never two steps; a visit
 * that skips a step goes no further until it takes it. Visitors are counted as the Stats
 * API counts them: distinct visitor hashes per local day of the visit's start, summed.
 * @module
 */
import { goalEventCondition, type GoalDefinition } from '../goals/goals.ts';
import type { SqlValue, Stmt } from '../ports.ts';
import type { Dialect } from '../query/dialect.ts';
import { filterSql, sameEventFilters, type VisitsBeyond } from '../query/filters.ts';
import type { Filter } from '../query/types.ts';
import { addDays, dayStart, localDayAt, offsetSpans } from '../time.ts';

export interface FunnelRead {
  dialect: Dialect;
  siteId: number;
  timeZone: string;
  /** The steps' goals, in order. */
  steps: readonly GoalDefinition[];
  filters: Filter[];
  /** Visits started in [start, end) are read, with their events before `end`. */
  start: number;
  end: number;
  /** The whole query period: a visit passes an event filter through its events within it. */
  periodStart: number;
  periodEnd: number;
  visitsBeyond?: VisitsBeyond;
}

/** Per step, in order: the visits that reached it and their visitors (per-day distinct). */
export interface StepCounts {
  visits: number;
  visitors: number;
}

export interface FunnelCounts {
  steps: StepCounts[];
}

const stepName = (i: number) => `s${i}`;

const exactPage = (goal: GoalDefinition): goal is Extract<GoalDefinition, { kind: 'page' }> => goal.kind === 'page' && !goal.pagePath.includes('*');

/**
 * The period's events completing step `goal` (id and visit), narrowed by a condition on the
 * goal's own column that each engine reads cheaply: SQLite through its index, an exact page
 * by (site, path, ts) (the unary + keeps it from reading every pageview by (site, name, ts)
 * instead), an event by (site, name, ts); DuckDB tests both equalities as it scans the
 * columns, on the columns alone. One table per step, so each step reads only its own
 * events: D1 bills every row read, and one table of all the steps' events would be read
 * again by each step; DuckDB scans a column faster than it filters the rows of several steps.
 */
function stepEvents(read: FunnelRead, goal: GoalDefinition, params: SqlValue[]): string {
  const plus = read.dialect.name === 'sqlite' ? '+' : '';
  const test = exactPage(goal) ? { sql: `e.path = ? AND ${plus}e.name = 'pageview'`, params: [goal.pagePath] } : goalEventCondition(goal, 'e');
  params.push(read.siteId, read.start, read.end, ...test.params);
  return `SELECT e.id, e.visit_id FROM events e WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? AND ${test.sql}`;
}

/** The day and visitor of each visit in `from` (with `visit_id` and `at`), looked up, for those begun in the stretch that pass the filters. */
function lookUpVisits(read: FunnelRead, from: string, params: SqlValue[]): string {
  const lt = read.dialect.localTime('v', 'v.started_at', read.timeZone, read.start, read.end);
  params.push(...lt.params, read.siteId, read.start, read.end);
  const where = ['v.site_id = ?', 'v.started_at >= ?', 'v.started_at < ?'];
  for (const f of sameEventFilters(read.filters)) {
    const part = filterSql(f, { rows: 'visits', siteId: read.siteId, start: read.periodStart, end: read.periodEnd, visitsBeyond: read.visitsBeyond });
    where.push(part.sql);
    params.push(...part.params);
  }
  // CROSS JOIN keeps SQLite's order: the first step's visits, then each one looked up by its id.
  const join = read.dialect.name === 'sqlite' ? 'CROSS JOIN' : 'JOIN';
  return `SELECT f.visit_id, f.at, ${read.dialect.dayOf(lt.sql)} AS d, v.visitor FROM ${from} f ${join} visits v ON v.id = f.visit_id WHERE ${where.join(' AND ')}`;
}

/** The later steps, each from the one before: per visit, the first event completing it after the previous step's. */
function laterSteps(read: FunnelRead): string[] {
  return read.steps.slice(1).map((_, j) => {
    const i = j + 1;
    return `${stepName(i)} AS MATERIALIZED (SELECT p.visit_id, MIN(e.id) AS at, MIN(p.d) AS d, MIN(p.visitor) AS visitor FROM ${stepName(i - 1)} p
      JOIN e${i} e ON e.visit_id = p.visit_id WHERE e.id > p.at GROUP BY p.visit_id)`;
  });
}

/** Step i's visits and visitors in one read of its table: visits per visitor and day, summed. */
const stepCounts = (i: number, table = stepName(i), alias = `c${i}`) => `(SELECT SUM(n) AS visits${i}, COUNT(*) AS visitors${i} FROM (SELECT COUNT(*) AS n FROM ${table} GROUP BY d, visitor) u) ${alias}`;

/**
 * The statement counting a funnel over one stretch. Its one row has `visits<i>` and
 * `visitors<i>` for each step i from 0.
 *
 * Only the period's events completing a step are read (stepEvents, `e<i>`). Step 1 takes,
 * per visit, the first event completing it, and only those visits are looked up (checked
 * against the period and the filters, with their day and visitor); each further step takes,
 * per visit that reached the previous one, the first event completing it after the
 * previous step's. The step tables are materialized: each is read by the next step and by
 * the counts. An event completing two steps' goals is in both steps' tables, and is taken
 * for one step at most: a later step needs an event after the previous step's.
 * On the columnar copy, when flagged (flaggedFunnelStatement), step 1 is counted from the
 * copy's first-of-day flags instead.
 */
export function funnelStatement(read: FunnelRead): Stmt {
  const flagged = flaggedFirstStep(read);
  if (flagged) return flaggedFunnelStatement(read, flagged);
  const params: SqlValue[] = [];
  const events = read.steps.map((goal, i) => `e${i} AS MATERIALIZED (${stepEvents(read, goal, params)})`);
  const first = `${stepName(0)} AS MATERIALIZED (${lookUpVisits(read, '(SELECT visit_id, MIN(id) AS at FROM e0 e GROUP BY visit_id)', params)})`;
  const counts = read.steps.map((_, i) => stepCounts(i));
  return { sql: `WITH ${[...events, first, ...laterSteps(read)].join(',\n')}\nSELECT * FROM ${counts.join(', ')}`, params };
}

/**
 * How step 1's goal is told by the copy's flags: `label` selects the rows of the label its
 * flags are kept per (the page's path, or the event's name), `match` those of them that
 * complete the goal.
 */
interface FlaggedStep {
  label: { sql: string; params: SqlValue[] };
  /** null: every row of the label completes the goal. */
  match: string | null;
  /** The flag columns: first row of its visit, and of its visitor, with that label that day. */
  visit: string;
  day: string;
}

/**
 * Step 1 on the columnar copy without filters, for an exact page or an event name: the copy's
 * flags (first-flags.ts) count its visits and visitors, or null when they cannot.
 */
function flaggedFirstStep(read: FunnelRead): FlaggedStep | null {
  const goal = read.steps[0];
  if (read.dialect.name !== 'duckdb' || read.filters.length > 0 || !goal || read.steps.length < 2) return null;
  if (exactPage(goal)) return { label: { sql: 'e.path = ?', params: [goal.pagePath] }, match: "e.name = 'pageview'", visit: 'first_visit_page', day: 'first_day_page' };
  if (goal.kind === 'event' && goal.prop === null && !goal.eventName.includes('\0')) return { label: { sql: 'e.name = ?', params: [goal.eventName] }, match: null, visit: 'first_visit_name', day: 'first_day_name' };
  return null;
}

/** Seconds before its visit's start an event may be recorded (writes reordered in flight): such a visit is looked up. */
const EARLY_EVENT_SECONDS = 30 * 60;

/** The most a zone's offset changes at once (seconds). */
const MAX_OFFSET_CHANGE = 3 * 3600;

/**
 * `column` (an instant before the stretch's end) as local time, by the zone's offsets over the
 * stretch. The instants and offsets are written as integer literals: bound, DuckDB would
 * compute the CASE on HUGEINTs, many times slower over every visit.
 */
function localTimeSql(column: string, read: FunnelRead): string {
  const spans = offsetSpans(read.timeZone, read.start, read.end);
  const int = (n: number) => String(Math.trunc(n));
  const branches = spans.slice(0, -1).map((s) => `WHEN ${column} < ${int(s.until!)} THEN ${int(s.offset)}`);
  return spans.length === 1 ? `${column} + ${int(spans[0]!.offset)}` : `${column} + CASE ${branches.join(' ')} ELSE ${int(spans.at(-1)!.offset)} END`;
}

/**
 * The columnar copy's statement when step 1 is flagged (flaggedFirstStep). The copy marks, on
 * each day's rows, the first of each visit and of each visitor with a page (or event name):
 * for a visitor and day whose visits all began that day in the stretch and have all their
 * events that day, step 1's visits and visitors are sums of those flags over the rows
 * completing the goal, with no grouping by visit nor lookup of visits, which were most of the
 * statement (a goal such as `Visit /` is reached by a quarter of all visits).
 *
 * The other visitor-days are counted as funnelStatement counts them, from their events and
 * visits looked up: those of a visit that began before the stretch, may have events on
 * another day than its start (`x`, from the visits' start and end), or is not in the copy
 * (the stretch's first day, where a visit begun before the copy's first day shows); and
 * those whose first row with the label does not complete the goal (a custom event on the
 * page before its pageview). Those are few: visits end at the site's midnight, where the
 * visitor hash's salt changes. The later steps need step 1's event only for visits that
 * completed step 2's goal, so only those are grouped and looked up.
 */
function flaggedFunnelStatement(read: FunnelRead, flagged: FlaggedStep): Stmt {
  const params: SqlValue[] = [];
  // Step 1's events are lm's rows.
  const events = read.steps.slice(1).map((goal, j) => `e${j + 1} AS MATERIALIZED (${stepEvents(read, goal, params)})`);
  params.push(read.siteId, read.end, read.start, read.start, read.end);
  // The local day of the visit's start, less EARLY_EVENT_SECONDS; the cheap test on its end, whose local time differs from
  // its start's plus its length by at most MAX_OFFSET_CHANGE, first: only visits ending late in the evening get the exact one.
  const early = `(v.lt - ${EARLY_EVENT_SECONDS}) // 86400`;
  const crossing = `x AS MATERIALIZED (SELECT v.id, v.lt // 86400 AS d, v.visitor FROM visits v WHERE v.site_id = ? AND v.started_at < ? AND v.ended_at >= ?
    AND (v.started_at < ? OR v.ended_at >= ? OR (${early} <> (v.lt + v.ended_at - v.started_at + ${MAX_OFFSET_CHANGE}) // 86400 AND ${early} <> (${localTimeSql('v.ended_at', read)}) // 86400)))`;
  const rows = (test: string) => {
    params.push(read.siteId, read.start, read.end, ...flagged.label.params);
    return `FROM events e WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? AND ${flagged.label.sql} AND ${test}`;
  };
  // Visitors counted as funnelStatement counts them (by visitor alone: a hash seldom recurs on another day).
  const firstOther = flagged.match === null ? '' : `SELECT e.visitor ${rows(`NOT ${flagged.match} AND (e.${flagged.visit} = 1 OR e.${flagged.day} = 1)`)} UNION `;
  const looked = `dv AS MATERIALIZED (${firstOther}SELECT visitor FROM x)`;
  params.push(dayStart(read.timeZone, addDays(localDayAt(read.timeZone, read.start), 1)));
  const marked = `lm AS MATERIALIZED (SELECT e.id, e.visit_id, e.lt // 86400 AS d, e.visitor, e.${flagged.visit} AS fv, e.${flagged.day} AS fd,
    e.ts < ? OR e.visitor IN (SELECT visitor FROM dv) AS slow ${rows(flagged.match ?? 'TRUE')})`;
  // Step 1's visits of those visitors, counted as funnelStatement counts them.
  const slowFirst = `s0x AS MATERIALIZED (${lookUpVisits(read, '(SELECT visit_id, MIN(id) AS at FROM lm WHERE slow GROUP BY visit_id)', params)})`;
  // Step 1's event of the visits that completed step 2's goal, for the later steps: the others' day and visitor are their events'.
  const first = `${stepName(0)} AS MATERIALIZED (SELECT lm.visit_id, MIN(lm.id) AS at, MIN(lm.d) AS d, MIN(lm.visitor) AS visitor
    FROM lm SEMI JOIN e1 ON e1.visit_id = lm.visit_id WHERE NOT lm.slow GROUP BY lm.visit_id UNION ALL SELECT * FROM s0x)`;
  const fast = `(SELECT SUM(fv) AS fv, SUM(fd) AS fd FROM lm WHERE NOT slow) f`;
  const slow = stepCounts(0, 's0x', 'c');
  const counts = [
    `(SELECT COALESCE(f.fv, 0) + COALESCE(c.visits0, 0) AS visits0, COALESCE(f.fd, 0) + c.visitors0 AS visitors0 FROM ${fast}, ${slow}) c0`,
    ...read.steps.slice(1).map((_, j) => stepCounts(j + 1)),
  ];
  return { sql: `WITH ${[...events, crossing, looked, marked, slowFirst, first, ...laterSteps(read)].join(',\n')}\nSELECT * FROM ${counts.join(', ')}`, params };
}

/** The counts in a row of funnelStatement, as numbers (DuckDB's counts arrive as bigints). */
export function countsFromRow(row: Record<string, SqlValue> | null, stepCount: number): FunnelCounts {
  const n = (name: string) => Number(row?.[name] ?? 0);
  return {
    steps: Array.from({ length: stepCount }, (_, i) => ({ visits: n(`visits${i}`), visitors: n(`visitors${i}`) })),
  };
}

/** Adds the counts of stretches that share no day (so no visitor is counted twice). */
export function addCounts(a: FunnelCounts, b: FunnelCounts): FunnelCounts {
  return {
    steps: a.steps.map((s, i) => ({ visits: s.visits + b.steps[i]!.visits, visitors: s.visitors + b.steps[i]!.visitors })),
  };
}

/** A percentage with two decimals, as the Stats API gives conversion rates; 0 of nothing is 0. */
export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100;
}

export interface StepResult {
  visitors: number;
  visits: number;
  /** Of the first step's visitors, the percentage that reached this one. */
  conversionRate: number;
  /** Of the previous step's visitors, the percentage that reached this one (100 for the first step that has any). */
  conversionRateStep: number;
  /** Visitors of the previous step that did not reach this one (0 for the first step). */
  dropoff: number;
  /** dropoff as a percentage of the previous step's visitors. */
  dropoffRate: number;
}

/** Conversion and drop-off of each step from its counts. */
export function stepResults(counts: FunnelCounts): StepResult[] {
  const first = counts.steps[0]?.visitors ?? 0;
  return counts.steps.map((s, i) => {
    const previous = i === 0 ? s.visitors : counts.steps[i - 1]!.visitors;
    const dropoff = previous - s.visitors;
    return {
      visitors: s.visitors,
      visits: s.visits,
      conversionRate: percent(s.visitors, first),
      conversionRateStep: percent(s.visitors, previous),
      dropoff,
      dropoffRate: percent(dropoff, previous),
    };
  });
}
