-- Teller schema, applied by both the Node migrator and `wrangler d1 migrations apply`.
-- D1 rules: no PRAGMA, no BEGIN/COMMIT. No foreign keys: site removal deletes explicitly,
-- because D1 enforces foreign keys and cascades would meter every row twice.

CREATE TABLE sites (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  domain TEXT NOT NULL UNIQUE,
  timezone TEXT NOT NULL DEFAULT 'Etc/UTC',
  -- NULL means the instance default (TELLER_IP_STORAGE).
  ip_storage TEXT CHECK (ip_storage IN ('truncated', 'none')),
  -- Days of raw events (visits, events) to keep; NULL keeps them forever.
  retention_days INTEGER,
  -- JSON arrays of strings.
  excluded_ips TEXT NOT NULL DEFAULT '[]',
  excluded_paths TEXT NOT NULL DEFAULT '[]',
  allowed_hostnames TEXT NOT NULL DEFAULT '[]',
  search_params TEXT NOT NULL DEFAULT '["s","q","search","query"]',
  created_at INTEGER NOT NULL
);

-- One random salt per site-local day; rows older than yesterday are deleted.
CREATE TABLE salts (
  site_id INTEGER NOT NULL,
  day TEXT NOT NULL,
  salt TEXT NOT NULL,
  PRIMARY KEY (site_id, day)
) WITHOUT ROWID;

-- A visit: events of one visitor hash with no gap longer than 30 minutes.
-- Attributes come from the visit's first event. Times are Unix seconds (UTC).
CREATE TABLE visits (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL,
  visitor INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  pageviews INTEGER NOT NULL DEFAULT 0,
  events INTEGER NOT NULL DEFAULT 0,
  entry_page TEXT,
  exit_page TEXT,
  hostname TEXT,
  referrer TEXT,
  source TEXT,
  channel TEXT NOT NULL,
  search_engine TEXT,
  search_keyword TEXT,
  utm_source TEXT,
  utm_medium TEXT,
  utm_campaign TEXT,
  utm_term TEXT,
  utm_content TEXT,
  country TEXT,
  browser TEXT,
  browser_version TEXT,
  os TEXT,
  os_version TEXT,
  device TEXT,
  -- Truncated (IPv4 /24, IPv6 /48) or NULL; never the full address.
  ip TEXT
);
CREATE INDEX visits_open ON visits (site_id, visitor, ended_at);
CREATE INDEX visits_site_started ON visits (site_id, started_at);

-- Pageviews and interactive custom events. Engagement events only extend their visit.
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL,
  visit_id INTEGER NOT NULL,
  visitor INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  name TEXT NOT NULL,
  hostname TEXT NOT NULL,
  path TEXT NOT NULL,
  site_search TEXT,
  revenue_amount TEXT,
  revenue_currency TEXT
);
CREATE INDEX events_site_ts ON events (site_id, ts);
CREATE INDEX events_visit ON events (visit_id);

CREATE TABLE event_props (
  event_id INTEGER NOT NULL,
  site_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (event_id, key)
) WITHOUT ROWID;
CREATE INDEX event_props_site_key ON event_props (site_id, key, value);

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- Stats API bearer tokens, stored as SHA-256 hashes. site_id NULL means an admin token.
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash TEXT NOT NULL UNIQUE,
  site_id INTEGER,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
CREATE INDEX tokens_site ON tokens (site_id);
