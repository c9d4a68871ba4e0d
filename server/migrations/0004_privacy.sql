-- Privacy and data rights: who runs the server (named in the generated privacy text), and
-- how far a purge reached, so queries over a purged range answer as empty and say so.
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.

-- The person or organisation that runs this Teller server for the site (free text), or NULL.
ALTER TABLE sites ADD COLUMN operator TEXT;
-- Every site-local day before this one (YYYY-MM-DD) has been purged; NULL: never purged.
ALTER TABLE sites ADD COLUMN purged_before TEXT;
