-- Goal rollups (issue 23): per site-local day and goal, the sums a goal-filtered view and
-- the Goals panel read, built by maintenance for closed days and, for a goal added or
-- changed, for all its history in bounded steps (server/core/goal-rollups.ts). Visitors
-- are counted per day, as in rollup_visits: the visitor hash is day-scoped, so a range's
-- visitors are the sum of its days'. Statistics: reset, purge and site removal delete them.
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.

-- Visits started that day that completed the goal the same day, grouped by a visit
-- dimension of rollup_visits ('' holds the day's totals); the same measures.
CREATE TABLE goal_rollup_visits (
  site_id INTEGER NOT NULL,
  goal_id INTEGER NOT NULL,
  dimension TEXT NOT NULL,
  day TEXT NOT NULL,
  value TEXT NOT NULL,
  visitors INTEGER NOT NULL,
  visits INTEGER NOT NULL,
  bounces INTEGER NOT NULL,
  duration INTEGER NOT NULL,
  pageviews INTEGER NOT NULL,
  events INTEGER NOT NULL,
  PRIMARY KEY (site_id, goal_id, dimension, day, value)
) WITHOUT ROWID;

-- The day's events that complete the goal (conversions), as rollup_events' measures.
CREATE TABLE goal_rollup_events (
  site_id INTEGER NOT NULL,
  goal_id INTEGER NOT NULL,
  day TEXT NOT NULL,
  visitors INTEGER NOT NULL,
  visits INTEGER NOT NULL,
  pageviews INTEGER NOT NULL,
  events INTEGER NOT NULL,
  PRIMARY KEY (site_id, goal_id, day)
) WITHOUT ROWID;

-- Visits started that day without completing the goal that day that could still go on past
-- midnight (active in its last visit timeout): should one complete the goal later within a
-- query's period, that day is read from raw events instead of goal_rollup_visits.
CREATE TABLE goal_rollup_pending (
  site_id INTEGER NOT NULL,
  goal_id INTEGER NOT NULL,
  day TEXT NOT NULL,
  visit_id INTEGER NOT NULL,
  PRIMARY KEY (site_id, goal_id, day, visit_id)
) WITHOUT ROWID;

-- How far each goal's rollups reach: days first_day..days_through, built for the goal's
-- definition (a changed definition is rebuilt) in the timezone given; backfilled once
-- first_day is the first day with raw events.
CREATE TABLE goal_rollup_state (
  site_id INTEGER NOT NULL,
  goal_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  timezone TEXT NOT NULL,
  first_day TEXT NOT NULL,
  days_through TEXT NOT NULL,
  backfilled INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site_id, goal_id)
) WITHOUT ROWID;
