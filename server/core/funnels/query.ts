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
import { offsetSpans } from '../time.ts';

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
  /** The shortest stretch in days counted from the copy's flags (FLAGGED_MIN_DAYS unless told). */
  flaggedMinDays?: number;
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

const DAY = 86_400;

/**
 * How long a visit may go on into the local days after the one it began on: a visit ends
 * at the midnight where the visitor hash's salt changes (ingest/visitor.ts), which is the
 * site's midnight unless its timezone changed since, by at most a day.
 */
const VISIT_DAYS_AFTER = 2;

/**
 * A DuckDB condition on visits `v` begun in [start, end): true when the visit may have
 * events on another local day than the one it began on. Either its last event's local time
 * (the zone's offsets in the stretch, written as literals: bound, DuckDB computes the CASE
 * over every visit in HUGEINTs) is on a later day, or an offset change falls within it,
 * where local time can go back across midnight. Offsets after the stretch's end do not
 * matter: a visit lasting past the end went across its midnight.
 */
function mayLeaveItsDay(timeZone: string, start: number, end: number): string {
  const spans = offsetSpans(timeZone, start, end);
  const offsets = spans.map((s) => s.offset);
  const offset = spans.length === 1 ? `${spans[0]!.offset}` : `CASE ${spans.slice(0, -1).map((s) => `WHEN v.ended_at < ${s.until} THEN ${s.offset}`).join(' ')} ELSE ${spans.at(-1)!.offset} END`;
  const changes = spans.slice(0, -1).map((s) => ` OR (v.started_at < ${s.until} AND v.ended_at >= ${s.until})`);
  // First a test of a few integers that most visits fail (they end hours before midnight), so the CASE reads only the rest.
  const near = `v.lt % ${DAY} + v.ended_at - v.started_at + ${Math.max(...offsets) - Math.min(...offsets)} >= ${DAY}`;
  return `((${near} AND (v.ended_at + ${offset}) // ${DAY} <> v.lt // ${DAY})${changes.join('')})`;
}

/**
 * The shortest stretch counted from the flags: their fixed costs (the scan of the stretch's
 * visits for `x`, the first days looked up) made 30 days at 10 M events ~15-30 % dearer in
 * CPU, where 12 months took ~23 % less (docs/benchmarks.md, "Funnel").
 */
const FLAGGED_MIN_DAYS = 90;

/**
 * Step 1's rows on the copy, when its goal is an exact page or an event name: the rows
 * labelled with that page (any event) or name, which the copy's first-of-visit and
 * first-of-day flags for that label mark (day-rows.ts); `hit` when the row completes the
 * goal (a custom event on the page does not).
 */
function labelRows(goal: GoalDefinition): { label: string; params: SqlValue[]; hit: string; flag: string } | null {
  if (exactPage(goal)) return { label: 'e.path = ?', params: [goal.pagePath], hit: "e.name = 'pageview'", flag: 'page' };
  if (goal.kind === 'event' && goal.prop === null) return { label: 'e.name = ?', params: [goal.eventName], hit: 'TRUE', flag: 'name' };
  return null;
}

/**
 * A funnel on the columnar copy without filters whose first step is an exact page or an
 * event name, with no grouping of step 1's events by visit or by visitor: its visits and
 * visitors are counted from the copy's first-of-visit and first-of-day flags of its label,
 * and only the visits that also completed step 2 after it are grouped.
 *
 * The flags count a visitor's day (or a visit) exactly when its first row with the label
 * completes the goal and belongs to a visit begun in the stretch on that day. The other
 * (day, visitor) pairs (`t`) are counted by looking their visits up: those of the visits
 * begun in the stretch's first days or before it and going on into it, or that may leave
 * their local day (`x`, from the visits); those whose first row with the label does not
 * complete the goal (a custom event on the page before its page view); and those of any
 * row in the first days, whose visit may have begun before the days the copy holds (after
 * a retention or purge boundary) and so have no row in it. After the first days, a visit
 * that is not in `x` began in the stretch on the day of its events, which carry its
 * visitor hash.
 */
