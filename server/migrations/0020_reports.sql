-- Scheduled reports (issue 24): per site a weekly and/or monthly report by e-mail to chosen
-- dashboard users and outside addresses, each in bokmål or English, each able to
-- unsubscribe with a signed link. A schedule is a setting: a reset keeps it, removing the
-- site deletes it (store/site-days.ts). D1 rules: no PRAGMA, no BEGIN/COMMIT.

-- One row per site with reports set up. `*_since` is when that report was switched on
-- (Unix seconds, NULL while off): a period due before it is not sent. The logo is the
-- operator's (the name is sites.operator), a small PNG, JPEG or GIF as base64, sent
-- inline with each mail. `origin` is the address the dashboard was reached at when the
-- owner last saved, for unsubscribe links when TELLER_PUBLIC_URL is unset.
CREATE TABLE report_settings (
  site_id INTEGER PRIMARY KEY,
  weekly_since INTEGER,
  monthly_since INTEGER,
  logo_type TEXT,
  logo_base64 TEXT,
  origin TEXT,
  updated_at INTEGER NOT NULL,
  CHECK ((logo_type IS NULL) = (logo_base64 IS NULL))
);

-- Who receives a site's reports: a dashboard user (by id, so a changed address follows
-- the account) or an outside address (email, lower-case). `unsubscribed_at` is set by the
-- recipient's one-click link; the owner sees it and the row stays so the link keeps
-- answering. The scheduler skips a user who no longer exists or may no longer see the site.
CREATE TABLE report_recipients (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id INTEGER NOT NULL,
  user_id INTEGER,
  email TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL CHECK (lang IN ('nb', 'en')),
  unsubscribed_at INTEGER,
  created_at INTEGER NOT NULL,
  CHECK ((user_id IS NULL) <> (email = ''))
);
CREATE UNIQUE INDEX report_recipients_user ON report_recipients (site_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX report_recipients_email ON report_recipients (site_id, email) WHERE user_id IS NULL;

-- A report claimed for sending, written BEFORE the mail goes out: the primary key makes
-- the claim succeed once, so a restart or a second isolate never sends a period twice.
-- A send that failed keeps its row with `error` (the mail server may have taken it).
CREATE TABLE report_sent (
  site_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('week', 'month')),
  period_start TEXT NOT NULL,
  recipient TEXT NOT NULL,
  claimed_at INTEGER NOT NULL,
  sent_at INTEGER,
  error TEXT,
  PRIMARY KEY (site_id, kind, period_start, recipient)
);

-- Secrets the server keeps for itself, made on first use (reports/unsubscribe.ts: the HMAC
-- key of unsubscribe links). Never shown, never sent.
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
