-- A site's first-party proxy secret (issue 22): the site's own origin (the WordPress
-- plugin's REST route) forwards events and names the visitor's address, which Teller
-- believes only from a request carrying this secret. Kept as a SHA-256 hash, as tokens are;
-- a site has none until one is made, and at most one. D1 rules: no PRAGMA, no BEGIN/COMMIT.

CREATE TABLE proxy_secrets (
  site_id INTEGER PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
