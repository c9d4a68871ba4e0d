-- Top Pages from the rollups: the events rollups gain rows of their own ('event:page|pageview')
-- counting page views alone by page, built with every day, month and preset range from now
-- on (server/core/rollups.ts). They are held from the day `pageview_pages_from` on, through
-- days_through. NULL, as here for a database rolled up before them, records none: maintenance
-- then builds them from the last rolled-up day back, a few days a pass, down to the first
-- rolled-up day whose raw events retention has kept (server/core/pageview-pages.ts); days
-- rolled up by the old code until it is replaced are built again that way too. Meanwhile the
-- planner reads the days without them as before.
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.

ALTER TABLE rollup_state ADD COLUMN pageview_pages_from TEXT;
