-- Why the latest events of a site were not counted, so the owner sees it where they look
-- (the add-site check) instead of only in a response header. One row per site and reason,
-- rewritten at most once a minute: the page's hostname and when, nothing about the visitor.
CREATE TABLE drop_notes (
  site_id INTEGER NOT NULL,
  reason TEXT NOT NULL,
  hostname TEXT NOT NULL,
  seen_at INTEGER NOT NULL,
  PRIMARY KEY (site_id, reason)
) WITHOUT ROWID;
