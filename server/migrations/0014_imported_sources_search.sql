-- Teller's own columns on imported_sources (Plausible's table has none of them), so imported
-- history answers channels, search engines and search words: worked out at import time by
-- the same classifier Teller's own visits go through (imports/acquisition.ts), or given by
-- the importer (WP Statistics' search words). '' when there is none. Teller's export writes
-- Plausible's columns only. Imports arrived in the same release (0013), so no row predates
-- these. Applied by wrangler on D1 too: no PRAGMA, no BEGIN/COMMIT.
ALTER TABLE imported_sources ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE imported_sources ADD COLUMN search_engine TEXT NOT NULL DEFAULT '';
ALTER TABLE imported_sources ADD COLUMN search_keyword TEXT NOT NULL DEFAULT '';
