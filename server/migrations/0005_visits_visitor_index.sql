-- The open-visit lookup's index without ended_at. Extending a visit (most events) moves
-- ended_at, and with ended_at in the key that rewrote an index entry on every such event:
-- one more page in each commit's WAL, one more row written on D1. A visitor hash is new
-- every day, so the few visits one hash has are read and compared directly.
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.
DROP INDEX visits_open;
CREATE INDEX visits_visitor ON visits (site_id, visitor);
