-- Where a visitor was, below the country (ingest/location.ts, as precise as the site's
-- location_precision allows): the ISO 3166-2 region code (`NO-03`), its English name and
-- the city's name. Applied by wrangler on D1 too, so no PRAGMA and no BEGIN/COMMIT here.
ALTER TABLE visits ADD COLUMN region TEXT;
ALTER TABLE visits ADD COLUMN region_name TEXT;
ALTER TABLE visits ADD COLUMN city_name TEXT;

-- Days rolled up before these columns existed hold no rows for the new dimensions. Every
-- visit of those days has none of them, so each day's (and month's, and ready range's)
-- answer is one '(not set)' row equal to its totals row: written here, the rollups answer
-- exactly as the raw rows do.
INSERT INTO rollup_visits (site_id, dimension, day, value, visitors, visits, bounces, duration, pageviews, events)
  SELECT site_id, d.dimension, day, '(not set)', visitors, visits, bounces, duration, pageviews, events
  FROM rollup_visits, (SELECT 'visit:region' AS dimension UNION ALL SELECT 'visit:region_name' UNION ALL SELECT 'visit:city_name') d
  WHERE rollup_visits.dimension = '';
INSERT INTO rollup_visits_monthly (site_id, dimension, month, value, visitors, visits, bounces, duration, pageviews, events)
  SELECT site_id, d.dimension, month, '(not set)', visitors, visits, bounces, duration, pageviews, events
  FROM rollup_visits_monthly, (SELECT 'visit:region' AS dimension UNION ALL SELECT 'visit:region_name' UNION ALL SELECT 'visit:city_name') d
  WHERE rollup_visits_monthly.dimension = '';
INSERT INTO rollup_range_visits (site_id, first_day, last_day, dimension, value, visitors, visits, bounces, duration, pageviews, events)
  SELECT site_id, first_day, last_day, d.dimension, '(not set)', visitors, visits, bounces, duration, pageviews, events
  FROM rollup_range_visits, (SELECT 'visit:region' AS dimension UNION ALL SELECT 'visit:region_name' UNION ALL SELECT 'visit:city_name') d
  WHERE rollup_range_visits.dimension = '';
