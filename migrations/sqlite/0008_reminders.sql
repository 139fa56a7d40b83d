-- Reminders and notifications. A reminders row records that a stage (due-soon, overdue, the nth
-- 催办, ...) of a ticket went out for one version of its deadline: the unique key is what makes
-- each reminder go out once, whatever Redis did. Notifications are the in-app inbox; deliveries
-- are the e-mails and webhook posts, each with its outcome.
CREATE TABLE IF NOT EXISTS reminders (
  id          INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  ticket_id   INTEGER  NOT NULL,
  stage       TEXT     NOT NULL,
  n           INTEGER  NOT NULL,
  version     INTEGER  NOT NULL,
  sent_at     DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_reminders_stage ON reminders (ticket_id, stage, n, version);
CREATE INDEX IF NOT EXISTS ix_reminders_sent ON reminders (sent_at);

CREATE TABLE IF NOT EXISTS notifications (
  id          INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  user_id     INTEGER  NOT NULL,
  ticket_id   INTEGER  NULL,
  reminder_id INTEGER  NULL,
  kind        TEXT     NOT NULL,
  title       TEXT     NOT NULL,
  body        TEXT     NOT NULL,
  link        TEXT     NOT NULL DEFAULT '',
  created_at  DATETIME NOT NULL,
  read_at     DATETIME NULL
);
CREATE INDEX IF NOT EXISTS ix_notifications_user ON notifications (user_id, read_at, id);
CREATE INDEX IF NOT EXISTS ix_notifications_reminder ON notifications (reminder_id);

CREATE TABLE IF NOT EXISTS deliveries (
  id          INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  reminder_id INTEGER  NULL,
  ticket_id   INTEGER  NULL,
  channel     TEXT     NOT NULL,
  target      TEXT     NOT NULL,
  subject     TEXT     NOT NULL,
  body        TEXT     NOT NULL,
  status      TEXT     NOT NULL,
  attempts    INTEGER  NOT NULL DEFAULT 0,
  last_error  TEXT     NULL,
  created_at  DATETIME NOT NULL,
  updated_at  DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_deliveries_status ON deliveries (status, updated_at);
CREATE INDEX IF NOT EXISTS ix_deliveries_reminder ON deliveries (reminder_id);

CREATE TABLE IF NOT EXISTS webhooks (
  id         INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  unit_id    INTEGER  NULL,
  region_id  INTEGER  NULL,
  url        TEXT     NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_webhooks_unit ON webhooks (unit_id);
CREATE INDEX IF NOT EXISTS ix_webhooks_region ON webhooks (region_id);

ALTER TABLE tickets ADD COLUMN supervise_level INTEGER NOT NULL DEFAULT 0;
