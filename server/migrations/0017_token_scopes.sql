-- What a site token may do (issue 22: the WordPress plugin's token), a comma-separated
-- subset of stats, privacy, share, proxy, import (server/core/tokens.ts SCOPES). Tokens
-- made before scopes existed read their site's statistics only, which is what they could
-- do before: the default. Admin tokens (site_id NULL) may do everything; their value is
-- not read. D1 rules: no PRAGMA, no BEGIN/COMMIT.
ALTER TABLE tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'stats';
