-- The custom property names the owner confirmed for the privacy text. Anyone can send an
-- event with any property name, so the text lists only these, never a name merely received.
-- D1 rules: no PRAGMA, no BEGIN/COMMIT.

-- A JSON array of strings.
ALTER TABLE sites ADD COLUMN privacy_props TEXT NOT NULL DEFAULT '[]';
