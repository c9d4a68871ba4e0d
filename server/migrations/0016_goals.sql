-- Goals (issue 23): definitions over a site's stored events, so they count all history.
-- A goal is a pageview goal (page_path, with Plausible's `*`/`**` wildcards) or a custom
-- event goal (event_name, optionally one property value and a revenue currency). Unused
-- fields are '' rather than NULL so the unique index below sees equal definitions as equal.
-- A goal is a setting: a reset keeps it, removing the site deletes it (store/site-days.ts).
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.

CREATE TABLE goals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('page', 'event')),
  page_path TEXT NOT NULL DEFAULT '',
  event_name TEXT NOT NULL DEFAULT '',
  prop_key TEXT NOT NULL DEFAULT '',
  prop_value TEXT NOT NULL DEFAULT '',
  -- ISO 4217 code of a revenue goal, or '' (event goals only).
  currency TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL,
  -- The owner's order (0 first); reordering rewrites it.
  position INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  CHECK ((kind = 'page' AND page_path <> '' AND event_name = '' AND prop_key = '' AND currency = '')
      OR (kind = 'event' AND event_name <> '' AND page_path = '')),
  CHECK ((prop_key = '') = (prop_value = ''))
);
CREATE UNIQUE INDEX goals_definition ON goals (site_id, kind, page_path, event_name, prop_key, prop_value);
CREATE UNIQUE INDEX goals_display_name ON goals (site_id, display_name);
CREATE INDEX goals_site_position ON goals (site_id, position);