function flaggedFunnel(read: FunnelRead, rows: NonNullable<ReturnType<typeof labelRows>>): Stmt {
  const params: SqlValue[] = [];
  const firstDays = read.start + VISIT_DAYS_AFTER * DAY;
  params.push(read.siteId, read.start, read.end, ...rows.params);
  const label = `p AS MATERIALIZED (SELECT e.id, e.visit_id, e.visitor, e.ts, e.lt // ${DAY} AS d, e.first_visit_${rows.flag} AS fv, e.first_day_${rows.flag} AS fd, ${rows.hit} AS hit
    FROM events e WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? AND ${rows.label})`;
  const later = read.steps.slice(1).map((goal, j) => {
    const test = exactPage(goal) ? { sql: `e.path = ? AND e.name = 'pageview'`, params: [goal.pagePath] } : goalEventCondition(goal, 'e');
    params.push(read.siteId, read.start, read.end, ...test.params);
    const columns = j === 0 ? 'e.id, e.visit_id, e.visitor, e.ts, e.lt' : 'e.id, e.visit_id';
    return `e${j + 1} AS MATERIALIZED (SELECT ${columns} FROM events e WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? AND ${test.sql})`;
  });
  params.push(read.siteId, read.end, read.start, firstDays);
  const lookedUp = `x AS MATERIALIZED (SELECT v.id, v.started_at, v.lt // ${DAY} AS d, v.visitor FROM visits v WHERE v.site_id = ? AND v.started_at < ? AND v.ended_at >= ?
    AND (v.started_at < ? OR ${mayLeaveItsDay(read.timeZone, read.start, read.end)}))`;
  params.push(firstDays);
  const apart = `t AS MATERIALIZED (SELECT DISTINCT d, visitor FROM (SELECT d, visitor FROM x
    UNION ALL SELECT p.d, p.visitor FROM p WHERE p.visit_id IN (SELECT id FROM x) OR p.ts < ? OR ((p.fv = 1 OR p.fd = 1) AND NOT p.hit)))`;
  // The rows of `t`'s pairs, found by visitor first: DuckDB builds the IN's hash table on `t`, but would build a join's on `p`.
  const apartRows = `pt AS MATERIALIZED (SELECT pv.* FROM (SELECT * FROM p WHERE p.visitor IN (SELECT visitor FROM t)) pv SEMI JOIN t ON t.d = pv.d AND t.visitor = pv.visitor)`;
  // The visits of `t`'s pairs that completed step 1: began in the stretch, by their own day and visitor.
  params.push(firstDays, read.start);
  const apartVisits = `q AS MATERIALIZED (SELECT p.visit_id, MIN(p.ts) AS ts, MIN(p.d) AS d, MIN(p.visitor) AS visitor FROM pt p WHERE p.hit GROUP BY p.visit_id),
    a AS MATERIALIZED (SELECT q.visit_id, q.d, q.visitor FROM q WHERE q.ts >= ? AND q.visit_id NOT IN (SELECT id FROM x)
      UNION ALL SELECT x.id, x.d, x.visitor FROM q JOIN x ON x.id = q.visit_id WHERE x.started_at >= ?)`;
  // All the flagged rows less those of `t`'s pairs (an anti-join would hash every row of `p`).
  const flags = (table: string) => `(SELECT SUM(p.fv) AS fv, SUM(p.fd) AS fd FROM ${table} p WHERE p.hit)`;
  const flagged = `(SELECT COALESCE(w.fv, 0) - COALESCE(o.fv, 0) AS fv, COALESCE(w.fd, 0) - COALESCE(o.fd, 0) AS fd FROM ${flags('p')} w, ${flags('pt')} o)`;
  // Step 2: per visit, its first event completing it after any (so the first) completing step 1.
  params.push(firstDays, read.start);
  const second = `j AS MATERIALIZED (SELECT e.visit_id, MIN(e.id) AS at, MIN(e.ts) AS ts, MIN(e.lt) // ${DAY} AS d, MIN(e.visitor) AS visitor
      FROM e1 e JOIN p ON p.visit_id = e.visit_id WHERE p.hit AND e.id > p.id GROUP BY e.visit_id),
    s1 AS MATERIALIZED (SELECT j.visit_id, j.at, j.d, j.visitor FROM j WHERE j.ts >= ? AND j.visit_id NOT IN (SELECT id FROM x)
      UNION ALL SELECT j.visit_id, j.at, x.d, x.visitor FROM j JOIN x ON x.id = j.visit_id WHERE x.started_at >= ?)`;
  const steps = read.steps.slice(2).map((_, k) => laterStep(k + 2));
  const first = `(SELECT f.fv + (SELECT COUNT(*) FROM a) AS visits0, f.fd + (SELECT COUNT(*) FROM (SELECT DISTINCT d, visitor FROM a) u) AS visitors0 FROM ${flagged} f) c0`;
  const counts = read.steps.slice(1).map((_, k) => stepCounts(k + 1));
  const ctes = [label, ...later, lookedUp, apart, apartRows, apartVisits, second, ...steps];
  return { sql: `WITH ${ctes.join(',\n')}\nSELECT * FROM ${[first, ...counts].join(', ')}`, params };
}

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
 */
