-- Filtered queries read raw visits, and D1 bills every row a query steps over, matching or
-- not: with only (site_id, started_at), a country filter reads every visit of the period.
-- This index lets it read only the visits of the countries asked for. It costs one more row
-- written per new visit and none per further event, because a visit's country and start
-- never change. See docs/deploy-workers.md, "What a dashboard view costs in D1 rows read".
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.
CREATE INDEX visits_site_country ON visits (site_id, country, started_at);
