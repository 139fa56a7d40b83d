-- The automated inspection: rounds (scheduled or on demand) with their progress, one result per
-- site and round with its verdict and score, and the findings with their evidence. A finding's
-- key stays the same from round to round, so a person's confirm or dismiss carries over.
CREATE TABLE IF NOT EXISTS inspection_rounds (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  region_id INTEGER NULL,
  started_by INTEGER NULL,
  sites_total INTEGER NOT NULL DEFAULT 0,
  sites_done INTEGER NOT NULL DEFAULT 0,
  sites_failed INTEGER NOT NULL DEFAULT 0,
  created_at DATETIME NOT NULL,
  finished_at DATETIME NULL
);
CREATE INDEX IF NOT EXISTS ix_inspection_rounds_created ON inspection_rounds (created_at);

CREATE TABLE IF NOT EXISTS inspection_results (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  round_id INTEGER NOT NULL,
  website_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  verdict TEXT NOT NULL DEFAULT '',
  score REAL NOT NULL DEFAULT 0,
  pages INTEGER NOT NULL DEFAULT 0,
  links INTEGER NOT NULL DEFAULT 0,
  stopped TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  started_at DATETIME NULL,
  finished_at DATETIME NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_inspection_results_round_site ON inspection_results (round_id, website_id);
CREATE INDEX IF NOT EXISTS ix_inspection_results_site ON inspection_results (website_id, finished_at);

CREATE TABLE IF NOT EXISTS inspection_findings (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  round_id INTEGER NULL,
  website_id INTEGER NULL,
  account_id INTEGER NULL,
  import_id INTEGER NULL,
  type TEXT NOT NULL,
  indicator TEXT NOT NULL,
  url TEXT NOT NULL,
  target TEXT NOT NULL,
  page TEXT NOT NULL,
  evidence TEXT NOT NULL,
  veto BOOLEAN NOT NULL DEFAULT FALSE,
  warning BOOLEAN NOT NULL DEFAULT FALSE,
  suspected BOOLEAN NOT NULL DEFAULT FALSE,
  points REAL NOT NULL DEFAULT 0,
  finding_key TEXT NOT NULL,
  seen_at DATETIME NOT NULL,
  status TEXT NOT NULL,
  decided_by INTEGER NULL,
  decided_at DATETIME NULL,
  ticket_id INTEGER NULL
);
CREATE INDEX IF NOT EXISTS ix_inspection_findings_round_site ON inspection_findings (round_id, website_id);
CREATE INDEX IF NOT EXISTS ix_inspection_findings_site_key ON inspection_findings (website_id, finding_key, status);
CREATE INDEX IF NOT EXISTS ix_inspection_findings_account_key ON inspection_findings (account_id, finding_key, status);
CREATE INDEX IF NOT EXISTS ix_inspection_findings_import ON inspection_findings (import_id);

-- Availability probes of each site's homepage (站点无法访问: a week of at least 20 a day).
CREATE TABLE IF NOT EXISTS availability_probes (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  website_id INTEGER NOT NULL,
  at DATETIME NOT NULL,
  ok BOOLEAN NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS ix_availability_probes_site_at ON availability_probes (website_id, at);

-- 政务新媒体: every 开设, 变更, 关停 and 注销 filed (报备) with its date, and the results imported
-- from the monitoring vendors' sheets, one row per account and import.
CREATE TABLE IF NOT EXISTS media_account_events (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  filed_on TEXT NOT NULL,
  note TEXT NOT NULL,
  actor_id INTEGER NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_media_account_events_account ON media_account_events (account_id, filed_on);

CREATE TABLE IF NOT EXISTS media_account_imports (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  filename TEXT NOT NULL,
  imported_by INTEGER NULL,
  imported_at DATETIME NOT NULL,
  accounts INTEGER NOT NULL DEFAULT 0,
  findings INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS media_account_results (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  import_id INTEGER NOT NULL,
  account_id INTEGER NULL,
  name TEXT NOT NULL,
  platform TEXT NOT NULL,
  unit_name TEXT NOT NULL DEFAULT '',
  filed_status TEXT NOT NULL DEFAULT '',
  last_post DATETIME NULL,
  interaction BOOLEAN NOT NULL DEFAULT FALSE,
  reported_online BOOLEAN NOT NULL DEFAULT FALSE,
  menu_links TEXT NOT NULL,
  recent_posts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_media_account_results_import ON media_account_results (import_id);
CREATE INDEX IF NOT EXISTS ix_media_account_results_account ON media_account_results (account_id);

-- Citizens' reports meet the inspector: the reported page fetched on arrival, and again when the
-- unit replies, so the reviewer sees whether the fault is gone.
CREATE TABLE IF NOT EXISTS ticket_page_checks (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  ticket_id INTEGER NOT NULL,
  purpose TEXT NOT NULL,
  url TEXT NOT NULL,
  at DATETIME NOT NULL,
  ok BOOLEAN NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  text_hash TEXT NOT NULL DEFAULT '',
  duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_ticket_page_checks_ticket_purpose ON ticket_page_checks (ticket_id, purpose);
