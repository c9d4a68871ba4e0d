/**
 * Goal rollups (migration 0022): per site-local day and goal, the goal's conversions
 * (goal_rollup_events) and the visits that completed it the day they started, per visit
 * dimension of rollup_visits (goal_rollup_visits), summed exactly as the raw query path sums
 * a goal-filtered read of whole days; query/goal-rollup-read.ts reads them.
 *
 * Goals apply to all history, so a goal's rollups are built for every day with raw events:
 * newest first (recent views are served soonest), and then each newly closed day, a bounded
 * number of goal-days per maintenance pass, each one atomic batch that records how far the
 * goal reaches (goal_rollup_state). A goal deleted, redefined or built in an old timezone
 * has its rows deleted month by month and is built again; until then the planner reads its
 * days the present way (its state no longer matches the goal).
 * @module
 */
import { goalEventCondition, listGoals, type Goal, type GoalDefinition } from './goals/goals.ts';
import type { Db, Stmt } from './ports.ts';
import { dimensionSpec, labelSql } from './query/dimensions.ts';
import { rawDayKept } from './rollups.ts';
import { dayMeasures, measureColumns, rowMeasures } from './store/measures.ts';
import { VISIT_TIMEOUT_SECONDS } from './store/record-event.ts';
import { GOAL_ROLLUP_DAY_TABLES, ROLLUP_FAMILIES } from './store/site-days.ts';
import type { Site } from './sites.ts';
import { addDays, dayStart, localDayAt } from './time.ts';

const VISIT_DIMENSIONS = ROLLUP_FAMILIES.visits.dimensions;
/** Dimensions per statement: D1 refuses a compound SELECT of many more terms. */
const COMPOUND_TERMS = 4;

/** What a goal counts, without its name or currency: a change of it means building the goal again. */
export function goalDefinitionKey(goal: GoalDefinition): string {
  return JSON.stringify(goal.kind === 'page' ? ['page', goal.pagePath] : ['event', goal.eventName, goal.prop?.key ?? null, goal.prop?.value ?? null]);
}

/**
 * One goal's rollup rows of local day `day`, replacing any there were, built at instant
 * `now`: a visit of the day counts as pending only while it may still take events (active
 * within the visit timeout of `now`) or when it completed the goal after midnight.
 */