export function funnelStatement(read: FunnelRead): Stmt {
  const sqlite = read.dialect.name === 'sqlite';
  const rows = labelRows(read.steps[0]!);
  if (!sqlite && rows && sameEventFilters(read.filters).length === 0 && read.end - read.start >= (read.flaggedMinDays ?? FLAGGED_MIN_DAYS) * DAY) return flaggedFunnel(read, rows);
  const params: SqlValue[] = [];
  const events = read.steps.map((goal, i) => `e${i} AS MATERIALIZED (${stepEvents(read, goal, params)})`);
  const first = [firstStep(read, params)];
  const steps = read.steps.slice(1).map((_, j) => laterStep(j + 1));
  const counts = read.steps.map((_, i) => stepCounts(i));
  return { sql: `WITH ${[...events, ...first, ...steps].join(',\n')}\nSELECT * FROM ${counts.join(', ')}`, params };
}

/** Step i's visits (i ≥ 1): those of step i-1 with an event completing step i after the one that completed it. */
function laterStep(i: number): string {
  return `${stepName(i)} AS MATERIALIZED (SELECT p.visit_id, MIN(e.id) AS at, MIN(p.d) AS d, MIN(p.visitor) AS visitor FROM ${stepName(i - 1)} p
      JOIN e${i} e ON e.visit_id = p.visit_id WHERE e.id > p.at GROUP BY p.visit_id)`;
}

/** Step i's visits and visitors in one read of its table: visits per visitor and day, summed. */
function stepCounts(i: number): string {
  return `(SELECT SUM(n) AS visits${i}, COUNT(*) AS visitors${i} FROM (SELECT COUNT(*) AS n FROM ${stepName(i)} GROUP BY d, visitor) u) c${i}`;
}

/** Step 1's visits with their first event completing it, looked up among the stretch's visits that pass the filters, with their day and visitor. */
function firstStep(read: FunnelRead, params: SqlValue[]): string {
  const sqlite = read.dialect.name === 'sqlite';
  const lt = read.dialect.localTime('v', 'v.started_at', read.timeZone, read.start, read.end);
  params.push(...lt.params, read.siteId, read.start, read.end);
  const where = ['v.site_id = ?', 'v.started_at >= ?', 'v.started_at < ?'];
  for (const f of sameEventFilters(read.filters)) {
    const part = filterSql(f, { rows: 'visits', siteId: read.siteId, start: read.periodStart, end: read.periodEnd, visitsBeyond: read.visitsBeyond });
    where.push(part.sql);
    params.push(...part.params);
  }
  // CROSS JOIN keeps SQLite's order: the first step's visits, then each one looked up by its id.
  const join = sqlite ? 'CROSS JOIN' : 'JOIN';
  return `${stepName(0)} AS MATERIALIZED (SELECT f.visit_id, f.at, ${read.dialect.dayOf(lt.sql)} AS d, v.visitor
    FROM (SELECT visit_id, MIN(id) AS at FROM e0 e GROUP BY visit_id) f
    ${join} visits v ON v.id = f.visit_id WHERE ${where.join(' AND ')})`;
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
