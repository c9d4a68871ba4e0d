-- Rollups, second shape. Rollups are derived data that maintenance rebuilds from raw
-- visits and events, so they are dropped and recreated rather than altered:
--  * a visit's pageviews and events are now summed from its own counters, on the day it
--    started, so building a day no longer joins events to visits;
--  * sums over the period presets dashboards ask for (last 7/28/30/91 days, month and year
--    to date, last 6/12 months, all time) are kept ready, one row per value.
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.

DROP TABLE rollup_visits;
DROP TABLE rollup_visits_monthly;
DROP TABLE rollup_events;
DROP TABLE rollup_events_monthly;
DELETE FROM rollup_state;

-- Visits started that day, grouped by a visit dimension ('' holds the day's totals).
-- `value` is the label the API shows: NULL already reads '(not set)' or 'Direct / None'.
CREATE TABLE rollup_visits (
  site_id INTEGER NOT NULL,
  dimension TEXT NOT NULL,
  day TEXT NOT NULL,
  value TEXT NOT NULL,
  visitors INTEGER NOT NULL,
  visits INTEGER NOT NULL,
  bounces INTEGER NOT NULL,
  duration INTEGER NOT NULL,
  pageviews INTEGER NOT NULL,
  -- Pageviews and interactive custom events of these visits.
  events INTEGER NOT NULL,
  PRIMARY KEY (site_id, dimension, day, value)
) WITHOUT ROWID;

-- The day's pageviews and custom events grouped by an event dimension.
CREATE TABLE rollup_events (
  site_id INTEGER NOT NULL,
  dimension TEXT NOT NULL,
  day TEXT NOT NULL,
  value TEXT NOT NULL,
  visitors INTEGER NOT NULL,
  visits INTEGER NOT NULL,
  pageviews INTEGER NOT NULL,
  events INTEGER NOT NULL,
  PRIMARY KEY (site_id, dimension, day, value)
) WITHOUT ROWID;

-- Whole calendar months (YYYY-MM), added up from day rows.
CREATE TABLE rollup_visits_monthly (
  site_id INTEGER NOT NULL,
  dimension TEXT NOT NULL,
  month TEXT NOT NULL,
  value TEXT NOT NULL,
  visitors INTEGER NOT NULL,
  visits INTEGER NOT NULL,
  bounces INTEGER NOT NULL,
  duration INTEGER NOT NULL,
  pageviews INTEGER NOT NULL,
  events INTEGER NOT NULL,
  PRIMARY KEY (site_id, dimension, month, value)
) WITHOUT ROWID;

CREATE TABLE rollup_events_monthly (
  site_id INTEGER NOT NULL,
  dimension TEXT NOT NULL,
  month TEXT NOT NULL,
  value TEXT NOT NULL,
  visitors INTEGER NOT NULL,
  visits INTEGER NOT NULL,
  pageviews INTEGER NOT NULL,
  events INTEGER NOT NULL,
  PRIMARY KEY (site_id, dimension, month, value)
) WITHOUT ROWID;

-- Preset periods of whole rolled-up days (first_day..last_day) that are ready.
CREATE TABLE rollup_ranges (
  site_id INTEGER NOT NULL,
  first_day TEXT NOT NULL,
  last_day TEXT NOT NULL,
  PRIMARY KEY (site_id, first_day, last_day)
) WITHOUT ROWID;

CREATE TABLE rollup_range_visits (
  site_id INTEGER NOT NULL,
  first_day TEXT NOT NULL,
  last_day TEXT NOT NULL,
  dimension TEXT NOT NULL,
  value TEXT NOT NULL,
  visitors INTEGER NOT NULL,
  visits INTEGER NOT NULL,
  bounces INTEGER NOT NULL,
  duration INTEGER NOT NULL,
  pageviews INTEGER NOT NULL,
  events INTEGER NOT NULL,
  PRIMARY KEY (site_id, first_day, last_day, dimension, value)
) WITHOUT ROWID;

CREATE TABLE rollup_range_events (
  site_id INTEGER NOT NULL,
  first_day TEXT NOT NULL,
  last_day TEXT NOT NULL,
  dimension TEXT NOT NULL,
  value TEXT NOT NULL,
  visitors INTEGER NOT NULL,
  visits INTEGER NOT NULL,
  pageviews INTEGER NOT NULL,
  events INTEGER NOT NULL,
  PRIMARY KEY (site_id, first_day, last_day, dimension, value)
) WITHOUT ROWID;
