-- Two-factor login (issue 24): TOTP (RFC 6238: 30 s steps, 6 digits, HMAC-SHA-1) per
-- dashboard account, single-use recovery codes, the short-lived state between the password
-- and the code, and the owner's "require two-factor login for every account".
-- D1 rules: no PRAGMA, no BEGIN/COMMIT. No foreign keys: deleting a user deletes these rows
-- explicitly (users.ts deleteUser).

-- A user's TOTP secret, in base32. It must be usable to compute codes, so it cannot be
-- hashed: what protects it is what protects the whole database (file permissions and
-- backups on Node, the Cloudflare account on Workers), and it is worth nothing without
-- the password, which is kept only as a PBKDF2 hash. enabled_at is NULL while an
-- enrolment waits for its first code. last_step is the time step (unix seconds / 30) of
-- the last code accepted: a code of that step or an earlier one is refused (replay).
CREATE TABLE two_factor (
  user_id INTEGER PRIMARY KEY,
  secret TEXT NOT NULL,
  enabled_at INTEGER,
  last_step INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

-- Ten recovery codes per user, each used once. Only a SHA-256 of the user id and the code
-- is kept (recovery-codes.ts says why a fast hash is enough for 80 random bits).
CREATE TABLE recovery_codes (
  user_id INTEGER NOT NULL,
  code_hash TEXT NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

-- A login that gave the right password and still owes its code ('code'), or must enrol
-- first because the owner requires two-factor login ('enrol'). Only the SHA-256 of the
-- cookie's random id is kept; it lives ten minutes and is no session.
CREATE TABLE login_pending (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  purpose TEXT NOT NULL CHECK (purpose IN ('code', 'enrol')),
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX login_pending_user ON login_pending (user_id);

-- Instance-wide login rules set by an owner: one row.
CREATE TABLE login_policy (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  require_two_factor INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
