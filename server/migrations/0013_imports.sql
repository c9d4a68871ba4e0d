-- Imported history (issue 21): each import's record, and its rows in the shapes of
-- Plausible's own `imported_*` tables (its ClickHouse tables, as of its 2025 migrations;
-- site_id and import_id here as there), so every importer writes the same rows, Teller's
-- export writes the same files and the query engine reads one schema. Columns are listed in
-- server/core/imports/tables.ts. A dimension without a value is '' (Plausible's empty
-- string); metrics are whole numbers. Rows of an import whose status is not 'complete' are
-- never counted. D1 rules: no PRAGMA, no BEGIN/COMMIT.

CREATE TABLE imports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('plausible', 'wp-statistics')),
  file_name TEXT NOT NULL,
  -- sha256 of the uploaded bytes, hex: the same file is not imported twice into a site.
  file_hash TEXT NOT NULL,
  -- Site-local days (YYYY-MM-DD) of the rows stored; NULL while loading or when none.
  first_day TEXT,
  last_day TEXT,
  day_count INTEGER NOT NULL DEFAULT 0,
  row_count INTEGER NOT NULL DEFAULT 0,
  -- 'loading' until every row is stored; a 'loading' import left by a crash is removed.
  status TEXT NOT NULL CHECK (status IN ('loading', 'complete')),
  -- What was left out and why (days clipped before the site's own data), or NULL.
  note TEXT,
  created_at INTEGER NOT NULL,
  -- Unix seconds of the last chunk stored: a 'loading' import not touched for a while was
  -- left by a crash (imports/store.ts removes it).
  updated_at INTEGER NOT NULL,
  -- The user's email, or 'cli' / 'api'.
  created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX imports_site_hash ON imports (site_id, file_hash);

CREATE TABLE imported_visitors (
  site_id INTEGER NOT NULL,
  import_id INTEGER NOT NULL,
  date TEXT NOT NULL,
  visitors INTEGER NOT NULL DEFAULT 0,
  pageviews INTEGER NOT NULL DEFAULT 0,
  bounces INTEGER NOT NULL DEFAULT 0,
  visits INTEGER NOT NULL DEFAULT 0,
  visit_duration INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imported_visitors_site_date ON imported_visitors (site_id, date);
CREATE INDEX imported_visitors_import ON imported_visitors (import_id);

CREATE TABLE imported_sources (
  site_id INTEGER NOT NULL,
  import_id INTEGER NOT NULL,
  date TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  referrer TEXT NOT NULL DEFAULT '',
  utm_source TEXT NOT NULL DEFAULT '',
  utm_medium TEXT NOT NULL DEFAULT '',
  utm_campaign TEXT NOT NULL DEFAULT '',
  utm_content TEXT NOT NULL DEFAULT '',
  utm_term TEXT NOT NULL DEFAULT '',
  pageviews INTEGER NOT NULL DEFAULT 0,
  visitors INTEGER NOT NULL DEFAULT 0,
  visits INTEGER NOT NULL DEFAULT 0,
  visit_duration INTEGER NOT NULL DEFAULT 0,
  bounces INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imported_sources_site_date ON imported_sources (site_id, date);
CREATE INDEX imported_sources_import ON imported_sources (import_id);

CREATE TABLE imported_pages (
  site_id INTEGER NOT NULL,
  import_id INTEGER NOT NULL,
  date TEXT NOT NULL,
  hostname TEXT NOT NULL DEFAULT '',
  page TEXT NOT NULL DEFAULT '',
  visits INTEGER NOT NULL DEFAULT 0,
  visitors INTEGER NOT NULL DEFAULT 0,
  pageviews INTEGER NOT NULL DEFAULT 0,
  exits INTEGER NOT NULL DEFAULT 0,
  total_scroll_depth INTEGER NOT NULL DEFAULT 0,
  total_scroll_depth_visits INTEGER NOT NULL DEFAULT 0,
  total_time_on_page INTEGER NOT NULL DEFAULT 0,
  total_time_on_page_visits INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imported_pages_site_date ON imported_pages (site_id, date);
CREATE INDEX imported_pages_import ON imported_pages (import_id);

CREATE TABLE imported_entry_pages (
  site_id INTEGER NOT NULL,
  import_id INTEGER NOT NULL,
  date TEXT NOT NULL,
  entry_page TEXT NOT NULL DEFAULT '',
  visitors INTEGER NOT NULL DEFAULT 0,
  entrances INTEGER NOT NULL DEFAULT 0,
  visit_duration INTEGER NOT NULL DEFAULT 0,
  bounces INTEGER NOT NULL DEFAULT 0,
  pageviews INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imported_entry_pages_site_date ON imported_entry_pages (site_id, date);
CREATE INDEX imported_entry_pages_import ON imported_entry_pages (import_id);

CREATE TABLE imported_exit_pages (
  site_id INTEGER NOT NULL,
  import_id INTEGER NOT NULL,
  date TEXT NOT NULL,
  exit_page TEXT NOT NULL DEFAULT '',
  visitors INTEGER NOT NULL DEFAULT 0,
  visit_duration INTEGER NOT NULL DEFAULT 0,
  exits INTEGER NOT NULL DEFAULT 0,
  bounces INTEGER NOT NULL DEFAULT 0,
  pageviews INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imported_exit_pages_site_date ON imported_exit_pages (site_id, date);
CREATE INDEX imported_exit_pages_import ON imported_exit_pages (import_id);

-- city: Plausible's GeoNames id (0: none); city_name: Teller's own, for sources that give
-- the city's name (WP Statistics), '' otherwise.
CREATE TABLE imported_locations (
  site_id INTEGER NOT NULL,
  import_id INTEGER NOT NULL,
  date TEXT NOT NULL,
  country TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  city INTEGER NOT NULL DEFAULT 0,
  city_name TEXT NOT NULL DEFAULT '',
  visitors INTEGER NOT NULL DEFAULT 0,
  visits INTEGER NOT NULL DEFAULT 0,
  visit_duration INTEGER NOT NULL DEFAULT 0,
  bounces INTEGER NOT NULL DEFAULT 0,
  pageviews INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imported_locations_site_date ON imported_locations (site_id, date);
CREATE INDEX imported_locations_import ON imported_locations (import_id);

CREATE TABLE imported_devices (
  site_id INTEGER NOT NULL,
  import_id INTEGER NOT NULL,
  date TEXT NOT NULL,
  device TEXT NOT NULL DEFAULT '',
  visitors INTEGER NOT NULL DEFAULT 0,
  visits INTEGER NOT NULL DEFAULT 0,
  visit_duration INTEGER NOT NULL DEFAULT 0,
  bounces INTEGER NOT NULL DEFAULT 0,
  pageviews INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imported_devices_site_date ON imported_devices (site_id, date);
CREATE INDEX imported_devices_import ON imported_devices (import_id);

CREATE TABLE imported_browsers (
  site_id INTEGER NOT NULL,
  import_id INTEGER NOT NULL,
  date TEXT NOT NULL,
  browser TEXT NOT NULL DEFAULT '',
  browser_version TEXT NOT NULL DEFAULT '',
  visitors INTEGER NOT NULL DEFAULT 0,
  visits INTEGER NOT NULL DEFAULT 0,
  visit_duration INTEGER NOT NULL DEFAULT 0,
  bounces INTEGER NOT NULL DEFAULT 0,
  pageviews INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imported_browsers_site_date ON imported_browsers (site_id, date);
CREATE INDEX imported_browsers_import ON imported_browsers (import_id);

CREATE TABLE imported_operating_systems (
  site_id INTEGER NOT NULL,
  import_id INTEGER NOT NULL,
  date TEXT NOT NULL,
  operating_system TEXT NOT NULL DEFAULT '',
  operating_system_version TEXT NOT NULL DEFAULT '',
  visitors INTEGER NOT NULL DEFAULT 0,
  visits INTEGER NOT NULL DEFAULT 0,
  visit_duration INTEGER NOT NULL DEFAULT 0,
  bounces INTEGER NOT NULL DEFAULT 0,
  pageviews INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imported_operating_systems_site_date ON imported_operating_systems (site_id, date);
CREATE INDEX imported_operating_systems_import ON imported_operating_systems (import_id);

CREATE TABLE imported_custom_events (
  site_id INTEGER NOT NULL,
  import_id INTEGER NOT NULL,
  date TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  link_url TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL DEFAULT '',
  visitors INTEGER NOT NULL DEFAULT 0,
  events INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imported_custom_events_site_date ON imported_custom_events (site_id, date);
CREATE INDEX imported_custom_events_import ON imported_custom_events (import_id);

-- Teller's own: Plausible has no such table (its imports answer only the url and path
-- properties, from imported_custom_events). A custom event's property and value per day.
CREATE TABLE imported_custom_props (
  site_id INTEGER NOT NULL,
  import_id INTEGER NOT NULL,
  date TEXT NOT NULL,
  property TEXT NOT NULL DEFAULT '',
  value TEXT NOT NULL DEFAULT '',
  visitors INTEGER NOT NULL DEFAULT 0,
  events INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imported_custom_props_site_date ON imported_custom_props (site_id, date);
CREATE INDEX imported_custom_props_import ON imported_custom_props (import_id);