export function goalDayStatements(siteId: number, timeZone: string, goal: Goal, day: string, now: number): Stmt[] {
  const start = dayStart(timeZone, day);
  const end = dayStart(timeZone, addDays(day, 1));
  const completes = goalEventCondition(goal, 'e').sql;
  const converting = `SELECT e.visit_id FROM events e WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? AND ${completes}`;
  const key = [siteId, goal.id, day];
  // Nothing is written over a day whose raw events retention deleted since the run read the
  // state (an overlapping run): the rows already there are the only count left of it.
  const rawKept = rawDayKept(siteId, day);
  // The day's converting visits once per statement, then several dimensions' groups of them.
  const parts = VISIT_DIMENSIONS.map((dimension) => {
    const label = dimension === '' ? { sql: "''", params: [] } : labelSql(dimensionSpec(dimension)!);
    // Grouped by the value even for the totals (a constant): a day without conversions stays empty.
    return {
      sql: `SELECT ?, ?, ?, ?, value, ${dayMeasures('visits')} FROM (SELECT ${label.sql} AS value, ${rowMeasures('visits')} FROM converted v) GROUP BY value`,
      params: [...key, dimension, ...label.params],
    };
  });
  const visits: Stmt[] = [];
  for (let i = 0; i < parts.length; i += COMPOUND_TERMS) {
    const chunk = parts.slice(i, i + COMPOUND_TERMS);
    visits.push({
      sql: `INSERT INTO goal_rollup_visits (site_id, goal_id, day, dimension, value, ${measureColumns('visits')})
        WITH converted AS MATERIALIZED (SELECT * FROM visits v WHERE v.site_id = ? AND v.started_at >= ? AND v.started_at < ? AND v.id IN (${converting}) AND ${rawKept.sql})
        ${chunk.map((p) => p.sql).join(' UNION ALL ')}`,
      params: [siteId, start, end, siteId, start, end, ...rawKept.params, ...chunk.flatMap((p) => p.params)],
    });
  }
  return [
    ...GOAL_ROLLUP_DAY_TABLES.map((table) => ({ sql: `DELETE FROM ${table} WHERE site_id = ? AND goal_id = ? AND day = ? AND ${rawKept.sql}`, params: [...key, ...rawKept.params] })),
    ...visits,
    {
      sql: `INSERT INTO goal_rollup_events (site_id, goal_id, day, ${measureColumns('events')})
        SELECT ?, ?, ?, ${dayMeasures('events')}
        FROM (SELECT '' AS g, ${rowMeasures('events')} FROM events e WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? AND ${completes} AND ${rawKept.sql})
        GROUP BY g`,
      params: [...key, siteId, start, end, ...rawKept.params],
    },
    {
      // A visit can take events after midnight only if it was active within the timeout of it.
      sql: `INSERT INTO goal_rollup_pending (site_id, goal_id, day, visit_id)
        SELECT ?, ?, ?, v.id FROM visits v
        WHERE v.site_id = ? AND v.started_at >= ? AND v.started_at < ? AND v.ended_at >= ? AND v.id NOT IN (${converting})
          AND (v.ended_at >= ? OR EXISTS (SELECT 1 FROM events e WHERE e.visit_id = v.id AND e.ts >= ? AND ${completes})) AND ${rawKept.sql}`,
      params: [...key, siteId, start, end, end - VISIT_TIMEOUT_SECONDS, siteId, start, end, now - VISIT_TIMEOUT_SECONDS, end, ...rawKept.params],
    },
    {
      // Pending visits of the week before that have ended for good without completing the goal never will.
      sql: `DELETE FROM goal_rollup_pending WHERE site_id = ? AND goal_id = ? AND day >= ? AND day < ?
        AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.id = goal_rollup_pending.visit_id AND v.ended_at >= ?)
        AND NOT EXISTS (SELECT 1 FROM events e WHERE e.visit_id = goal_rollup_pending.visit_id AND ${completes})`,
      params: [siteId, goal.id, addDays(day, -7), day, now - VISIT_TIMEOUT_SECONDS],
    },
  ];
}

interface StateRow {
  goal_id: number;
  definition: string;
  timezone: string;
  first_day: string;
  days_through: string;
  backfilled: number;
}

const nextMonthStart = (day: string) => `${addDays(`${day.slice(0, 7)}-28`, 7).slice(0, 7)}-01`;

/**
 * Deletes a stale goal's rows one month at a time, recording each step; the state row goes
 * with the last. Returns the steps taken (at most `budget`).
 */
async function dropStale(db: Db, siteId: number, state: StateRow, budget: number): Promise<number> {
  let steps = 0;
  let from = state.first_day;
  while (steps < budget) {
    if (from > state.days_through) {
      // Rows outside the recorded days: none are written, but a crash mid-build may leave the day being built.
      await db.batch([
        ...GOAL_ROLLUP_DAY_TABLES.map((table) => ({ sql: `DELETE FROM ${table} WHERE site_id = ? AND goal_id = ?`, params: [siteId, state.goal_id] })),
        { sql: 'DELETE FROM goal_rollup_state WHERE site_id = ? AND goal_id = ?', params: [siteId, state.goal_id] },
      ]);
      return steps + 1;
    }
    const next = nextMonthStart(from);
    await db.batch([
      ...GOAL_ROLLUP_DAY_TABLES.map((table) => ({
        sql: `DELETE FROM ${table} WHERE site_id = ? AND goal_id = ? AND day >= ? AND day < ?`,
        params: [siteId, state.goal_id, from, next],
      })),
      { sql: 'UPDATE goal_rollup_state SET first_day = ? WHERE site_id = ? AND goal_id = ?', params: [next, siteId, state.goal_id] },
    ]);
    from = next;
    steps += 1;
  }
  return steps;
}

/** The first local day whose raw events are all kept: the earliest a goal can be built from. */
async function firstBuildableDay(db: Db, site: Site): Promise<string | null> {
  const row = await db.first<{ t: number | null; kept: string | null }>(
    'SELECT (SELECT min(started_at) FROM visits WHERE site_id = ?) AS t, (SELECT raw_kept_from FROM rollup_state WHERE site_id = ?) AS kept',
    [site.id, site.id],
  );
  if (row?.t == null) return null;
  const first = localDayAt(site.timezone, row.t);
  return row.kept !== null && row.kept > first ? row.kept : first;
}

