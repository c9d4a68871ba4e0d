-- Pair rollups: per site-local day, the sums of the visits (or events) whose visit has one
-- label of a filter dimension, grouped by another dimension (or by nothing: ''). They answer
-- a view with one `is` filter of one value on that dimension from a few rows per day, where
-- the raw path reads every visit of the period (D1 bills and waits per row read). Visitor
-- hashes live one day, so per-day distinct counts add up over days, as in rollup_visits.
-- The key orders (filter dimension, grouped dimension, filter label, day): a query reads a
-- contiguous stretch of it, and purge deletes one (filter, grouped) dimension pair at a time.
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.

CREATE TABLE rollup_pair_visits (
  site_id INTEGER NOT NULL,
  filter_dimension TEXT NOT NULL,
  dimension TEXT NOT NULL,
  filter_value TEXT NOT NULL,
  day TEXT NOT NULL,
  value TEXT NOT NULL,
  visitors INTEGER NOT NULL,
  visits INTEGER NOT NULL,
  bounces INTEGER NOT NULL,
  duration INTEGER NOT NULL,
  pageviews INTEGER NOT NULL,
  events INTEGER NOT NULL,
  PRIMARY KEY (site_id, filter_dimension, dimension, filter_value, day, value)
) WITHOUT ROWID;

-- The day's pageviews and custom events by an event dimension, by their visit's filter label.
CREATE TABLE rollup_pair_events (
  site_id INTEGER NOT NULL,
  filter_dimension TEXT NOT NULL,
  dimension TEXT NOT NULL,
  filter_value TEXT NOT NULL,
  day TEXT NOT NULL,
  value TEXT NOT NULL,
  visitors INTEGER NOT NULL,
  visits INTEGER NOT NULL,
  pageviews INTEGER NOT NULL,
  events INTEGER NOT NULL,
  PRIMARY KEY (site_id, filter_dimension, dimension, filter_value, day, value)
) WITHOUT ROWID;

-- Which days pair rollups hold: first_day..days_through, in the timezone they were built in.
-- Built after the day rollups, a few days per maintenance pass, so they may lag behind them.
CREATE TABLE rollup_pair_state (
  site_id INTEGER PRIMARY KEY,
  timezone TEXT NOT NULL,
  first_day TEXT NOT NULL,
  days_through TEXT NOT NULL
);
