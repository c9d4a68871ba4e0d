-- The event-name index files each new event at the end of its name's entries. Keyed
-- (site_id, name, ts, visit_id), an event sorted by its visit among the events of the same
-- second, and a returning visitor's visit is an old id: at thousands of events a second each
-- group of events dirtied pages all over that second's entries (16 WAL pages per commit of
-- 64 in the realistic mix, docs/benchmarks.md "Ingest CPU per stored event"). With the
-- event's id before visit_id the entries of a name go in the order they are stored (about 7
-- pages), and the index still covers the visits a name filter finds (site_id, name, ts,
-- visit_id). Rebuilding it reads every event once; D1 bills one row written per event.
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.
DROP INDEX events_site_name;
CREATE INDEX events_site_name ON events (site_id, name, ts, id, visit_id);
