-- Several named shared links per site, each revocable, optionally behind a password.
-- The old table (one link per site, keyed by site) is copied into the new one: every
-- existing link keeps working, named "Shared link".
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.
CREATE TABLE shared_links_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  -- Requests present the token; it is looked up by its SHA-256.
  token_hash TEXT NOT NULL UNIQUE,
  -- The token itself, kept so the owner can copy the address again. Stored in clear on
  -- purpose: it reads one site's statistics only, which whoever can read this database
  -- reads already, and encrypting it would need a server secret that Workers deployments
  -- do not have. NULL for links made before 0009 (only their hash was kept) and once revoked.
  token TEXT,
  -- The first characters of the token, to recognise it in the settings.
  prefix TEXT NOT NULL,
  show_visits INTEGER NOT NULL DEFAULT 0,
  embeddable INTEGER NOT NULL DEFAULT 0,
  -- PBKDF2 as users' passwords (auth/passwords.ts); NULL: no password.
  password_hash TEXT,
  created_at INTEGER NOT NULL,
  -- Moves at most once an hour.
  last_used_at INTEGER,
  -- A revoked link's row stays (hash and prefix only) so its address can say it was revoked.
  revoked_at INTEGER
);
INSERT INTO shared_links_new (site_id, name, token_hash, prefix, show_visits, embeddable, created_at)
  SELECT site_id, 'Shared link', token_hash, prefix, show_visits, embeddable, created_at FROM shared_links;
DROP TABLE shared_links;
ALTER TABLE shared_links_new RENAME TO shared_links;
CREATE INDEX shared_links_site ON shared_links (site_id);
