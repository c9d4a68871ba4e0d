-- Top Pages from the rollups: the events rollups gain rows of their own ('event:page|pageview')
-- counting page views alone by page, built with every day, month and preset range from now
-- on (server/core/rollups.ts). A database rolled up before has none for its days: they
-- are held from `pageview_pages_from` on, and maintenance builds them back from the raw
-- rows a few days a pass, down to the first rolled-up day that retention has kept raw
-- (server/core/pageview-pages.ts). Until then the planner reads the rest of a period as before.
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.

ALTER TABLE rollup_state ADD COLUMN pageview_pages_from TEXT;

-- Days rolled up so far lack the rows; the next day rolled up is the first to have them.
UPDATE rollup_state SET pageview_pages_from = date(days_through, '+1 day');
