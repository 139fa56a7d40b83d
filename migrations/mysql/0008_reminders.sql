-- Reminders and notifications. A reminders row records that a stage (due-soon, overdue, the nth
-- 催办, ...) of a ticket went out for one version of its deadline: the unique key is what makes
-- each reminder go out once, whatever Redis did. Notifications are the in-app inbox; deliveries
-- are the e-mails and webhook posts, each with its outcome.
CREATE TABLE IF NOT EXISTS reminders (
  id          BIGINT      NOT NULL AUTO_INCREMENT,
  ticket_id   BIGINT      NOT NULL,
  stage       VARCHAR(16) NOT NULL,
  n           INT         NOT NULL,
  version     BIGINT      NOT NULL,
  sent_at     DATETIME    NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_reminders_stage (ticket_id, stage, n, version),
  KEY ix_reminders_sent (sent_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS notifications (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  user_id     BIGINT       NOT NULL,
  ticket_id   BIGINT       NULL,
  reminder_id BIGINT       NULL,
  kind        VARCHAR(24)  NOT NULL,
  title       VARCHAR(200) NOT NULL,
  body        TEXT         NOT NULL,
  link        VARCHAR(255) NOT NULL DEFAULT '',
  created_at  DATETIME     NOT NULL,
  read_at     DATETIME     NULL,
  PRIMARY KEY (id),
  KEY ix_notifications_user (user_id, read_at, id),
  KEY ix_notifications_reminder (reminder_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS deliveries (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  reminder_id BIGINT       NULL,
  ticket_id   BIGINT       NULL,
  channel     VARCHAR(16)  NOT NULL,
  target      VARCHAR(512) NOT NULL,
  subject     VARCHAR(200) NOT NULL,
  body        TEXT         NOT NULL,
  status      VARCHAR(16)  NOT NULL,
  attempts    INT          NOT NULL DEFAULT 0,
  last_error  TEXT         NULL,
  created_at  DATETIME     NOT NULL,
  updated_at  DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY ix_deliveries_status (status, updated_at),
  KEY ix_deliveries_reminder (reminder_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS webhooks (
  id         BIGINT       NOT NULL AUTO_INCREMENT,
  unit_id    BIGINT       NULL,
  region_id  BIGINT       NULL,
  url        VARCHAR(512) NOT NULL,
  created_at DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY ix_webhooks_unit (unit_id),
  KEY ix_webhooks_region (region_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE tickets ADD COLUMN supervise_level INT NOT NULL DEFAULT 0;
