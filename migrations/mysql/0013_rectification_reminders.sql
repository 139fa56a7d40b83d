-- The reminders a rectification (整改) got: 到期提醒, 超期提醒, each 催办, and 督办 at each level
-- (n is the level). The unique key makes each go out once per item and stage, whichever worker
-- or retry gets there first; their notifications and deliveries are those of tickets.
CREATE TABLE IF NOT EXISTS rectification_reminders (
  id               BIGINT      NOT NULL AUTO_INCREMENT,
  rectification_id BIGINT      NOT NULL,
  stage            VARCHAR(16) NOT NULL,
  n                INT         NOT NULL,
  sent_at          DATETIME    NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_rectification_reminders_stage (rectification_id, stage, n)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
