-- The dashboard: roles, sessions, viewers' sites, shared links, annotations, login
-- throttling and listable Stats API tokens.
-- D1 rules: no PRAGMA, no BEGIN/COMMIT. No foreign keys: user and site removal delete
-- their rows explicitly.

-- Users made before roles existed (`teller user add`) are owners.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'owner' CHECK (role IN ('owner', 'viewer'));

-- A login session. Only the SHA-256 of the cookie's random id is stored, so a copy of the
-- database cannot be used to log in. Expired sessions are deleted when presented.
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  -- Updated at most once an hour; a session idle for 30 days has ended.
  last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

-- The sites a viewer may read (owners read every site).
CREATE TABLE user_sites (
  user_id INTEGER NOT NULL,
  site_id INTEGER NOT NULL,
  PRIMARY KEY (user_id, site_id)
) WITHOUT ROWID;
CREATE INDEX user_sites_site ON user_sites (site_id);

-- At most one read-only shared link per site; its token is stored only as a hash.
CREATE TABLE shared_links (
  site_id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  -- The first characters of the token, to recognise it in the settings.
  prefix TEXT NOT NULL,
  show_visits INTEGER NOT NULL DEFAULT 0,
  embeddable INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

-- Notes the owner puts on a site-local day of the chart.
CREATE TABLE annotations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id INTEGER NOT NULL,
  day TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX annotations_site_day ON annotations (site_id, day);

-- Failed logins per key ('email:<address>' or 'addr:<truncated IP>') in a fixed window.
-- In the database so every Workers isolate sees the same counts; never a full IP.
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start INTEGER NOT NULL
) WITHOUT ROWID;

-- The first characters of each Stats API token (`tlr_AbCd1234`), so tokens can be listed.
ALTER TABLE tokens ADD COLUMN prefix TEXT;
