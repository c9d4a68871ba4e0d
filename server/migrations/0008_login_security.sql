-- Address blocks that have logged in to an account: while an account is under attack from
-- many places, these may still try, so nobody can lock the owner out by failing on purpose.
-- Only the SHA-256 of "<e-mail>|<truncated address>" is kept, never an address.
-- login_failures now counts attempts (taken back on success), keyed 'pair:', 'addr:',
-- 'email:' and 'setup:'.
CREATE TABLE login_known_blocks (
  key_hash TEXT PRIMARY KEY,
  last_success_at INTEGER NOT NULL
) WITHOUT ROWID;
