-- Alerts (issue 24): per site, "no events for N hours", a traffic spike and "tracking is
-- back", sent by e-mail and/or to a webhook. The rules are in server/core/alerts/rules.ts
-- and docs/reports.md#alerts. A site without a settings row has the defaults: no-events on
-- (24 hours), spike off, "back" on, mail to the instance's owners, no webhook.
-- Settings are kept by a reset and deleted with the site (store/site-days.ts).
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.

CREATE TABLE alert_settings (
  site_id INTEGER PRIMARY KEY,
  no_events INTEGER NOT NULL DEFAULT 1 CHECK (no_events IN (0, 1)),
  no_events_hours INTEGER NOT NULL DEFAULT 24 CHECK (no_events_hours BETWEEN 1 AND 168),
  spike INTEGER NOT NULL DEFAULT 0 CHECK (spike IN (0, 1)),
  -- Visitors in one hour at or above which a spike is alerted; NULL: no absolute threshold.
  spike_visitors INTEGER CHECK (spike_visitors IS NULL OR spike_visitors >= 1),
  -- k: a spike is k times the usual visitors of that hour of the day; NULL: no such rule.
  spike_factor REAL CHECK (spike_factor IS NULL OR spike_factor >= 1.5),
  back INTEGER NOT NULL DEFAULT 1 CHECK (back IN (0, 1)),
  -- JSON array of addresses; NULL: the instance's owners.
  emails TEXT,
  -- '' for none.
  webhook_url TEXT NOT NULL DEFAULT '',
  -- Language of the messages.
  lang TEXT NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'nb')),
  updated_at INTEGER NOT NULL
);

-- What the checker remembers per site between ticks.
CREATE TABLE alert_state (
  site_id INTEGER PRIMARY KEY,
  -- The last event's time (Unix seconds) when a no-events alert went out; NULL: no silence alerted.
  silent_since INTEGER,
  -- Start (Unix seconds) of the last whole hour the spike rule has looked at.
  spike_hour INTEGER
);

-- One row per alert raised, written before anything is sent: at most one of each kind per
-- site in any 12 hours (the insert itself checks, so two ticks at once cannot both send).
CREATE TABLE alert_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('no_events', 'spike', 'back', 'test')),
  created_at INTEGER NOT NULL,
  -- A random token of the check that raised it: the rows that same batch writes find it by.
  raised_by TEXT NOT NULL UNIQUE,
  -- The message's facts as JSON, so a retry sends the same message.
  facts TEXT NOT NULL
);
CREATE INDEX alert_log_site_kind ON alert_log (site_id, kind, created_at);

-- Each alert's sends, one per channel ('webhook' or 'mail:<address>'): 'pending' while being
-- sent (a crash leaves it so: never sent twice), then 'sent' or 'failed' (tried again on
-- later ticks while the alert is under 12 hours old, a few times at most).
CREATE TABLE alert_deliveries (
  alert_id INTEGER NOT NULL,
  site_id INTEGER NOT NULL,
  channel TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (alert_id, channel)
);
CREATE INDEX alert_deliveries_status ON alert_deliveries (status, updated_at);