/**
 * Brings every goal's rollups of `site` towards days first-data..`closedThrough` at instant
 * `now` (Unix seconds) with at most `maxDays` goal-days of work (a deleted month of a stale goal counts as one); returns
 * the goal-days built.
 */
export async function rollUpGoals(db: Db, site: Site, closedThrough: string, maxDays: number, now: number): Promise<number> {
  // Idle (every goal built through yesterday and back to its first day), a pass is this one read.
  const idle = await db.first<{ goals: number; done: number; states: number }>(
    `SELECT (SELECT count(*) FROM goals WHERE site_id = ?) AS goals, (SELECT count(*) FROM goal_rollup_state WHERE site_id = ?) AS states,
      (SELECT count(*) FROM goal_rollup_state s JOIN goals g ON g.id = s.goal_id
        WHERE s.site_id = ? AND s.timezone = ? AND s.days_through >= ? AND s.backfilled = 1) AS done`,
    [site.id, site.id, site.id, site.timezone, closedThrough],
  );
  if (idle && idle.goals === idle.done && idle.states === idle.done) return 0;
  const goals = new Map((await listGoals(db, site.id)).map((g) => [g.id, g]));
  const states = await db.all<StateRow>('SELECT goal_id, definition, timezone, first_day, days_through, backfilled FROM goal_rollup_state WHERE site_id = ?', [site.id]);
  let budget = maxDays;
  const current = new Map<number, StateRow>();
  for (const state of states) {
    const goal = goals.get(state.goal_id);
    if (goal && goalDefinitionKey(goal) === state.definition && state.timezone === site.timezone) current.set(goal.id, state);
    else if (budget > 0) budget -= await dropStale(db, site.id, state, budget);
  }
  // No raw events at all: nothing to go back to.
  const firstDay = (await firstBuildableDay(db, site)) ?? addDays(closedThrough, 1);
  let built = 0;
  for (const goal of goals.values()) {
    if (budget <= 0) break;
    let state = current.get(goal.id);
    // A stale state of this goal is still being dropped: built again once it is gone.
    if (!state && states.some((s) => s.goal_id === goal.id)) continue;
    if (!state) {
      state = { goal_id: goal.id, definition: goalDefinitionKey(goal), timezone: site.timezone, first_day: addDays(closedThrough, 1), days_through: closedThrough, backfilled: 0 };
      await db.run('INSERT OR REPLACE INTO goal_rollup_state (site_id, goal_id, definition, timezone, first_day, days_through) VALUES (?, ?, ?, ?, ?, ?)', [
        site.id, goal.id, state.definition, state.timezone, state.first_day, state.days_through,
      ]);
    }
    // Newly closed days first, then history backwards from the oldest built.
    for (let day = addDays(state.days_through, 1); day <= closedThrough && budget > 0; day = addDays(day, 1), budget -= 1, built += 1) {
      await db.batch([
        ...goalDayStatements(site.id, site.timezone, goal, day, now),
        { sql: 'UPDATE goal_rollup_state SET days_through = ? WHERE site_id = ? AND goal_id = ? AND days_through < ?', params: [day, site.id, goal.id, day] },
      ]);
    }
    let day = addDays(state.first_day, -1);
    for (; day >= firstDay && budget > 0; day = addDays(day, -1), budget -= 1, built += 1) {
      await db.batch([
        ...goalDayStatements(site.id, site.timezone, goal, day, now),
        {
          // Not over a day whose raw events retention deleted meanwhile (an overlapping run): its rows would be short.
          sql: `UPDATE goal_rollup_state SET first_day = ? WHERE site_id = ? AND goal_id = ? AND first_day > ? AND ${rawDayKept(site.id, day).sql}`,
          params: [day, site.id, goal.id, day, ...rawDayKept(site.id, day).params],
        },
      ]);
    }
    if (day < firstDay && !state.backfilled) await db.run('UPDATE goal_rollup_state SET backfilled = 1 WHERE site_id = ? AND goal_id = ?', [site.id, goal.id]);
  }
  return built;
}
