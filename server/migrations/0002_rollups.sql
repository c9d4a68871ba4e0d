-- Rollups: per site-local day, per month and per ready preset range, and per dimension
-- value, the sums the Stats API needs, built by the maintenance step for closed days.
-- Unique visitors are stored per day: the visitor hash is day-scoped, so a range's visitors
-- are the sum of its days'. A visit's pageviews and events are summed from its own
-- counters, on the day it started, so building a day does not join events to visits.
-- Sums over the period presets dashboards ask for (last 7/28/30/91 days, month and year to
-- date, last 6/12 months, all time) are kept ready, one row per value.
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.

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


-- How far each site's rollups reach, in the timezone they were built in.
CREATE TABLE rollup_state (
  site_id INTEGER PRIMARY KEY,
  timezone TEXT NOT NULL,
  -- Last site-local day (YYYY-MM-DD) whose day rollups are complete; every earlier day too.
  days_through TEXT NOT NULL,
  -- Last month (YYYY-MM) whose month rollups are complete, or NULL.
  months_through TEXT,
  -- Raw visits and events before this day have been deleted by retention (NULL: none).
  raw_kept_from TEXT
);

-- Filtered queries: the visits passing a page or event-name filter are found from these
-- covering indexes without reading the events table.
CREATE INDEX events_site_path ON events (site_id, path, ts, visit_id);
CREATE INDEX events_site_name ON events (site_id, name, ts, visit_id);
