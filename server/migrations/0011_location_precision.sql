-- How precisely each site keeps where its visitors are: 'country', 'region' (the default:
-- country plus ISO 3166-2 region) or 'city' (ingest/location.ts). Applied by wrangler on D1
-- too, so no PRAGMA and no BEGIN/COMMIT here.
ALTER TABLE sites ADD COLUMN location_precision TEXT NOT NULL DEFAULT 'region'
  CHECK (location_precision IN ('country', 'region', 'city'));
